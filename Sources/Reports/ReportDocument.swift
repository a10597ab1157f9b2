import Foundation

/// The content of one report, independent of its output format.
///
/// A report is a title, the run configuration, and a list of blocks (headings, paragraphs, tables,
/// figures). `HTMLRenderer` and `MarkdownRenderer` turn the same document into `index.html` and
/// `report.md`, so the two always say the same thing.
public struct ReportDocument: Sendable {
    public var name: String
    public var title: String
    public var summary: String
    /// Ordered key/value pairs describing how the report was produced (profile, seed, data...).
    public var configuration: [(String, String)]
    public var blocks: [ReportBlock]
    /// Ordered step timings in seconds.
    public var timings: [(String, Double)]

    public init(name: String, title: String, summary: String = "") {
        self.name = name
        self.title = title
        self.summary = summary
        self.configuration = []
        self.blocks = []
        self.timings = []
    }

    public mutating func heading(_ text: String, level: Int = 2) { blocks.append(.heading(text, level: level)) }
    public mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }
    public mutating func callout(_ text: String) { blocks.append(.callout(text)) }
    public mutating func table(_ table: ReportTable) { blocks.append(.table(table)) }
    public mutating func figure(_ path: String, caption: String) { blocks.append(.figure(path: path, caption: caption)) }
    public mutating func files(_ entries: [(path: String, description: String)]) { blocks.append(.files(entries)) }

    /// Every figure path the document references, relative to the report folder.
    public var figurePaths: [String] {
        blocks.compactMap { if case let .figure(path, _) = $0 { return path } else { return nil } }
    }

    /// Every file a `.files` block links (relative to the report folder).
    public var linkedFilePaths: [String] {
        blocks.flatMap { block -> [String] in if case let .files(entries) = block { return entries.map(\.path) } else { return [] } }
    }
}

/// One block of a report.
public enum ReportBlock: Sendable {
    case heading(String, level: Int)
    case paragraph(String)
    /// A paragraph a reader must not miss (e.g. "these numbers come from synthetic data").
    case callout(String)
    case table(ReportTable)
    /// A figure file relative to the report folder (e.g. `figures/curves.png`) and its caption.
    case figure(path: String, caption: String)
    /// Files written beside the page (a database, a CSV trace, an interactive page), each linked
    /// with what it is, relative to the report folder.
    case files([(path: String, description: String)])
}

/// A table with a caption, a header row and string cells (already formatted).
public struct ReportTable: Sendable {
    public var caption: String
    public var header: [String]
    public var rows: [[String]]
    /// Columns to right-align (numbers).
    public var numericColumns: Set<Int>

    public init(caption: String, header: [String], rows: [[String]], numericColumns: Set<Int>? = nil) {
        self.caption = caption
        self.header = header
        self.rows = rows
        self.numericColumns = numericColumns ?? Set(header.indices.filter { column in
            rows.allSatisfy { $0.indices.contains(column) && Double($0[column].replacingOccurrences(of: "%", with: "").replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)) != nil }
        })
    }
}

/// Number formatting shared by the report tables, so pages and metrics agree.
public enum ReportFormat {
    /// `value` with `digits` decimals.
    public static func fixed(_ value: Double, _ digits: Int = 4) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "n/a"
    }

    /// A fraction as a percentage with `digits` decimals, e.g. 0.9876 -> "98.76 %".
    public static func percent(_ fraction: Double, _ digits: Int = 2) -> String {
        fraction.isFinite ? String(format: "%.\(digits)f %%", fraction * 100) : "n/a"
    }

    /// Seconds with a unit that reads well.
    public static func seconds(_ value: Double) -> String {
        value < 1 ? String(format: "%.0f ms", value * 1000) : value < 120 ? String(format: "%.1f s", value) : String(format: "%.1f min", value / 60)
    }

    /// An integer with thousands separators, e.g. 2,758,364.
    public static func grouped(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: value)) ?? String(format: "%.0f", value)
    }
}
