import Clustering
@testable import Embedding
import Foundation
import TensorCore
import TestSupport
import Testing

@Suite("t-SNE")
struct TSNETests {
    /// `count` points in each of three Gaussian clusters (sd 1) 8 apart in 10-D.
    static func clusters(count: Int, seed: UInt64 = 0) -> (Tensor, [Int]) {
        var generator = RandomGenerator(seed: seed)
        var rows: [[Float]] = [], labels: [Int] = []
        for i in 0..<(3 * count) {
            let c = i % 3
            var row = (0..<10).map { _ in generator.normal(mean: 0, standardDeviation: 1) }
            row[c] += 8
            rows.append(row); labels.append(c)
        }
        return (Tensor(rows: rows), labels)
    }

    @Test func neighborGraphMatchesBruteForce() throws {
        var generator = RandomGenerator(seed: 8)
        let data = Tensor.normal([50, 4], generator: &generator)
        let graph = try NeighborGraph(data, neighborCount: 5)
        for i in 0..<50 {
            let brute = (0..<50).filter { $0 != i }.map { j -> (Float, Int) in
                var total: Float = 0
                for c in 0..<4 { let v = data[i, c] - data[j, c]; total += v * v }
                return (total, j)
            }.sorted { $0 < $1 }.prefix(5)
            #expect(graph.indices[(i * 5)..<(i * 5 + 5)].map(Int.init) == brute.map(\.1))
            for (e, pair) in brute.enumerated() { #expect(abs(graph.squaredDistances[i * 5 + e] - pair.0) < 1e-4) }
        }
    }

    @Test func perplexityCalibrationReachesTheTargetEntropy() throws {
        var generator = RandomGenerator(seed: 1)
        let data = Tensor.normal([120, 5], generator: &generator)
        let graph = try NeighborGraph(data, neighborCount: 60)
        for perplexity in [5.0, 20.0] {
            let (probabilities, entropies) = Affinities.conditional(squaredDistances: graph.squaredDistances,
                                                                    neighborCount: 60, perplexity: perplexity)
            for i in 0..<120 {
                let row = probabilities[(i * 60)..<(i * 60 + 60)].map(Double.init)
                #expect(abs(row.reduce(0, +) - 1) < 1e-5)
                // The entropy recomputed from the probabilities themselves.
                let entropy = -row.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 }
                #expect(abs(entropy - log(perplexity)) < 1e-4)
                #expect(abs(entropies[i] - log(perplexity)) <= 1e-5)
            }
        }
    }

    @Test func jointProbabilitiesAreSymmetricAndSumToOne() throws {
        var generator = RandomGenerator(seed: 2)
        let graph = try NeighborGraph(Tensor.normal([80, 3], generator: &generator), neighborCount: 10)
        let p = Affinities(graph: graph, perplexity: 3)
        var dense = [[Float]](repeating: [Float](repeating: 0, count: 80), count: 80)
        for i in 0..<80 { for e in p.rowStarts[i]..<p.rowStarts[i + 1] { dense[i][Int(p.columns[e])] += p.values[e] } }
        #expect(abs(p.values.reduce(0, +) - 1) < 1e-5)
        for i in 0..<80 { #expect(dense[i][i] == 0); for j in 0..<80 { #expect(abs(dense[i][j] - dense[j][i]) < 1e-7) } }
    }

    /// KL(P||Q) as a function of the positions, evaluated directly.
    static func divergence(_ p: Affinities, _ y: [Double]) -> Double {
        let n = y.count / 2
        var z = 0.0
        for i in 0..<n { for j in 0..<n where j != i {
            let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
            z += 1 / (1 + dx * dx + dy * dy)
        } }
        var kl = 0.0
        for i in 0..<n { for e in p.rowStarts[i]..<p.rowStarts[i + 1] {
            let j = Int(p.columns[e]), pij = Double(p.values[e])
            let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
            kl += pij * log(pij / (1 / (1 + dx * dx + dy * dy) / z))
        } }
        return kl
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 3)
        let n = 25
        let p = Affinities(graph: try NeighborGraph(Tensor.normal([n, 4], generator: &generator), neighborCount: 8), perplexity: 4)
        let y = (0..<(2 * n)).map { _ in generator.normal() }
        var forces = [Double](repeating: 0, count: 2 * n)
        var repulsion = ExactRepulsion()
        let z = y.withUnsafeBufferPointer { yp in forces.withUnsafeMutableBufferPointer { repulsion.repulsion(positions: yp, forces: $0) } }
        let optimizer = TSNEOptimizer(affinities: p, learningRate: 1, iterations: 1, exaggerationIterations: 0, earlyExaggeration: 1)
        var attraction = [Double](repeating: 0, count: 2 * n)
        let kl = optimizer.attraction(positions: y, exaggeration: 1, gradient: &attraction, normalizer: z, computeDivergence: true)
        #expect(abs(kl - TSNETests.divergence(p, y)) < 1e-6)
        for i in [0, 7, 13, 2 * n - 1] {
            var plus = y, minus = y
            plus[i] += 1e-5; minus[i] -= 1e-5
            let numeric = (TSNETests.divergence(p, plus) - TSNETests.divergence(p, minus)) / 2e-5
            let analytic = 4 * (attraction[i] - forces[i] / z)
            #expect(abs(numeric - analytic) < 1e-5 * max(1, abs(numeric)))
        }
    }

