import Datasets

/// Keeps the `k` features with the highest relevance score (`sklearn.feature_selection.SelectKBest`).
///
/// ```swift
/// let selection = try SelectKBest(k: 10, score: .anovaF).fit(features, labels: labels)
/// let reduced = try selection.transform(features)   // the 10 selected columns, best first
/// ```
public struct SelectKBest: Sendable {
    public var k: Int
    public var score: RelevanceScore
    /// The analysis used for scoring (its `rankBy` is replaced by `score`).
    public var analysis: FeatureRelevanceAnalysis

    public init(k: Int, score: RelevanceScore = .anovaF, analysis: FeatureRelevanceAnalysis = FeatureRelevanceAnalysis()) {
        self.k = k
        self.score = score
        self.analysis = analysis
        self.analysis.rankBy = score
    }

    /// Scores the features and keeps the best `k`.
    /// - Throws: `FeatureSelectionError.invalidK` unless `1 <= k <= columns`, and the analysis' errors.
    public func fit(_ features: NumericTable, labels: [Int]) throws -> SelectedFeatures {
        guard k >= 1 && k <= features.columnCount else {
            throw FeatureSelectionError.invalidK(k: k, featureCount: features.columnCount)
        }
        let ranking = try analysis.fit(features, labels: labels)
        return SelectedFeatures(names: ranking.top(k), ranking: ranking)
    }
}

/// The outcome of `SelectKBest.fit`: the kept feature names (best first) and the full ranking.
public struct SelectedFeatures: Sendable, Equatable {
    public var names: [String]
    public var ranking: FeatureRanking

    /// The selected columns of `table`, best first.
    public func transform(_ table: NumericTable) throws -> NumericTable { try table.selecting(names) }
}
