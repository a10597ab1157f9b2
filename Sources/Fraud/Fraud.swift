// Fraud module of Atelier: the credit-card fraud workflow of the seeds (document 003).
//
// - Data: `CreditCardSchema`, `CreditCardData.load` (Kaggle creditcard.csv, checked),
//   `PublishedStatistics` + `SyntheticCreditCard` (a seeded stand-in; everything from it says
//   "synthetic"; fraud V-features from the camouflage `FraudMixture` so fraud is not perfectly
//   separable), `ClassSummary`.
// - Exploration: `FraudExploration` (CSV) and `FraudFigures` (PNG through Plotting).
// - Classifiers: LinearModels' `LogisticRegression` (weighted BCE, L2 penalty per mean loss set by
//   `FraudExperiment.l2Penalty`), `MLPClassifier` (NeuralNet trainer), `ClassBalancing`,
//   `FraudExperiment` (stratified split, StandardScaler on train, threshold by max F1 on
//   validation, test precision/recall/F1/ROC-AUC/AUPRC).
// Feature relevance lives in FeatureSelection; the binary metrics in Metrics.
