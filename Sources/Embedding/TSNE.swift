import Clustering
import Foundation
import TensorCore

/// t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008) into 2-D, with
/// scikit-learn's `TSNE` defaults and optimisation schedule.
///
/// ```swift
/// let reduced = try PCA(componentCount: 50).fitTransform(images).1
/// let result = try TSNE(perplexity: 30, seed: 0).fit(reduced)
/// print(result.klDivergence)                 // result.embedding is [n, 2]
/// ```
///
/// - Affinities: perplexity calibration by binary search on each point's entropy over its
///   `min(n - 1, floor(3 perplexity + 1))` nearest neighbours (all other points for `.exact`),
///   symmetrised and normalised (see `Affinities`).
/// - Optimisation: 1000 iterations of gradient descent with momentum and per-coordinate gains
///   (delta-bar-delta, minimum gain 0.01); the first 250 with P multiplied by 12 (early
///   exaggeration) and momentum 0.5, then momentum 0.8. Learning rate 'auto' is
///   `max(n / 12 / 4, 50)` as scikit-learn's.
/// - Repulsion: exact O(n^2), Barnes-Hut with theta 0.5, or FFT-accelerated interpolation
///   (Linderman et al. 2019, as FIt-SNE/openTSNE) whose cost grows linearly in n.
/// - Initialisation: PCA scaled to standard deviation 1e-4 along the first axis, or 1e-4 N(0, 1).
public struct TSNE: Sendable {
    /// How the repulsive forces are computed.
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// Exact below `exactLimit` points, Barnes-Hut up to `barnesHutLimit`, FFT beyond.
        case automatic
        /// All pairs (P over all points too); O(n^2) per iteration.
        case exact
        /// Barnes-Hut quadtree, O(n log n).
        case barnesHut = "barnes-hut"
        /// FFT-accelerated interpolation on a grid, O(n + grid log grid).
        case fft
    }

    /// How the embedding starts.
    public enum Initialization: String, Sendable, Codable, CaseIterable {
        case pca, random
    }

    /// Largest n that `.automatic` embeds exactly.
    public static let exactLimit = 1_000
    /// Largest n that `.automatic` embeds with Barnes-Hut.
    public static let barnesHutLimit = 5_000

    public var perplexity: Double
    public var method: Method
    /// Barnes-Hut accuracy: a cell acts as one body when `width / distance < theta`.
    public var theta: Double
    /// Total iterations, exaggeration phase included (`max_iter`, 1000).
    public var iterations: Int
    /// Iterations with early exaggeration (250).
    public var exaggerationIterations: Int
    /// Factor on P during the first phase (12).
    public var earlyExaggeration: Double
    /// Step size; `nil` is scikit-learn's 'auto', `max(n / earlyExaggeration / 4, 50)`.
    public var learningRate: Double?
    public var initialization: Initialization
    public var seed: UInt64
    /// Progress line on stderr: `nil` shows it when stderr is a terminal.
    public var showsProgress: Bool?
    /// Smallest FFT grid (boxes per side); lowered only by tests to keep debug builds fast.
    var fftMinimumBoxes = 50
    /// FFT grid boxes per unit of embedding length; lowered only by tests.
    var fftBoxesPerUnit = 1.0

    public init(perplexity: Double = 30, method: Method = .automatic, theta: Double = 0.5, iterations: Int = 1000,
                exaggerationIterations: Int = 250, earlyExaggeration: Double = 12, learningRate: Double? = nil,
                initialization: Initialization = .pca, seed: UInt64 = 0, showsProgress: Bool? = nil) {
        self.perplexity = perplexity
        self.method = method
        self.theta = theta
        self.iterations = iterations
        self.exaggerationIterations = exaggerationIterations
        self.earlyExaggeration = earlyExaggeration
        self.learningRate = learningRate
        self.initialization = initialization
        self.seed = seed
        self.showsProgress = showsProgress
    }

    /// The method `.automatic` resolves to for `n` points.
    public func resolvedMethod(pointCount n: Int) -> Method {
        guard method == .automatic else { return method }
        if n <= TSNE.exactLimit { return .exact }
        return n <= TSNE.barnesHutLimit ? .barnesHut : .fft
    }

    /// Embeds the rows of `data` (`[samples, features]`) in 2-D.
    /// - Throws: `ClusteringError` for non-finite data, fewer than 3 samples, a perplexity not
    ///   below n, or other out-of-range hyper-parameters.
    public func fit(_ data: Tensor) throws -> TSNEResult {
        try DataValidation.requireFiniteMatrix(data)
        let n = data.shape[0]
        guard n >= 3 else {
            throw ClusteringError.tooFewPoints(requested: 2, available: n, what: "samples (t-SNE needs at least 3)")
        }
        guard perplexity > 0, perplexity.isFinite, perplexity < Double(n) else {
            throw ClusteringError.invalidParameter(name: "perplexity", value: "\(perplexity)",
                                                   expected: "a number above 0 and below the number of samples (\(n))")
        }
        guard iterations >= 1, exaggerationIterations >= 0, earlyExaggeration > 0, theta >= 0 else {
            throw ClusteringError.invalidParameter(name: "schedule", value: "iterations \(iterations), exaggeration \(exaggerationIterations) x \(earlyExaggeration), theta \(theta)",
                                                   expected: "iterations >= 1, exaggeration iterations >= 0, exaggeration > 0, theta >= 0")
        }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ClusteringError.invalidParameter(name: "learningRate", value: "\(learningRate)", expected: "a positive number")
        }
        let method = resolvedMethod(pointCount: n)
        let progress = ProgressLine(enabled: showsProgress)
        defer { progress.finish() }

        progress.update("t-SNE: nearest neighbours of \(n) points")
        let neighborCount = method == .exact ? n - 1 : min(n - 1, Int(3 * perplexity + 1))
        let graph = try NeighborGraph(data, neighborCount: neighborCount)
        progress.update("t-SNE: perplexity calibration")
        let affinities = Affinities(graph: graph, perplexity: perplexity)
        let initial = try initialPositions(data)
        let rate = learningRate ?? max(Double(n) / earlyExaggeration / 4, 50)
        var repulsion: any Repulsion
        switch method {
        case .exact, .automatic: repulsion = ExactRepulsion()
        case .barnesHut: repulsion = BarnesHutRepulsion(theta: theta)
        case .fft: repulsion = FFTRepulsion(minimumBoxes: fftMinimumBoxes, boxesPerUnit: fftBoxesPerUnit)
        }
        let optimizer = TSNEOptimizer(affinities: affinities, learningRate: rate, iterations: iterations,
                                      exaggerationIterations: exaggerationIterations, earlyExaggeration: earlyExaggeration)
        let (positions, kl) = optimizer.run(initial: initial, repulsion: &repulsion) { iteration, kl in
            progress.update("t-SNE (\(method.rawValue)) iteration \(iteration)/\(iterations), KL \(String(format: "%.4f", kl))")
        }
        return TSNEResult(embedding: Tensor(shape: [n, 2], elements: positions.map { Float($0) }),
                          klDivergence: kl, iterations: iterations, method: method, learningRate: rate)
    }

    /// Starting positions, interleaved x, y.
    func initialPositions(_ data: Tensor) throws -> [Double] {
        let n = data.shape[0]
        var positions = [Double](repeating: 0, count: 2 * n)
        if initialization == .pca && data.shape[1] >= 2 {
            let projected = try PCA(componentCount: 2).fitTransform(data).1
            var mean = 0.0
            for i in 0..<n { mean += Double(projected.elements[2 * i]) }
            mean /= Double(n)
            var variance = 0.0
            for i in 0..<n { let d = Double(projected.elements[2 * i]) - mean; variance += d * d }
            let deviation = (variance / Double(n)).squareRoot()
            let scale = deviation > 0 ? 1e-4 / deviation : 1
            for i in 0..<(2 * n) { positions[i] = Double(projected.elements[i]) * scale }
        } else {
            var generator = RandomGenerator(seed: seed)
            for i in 0..<(2 * n) { positions[i] = 1e-4 * generator.normal() }
        }
        return positions
    }
}

/// A 2-D t-SNE embedding and how it was obtained.
public struct TSNEResult: Sendable {
    /// Positions, `[samples, 2]`.
    public let embedding: Tensor
    /// Kullback-Leibler divergence KL(P || Q) at the last iteration (Q as estimated by the method).
    public let klDivergence: Double
    /// Iterations run.
    public let iterations: Int
    /// The repulsion method used.
    public let method: TSNE.Method
    /// The learning rate used.
    public let learningRate: Double
}
