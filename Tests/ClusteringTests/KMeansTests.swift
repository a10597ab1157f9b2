@testable import Clustering
import Foundation
import TensorCore
import TestSupport
import Testing

@Suite("k-means")
struct KMeansTests {
    /// Three Gaussian blobs (sd 0.5) whose centres are 20 apart in 4-D.
    static func blobs(perCluster: Int = 60, seed: UInt64 = 0) -> (Tensor, [Int]) {
        var generator = RandomGenerator(seed: seed)
        let centres: [[Float]] = [[0, 0, 0, 0], [20, 0, 0, 0], [0, 20, 5, 0]]
        var rows: [[Float]] = [], labels: [Int] = []
        for i in 0..<(3 * perCluster) {
            let c = i % 3
            rows.append(centres[c].map { $0 + generator.normal(mean: 0, standardDeviation: 0.5) })
            labels.append(c)
        }
        return (Tensor(rows: rows), labels)
    }

    @Test func handWorkedOneDimensionalExample() throws {
        let data = Tensor(shape: [4, 1], elements: [0, 1, 10, 11])
        let result = try KMeans(clusterCount: 2, initializationCount: 3, seed: 1).fit(data)
        let centres = result.centroids.elements.sorted()
        #expect(abs(centres[0] - 0.5) < 1e-6 && abs(centres[1] - 10.5) < 1e-6)
        #expect(abs(result.inertia - 1.0) < 1e-6)
        #expect(result.labels[0] == result.labels[1] && result.labels[2] == result.labels[3])
        #expect(result.labels[0] != result.labels[2])
        #expect(try result.predict(Tensor(shape: [2, 1], elements: [-3, 12])) == [result.labels[0], result.labels[2]])
    }

    @Test func recoversWellSeparatedBlobs() throws {
        let (data, truth) = KMeansTests.blobs()
        let result = try KMeans(clusterCount: 3, initializationCount: 2, seed: 7).fit(data)
        #expect(try AdjustedRandIndex.score(result.labels, truth) == 1)
        #expect(try ClusterPurity(clusters: result.labels, labels: truth).overall == 1)
        #expect(result.converged)
        // Inertia equals the within-blob scatter around each blob's mean.
        var expected = 0.0
        for c in 0..<3 {
            let members = (0..<truth.count).filter { truth[$0] == c }
            let block = data.rows(at: members)
            let mean = block.mean(axis: 0)
            expected += Double((block - mean).map { $0 * $0 }.sum())
        }
        #expect(TestSupport.isClose(result.inertia, expected, tolerance: 1e-5))
    }

    /// The BLAS Lloyd loop against a direct implementation from the same seeds.
    @Test func lloydMatchesDirectImplementation() throws {
        var generator = RandomGenerator(seed: 5)
        let n = 300, d = 3, k = 4
        let data = Tensor.uniform([n, d], generator: &generator)
        let initial = Array(data.elements[0..<(k * d)])
        let norms = SquaredDistances.rowNorms(data)
        let run = data.withUnsafeBufferPointer {
            KMeans.lloyd($0, rows: n, columns: d, norms: norms, centers: initial, clusterCount: k,
                         maximumIterations: 300, tolerance: 0) { _, _ in }
        }
        var centres = initial.map(Double.init)
        var labels = [Int](repeating: -1, count: n)
        var iterations = 0
        while iterations < 300 {
            iterations += 1
            var changed = false
            for i in 0..<n {
                var best = 0, bestDistance = Double.infinity
                for j in 0..<k {
                    var total = 0.0
                    for c in 0..<d { let v = Double(data[i, c]) - centres[j * d + c]; total += v * v }
                    if total < bestDistance { bestDistance = total; best = j }
                }
                if labels[i] != best { changed = true; labels[i] = best }
            }
            for j in 0..<k {
                let members = (0..<n).filter { labels[$0] == j }
                for c in 0..<d { centres[j * d + c] = members.map { Double(data[$0, c]) }.reduce(0, +) / Double(members.count) }
            }
            if !changed { break }
        }
        #expect(run.labels.map(Int.init) == labels)
        #expect(run.iterations == iterations)
        for i in 0..<(k * d) { #expect(abs(Double(run.centers[i]) - centres[i]) < 1e-5) }
    }

    @Test func emptyClusterIsReseededAtTheFarthestPoint() {
        let data: [Float] = [0, 1, 2, 50]
        let labels: [Int32] = [0, 0, 1, 1]
        let centres = data.withUnsafeBufferPointer {
            KMeans.updatedCenters($0, columns: 1, labels: labels, distances: [0.25, 0.25, 1, 600],
                                  sums: NearestCenter.Sums(sums: [1, 52, 0], counts: [2, 2, 0]),
                                  clusterCount: 3, previous: [0.5, 26, 99])
        // Cluster 2 is empty: it takes point 3 (farthest, value 50), which leaves cluster 1 with 2 only.
        }
        #expect(centres == [0.5, 2, 50])
    }

    @Test func greedySeedingNeverChoosesADuplicate() throws {
        // Five distinct points, each repeated 30 times.
        let distinct: [[Float]] = [[0, 0], [1, 0], [0, 1], [5, 5], [9, 1]]
        let rows = (0..<150).map { distinct[$0 % 5] }
        let data = Tensor(rows: rows)
        let norms = SquaredDistances.rowNorms(data)
        for seed in 0..<40 {
            var generator = RandomGenerator(seed: UInt64(seed))
            let chosen = try data.withUnsafeBufferPointer {
                try KMeansPlusPlus.chooseCenters($0, rows: 150, columns: 2, norms: norms, clusterCount: 5, generator: &generator)
            }
            #expect(Set(chosen.map { $0 % 5 }).count == 5)
        }
        #expect(throws: ClusteringError.tooFewPoints(requested: 6, available: 5, what: "distinct points")) {
            try KMeans(clusterCount: 6).fit(data)
        }
    }

    @Test func candidateCountIsTwoPlusFloorLogK() {
        #expect(KMeansPlusPlus.candidateCount(clusterCount: 1) == 2)
        #expect(KMeansPlusPlus.candidateCount(clusterCount: 10) == 4)
        #expect(KMeansPlusPlus.candidateCount(clusterCount: 20) == 4)
        #expect(KMeansPlusPlus.candidateCount(clusterCount: 21) == 5)
    }

    @Test func sameSeedSameResult() throws {
        let (data, _) = KMeansTests.blobs(perCluster: 30, seed: 2)
        let a = try KMeans(clusterCount: 5, initializationCount: 3, seed: 9).fit(data)
        let b = try KMeans(clusterCount: 5, initializationCount: 3, seed: 9).fit(data)
        #expect(a == b)
    }

    @Test func rejectsBadInput() {
        let data = Tensor(rows: [[0, 0], [1, 1]])
        #expect(throws: ClusteringError.tooFewPoints(requested: 3, available: 2, what: "points")) {
            try KMeans(clusterCount: 3).fit(data)
        }
        #expect(throws: ClusteringError.nonFiniteValue(row: 1, column: 0, value: .infinity)) {
            try KMeans(clusterCount: 1).fit(Tensor(rows: [[0, 0], [.infinity, 1]]))
        }
        #expect(throws: ClusteringError.self) { try KMeans(clusterCount: 0).fit(data) }
        #expect(throws: ClusteringError.self) { try KMeans(clusterCount: 1).fit(Tensor(shape: [0, 3], elements: [])) }
        let message = ClusteringError.tooFewPoints(requested: 3, available: 2, what: "points").description
        #expect(message.contains("3 clusters requested") && message.contains("only 2 points"))
    }
}
