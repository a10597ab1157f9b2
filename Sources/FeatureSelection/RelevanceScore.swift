/// The per-feature relevance scores a ranking can be ordered by.
///
/// Each orders features by a value where larger means more relevant: F itself, mutual
/// information, the KS statistic, the ROC-AUC separation `max(auc, 1 - auc)` and `|r|`.
/// F and `|r|` always agree for two classes; MI, KS and AUC measure the overlap of the class
/// distributions and can rank a feature with a large mean gap but a very wide class-1 spread
/// lower than F does.
public enum RelevanceScore: String, CaseIterable, Sendable, Codable {
    case anovaF = "anova-f"
    case mutualInformation = "mutual-information"
    case kolmogorovSmirnov = "ks"
    case rocAUC = "roc-auc"
    case pointBiserial = "point-biserial"

    /// Parses a command-line name (`anova-f`, `f`, `mi`, `mutual-information`, `ks`, `auc`, `roc-auc`, `point-biserial`, `r`).
    public init(name: String) throws {
        switch name.lowercased() {
        case "anova-f", "anova", "f", "f-classif": self = .anovaF
        case "mutual-information", "mi": self = .mutualInformation
        case "ks", "kolmogorov-smirnov": self = .kolmogorovSmirnov
        case "roc-auc", "auc": self = .rocAUC
        case "point-biserial", "r", "correlation": self = .pointBiserial
        default: throw FeatureSelectionError.unknownScore(name)
        }
    }

    /// A short column title.
    public var title: String {
        switch self {
        case .anovaF: return "ANOVA F"
        case .mutualInformation: return "MI (nats)"
        case .kolmogorovSmirnov: return "KS"
        case .rocAUC: return "ROC-AUC"
        case .pointBiserial: return "r (pb)"
        }
    }
}

/// Every relevance score of one feature, plus its quality flags.
public struct FeatureRelevance: Sendable, Codable, Equatable {
    public var name: String
    /// One-way ANOVA F (`f_classif`).
    public var anovaF: Double
    /// Mutual information with the class, nats (`mutual_info_classif`).
    public var mutualInformation: Double
    /// Two-sample Kolmogorov-Smirnov statistic between the classes.
    public var kolmogorovSmirnov: Double
    /// Signed single-feature ROC-AUC, `P(x1 > x0)`; below 0.5 when the feature is smaller in class 1.
    public var rocAUC: Double
    /// `max(rocAUC, 1 - rocAUC)`, the value rankings use.
    public var rocAUCSeparation: Double
    /// Signed point-biserial correlation with the class.
    public var pointBiserial: Double
    /// Share of rows holding the most frequent value.
    public var mostFrequentShare: Double
    /// True when the feature is (nearly) constant: see `FeatureRelevanceAnalysis.nearConstantShare`.
    public var isNearConstant: Bool
    /// Features whose |Pearson r| with this one reaches the correlation threshold.
    public var highlyCorrelatedWith: [String]

    /// The value `score` ranks by (larger is more relevant; NaN ranks last).
    public func value(of score: RelevanceScore) -> Double {
        switch score {
        case .anovaF: return anovaF
        case .mutualInformation: return mutualInformation
        case .kolmogorovSmirnov: return kolmogorovSmirnov
        case .rocAUC: return rocAUCSeparation
        case .pointBiserial: return abs(pointBiserial)
        }
    }
}
