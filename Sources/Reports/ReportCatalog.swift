import Datasets
import Foundation

/// How much work a report run does.
public enum ReportProfile: String, Sendable, CaseIterable {
    /// Small subsets: the whole batch runs in about two minutes in a release build; the tests use it.
    case quick
    /// The full datasets, as published in the repository's `reports/` folder.
    case full
    /// Test-only: a few hundred samples so the debug-build test suite stays short. The CLI does
    /// not offer it; its numbers only show that the pipeline works end to end.
    case tiny

    /// The profiles `atelier report --profile` accepts.
    public static let published: [ReportProfile] = [.quick, .full]
}

/// What every report step needs to know about the run.
public struct ReportContext: Sendable {
    public var profile: ReportProfile
    public var seed: UInt64
    /// The folder holding the report folders (`reports/`).
    public var outputRoot: String
    /// A real `creditcard.csv` to use instead of the synthetic file.
    public var fraudInput: String?
    /// Folders holding one subfolder per dataset (`report --data-dir`), searched before the
    /// usual places (`DataLocator`).
    public var dataRoots: [String] = []
    /// Progress messages go here (stderr in the CLI).
    public var log: @Sendable (String) -> Void

    public init(profile: ReportProfile, seed: UInt64, outputRoot: String, fraudInput: String? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.profile = profile
        self.seed = seed
        self.outputRoot = outputRoot
        self.fraudInput = fraudInput
        self.log = log
    }

    /// UTC timestamp written into every page.
    public static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}

/// One report kind: fills a `ReportWriter` with figures, tables and metrics.
public protocol ReportBuilder {
    static var name: String { get }
    static var title: String { get }
    static func build(_ writer: ReportWriter, context: ReportContext) throws
}

/// The reports `atelier report` knows, in the order `all` runs them.
public enum ReportCatalog {
    public static var all: [any ReportBuilder.Type] { [DatasetsReport.self, CNNReport.self, AutoencoderReport.self, FraudReport.self, BasicsReport.self, StudiesReport.self] }

    public static var names: [String] { all.map { $0.name } }

    /// Runs the named reports (or every one for `all`), each swapped into place when complete,
    /// then rewrites `reports/index.html`. Returns each report's metrics.
    @discardableResult
    public static func run(_ requested: [String], context: ReportContext) throws -> [String: [String: JSONValue]] {
        let selected: [any ReportBuilder.Type]
        if requested.isEmpty || requested == ["all"] {
            selected = all
        } else {
            selected = try requested.map { name in
                guard let builder = all.first(where: { $0.name == name }) else {
                    throw ReportError(report: name, step: "select", reason: "unknown report; expected one of \((names + ["all"]).joined(separator: ", "))")
                }
                return builder
            }
        }
        return try run(builders: selected, context: context)
    }

    /// Runs `builders` in order (the tests pass their own to exercise failures).
    ///
    /// A report that fails does not stop the batch: the others still run, the index links what
    /// was written and lists what failed, and then the failure is thrown (`ReportError` for one,
    /// `ReportBatchError` for several), saying whether an earlier folder of that report was kept.
    @discardableResult
    static func run(builders selected: [any ReportBuilder.Type], context: ReportContext) throws -> [String: [String: JSONValue]] {
        var results: [String: [String: JSONValue]] = [:]
        var failures: [ReportError] = []
        let stamp = ReportContext.timestamp()
        for path in ReportWriter.removeStaleFolders(in: context.outputRoot) {
            context.log("removed \(path), left by a run that was killed")
        }
        for builder in selected {
            context.log("report \(builder.name): starting (\(context.profile.rawValue) profile)")
            let start = Date()
            var document = ReportDocument(name: builder.name, title: builder.title)
            var command = "atelier report \(builder.name) --profile \(context.profile.rawValue) --seed \(context.seed)"
            if builder.name == "fraud", let input = context.fraudInput { command += " --fraud-input \(input)" }
            document.configuration = [("profile", context.profile.rawValue), ("seed", String(context.seed)), ("command", command)]
            do {
                results[builder.name] = try DataLocator.$commandLineRoots.withValue(context.dataRoots) {
                    try buildAndCommit(builder, document: document, context: context, generatedAt: stamp)
                }
                context.log(String(format: "report \(builder.name): done in %.1f s", Date().timeIntervalSince(start)))
            } catch {
                var failure = error as? ReportError ?? ReportError(report: builder.name, step: "build", reason: "\(error)")
                failure.previousFolderKept = FileManager.default.fileExists(
                    atPath: (context.outputRoot as NSString).appendingPathComponent(builder.name))
                context.log("report \(builder.name): FAILED: \(failure)")
                failures.append(failure)
            }
        }
        try ReportIndex.write(root: context.outputRoot, titles: Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.title) }),
                              order: names, generatedAt: stamp, failures: failures)
        let completed = selected.map { $0.name }.filter { results[$0] != nil }
        if failures.count == 1 {
            var failure = failures[0]
            failure.completed = completed
            throw failure
        }
        if failures.count > 1 { throw ReportBatchError(failures: failures, completed: completed) }
        return results
    }

    /// Builds one report in its staging folder and swaps it in; returns its metrics.
    static func buildAndCommit(_ builder: any ReportBuilder.Type, document: ReportDocument, context: ReportContext,
                               generatedAt: String) throws -> [String: JSONValue] {
        let writer = try ReportWriter(root: context.outputRoot, document: document)
        try builder.build(writer, context: context)
        try writer.commit(generatedAt: generatedAt)
        return writer.metrics
    }
}