    @Test func barnesHutApproachesExactRepulsion() throws {
        var generator = RandomGenerator(seed: 6)
        let n = 400
        var y = (0..<(2 * n)).map { _ in 5 * generator.normal() }
        y[2] = y[0]; y[3] = y[1]   // a duplicate point
        func forces(_ method: inout some Repulsion) -> ([Double], Double) {
            var f = [Double](repeating: 0, count: 2 * n)
            let z = y.withUnsafeBufferPointer { yp in f.withUnsafeMutableBufferPointer { method.repulsion(positions: yp, forces: $0) } }
            return (f, z)
        }
        var exact = ExactRepulsion()
        var sharp = BarnesHutRepulsion(theta: 0)
        var coarse = BarnesHutRepulsion(theta: 0.5)
        let (exactForces, exactZ) = forces(&exact)
        let (sharpForces, sharpZ) = forces(&sharp)
        let (coarseForces, coarseZ) = forces(&coarse)
        #expect(abs(sharpZ - exactZ) < 1e-9 * exactZ)
        for i in 0..<(2 * n) { #expect(abs(sharpForces[i] - exactForces[i]) < 1e-9) }
        #expect(abs(coarseZ - exactZ) < 1e-2 * exactZ)
        let scale = exactForces.map(abs).max()!
        for i in 0..<(2 * n) { #expect(abs(coarseForces[i] - exactForces[i]) < 0.05 * scale) }
    }

    @Test func exactEmbeddingKeepsGaussianClustersApart() throws {
        let (data, labels) = TSNETests.clusters(count: 70)
        let result = try TSNE(perplexity: 15, method: .exact, seed: 0).fit(data)
        #expect(result.embedding.shape == [210, 2])
        #expect(result.method == .exact)
        #expect(result.klDivergence.isFinite && result.klDivergence > 0)
        #expect(try NeighborAccuracy.score(result.embedding, labels: labels, neighborCount: 10) > 0.95)
    }

    @Test func barnesHutEmbeddingKeepsGaussianClustersApart() throws {
        let (data, labels) = TSNETests.clusters(count: 100, seed: 1)
        let result = try TSNE(perplexity: 20, method: .barnesHut, iterations: 500, initialization: .random, seed: 3).fit(data)
        #expect(result.method == .barnesHut)
        #expect(try NeighborAccuracy.score(result.embedding, labels: labels) > 0.95)
    }

    @Test func neighborAccuracyByHand() throws {
        // 1-D, k = 3: labels 0 0 0 1 1 1 at 0 1 2 10 11 12, and a 0 hidden at 11.5: only that one is outvoted.
        let embedding = Tensor(shape: [7, 1], elements: [0, 1, 2, 10, 11, 12, 11.5])
        let accuracy = try NeighborAccuracy.score(embedding, labels: [0, 0, 0, 1, 1, 1, 0], neighborCount: 3)
        #expect(abs(accuracy - 6.0 / 7) < 1e-12)
    }

    @Test func rejectsBadInput() {
        let (data, _) = TSNETests.clusters(count: 4)
        #expect(throws: ClusteringError.self) { try TSNE(perplexity: 12).fit(data) }
        let error = #expect(throws: ClusteringError.self) { try TSNE(perplexity: 30).fit(data) }
        #expect(error?.description.contains("below the number of samples (12)") == true)
        var broken = data
        broken[3, 2] = .nan
        #expect(throws: ClusteringError.self) { try TSNE(perplexity: 3).fit(broken) }
        #expect(throws: ClusteringError.self) { try TSNE(perplexity: 3, learningRate: -1).fit(data) }
    }
}
