import ArgumentParser
import Datasets
import Foundation
import Studies

/// `atelier study export`: the trial table as CSV (seed 002's hand-kept traces).
struct StudyExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the trial table (number, state, value, times, last step, parameters) as CSV.",
        discussion: """
        Examples:
          atelier study export --study shallow --out trials.csv
          atelier study export --study shallow --csv trials.csv --json
        """
    )

    @OptionGroup var location: StudyLocation

    @Option(help: "Output CSV file.")
    var out: String?

    @Option(help: "Output CSV file (the same as --out).")
    var csv: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        guard (out == nil) != (csv == nil) else { throw ValidationError("give the output file with --out FILE.csv (or --csv FILE.csv)") }
    }

    struct Report: Encodable {
        var study: String
        var trials: Int
        var files: [String]
    }

    func run() throws {
        let path = out ?? csv!
        let storage = try location.open()
        let study = try Study.load(name: location.study, storage: storage, sampler: RandomSampler())
        let trials = try study.trials
        try FileIO.writeAtomically(TrialTable.csv(trials), to: path)
        if json { try Output.json(Report(study: study.name, trials: trials.count, files: [path])) } else {
            print("wrote \(trials.count) trials to \(path)")
        }
    }
}
