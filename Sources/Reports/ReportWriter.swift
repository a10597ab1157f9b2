import Datasets
import Foundation

/// Why a report could not be written.
public struct ReportError: Error, CustomStringConvertible, LocalizedError {
    public var report: String
    public var step: String
    public var reason: String
    /// Whether a folder from an earlier run exists and was left as it was (true), no folder
    /// existed (false), or it is not known yet (nil: the error is still on its way up).
    public var previousFolderKept: Bool?
    /// The reports of the same batch that were written (and are linked from the index).
    public var completed: [String] = []
    public init(report: String, step: String, reason: String) {
        self.report = report
        self.step = step
        self.reason = reason
    }
    public var description: String {
        var text = "report '\(report)' failed at step '\(step)': \(reason)"
        switch previousFolderKept {
        case true?: text += "; the previous \(report)/ report folder was left intact"
        case false?: text += "; no \(report)/ folder was written"
        case nil: break
        }
        if !completed.isEmpty { text += "; index.html links the reports written: \(completed.joined(separator: ", "))" }
        return text
    }
    public var errorDescription: String? { description }
}

/// Several reports of one batch failed; each is described, and the index links the others.
public struct ReportBatchError: Error, CustomStringConvertible, LocalizedError {
    public var failures: [ReportError]
    public var completed: [String]
    public var description: String {
        "\(failures.count) reports failed: " + failures.map { failure in
            var bare = failure
            bare.completed = []
            return bare.description
        }.joined(separator: " | ")
            + (completed.isEmpty ? "" : "; index.html links the reports written: \(completed.joined(separator: ", "))")
    }
    public var errorDescription: String? { description }
}

/// Builds one report folder in a staging directory and swaps it into place only when complete.
///
/// Steps write figures with `figurePath(_:)`; `commit` writes `index.html`, `report.md` and
/// `metrics.json`, then replaces `<root>/<name>/` by renaming, so a failed run leaves the previous
/// folder as it was and a reader never sees a half-written report.
public final class ReportWriter {
    public let root: URL
    public let name: String
    public let staging: URL
    public private(set) var document: ReportDocument
    public private(set) var metrics: [String: JSONValue] = [:]
    private var committed = false

