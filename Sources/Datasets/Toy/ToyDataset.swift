import TensorCore

/// A small generated data set: points, and either class labels or a continuous target.
///
/// Made by the `Toy` generators (seeded; the same seed gives the same points on every machine).
/// `table` lays it out as the CSV `atelier data make` writes: `x1, x2, ..., label` (or `target`).
public struct ToyDataset: Sendable, Equatable {
    /// The generator's name (`moons`, `circles`, ...).
    public var name: String
    /// `[samples, features]`.
    public var features: Tensor
    /// Class per row (0, 1, ...) for classification sets; nil for regression.
    public var labels: [Int]?
    /// Continuous target per row for regression; nil for classification.
    public var targets: [Double]?
    /// The true coefficients behind a regression target (scikit-learn's `coef=True`), else nil.
    public var coefficients: [Double]?

    public init(name: String, features: Tensor, labels: [Int]? = nil, targets: [Double]? = nil, coefficients: [Double]? = nil) {
        precondition((labels == nil) != (targets == nil), "a toy data set has labels or targets, not both")
        self.name = name
        self.features = features
        self.labels = labels
        self.targets = targets
        self.coefficients = coefficients
    }

    public var sampleCount: Int { features.rowCount }
    public var featureCount: Int { features.rowLength }

    /// Number of distinct classes (0 for regression).
    public var classCount: Int { labels.map { Set($0).count } ?? 0 }

    /// The CSV layout: feature columns `x1...xd`, then `label` or `target`.
    public var table: NumericTable {
        let d = featureCount, n = sampleCount
        var values = [Float](repeating: 0, count: n * (d + 1))
        features.withUnsafeBufferPointer { x in
            for i in 0..<n {
                for j in 0..<d { values[i * (d + 1) + j] = x[i * d + j] }
                values[i * (d + 1) + d] = labels.map { Float($0[i]) } ?? Float(targets![i])
            }
        }
        let names = (1...max(d, 1)).prefix(d).map { "x\($0)" } + [labels == nil ? "target" : "label"]
        return NumericTable(columnNames: names, values: Tensor(shape: [n, d + 1], elements: values))
    }

    /// The same rows in a seeded random order (scikit-learn's `shuffle=True`).
    func shuffled(_ generator: inout RandomGenerator) -> ToyDataset {
        let order = generator.permutation(sampleCount)
        var copy = self
        copy.features = features.rows(at: order)
        copy.labels = labels.map { labels in order.map { labels[$0] } }
        copy.targets = targets.map { targets in order.map { targets[$0] } }
        return copy
    }
}

/// Seeded generators of the small data sets every course starts with, after scikit-learn's
/// `sklearn.datasets.make_*` where one exists (same parameters, shapes and meaning of `noise` and
/// `factor`; not the same random numbers: every draw comes from Atelier's `RandomGenerator`).
///
/// ```swift
/// let moons = try Toy.moons(samples: 200, noise: 0.1, seed: 0)
/// try CSV.write(moons.table, to: "moons.csv")
/// ```
public enum Toy {
    /// The generators `make(_:)` and `atelier data make` know, with a line each.
    public static let catalog: [(name: String, summary: String)] = [
        ("linear", "a linear target with Gaussian noise (make_regression): --noise is the noise's standard deviation"),
        ("blobs", "isotropic Gaussian clusters (make_blobs): --noise is each cluster's standard deviation (default 1)"),
        ("four-gaussians", "four Gaussians in an XOR layout, two classes: --noise is each Gaussian's standard deviation (default 0.3)"),
        ("circles", "a circle inside another (make_circles, factor 0.8): --noise is the jitter's standard deviation"),
        ("moons", "two interleaving half circles (make_moons): --noise is the jitter's standard deviation"),
        ("checkerboard", "uniform points on an 8 x 8 board of unit cells, two alternating classes: --noise jitters them after labelling"),
        ("spirals", "two interleaved spiral arms, 1.5 turns each: --noise is the jitter's standard deviation"),
    ]

    public static var names: [String] { catalog.map(\.name) }

    /// The noise `make(_:)` uses when none is given: 1 for blobs (scikit-learn's `cluster_std`), 0.3 for
    /// the four Gaussians (seed 004's variance 0.1), 0 for the others (scikit-learn's `noise=None`).
    public static func defaultNoise(_ name: String) -> Double {
        switch name {
        case "blobs": return 1
        case "four-gaussians": return 0.3
        default: return 0
        }
    }

    /// The generator `name` with its defaults for everything but size, noise and seed.
    /// - Parameter noise: nil keeps the generator's default (see `catalog`).
    public static func make(_ name: String, samples: Int, noise: Double? = nil, seed: UInt64 = 0) throws -> ToyDataset {
        switch name {
        case "linear": return try regression(samples: samples, noise: noise ?? defaultNoise(name), seed: seed)
        case "blobs": return try blobs(samples: samples, clusterStandardDeviation: noise ?? defaultNoise(name), seed: seed)
        case "four-gaussians": return try fourGaussians(samples: samples, standardDeviation: noise ?? defaultNoise(name), seed: seed)
        case "circles": return try circles(samples: samples, noise: noise ?? defaultNoise(name), seed: seed)
        case "moons": return try moons(samples: samples, noise: noise ?? defaultNoise(name), seed: seed)
        case "checkerboard": return try checkerboard(samples: samples, noise: noise ?? defaultNoise(name), seed: seed)
        case "spirals": return try spirals(samples: samples, noise: noise ?? defaultNoise(name), seed: seed)
        default:
            throw DatasetError.invalidArgument("unknown toy data set '\(name)'; expected one of \(names.joined(separator: ", "))")
        }
    }

    static func check(samples: Int, minimum: Int = 1, noise: Double, _ name: String) throws {
        guard samples >= minimum else { throw DatasetError.invalidArgument("\(name): the sample count must be at least \(minimum), got \(samples)") }
        guard noise >= 0, noise.isFinite else { throw DatasetError.invalidArgument("\(name): noise must be a finite number >= 0, got \(noise)") }
    }

    /// `[n, 2]` features from interleaved (x, y) pairs, each jittered by `noise` standard deviations.
    static func points(_ xy: [Double], noise: Double, generator: inout RandomGenerator) -> Tensor {
        Tensor(shape: [xy.count / 2, 2], elements: xy.map { Float($0 + (noise > 0 ? noise * generator.normal() : 0)) })
    }
}
