import ArgumentParser
import Foundation
import NeuralNet
import Studies
import StudyObjectives

/// `atelier study create`: a new study with its direction, space, sampler and pruner.
struct StudyCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a study: its direction, search space, sampler and pruner are stored with it.",
        discussion: """
        The space file is a JSON object from parameter name to Optuna's distribution JSON (what optuna.distributions.distribution_to_json writes) or to the short form {"type": "float", "low": 1e-5, "high": 0.1, "log": true}; an array is a categorical parameter. --model takes a built-in objective's default space instead.

        Examples:
          atelier study create --study lr --space space.json --direction minimize \\
              --sampler tpe --pruner median
          atelier study create --study shallow --model shallow --direction maximize
        """
    )

    @OptionGroup var location: StudyLocation

    @Option(help: "Search space file (JSON).")
    var space: String?

    @Option(help: "Use this built-in model's default space (shallow, mlp, lenet5, cnn3, autoencoder, perceptron, conv1d).")
    var model: String?

    @Option(help: "minimize or maximize.")
    var direction: String = "minimize"

    @OptionGroup var settings: StudySettingOptions

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        guard ["minimize", "maximize"].contains(direction) else {
            throw ValidationError("--direction must be minimize or maximize, got '\(direction)'")
        }
        _ = try settings.settings.validated()
        if space != nil && model != nil { throw ValidationError("give --space FILE or --model NAME, not both") }
        if let model, !ModelZoo.names.contains(model.lowercased()) {
            throw ValidationError("--model must be one of \(ModelZoo.names.joined(separator: ", ")), got '\(model)'")
        }
    }

    struct Report: Encodable {
        var study: String
        var direction: String
        var sampler: String
        var pruner: String
        var parameters: [String]
    }

    func run() throws {
        let parameters: [(name: String, distribution: Distribution)]?
        if let file = space {
            parameters = try SpaceFile.read(file)
        } else if let model {
            parameters = TrainingConfiguration.defaultSpace(model: model.lowercased()).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        } else {
            parameters = nil
        }
        let settings = try settings.settings.validated()
        if settings.sampler == "grid" && parameters == nil {
            throw ValidationError("--sampler grid needs the space to enumerate: --space FILE or --model NAME")
        }
        // A grid that cannot enumerate its space fails before the study exists.
        if let parameters { _ = try settings.makeSampler(space: parameters) }
        let storage = try location.open()
        let id = try storage.createStudy(name: location.study, directions: [direction == "maximize" ? .maximize : .minimize])
        try settings.store(in: storage, studyID: id)
        if let parameters {
            try StudySettings.storeSpace(parameters, in: storage, studyID: id)
        }
        let report = Report(study: location.study, direction: direction, sampler: settings.sampler, pruner: settings.pruner,
                            parameters: parameters?.map(\.name) ?? [])
        if json { try Output.json(report) } else {
            print("created study \(location.study) (\(direction), \(settings.sampler) sampler, pruner \(settings.pruner))"
                  + (report.parameters.isEmpty ? "" : "; parameters: \(report.parameters.joined(separator: ", "))"))
        }
    }
}
