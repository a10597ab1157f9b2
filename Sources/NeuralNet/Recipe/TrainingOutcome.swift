import Foundation

/// What `TrainingRun` produced: the trained model (the kept epoch's weights), its history and
/// the test figures, plus the files written.
public struct TrainingOutcome {
    public var recipe: TrainingRecipe
    public var model: Sequential
    public var history: TrainingHistory
    /// Mean test loss: plain cross-entropy for classes (no smoothing), MSE otherwise.
    public var testLoss: Double
    /// Test accuracy (nil for regression and the autoencoder).
    public var testAccuracy: Double?
    /// The predicted class of every test sample (classification only).
    public var testPredictions: [Int]?
    public var trainingSamples: Int
    public var validationSamples: Int
    public var testSamples: Int
    /// Wall-clock seconds of `fit` (validation included).
    public var seconds: Double
    public var dataName: String
    public var classNames: [String]?
    /// The files written (empty when nothing was).
    public var files: [String] = []

    /// The checkpoint's metadata: model, dataset, class names and the recipe as JSON.
    public var checkpointMetadata: [String: String] {
        var metadata = ["model": recipe.model.lowercased(), "epochs": String(history.records.count), "optimizer": recipe.optimizer,
                        "learningRate": String(recipe.learningRate), "batch": String(recipe.batchSize), "seed": String(recipe.seed),
                        "latent": String(recipe.latent), "recipe": recipe.json, "bestEpoch": String(history.bestEpoch ?? 0)]
        if case let .dataset(name, _, _) = recipe.data { metadata["dataset"] = name.lowercased() } else { metadata["input"] = dataName }
        if let hidden = recipe.hidden { metadata["hidden"] = hidden.map(String.init).joined(separator: ",") }
        if let classNames { metadata["classNames"] = classNames.joined(separator: ",") }
        return metadata
    }

    /// The metrics.json / `--json` value (lowerCamelCase keys).
    public var metrics: TrainingMetrics {
        let dataset: String
        if case let .dataset(name, _, _) = recipe.data { dataset = name.lowercased() } else { dataset = dataName }
        return TrainingMetrics(model: recipe.model.lowercased(), dataset: dataset, task: testAccuracy != nil ? "classification" : "regression",
                               recipe: recipe, recipeSummary: recipe.summary, trainingSamples: trainingSamples,
                               validationSamples: validationSamples, testSamples: testSamples, epochsRun: history.records.count,
                               bestEpoch: history.bestEpoch, stoppedEarly: history.stoppedEarly,
                               secondsPerEpoch: history.records.map(\.seconds), totalSeconds: seconds,
                               testLoss: testLoss.isFinite ? testLoss : nil, testAccuracy: testAccuracy, parameters: model.parameterCount,
                               files: files, epochs: history.records)
    }
}

/// The metrics of one run, as written to metrics.json and printed by `atelier train --json`.
public struct TrainingMetrics: Codable, Sendable {
    public var model: String
    public var dataset: String
    /// "classification" or "regression" (the autoencoder is regression).
    public var task: String
    public var recipe: TrainingRecipe
    public var recipeSummary: String
    public var trainingSamples: Int
    public var validationSamples: Int
    public var testSamples: Int
    public var epochsRun: Int
    public var bestEpoch: Int?
    public var stoppedEarly: Bool
    public var secondsPerEpoch: [Double]
    public var totalSeconds: Double
    public var testLoss: Double?
    public var testAccuracy: Double?
    public var parameters: Int
    /// The files the run wrote.
    public var files: [String]
    /// Every epoch's record.
    public var epochs: [EpochRecord]
}
