import Preprocessing
import TensorCore

/// How training compensates for the rare fraud class (0.17 % of rows).
public enum ClassBalancing: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Every training row weighs 1.
    case none
    /// Rows of class c weigh `n / (2 n_c)`, scikit-learn's `class_weight="balanced"`.
    case balancedWeights
    /// Keep every fraud and a seeded random `legitPerFraud` legit rows per fraud (all when fewer).
    case undersample(legitPerFraud: Double)

    public var description: String {
        switch self {
        case .none: return "none"
        case .balancedWeights: return "balanced class weights"
        case let .undersample(ratio): return "undersampling (\(ratio) legit per fraud)"
        }
    }

    /// Sample weights `n / (2 n_c)` for 0/1 labels (`Preprocessing.ClassWeights`, balanced).
    public static func balancedWeights(_ labels: [Int]) throws -> [Float] {
        try ClassWeights(balancedFrom: labels).sampleWeights(for: labels)
    }

    /// Training row indices (into `labels`) and their sample weights after balancing.
    public func apply(labels: [Int], seed: UInt64) throws -> (indices: [Int], weights: [Float]?) {
        switch self {
        case .none:
            return (Array(labels.indices), nil)
        case .balancedWeights:
            return (Array(labels.indices), try ClassBalancing.balancedWeights(labels))
        case let .undersample(ratio):
            let frauds = labels.indices.filter { labels[$0] == 1 }
            var legit = labels.indices.filter { labels[$0] == 0 }
            var generator = RandomGenerator(seed: seed)
            generator.shuffle(&legit)
            let keep = min(legit.count, max(1, Int((Double(frauds.count) * ratio).rounded())))
            return ((frauds + legit.prefix(keep)).sorted(), nil)
        }
    }
}
