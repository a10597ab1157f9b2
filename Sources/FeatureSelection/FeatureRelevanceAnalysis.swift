import Dispatch
import Datasets
import Foundation
import TensorCore

/// Scores every feature of a table against a 0/1 class and ranks them.
///
/// ```swift
/// let ranking = try FeatureRelevanceAnalysis(rankBy: .anovaF).fit(features, labels: labels)
/// print(ranking.top(4))   // ["V17", "V14", "V12", "V10"] on the credit-card statistics
/// ```
/// Features are scored concurrently (one per core at a time); the correlation flags use one
/// BLAS product of the standardised table. Cost O(p n log n + n p^2).
public struct FeatureRelevanceAnalysis: Sendable {
    /// The score the ranking is ordered by. Default ANOVA F, scikit-learn's `SelectKBest` default.
    public var rankBy: RelevanceScore
    /// Neighbours of the mutual-information estimator (scikit-learn default 3).
    public var neighbourCount: Int
    /// Seed of the mutual-information tie-breaking noise.
    public var seed: UInt64
    /// A feature is flagged near-constant when its most frequent value covers at least this
    /// share of the rows (default 0.99, i.e. fewer than 1 % of rows differ).
    public var nearConstantShare: Double
    /// Two features are flagged highly correlated when |Pearson r| >= this (default 0.9).
    public var correlationThreshold: Double

    public init(rankBy: RelevanceScore = .anovaF, neighbourCount: Int = 3, seed: UInt64 = 0,
                nearConstantShare: Double = 0.99, correlationThreshold: Double = 0.9) {
        self.rankBy = rankBy
        self.neighbourCount = neighbourCount
        self.seed = seed
        self.nearConstantShare = nearConstantShare
        self.correlationThreshold = correlationThreshold
    }

    /// Scores every column of `features` against `labels` (0/1, one per row).
    /// - Throws: `FeatureSelectionError` for a label count mismatch, labels other than 0/1, a
    ///   single class, or a non-finite value.
    public func fit(_ features: NumericTable, labels: [Int]) throws -> FeatureRanking {
        let n = features.rowCount, p = features.columnCount
        try validateBinaryLabels(labels, rowCount: n)
        try features.values.withUnsafeBufferPointer { v in
            for i in 0..<v.count where !v[i].isFinite {
                throw FeatureSelectionError.notFinite(feature: features.columnNames[i % p], row: i / p)
            }
        }
        let values = features.values
        let names = features.columnNames
        let slots = Slots<FeatureRelevance>(count: p)
        let configuration = self
        DispatchQueue.concurrentPerform(iterations: p) { j in
            let column = values.withUnsafeBufferPointer { v in (0..<n).map { v[$0 * p + j] } }
            let sorted = SortedFeature(values: column, labels: labels)
            let auc = SingleFeatureAUC.auc(sorted)
            let share = sorted.mostFrequentShare
            let mi = MutualInformation(neighbourCount: configuration.neighbourCount, seed: configuration.seed &+ UInt64(j))
                .estimate(values: column, labels: labels)
            slots[j] = FeatureRelevance(
                name: names[j],
                anovaF: AnovaF.statistic(values: column, labels: labels),
                mutualInformation: mi,
                kolmogorovSmirnov: KolmogorovSmirnov.statistic(sorted),
                rocAUC: auc,
                rocAUCSeparation: max(auc, 1 - auc),
                pointBiserial: PointBiserialCorrelation.coefficient(values: column, labels: labels),
                mostFrequentShare: share,
                isNearConstant: share >= configuration.nearConstantShare,
                highlyCorrelatedWith: [])
        }
        var relevances = slots.values
        let correlation = FeatureRelevanceAnalysis.correlationMatrix(features)
        for a in 0..<p {
            for b in 0..<p where a != b && abs(correlation[a * p + b]) >= correlationThreshold {
                relevances[a].highlyCorrelatedWith.append(names[b])
            }
        }
        return FeatureRanking(features: relevances, rankedBy: rankBy, correlation: correlation)
    }

