@testable import Clustering
import Foundation
import TensorCore
import TestSupport
import Testing

@Suite("Cluster metrics")
struct ClusteringMetricsTests {
    /// Two tight pairs 10 apart: a = 1, b = (10 + sqrt(101)) / 2, s = 1 - a / b for every point.
    @Test func silhouetteOfTwoSeparatedPairs() throws {
        let data = Tensor(rows: [[0, 0], [0, 1], [10, 0], [10, 1]])
        let values = try Silhouette.samples(data, labels: [0, 0, 1, 1])
        let expected = 1 - 1 / ((10 + 101.0.squareRoot()) / 2)
        for value in values { #expect(abs(value - expected) < 1e-6) }
        #expect(abs(try Silhouette.score(data, labels: [0, 0, 1, 1]) - expected) < 1e-6)
    }

    @Test func silhouetteOfASingletonIsZero() throws {
        let data = Tensor(rows: [[0, 0], [0, 1], [10, 0]])
        let values = try Silhouette.samples(data, labels: [5, 5, 9])
        #expect(values[2] == 0)
        // Points 0 and 1: a = 1, b = 10 and sqrt(101).
        #expect(abs(values[0] - (1 - 1 / 10)) < 1e-6)
        #expect(abs(values[1] - (1 - 1 / 101.0.squareRoot())) < 1e-6)
    }

    /// Tiled computation (tiny tiles that split clusters, off-diagonal tiles used twice) against a direct Double evaluation.
    @Test func blockedSilhouetteMatchesDirectComputation() throws {
        var generator = RandomGenerator(seed: 3)
        let n = 61, d = 5
        let data = Tensor.normal([n, d], generator: &generator) + 3
        let labels = (0..<n).map { ($0 * 7) % 4 }
        let blocked = try Silhouette.samples(data, labels: labels, tile: 7)
        func distance(_ i: Int, _ j: Int) -> Double {
            var total = 0.0
            for c in 0..<d { let v = Double(data[i, c]) - Double(data[j, c]); total += v * v }
            return total.squareRoot()
        }
        for i in 0..<n {
            var sums = [Double](repeating: 0, count: 4), sizes = [Int](repeating: 0, count: 4)
            for j in 0..<n { sizes[labels[j]] += 1; if j != i { sums[labels[j]] += distance(i, j) } }
            let a = sums[labels[i]] / Double(sizes[labels[i]] - 1)
            let b = (0..<4).filter { $0 != labels[i] }.map { sums[$0] / Double(sizes[$0]) }.min()!
            #expect(abs(blocked[i] - (b - a) / max(a, b)) < 1e-5)
        }
    }

    @Test func silhouetteSamplingUsesASubset() throws {
        var generator = RandomGenerator(seed: 1)
        let data = Tensor.normal([200, 3], generator: &generator)
        let labels = (0..<200).map { $0 % 3 }
        let full = try Silhouette.score(data, labels: labels)
        let sampled = try Silhouette.score(data, labels: labels, sampleSize: 120, seed: 4)
        #expect(sampled != full)
        #expect(abs(sampled - full) < 0.1)
        #expect(try Silhouette.score(data, labels: labels, sampleSize: 120, seed: 4) == sampled)
    }

    @Test func silhouetteRejectsBadInput() {
        let data = Tensor(rows: [[0, 0], [0, 1], [10, 0]])
        #expect(throws: ClusteringError.invalidClusterCount(found: 1, sampleCount: 3)) {
            try Silhouette.samples(data, labels: [1, 1, 1])
        }
        #expect(throws: ClusteringError.invalidClusterCount(found: 3, sampleCount: 3)) {
            try Silhouette.samples(data, labels: [1, 2, 3])
        }
        #expect(throws: ClusteringError.labelCountMismatch(expected: 3, found: 2)) {
            try Silhouette.samples(data, labels: [1, 2])
        }
        let withNaN = Tensor(rows: [[0, 0], [0, .nan], [10, 0]])
        let error = #expect(throws: ClusteringError.self) { try Silhouette.samples(withNaN, labels: [0, 0, 1]) }
        #expect(error?.description == "row 2, column 2: expected a finite number, found nan")
    }

    @Test func purityOfAKnownContingency() throws {
        let purity = try ClusterPurity(clusters: [0, 0, 0, 1, 1, 2], labels: [1, 1, 2, 3, 3, 3])
        #expect(purity.clusters.map(\.size) == [3, 2, 1])
        #expect(purity.clusters.map(\.majorityLabel) == [1, 3, 3])
        #expect(purity.clusters.map(\.majorityCount) == [2, 2, 1])
        #expect(abs(purity.clusters[0].share - 2.0 / 3) < 1e-12)
        #expect(abs(purity.overall - 5.0 / 6) < 1e-12)
    }

    @Test func contingencyTableCountsPairs() throws {
        let table = try ContingencyTable(clusters: [7, 7, -1, 7], classes: [2, 3, 2, 2])
        #expect(table.clusters == [-1, 7])
        #expect(table.classes == [2, 3])
        #expect(table.counts == [[1, 0], [2, 1]])
        #expect(table.clusterSizes == [1, 3])
        #expect(table.classSizes == [3, 1])
    }

    @Test func adjustedRandIndexHandValues() throws {
        #expect(try AdjustedRandIndex.score([0, 0, 1, 1, 2], [5, 5, 3, 3, 9]) == 1)
        // Pair counts tp 0, fp 4, fn 4, tn 4: 2 (0 - 16) / (4 * 8 + 4 * 8) = -0.5.
        #expect(abs(try AdjustedRandIndex.score([0, 0, 1, 1], [0, 1, 0, 1]) + 0.5) < 1e-12)
        // scikit-learn's documented example: adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.57 (4/7).
        #expect(abs(try AdjustedRandIndex.score([0, 0, 1, 1], [0, 0, 1, 2]) - 4.0 / 7) < 1e-12)
        #expect(try AdjustedRandIndex.score([0, 0, 0, 0], [1, 1, 1, 1]) == 1)
    }

    @Test func independentLabellingsScoreNearZero() throws {
        var generator = RandomGenerator(seed: 11)
        let a = (0..<20_000).map { _ in generator.integer(below: 10) }
        let b = (0..<20_000).map { _ in generator.integer(below: 10) }
        #expect(abs(try AdjustedRandIndex.score(a, b)) < 0.005)
        #expect(try NormalizedMutualInformation.score(a, b) < 0.005)
    }

    @Test func normalizedMutualInformationHandValues() throws {
        #expect(abs(try NormalizedMutualInformation.score([0, 0, 1, 1], [1, 1, 0, 0]) - 1) < 1e-12)
        #expect(try NormalizedMutualInformation.score([0, 0, 1, 1], [0, 1, 0, 1]) == 0)
        // V refines U: MI = H(U) = ln 2, H(V) = 1.5 ln 2, NMI = ln 2 / 1.25 ln 2 = 0.8.
        #expect(abs(try NormalizedMutualInformation.score([0, 0, 1, 1], [0, 0, 1, 2]) - 0.8) < 1e-12)
    }
}
