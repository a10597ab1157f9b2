// FeatureSelection module of Atelier: per-feature relevance to a 0/1 class.
//
// Scores: `AnovaF` (f_classif), `MutualInformation` (mutual_info_classif's k-NN estimator),
// `KolmogorovSmirnov`, `SingleFeatureAUC` (signed; ranked as max(auc, 1 - auc)),
// `PointBiserialCorrelation`. `FeatureRelevanceAnalysis` scores a table, flags near-constant
// and highly correlated features and returns a `FeatureRanking`; `SelectKBest` keeps the top k.