    /// Pearson correlations of the columns, `[p * p]` row-major, from one `Z^T Z / n` product of
    /// the standardised table. Constant columns correlate 0 with everything (and 1 with themselves).
    public static func correlationMatrix(_ table: NumericTable) -> [Double] {
        let n = table.rowCount, p = table.columnCount
        guard n > 1 else { return (0..<(p * p)).map { $0 / p == $0 % p ? 1 : 0 } }
        var means = [Double](repeating: 0, count: p)
        var squares = [Double](repeating: 0, count: p)
        table.values.withUnsafeBufferPointer { v in
            for i in 0..<n { for j in 0..<p { means[j] += Double(v[i * p + j]) } }
            for j in 0..<p { means[j] /= Double(n) }
            for i in 0..<n { for j in 0..<p { let d = Double(v[i * p + j]) - means[j]; squares[j] += d * d } }
        }
        let inverseDeviation = squares.map { $0 > 0 ? 1 / ($0 / Double(n)).squareRoot() : 0 }
        var standardised = Tensor.zeros([n, p])
        table.values.withUnsafeBufferPointer { v in
            standardised.withUnsafeMutableBufferPointer { z in
                for i in 0..<n { for j in 0..<p { z[i * p + j] = Float((Double(v[i * p + j]) - means[j]) * inverseDeviation[j]) } }
            }
        }
        var product = Tensor.zeros([p, p])
        Tensor.gemm(standardised, transposeA: true, standardised, alpha: 1 / Float(n), into: &product)
        var result = product.elements.map(Double.init)
        for j in 0..<p { result[j * p + j] = 1 }
        return result
    }
}

/// Feature relevances ordered by one score, most relevant first.
public struct FeatureRanking: Sendable, Codable, Equatable {
    /// The features, most relevant first by `rankedBy` (NaN last; ties by name order in the table).
    public var features: [FeatureRelevance]
    public var rankedBy: RelevanceScore
    /// Pearson correlations between the features in *table* order, `[p * p]`.
    public var correlation: [Double]

    public init(features: [FeatureRelevance], rankedBy: RelevanceScore, correlation: [Double]) {
        self.rankedBy = rankedBy
        self.correlation = correlation
        let indexed = Array(features.enumerated())
        self.features = indexed.sorted { a, b in
            let x = a.element.value(of: rankedBy), y = b.element.value(of: rankedBy)
            if x.isNaN != y.isNaN { return y.isNaN }
            if x != y && !x.isNaN { return x > y }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The same scores ranked by another score.
    public func reranked(by score: RelevanceScore) -> FeatureRanking {
        FeatureRanking(features: features, rankedBy: score, correlation: correlation)
    }

    /// Names of the `k` most relevant features.
    public func top(_ k: Int) -> [String] { features.prefix(k).map(\.name) }

    /// A plain-text table, one feature per line, with a title line (e.g. naming the data source).
    public func table(title: String) -> String {
        func cell(_ text: String, _ width: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + padding : padding + text
        }
        var lines = [title, cell("rank", 5, left: true) + cell("feature", 9, left: true) + cell("ANOVA F", 12) + cell("MI (nats)", 11)
                     + cell("KS", 9) + cell("AUC", 9) + cell("r (pb)", 9) + "  flags"]
        for (i, f) in features.enumerated() {
            var flags: [String] = []
            if f.isNearConstant { flags.append("near-constant (\(String(format: "%.1f", f.mostFrequentShare * 100)) % one value)") }
            if !f.highlyCorrelatedWith.isEmpty { flags.append("correlated with " + f.highlyCorrelatedWith.joined(separator: ",")) }
            lines.append(cell("\(i + 1)", 5, left: true) + cell(f.name, 9, left: true) + cell(String(format: "%.2f", f.anovaF), 12)
                         + cell(String(format: "%.4f", f.mutualInformation), 11) + cell(String(format: "%.4f", f.kolmogorovSmirnov), 9)
                         + cell(String(format: "%.4f", f.rocAUC), 9) + cell(String(format: "%.4f", f.pointBiserial), 9)
                         + "  " + flags.joined(separator: "; "))
        }
        lines.append("ranked by \(rankedBy.title); AUC is signed P(x_fraud > x_legit), ranked as max(AUC, 1 - AUC); r is signed")
        return lines.joined(separator: "\n")
    }
}

/// Fixed-size result slots written concurrently (each index by one worker).
final class Slots<Element>: @unchecked Sendable {
    private var storage: [Element?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    subscript(index: Int) -> Element {
        get { lock.lock(); defer { lock.unlock() }; return storage[index]! }
        set { lock.lock(); storage[index] = newValue; lock.unlock() }
    }
    var values: [Element] { lock.lock(); defer { lock.unlock() }; return storage.map { $0! } }
}
