import Datasets
import Foundation

/// Why a report could not be written.
public struct ReportError: Error, CustomStringConvertible, LocalizedError {
    public var report: String
    public var step: String
    public var reason: String
    public init(report: String, step: String, reason: String) {
        self.report = report
        self.step = step
        self.reason = reason
    }
    public var description: String { "report '\(report)' failed at step '\(step)': \(reason); the previous report folder was left intact" }
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

    /// Absolute path where a figure named `file` (e.g. "curves.png") is to be written.
    public func figurePath(_ file: String) -> String { staging.appendingPathComponent("figures").appendingPathComponent(file).path }

    /// Adds a figure block referencing `figures/<file>`; the file must have been written.
    public func figure(_ file: String, caption: String) { document.figure("figures/\(file)", caption: caption) }

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
    public static func write(root: String, titles: [String: String], order: [String] = [], generatedAt: String) throws {
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
        for entry in entries {
            let title = titles[entry] ?? entry
            html += "<li><a href=\"\(HTMLRenderer.escape(entry))/index.html\">\(HTMLRenderer.escape(title))</a> <span style=\"color:#777\">(\(HTMLRenderer.escape(entry))/)</span></li>\n"
        }
        html += "</ul>\n<p class=\"foot\">Index written \(HTMLRenderer.escape(generatedAt)).</p>\n</main></body></html>\n"
        try FileIO.writeAtomically(html, to: (root as NSString).appendingPathComponent("index.html"))
    }
}
