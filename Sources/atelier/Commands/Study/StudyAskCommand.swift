import ArgumentParser
import Foundation
import Studies

/// `atelier study ask`: start a trial and print its parameters, for an objective in any language.
struct StudyAskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Start a trial and print {\"number\": N, \"params\": {...}} (as optuna ask does).",
        discussion: """
        The parameters come from the study's stored space (or --space FILE), drawn by its sampler. Many ask and tell processes may work on one study at once; trial numbers never repeat.

        Examples:
          atelier study ask --study lr
          atelier study ask --study lr --space space.json \\
              --storage postgresql://atelier:atelier@127.0.0.1/studies
        """
    )

    @OptionGroup var location: StudyLocation

    @Option(help: "Search space file (JSON) when the study has none stored (e.g. a study Optuna created).")
    var space: String?

    @Flag(help: "Print machine-readable JSON (ask always prints JSON; kept for the convention).")
    var json = false

    struct Report: Encodable {
        var number: Int
        var params: [String: ParameterValue]
    }

    func run() throws {
        let storage = try location.open()
        let id = try storage.studyID(named: location.study)
        let settings = try StudySettings.stored(in: storage, studyID: id) ?? StudySettings(sampler: "tpe", pruner: "none", seed: 0)
        let space: [(name: String, distribution: Distribution)]
        if let file = self.space {
            space = try SpaceFile.read(file)
        } else if let stored = try StudySettings.storedSpace(in: storage, studyID: id) {
            space = stored
        } else {
            throw StudyError.invalidSpace("study \"\(location.study)\" has no stored search space; pass --space FILE")
        }
        let study = try Study.load(name: location.study, storage: storage, sampler: try settings.makeSampler(space: space),
                                   pruner: try settings.makePruner())
        let trial = try study.ask()
        var params: [String: ParameterValue] = [:]
        for (name, distribution) in space { params[name] = try trial.suggest(name, distribution: distribution) }
        try Output.json(Report(number: trial.number, params: params))
    }
}