    public init(root: String, document: ReportDocument) throws {
        self.root = URL(fileURLWithPath: root)
        self.name = document.name
        self.document = document
        self.staging = self.root.appendingPathComponent(".\(document.name).staging-\(ProcessInfo.processInfo.processIdentifier)")
        let fm = FileManager.default
        try? fm.removeItem(at: staging)
        do {
            try fm.createDirectory(at: staging.appendingPathComponent("figures"), withIntermediateDirectories: true)
        } catch {
            throw ReportError(report: name, step: "create folder", reason: "cannot create \(staging.path): \(error.localizedDescription)")
        }
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(at: staging) }
    }

    /// Removes the `.NAME.staging-PID` and `.NAME.old-PID` folders that runs killed before
    /// cleaning up left in `root`, those of processes no longer alive; a concurrent run's
    /// folders are left alone. Returns the paths removed.
    @discardableResult
    public static func removeStaleFolders(in root: String) -> [String] {
        let fm = FileManager.default
        var removed: [String] = []
        for entry in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where entry.hasPrefix(".") {
            guard let dash = entry.lastIndex(of: "-"), let pid = Int32(entry[entry.index(after: dash)...]),
                  entry[..<dash].hasSuffix(".staging") || entry[..<dash].hasSuffix(".old") else { continue }
            // kill(pid, 0) probes without signalling: ESRCH means no such process.
            guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
            let path = (root as NSString).appendingPathComponent(entry)
            if (try? fm.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }

    /// Absolute path where a figure named `file` (e.g. "curves.png") is to be written.
    public func figurePath(_ file: String) -> String { staging.appendingPathComponent("figures").appendingPathComponent(file).path }

    /// Adds a figure block referencing `figures/<file>`; the file must have been written.
    public func figure(_ file: String, caption: String) { document.figure("figures/\(file)", caption: caption) }
    /// The path of a file written beside the page (relative `name`, e.g. `studies.db`).
    public func filePath(_ name: String) -> String { staging.appendingPathComponent(name).path }
    /// Links files written with `filePath` (checked to exist at commit).
    public func files(_ entries: [(path: String, description: String)]) { document.files(entries) }

    public func heading(_ text: String, level: Int = 2) { document.heading(text, level: level) }
    public func paragraph(_ text: String) { document.paragraph(text) }
    public func callout(_ text: String) { document.callout(text) }
    public func table(_ table: ReportTable) { document.table(table) }
    public func configure(_ key: String, _ value: String) { document.configuration.append((key, value)) }
    public func metric(_ key: String, _ value: JSONValue) { metrics[key] = value }

    /// Runs a named step, recording its time; an error becomes a `ReportError` naming the step.
    @discardableResult
    public func step<T>(_ name: String, _ body: () throws -> T) throws -> T {
        let start = Date()
        do {
            let result = try body()
            document.timings.append((name, Date().timeIntervalSince(start)))
            return result
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError(report: self.name, step: name, reason: "\(error)")
        }
    }

    /// Writes the pages and metrics, checks every referenced figure exists, and swaps the folder in.
    public func commit(generatedAt: String) throws {
        let fm = FileManager.default
        for path in document.figurePaths where !fm.fileExists(atPath: staging.appendingPathComponent(path).path) {
            throw ReportError(report: name, step: "commit", reason: "figure \(path) was referenced but not written")
        }
        for path in document.linkedFilePaths where !fm.fileExists(atPath: staging.appendingPathComponent(path).path) {
            throw ReportError(report: name, step: "commit", reason: "file \(path) was linked but not written")
        }
        var allMetrics = metrics
        allMetrics["timingsSeconds"] = .object(Dictionary(document.timings.map { ($0.0, JSONValue.finite($0.1)) }, uniquingKeysWith: { $1 }))
        allMetrics["configuration"] = .object(Dictionary(document.configuration.map { ($0.0, JSONValue.string($0.1)) }, uniquingKeysWith: { $1 }))
        allMetrics["generated"] = .string(generatedAt)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try FileIO.writeAtomically(HTMLRenderer.render(document, generatedAt: generatedAt), to: staging.appendingPathComponent("index.html").path)
            try FileIO.writeAtomically(MarkdownRenderer.render(document, generatedAt: generatedAt), to: staging.appendingPathComponent("report.md").path)
            try FileIO.writeAtomically(encoder.encode(allMetrics), to: staging.appendingPathComponent("metrics.json").path)
        } catch {
            throw ReportError(report: name, step: "write pages", reason: "\(error)")
        }
        let target = root.appendingPathComponent(name)
        let retired = root.appendingPathComponent(".\(name).old-\(ProcessInfo.processInfo.processIdentifier)")
        if fm.fileExists(atPath: target.path) {
            guard rename(target.path, retired.path) == 0 else {
                throw ReportError(report: name, step: "commit", reason: "cannot move the previous folder aside: \(String(cString: strerror(errno)))")
            }
        }
        guard rename(staging.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(retired.path, target.path)
            throw ReportError(report: name, step: "commit", reason: "cannot move the new folder into place: \(reason)")
        }
        committed = true
        try? fm.removeItem(at: retired)
    }
}

/// Writes `<root>/index.html` linking every report folder that holds an `index.html`.
public enum ReportIndex {
    /// - Parameter order: report names listed first, in this order (the catalog's); other folders follow by name.
    /// - Parameter failures: reports of this run that failed, with why; listed after the links.
    public static func write(root: String, titles: [String: String], order: [String] = [], generatedAt: String,
                             failures: [ReportError] = []) throws {
        let fm = FileManager.default
        let entries = ((try? fm.contentsOfDirectory(atPath: root)) ?? [])
            .filter { !$0.hasPrefix(".") && fm.fileExists(atPath: (root as NSString).appendingPathComponent("\($0)/index.html")) }
            .sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Atelier reports</title>
        <style>\(HTMLRenderer.style)</style></head><body><main>
        <h1>Atelier reports</h1>
        <p class="summary">Each report was produced by <code>atelier report</code>; open one to see its figures, tables and run configuration.</p>
        <ul>

        """
        let failed = Set(failures.map(\.report))
        for entry in entries {
            let title = titles[entry] ?? entry
            let note = failed.contains(entry) ? ", from an earlier run: this run failed" : ""
            html += "<li><a href=\"\(HTMLRenderer.escape(entry))/index.html\">\(HTMLRenderer.escape(title))</a> <span style=\"color:#777\">(\(HTMLRenderer.escape(entry))/\(note))</span></li>\n"
        }
        html += "</ul>\n"
        if !failures.isEmpty {
            html += "<h2>Failed in this run</h2>\n<ul>\n"
            for failure in failures {
                html += "<li>\(HTMLRenderer.escape(titles[failure.report] ?? failure.report)): failed at step '\(HTMLRenderer.escape(failure.step))': \(HTMLRenderer.escape(failure.reason))</li>\n"
            }
            html += "</ul>\n"
        }
        html += "<p class=\"foot\">Index written \(HTMLRenderer.escape(generatedAt)).</p>\n</main></body></html>\n"
        try FileIO.writeAtomically(html, to: (root as NSString).appendingPathComponent("index.html"))
    }
}
