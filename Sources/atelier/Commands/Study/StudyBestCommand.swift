import ArgumentParser
import Foundation
import Studies

/// `atelier study best`: the best trial, and for built-in objectives the command that retrains it.
struct StudyBestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "best",
        abstract: "Print the best trial's number, value and parameters (and the train command that retrains it).",
        discussion: """
        Examples:
          atelier study best --study shallow
          atelier study best --study shallow --json
        """
    )

    @OptionGroup var location: StudyLocation

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    struct Report: Encodable {
        var study: String
        var number: Int
        var value: Double?
        var params: [String: ParameterValue]
        var command: String?
    }

    func run() throws {
        let storage = try location.open()
        let study = try Study.load(name: location.study, storage: storage, sampler: RandomSampler())
        guard let best = try study.bestTrial else {
            throw StudyError.invalidValue("study \"\(location.study)\" has no completed trial yet")
        }
        let command = try StudyRetrain.command(for: best, studyName: location.study, storage: storage, studyID: study.id)
        let report = Report(study: study.name, number: best.number, value: best.value, params: best.externalParams, command: command)
        if json { try Output.json(report); return }
        print(TrialReport(best).text)
        if let command { print("retrain: \(command)") }
    }
}
