import ArgumentParser
import Foundation
import Studies

/// `atelier study show`: a study's counts by state and its best trial; with no --study, every study.
struct StudyShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a study: trials by state, the best trial, its parameters and value.",
        discussion: """
        Examples:
          atelier study show --study shallow
          atelier study show --storage sqlite:///studies.db --study shallow --json
        """
    )

    @OptionGroup var location: StudyLocation

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    struct Report: Encodable {
        var study: String
        var direction: String
        var sampler: String?
        var pruner: String?
        var trials: Int
        var counts: StateCounts
        var best: TrialReport?
        var epochs: Int
    }

    func run() throws {
        let storage = try location.open()
        let study = try Study.load(name: location.study, storage: storage, sampler: RandomSampler())
        let trials = try study.trials
        let settings = try StudySettings.stored(in: storage, studyID: study.id)
        let report = Report(study: study.name, direction: study.direction.rawValue.lowercased(), sampler: settings?.sampler,
                            pruner: settings?.pruner, trials: trials.count, counts: StateCounts(trials),
                            best: try study.bestTrial.map(TrialReport.init),
                            epochs: trials.reduce(0) { $0 + ($1.lastStep ?? 0) })
        if json { try Output.json(report); return }
        print("study \(report.study) (\(report.direction)\(settings.map { ", \($0.sampler) sampler, pruner \($0.pruner)" } ?? "")): \(report.trials) trials")
        print("  \(report.counts.text)")
        if let best = report.best { print("  best: \(best.text)") } else { print("  no completed trial yet") }
    }
}
