import ArgumentParser
import Foundation
import Reports

/// `atelier report`: trains, analyses and renders the batch reports into `--out`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render the batch reports (\(ReportCatalog.names.joined(separator: ", "))) or all of them.",
        discussion: """
        Each report is written to OUT/NAME/ (index.html, report.md, figures/*.png, metrics.json) and \
        swapped into place only when complete: a failing step leaves the previous folder intact. \
        OUT/index.html links every report. Same seed, same numbers and figures.
        Examples:
          atelier report all --profile quick --out reports
          atelier report cnn --profile full --seed 0 --out reports
          atelier report fraud --fraud-input datasets/creditcard.csv --out reports
        """
    )

    @Argument(help: "Report names (\(ReportCatalog.names.joined(separator: ", "))) or all.")
    var names: [String] = ["all"]

    @Option(help: "quick (small subsets, about two minutes in a release build) or full (the whole datasets).")
    var profile = "quick"

    @Option(help: "Seed of every initialisation, shuffle, split and embedding.")
    var seed: UInt64 = 0

    @Option(help: "Folder receiving one subfolder per report and index.html.")
    var out = "reports"

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
        if let fraudInput, !FileManager.default.isReadableFile(atPath: fraudInput) {
            throw ValidationError("--fraud-input: cannot read '\(fraudInput)'")
        }
    }

    struct Summary: Encodable {
        var profile: String
        var seed: UInt64
        var seconds: Double
        var index: String
        var reports: [String: Entry]
        struct Entry: Encodable {
            var folder: String
            var metrics: [String: JSONValue]
        }
    }

    func run() throws {
        let context = ReportContext(profile: ReportProfile(rawValue: profile)!, seed: seed, outputRoot: out, fraudInput: fraudInput,
                                    log: { Output.note($0) })
        let start = Date()
        let results = try ReportCatalog.run(names, context: context)
        let seconds = Date().timeIntervalSince(start)
        let folder = { (name: String) in (out as NSString).appendingPathComponent(name) }
        if json {
            try Output.json(Summary(profile: profile, seed: seed, seconds: seconds, index: (out as NSString).appendingPathComponent("index.html"),
                                    reports: Dictionary(uniqueKeysWithValues: results.map { ($0.key, Summary.Entry(folder: folder($0.key), metrics: $0.value)) })))
        } else {
            for name in results.keys.sorted() { print("\(name): \(folder(name))/index.html") }
            print(String(format: "%d report(s) in %.1f s; index: %@", results.count, seconds, (out as NSString).appendingPathComponent("index.html")))
        }
    }
}
