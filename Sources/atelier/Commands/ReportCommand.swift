import ArgumentParser
import Datasets
import Foundation
import Reports

/// `atelier report`: trains, analyses and renders the batch reports into `--out`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render the batch reports (\(ReportCatalog.names.joined(separator: ", "))) or all of them.",
        discussion: """
        --out is a folder (default runs/reports). Each report is written to OUT/NAME/ (index.html, report.md, figures/*.png, metrics.json) and swapped into place only when complete: a failing step leaves an earlier folder of that report as it was. A failed report does not stop the others; OUT/index.html links every report written and lists the ones that failed, and the run then exits 1 naming them. Folders left by killed runs are removed. Same seed, same numbers and figures.

        Examples:
          atelier report all --profile quick
          atelier report cnn --profile full --seed 0 --out runs/reports-full
          atelier report datasets --data-dir datasets --out runs/reports
          atelier report fraud --fraud-input runs/creditcard-synthetic.csv
        """
    )

    @Argument(help: "Report names (\(ReportCatalog.names.joined(separator: ", "))) or all.")
    var names: [String] = ["all"]

    @Option(help: "quick (small subsets, about two minutes in a release build) or full (the whole datasets).")
    var profile = "quick"

    @Option(help: "Seed of every initialisation, shuffle, split and embedding.")
    var seed: UInt64 = 0

    @Option(help: "Folder receiving one subfolder per report and index.html (the committed reports/ is re-rendered only when named).")
    var out = "runs/reports"

    @Option(help: "Folder holding one subfolder per dataset (mnist/, fashion-mnist/), searched before the usual places.")
    var dataDir: String?

    @Option(help: "A real creditcard.csv (Kaggle, ULB) for the fraud report instead of the synthetic file.")
    var fraudInput: String?

    @Flag(help: "Print machine-readable JSON (each report's folder and metrics).")
    var json = false

    func validate() throws {
        guard ReportProfile.published.map(\.rawValue).contains(profile) else {
            throw ValidationError("--profile must be quick or full, got '\(profile)'")
        }
        let known = ReportCatalog.names + ["all"]
        for name in names where !known.contains(name) {
            throw ValidationError("unknown report '\(name)'; expected one of \(known.joined(separator: ", "))")
        }
        if names.contains("all") && names.count > 1 { throw ValidationError("'all' already names every report; give it alone") }
    }

    struct Summary: Encodable {
        var profile: String
        var seed: UInt64
        var seconds: Double
        /// index.html, then each report's folder.
        var files: [String]
        var reports: [String: Entry]
        struct Entry: Encodable {
            var folder: String
            var metrics: [String: JSONValue]
        }
    }

    func run() throws {
        // Inputs and the output folder are checked before any report starts (exit 1: found on disk).
        var isFolder: ObjCBool = false
        if let dataDir, !(FileManager.default.fileExists(atPath: dataDir, isDirectory: &isFolder) && isFolder.boolValue) {
            throw DatasetError.invalidArgument("--data-dir \(dataDir): no such folder; expected a folder holding mnist/, fashion-mnist/")
        }
        if let fraudInput, !FileManager.default.isReadableFile(atPath: fraudInput) {
            throw DatasetError.invalidArgument("--fraud-input: cannot read '\(fraudInput)'; expected a creditcard.csv file")
        }
        try OutputCheck.folder(out)
        var context = ReportContext(profile: ReportProfile(rawValue: profile)!, seed: seed, outputRoot: out, fraudInput: fraudInput,
                                    log: { Output.note($0) })
        context.dataRoots = dataDir.map { [$0] } ?? []
        let start = Date()
        let results = try ReportCatalog.run(names, context: context)
        let seconds = Date().timeIntervalSince(start)
        let folder = { (name: String) in (out as NSString).appendingPathComponent(name) }
        if json {
            try Output.json(Summary(profile: profile, seed: seed, seconds: seconds,
                                    files: [(out as NSString).appendingPathComponent("index.html")] + results.keys.sorted().map(folder),
                                    reports: Dictionary(uniqueKeysWithValues: results.map { ($0.key, Summary.Entry(folder: folder($0.key), metrics: $0.value)) })))
        } else {
            for name in results.keys.sorted() { print("\(name): \(folder(name))/index.html") }
            print(String(format: "%d report(s) in %.1f s; index: %@", results.count, seconds, (out as NSString).appendingPathComponent("index.html")))
        }
    }
}
