import Datasets
import Foundation
import TensorCore

/// Where a credit-card table came from. Everything computed from synthetic data says so.
public enum CreditCardSource: Sendable, Equatable, Codable {
    /// A user-supplied file (the real Kaggle data, or anything with its schema).
    case file(path: String)
    /// Drawn by `SyntheticCreditCard` from the published per-class statistics.
    case synthetic(path: String?, seed: UInt64)

    public var isSynthetic: Bool { if case .synthetic = self { return true } else { return false } }

    /// A short label for titles and tables, e.g. "synthetic (seed 0) creditcard_synth.csv".
    public var label: String {
        switch self {
        case let .file(path): return (path as NSString).lastPathComponent
        case let .synthetic(path, seed):
            return "synthetic (seed \(seed))" + (path.map { " " + ($0 as NSString).lastPathComponent } ?? "")
        }
    }
}

/// The credit-card transactions: 30 feature columns and the 0/1 fraud labels.
public struct CreditCardData: Sendable {
    /// Time, V1...V28, Amount, in that order.
    public var features: NumericTable
    /// 1 = fraud, 0 = legit, one per row.
    public var labels: [Int]
    public var source: CreditCardSource

    public init(features: NumericTable, labels: [Int], source: CreditCardSource) {
        precondition(features.rowCount == labels.count, "\(features.rowCount) rows but \(labels.count) labels")
        self.features = features
        self.labels = labels
        self.source = source
    }

    public var rowCount: Int { labels.count }
    public var fraudCount: Int { labels.reduce(0, +) }

    /// The sidecar file `SyntheticCreditCard.write` leaves next to a synthetic CSV; its presence
    /// marks the data as synthetic (the CSV itself keeps the exact Kaggle schema).
    public static func provenancePath(for path: String) -> String { path + ".synthetic.json" }

    /// Reads a `creditcard.csv` (plain or gzip).
    ///
    /// The header is checked before the body is parsed (`CreditCardSchema.validate`), then every
    /// cell must be a number (the CSV reader's errors give line and column), no cell may be NaN,
    /// and Class must be 0 or 1. Columns are reordered to the file order of the schema.
    /// - Throws: `FraudError` or `DatasetError`, each naming the file and line.
    public static func load(_ path: String) throws -> CreditCardData {
        let data = try FileIO.readMaybeGzipped(path)
        try CSV.checkLooksLikeCSV(data, path: path)
        let header = data.withUnsafeBytes { raw -> [String] in
            let bytes = raw.bindMemory(to: UInt8.self)
            var end = 0
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            if text.hasSuffix("\r") { text.removeLast() }
            return text.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        try CreditCardSchema.validate(header, path: path)
        var table = try CSV.parseNumeric(data, path: path)
        if table.columnNames != CreditCardSchema.columnNames { table = try table.selecting(CreditCardSchema.columnNames) }
        let columns = CreditCardSchema.columnNames.count
        let classIndex = columns - 1
        var labels = [Int](repeating: 0, count: table.rowCount)
        var problem: (row: Int, column: Int, value: Float)?
        table.values.withUnsafeBufferPointer { v in
            for row in 0..<table.rowCount {
                for column in 0..<columns where v[row * columns + column].isNaN {
                    problem = (row, column, .nan); return
                }
                let label = v[row * columns + classIndex]
                if label == 0 { labels[row] = 0 } else if label == 1 { labels[row] = 1 } else { problem = (row, classIndex, label); return }
            }
        }
        if let problem {
            let line = lineNumber(ofDataRow: problem.row, in: data)
            if problem.value.isNaN {
                throw FraudError.missingValue(path: path, line: line, column: CreditCardSchema.columnNames[problem.column])
            }
            throw FraudError.classNotBinary(path: path, line: line, found: CSV.format(problem.value))
        }
        let features = try table.selecting(CreditCardSchema.featureNames)
        var source = CreditCardSource.file(path: path)
        if let note = try? FileIO.read(provenancePath(for: path)),
           let provenance = try? JSONDecoder().decode(SyntheticProvenance.self, from: note) {
            source = .synthetic(path: path, seed: provenance.seed)
        }
        return CreditCardData(features: features, labels: labels, source: source)
    }

    /// The 1-based file line of data row `row` (0-based), skipping blank lines as the CSV reader does.
    static func lineNumber(ofDataRow row: Int, in data: Data) -> Int {
        data.withUnsafeBytes { raw -> Int in
            let bytes = raw.bindMemory(to: UInt8.self)
            var line = 1, position = 0, dataRow = -1
            while position < bytes.count {
                var end = position
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                let blank = end == position || (end == position + 1 && bytes[position] == 0x0D)
                if line > 1 && !blank { dataRow += 1; if dataRow == row { return line } }
                line += 1
                position = end + 1
            }
            return line
        }
    }

    /// The rows at `indices`.
    public func rows(at indices: [Int]) -> CreditCardData {
        CreditCardData(features: features.rows(at: indices), labels: indices.map { labels[$0] }, source: source)
    }

    /// Indices of the rows of class `label`.
    public func indices(ofClass label: Int) -> [Int] { labels.indices.filter { labels[$0] == label } }
}

/// The content of the `.synthetic.json` sidecar.
struct SyntheticProvenance: Codable {
    var generator: String
    var seed: UInt64
    var rows: Int
    var fraudRows: Int
    var note: String
}
