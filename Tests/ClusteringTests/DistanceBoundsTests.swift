@testable import Clustering
import Foundation
import TensorCore
import TestSupport
import Testing

/// The bounded iterations (`.elkan`) against plain Lloyd from the same seeding: identical labels,
/// iteration counts, centres and inertia; and the incrementally kept cluster sums against sums
/// recomputed from the labels.
@Suite("k-means distance bounds")
struct DistanceBoundsTests {
    /// The first 300 MNIST test images scaled to [0, 1] (see Tests/Fixtures/README.md).
    static func mnist300() throws -> Tensor {
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/mnist-t10k-first300.u8")
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes.count == 300 * 784)
        return Tensor(shape: [300, 784], elements: bytes.map { Float($0) / 255 })
    }

    /// Ten Gaussian blobs (sd 1) whose centres are drawn with sd 3 in 8-D: overlapping, so that
    /// labels keep changing for many iterations and the bounds are exercised.
    static func overlappingBlobs(seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        let centres = (0..<10).map { _ in (0..<8).map { _ in generator.normal(mean: 0, standardDeviation: 3) } }
        let rows = (0..<600).map { i in centres[i % 10].map { $0 + generator.normal(mean: 0, standardDeviation: 1) } }
        return Tensor(rows: rows)
    }

    static func expectSameRun(_ data: Tensor, clusterCount: Int, seed: UInt64, tolerance: Double = 1e-4) throws {
        let plain = try KMeans(clusterCount: clusterCount, seed: seed, showsProgress: false, algorithm: .lloyd).fit(data)
        let bounded = try KMeans(clusterCount: clusterCount, seed: seed, showsProgress: false, algorithm: .elkan).fit(data)
        #expect(bounded.labels == plain.labels)
        #expect(bounded.iterations == plain.iterations)
        #expect(bounded.converged == plain.converged)
        #expect(bounded.inertia == plain.inertia)
        #expect(bounded.centroids == plain.centroids)
        // Many iterations, or the comparison says little.
        #expect(plain.iterations >= 3)
    }

    @Test(arguments: [0, 1, 2] as [UInt64])
    func sameRunAsLloydOnOverlappingBlobs(seed: UInt64) throws {
        try Self.expectSameRun(Self.overlappingBlobs(seed: seed), clusterCount: 10, seed: seed)
    }

    @Test func sameRunAsLloydWithToleranceStopAndFinalEStep() throws {
        let data = Self.overlappingBlobs(seed: 4)
        for tolerance in [1e-2, 1e-3] {
            let plain = try KMeans(clusterCount: 6, tolerance: tolerance, seed: 3, showsProgress: false, algorithm: .lloyd).fit(data)
            let bounded = try KMeans(clusterCount: 6, tolerance: tolerance, seed: 3, showsProgress: false, algorithm: .elkan).fit(data)
            #expect(bounded.labels == plain.labels && bounded.iterations == plain.iterations && bounded.inertia == plain.inertia)
        }
    }

    @Test func sameRunAsLloydOnMNISTSubset() throws {
        let data = try Self.mnist300()
        for seed: UInt64 in [0, 1] { try Self.expectSameRun(data, clusterCount: 10, seed: seed) }
    }

    /// One cluster: every point stays put after the first pass; the inertia is the total scatter.
    @Test func singleClusterIsTheMean() throws {
        let data = Self.overlappingBlobs(seed: 7)
        let result = try KMeans(clusterCount: 1, seed: 0, showsProgress: false).fit(data)
        let mean = data.mean(axis: 0)
        #expect(Set(result.labels) == [0] && result.iterations <= 2)
        #expect(TestSupport.isClose(result.centroids, mean.reshaped([1, 8]), tolerance: 1e-5))
        #expect(TestSupport.isClose(result.inertia, Double((data - mean).map { $0 * $0 }.sum()), tolerance: 1e-5))
    }

    /// Data far from the origin takes the centred path; results equal those of the shifted data.
    @Test func largeOffsetsTakeTheCentredPath() throws {
        let data = Self.overlappingBlobs(seed: 5)
        let shifted = data + 1000
        #expect(try !DataSummary(shifted).isNearlyCentered && DataSummary(data).isNearlyCentered)
        let near = try KMeans(clusterCount: 5, seed: 2, showsProgress: false).fit(data)
        let far = try KMeans(clusterCount: 5, seed: 2, showsProgress: false).fit(shifted)
        #expect(far.labels == near.labels)
        #expect(TestSupport.isClose(far.inertia, near.inertia, tolerance: 1e-3))
    }

    /// A centre placed far from every point empties its cluster in the first iteration: both
    /// algorithms re-seed it at the same farthest point and continue identically.
    @Test func emptyClusterReseedingMatchesLloyd() throws {
        let data = Self.overlappingBlobs(seed: 6)
        let rows = data.shape[0], columns = data.shape[1], k = 4
        var initial = Array(data.elements[0..<(k * columns)])
        for c in 0..<columns { initial[3 * columns + c] = 500 }
        let norms = SquaredDistances.rowNorms(data)
        let (plain, bounded) = data.withUnsafeBufferPointer { p in
            (KMeans.lloyd(p, rows: rows, columns: columns, norms: norms, centers: initial, clusterCount: k,
                          maximumIterations: 300, tolerance: 0) { _, _ in },
             KMeans.bounded(p, rows: rows, columns: columns, norms: norms, centers: initial, clusterCount: k,
                            maximumIterations: 300, tolerance: 0) { _, _ in })
        }
        #expect(bounded.labels == plain.labels && bounded.iterations == plain.iterations)
        #expect(bounded.centers == plain.centers && bounded.inertia == plain.inertia)
        #expect(Set(plain.labels).count == k)
    }

    /// After several bounded assignments, the kept sums and counts equal those recomputed from
    /// the labels, and the labels equal a full nearest-centre pass.
    @Test func incrementalSumsMatchRecomputation() throws {
        let data = try Self.mnist300()
        let rows = 300, columns = 784, k = 10
        let norms = SquaredDistances.rowNorms(data)
        var centers = Array(data.elements[0..<(k * columns)])
        let sparse = data.withUnsafeBufferPointer { SparseRows($0, rows: rows, columns: columns) }
        #expect(sparse != nil)   // MNIST is 81 % zeros: the sparse single distances are exercised
        let bounds = DistanceBounds(rows: rows, columns: columns, clusterCount: k, sparse: sparse)
        var shifts = [Double](repeating: 0, count: k)
        var fewestRecomputed = rows
        data.withUnsafeBufferPointer { p in
            for _ in 0..<6 {
                _ = bounds.assign(p, norms: norms, centers: centers, shifts: shifts)
                fewestRecomputed = min(fewestRecomputed, bounds.recomputed)
                var expectedSums = [Double](repeating: 0, count: k * columns), expectedCounts = [Int](repeating: 0, count: k)
                for i in 0..<rows {
                    let label = Int(bounds.labels[i])
                    expectedCounts[label] += 1
                    for c in 0..<columns { expectedSums[label * columns + c] += Double(p[i * columns + c]) }
                }
                #expect(bounds.sums.counts == expectedCounts)
                for i in 0..<(k * columns) { #expect(abs(bounds.sums.sums[i] - expectedSums[i]) < 1e-9) }
                var labels = [Int32](repeating: 0, count: rows), distances = [Float](repeating: 0, count: rows)
                labels.withUnsafeMutableBufferPointer { l in distances.withUnsafeMutableBufferPointer { d in
                    _ = NearestCenter.assign(p, rows: rows, columns: columns, norms: norms, centers: centers,
                                             clusterCount: k, labels: l, distances: d)
                } }
                #expect(labels == bounds.labels)
                let updated = KMeans.updatedCenters(p, columns: columns, labels: bounds.labels, distances: distances,
                                                    sums: bounds.sums, clusterCount: k, previous: centers)
                for j in 0..<k {
                    var total = 0.0
                    for c in 0..<columns { let d = Double(updated[j * columns + c]) - Double(centers[j * columns + c]); total += d * d }
                    shifts[j] = total.squareRoot()
                }
                centers = updated
            }
        }
        // After the first pass the bounds spare most points the distances to all centres.
        #expect(fewestRecomputed < rows / 2)
    }

    /// Sparse rows keep exactly the non-zeros; their dot products equal dense ones; dense data
    /// gets no sparse form.
    @Test func sparseRowsMatchTheDenseRows() throws {
        let data = try Self.mnist300()
        var generator = RandomGenerator(seed: 9)
        let dense = (0..<784).map { _ in generator.normal(mean: 0, standardDeviation: 1) }
        try data.withUnsafeBufferPointer { p in
            let sparse = try #require(SparseRows(p, rows: 300, columns: 784))
            let nonzeros = p.filter { $0 != 0 }.count
            #expect(sparse.offsets[300] == nonzeros)
            for r in [0, 1, 150, 299] {
                let expected = (0..<784).reduce(0.0) { $0 + Double(p[r * 784 + $1]) * Double(dense[$1]) }
                let found = dense.withUnsafeBufferPointer { Double(sparse.dot(row: r, $0.baseAddress!)) }
                #expect(abs(found - expected) <= 1e-5 * max(1, abs(expected)))
                let entries = sparse.offsets[r + 1] - sparse.offsets[r]
                #expect(entries == (0..<784).filter { p[r * 784 + $0] != 0 }.count)
            }
        }
        let full = Self.overlappingBlobs(seed: 1)
        #expect(full.withUnsafeBufferPointer { SparseRows($0, rows: 600, columns: 8) } == nil)
    }

    /// `squaredDistance` and `DataSummary.squaredNorm` against plain Double sums, odd lengths included.
    @Test func vectorKernelsMatchDoubleSums() {
        var generator = RandomGenerator(seed: 8)
        for count in [1, 7, 16, 17, 33, 784] {
            let x = (0..<count).map { _ in generator.normal(mean: 0, standardDeviation: 1) }
            let y = (0..<count).map { _ in generator.normal(mean: 0, standardDeviation: 1) }
            let expected = zip(x, y).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            let norm = x.reduce(0.0) { $0 + Double($1) * Double($1) }
            x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                #expect(abs(Double(DistanceBounds.squaredDistance(xp.baseAddress!, yp.baseAddress!, count: count)) - expected) <= 1e-5 * expected)
                #expect(abs(Double(DataSummary.squaredNorm(xp.baseAddress!, count: count)) - norm) <= 1e-5 * norm)
            } }
        }
    }
}

@Suite("data summary")
struct DataSummaryTests {
    @Test func handWorkedStatistics() throws {
        let summary = try DataSummary(Tensor(rows: [[1, 2], [3, 2], [5, 2]]))
        #expect(summary.means == [3, 2])
        #expect(abs(summary.variances[0] - 8.0 / 3) < 1e-12 && summary.variances[1] == 0)
        #expect(summary.rowNorms == [5, 13, 29])
        #expect(abs(summary.meanVariance - 4.0 / 3) < 1e-12)
        // |mean|^2 = 13 > total variance 8/3: not nearly centred.
        #expect(!summary.isNearlyCentered)
    }

    @Test func reportsTheFirstNonFiniteElement() {
        #expect(throws: ClusteringError.nonFiniteValue(row: 1, column: 0, value: .infinity)) {
            try DataSummary(Tensor(rows: [[1, 2], [.infinity, 3], [4, .infinity]]))
        }
        #expect(throws: ClusteringError.self) { try DataSummary(Tensor(rows: [[1, .nan]])) }
        #expect(throws: ClusteringError.notAMatrix(shape: [3])) { try DataSummary(Tensor(shape: [3], elements: [1, 2, 3])) }
    }
}
