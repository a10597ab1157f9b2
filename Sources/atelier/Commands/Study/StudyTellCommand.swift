import ArgumentParser
import Foundation
import Studies

/// `atelier study tell`: finish a trial with its value or state.
struct StudyTellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tell",
        abstract: "Finish a trial: --value V completes it, --state pruned|fail ends it otherwise.",
        discussion: """
        --report STEP=VALUE records intermediate values first (a learning curve), as trial.report does.

        Examples:
          atelier study tell --study lr --trial 3 --value 0.125
          atelier study tell --study lr --trial 4 --state pruned --report 1=0.9 \\
              --report 2=0.8
        """
    )

    @OptionGroup var location: StudyLocation

    @Option(help: "Trial number (from ask).")
    var trial: Int

    @Option(help: "The objective's value (completes the trial).")
    var value: Double?

    @Option(help: "complete, pruned or fail.")
    var state: String?

    @Option(help: "An intermediate value STEP=VALUE; repeat for several.")
    var report: [String] = []

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        if trial < 0 { throw ValidationError("--trial must be at least 0, got \(trial)") }
        if let state, !["complete", "pruned", "fail"].contains(state) {
            throw ValidationError("--state must be complete, pruned or fail, got '\(state)'")
        }
        if value == nil && (state == nil || state == "complete") {
            throw ValidationError("give --value V, or --state pruned|fail")
        }
        if let value, value.isNaN { throw ValidationError("--value is NaN; tell --state fail for a trial without a value") }
        _ = try steps()
    }

    func steps() throws -> [(Int, Double)] {
        try report.map { item in
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let step = Int(parts[0]), step >= 0, let value = Double(parts[1]) else {
                throw ValidationError("--report expects STEP=VALUE with a step >= 0, got '\(item)'")
            }
            return (step, value)
        }
    }

    func run() throws {
        let storage = try location.open()
        let id = try storage.studyID(named: location.study)
        let frozen = try storage.trial(studyID: id, number: trial)
        guard !frozen.state.isFinished else {
            throw StudyError.trialFinished("trial \(trial) of study \"\(location.study)\" is \(frozen.state.rawValue) already")
        }
        for (step, value) in try steps() { try storage.setTrialIntermediateValue(trialID: frozen.id, step: step, value: value) }
        let study = try Study.load(name: location.study, storage: storage, sampler: RandomSampler())
        let finished: FrozenTrial
        switch (state, value) {
        case ("pruned"?, _): finished = try study.tell(trialNumber: trial, state: .pruned)
        case ("fail"?, _): finished = try study.tell(trialNumber: trial, state: .fail)
        case (_, let value?): finished = try study.tell(trialNumber: trial, value: value)
        default: throw ValidationError("give --value V, or --state pruned|fail")
        }
        let report = TrialReport(finished)
        if json { try Output.json(report) } else { print(report.text) }
    }
}
