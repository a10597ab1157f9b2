import Foundation
import NeuralNet
import Studies
import TensorBoard

/// What `train --tensorboard` and `study run --tensorboard` write, in one place so that both
/// use the same scalar tags and the same hyperparameter names.
enum TensorBoardLog {
    /// The per-epoch scalars, in this order. Grouped by prefix, so TensorBoard draws training and
    /// validation curves in one section (`loss/...`, `accuracy/...`).
    static let tags = ["loss/train", "loss/validation", "accuracy/train", "accuracy/validation", "learningRate", "seconds"]

    /// An epoch's scalars (those the record has: no accuracy for regression, no validation
    /// figures without a validation split), written to the file at once so the curve grows live.
    static func add(_ record: EpochRecord, to writer: EventWriter) throws {
        let values: [Double?] = [record.trainingLoss, record.validationLoss, record.trainingAccuracy, record.validationAccuracy,
                                 record.learningRate, record.seconds]
        let wallTime = Date().timeIntervalSince1970
        for (tag, value) in zip(tags, values) {
            if let value { writer.addScalar(tag, value, step: record.epoch, wallTime: wallTime) }
        }
        try writer.flush()
    }

    /// A run's settings as hyperparameters: the recipe's fields under the names the recipe's
    /// JSON uses, options that are off left out.
    static func hparams(of recipe: TrainingRecipe) -> [String: HParamValue] {
        var values: [String: HParamValue] = [
            "model": .string(recipe.model), "data": .string(recipe.data.description), "optimizer": .string(recipe.optimizer),
            "learningRate": .number(recipe.learningRate), "weightDecay": .number(recipe.weightDecay),
            "batchSize": .number(Double(recipe.batchSize)), "epochs": .number(Double(recipe.epochs)),
            "schedule": .string(recipe.schedule.summary), "batchNorm": .bool(recipe.batchNorm), "dropout": .number(recipe.dropout),
            "labelSmoothing": .number(recipe.labelSmoothing), "keepsBestEpoch": .bool(recipe.keepsBestEpoch),
            "validationFraction": .number(recipe.validationFraction), "seed": .number(Double(recipe.seed)),
        ]
        if let hidden = recipe.hidden { values["hidden"] = .string(hidden.map(String.init).joined(separator: ",")) }
        if recipe.model == "autoencoder" { values["latent"] = .number(Double(recipe.latent)) }
        if let augmentation = recipe.augmentation { values["augmentation"] = .string(augmentation.summary) }
        if let clipNorm = recipe.clipNorm { values["clipNorm"] = .number(clipNorm) }
        if let timeLimit = recipe.timeLimit { values["timeLimit"] = .number(timeLimit) }
        if let decay = recipe.weightAverageDecay { values["weightAverageDecay"] = .number(decay) }
        if let stopping = recipe.earlyStopping {
            values["patience"] = .number(Double(stopping.patience))
            values["minimumDelta"] = .number(stopping.minimumDelta)
        }
        return values
    }

    static func value(_ parameter: ParameterValue) -> HParamValue {
        switch parameter {
        case .double(let x): return .number(x)
        case .int(let n): return .number(Double(n))
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .null: return .string("null")
        }
    }

    /// A trial's parameters as hyperparameters.
    static func hparams(of params: [String: ParameterValue]) -> [String: HParamValue] { params.mapValues(value) }

    /// The experiment of a study: one hyperparameter per parameter its trials can have, with the
    /// space's range or choices (a shared `units` distribution becomes `units0` ... up to the
    /// most `layers`), and the metrics the trials log, the study's own first.
    static func experiment(study: String, space: [(name: String, distribution: Distribution)], autoencoder: Bool) -> HParamsExperiment {
        func domain(_ distribution: Distribution) -> HParamDomain {
            switch distribution {
            case .float(let d): return .interval(min: d.low, max: d.high)
            case .int(let d): return .interval(min: Double(d.low), max: Double(d.high))
            case .categorical(let d): return .discrete(d.choices.map(value))
            }
        }
        var infos: [HParamInfo] = []
        let layers = space.first { $0.name == "layers" }.flatMap { if case .int(let d) = $0.distribution { return d.high } else { return nil } }
        for (name, distribution) in space {
            if name == "units", let layers {
                infos += (0..<layers).map { HParamInfo("units\($0)", domain: domain(distribution)) }
            } else {
                infos.append(HParamInfo(name, domain: domain(distribution)))
            }
        }
        let studyMetric = autoencoder ? "loss/validation" : "accuracy/validation"
        let logged = tags.filter { !(autoencoder && $0.hasPrefix("accuracy/")) }
        let metrics = ([studyMetric] + logged.filter { $0 != studyMetric }).map { tag in
            MetricInfo(tag, datasetType: tag.hasSuffix("/validation") ? .validation : tag.hasSuffix("/train") ? .training : nil)
        }
        return HParamsExperiment(hparams: infos, metrics: metrics, name: study, timeCreated: Date().timeIntervalSince1970)
    }

    /// How a trial that ended with `error` (nil: completed) ends its session. TensorBoard's
    /// Status has no "pruned" or "aborted": a pruned trial is STATUS_UNKNOWN, so that the
    /// HParams status filter still tells complete (Success), failed (Failure) and pruned apart.
    static func status(after error: (any Error)?) -> SessionStatus {
        guard let error else { return .success }
        if case StudyError.pruned = error { return .unknown }
        return .failure
    }

    /// The event files under `folder` (itself and its sub-folders) changed since `date`.
    static func eventFiles(in folder: String, since date: Date) -> [String] {
        guard let paths = FileManager.default.subpaths(atPath: folder) else { return [] }
        return paths.filter { ($0 as NSString).lastPathComponent.hasPrefix("events.out.tfevents.") }
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter { path in
                let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
                return modified.map { $0 >= date.addingTimeInterval(-1) } ?? false
            }
            .sorted()
    }
}
