import Foundation
import TensorCore

/// What `atelier dataset info` prints about one file.
public struct DataFileSummary: Codable, Sendable, Equatable {
    public var path: String
    /// "idx-images", "idx-labels", "idx", "npy-<dtype>" (e.g. "npy-<f4") or "csv"; with "+gzip" when compressed.
    public var format: String
    public var records: Int
    /// Shape of the whole content, e.g. `[60000, 28, 28]` or `[284807, 31]`.
    public var shape: [Int]
    /// Count per label value, for label files and CSV label columns.
    public var labelHistogram: [String: Int]?
    public var minimum: Double
    public var maximum: Double
    /// CSV column names.
    public var columns: [String]?

    /// Reads `path` (IDX, NumPy .npy or numeric CSV, raw or gzip, told apart by content) and summarises it.
    public static func describe(_ path: String, labelColumn: String? = nil, delimiter: Character = ",") throws -> DataFileSummary {
        let raw = try FileIO.read(path)
        let compressed = Gzip.isGzip(raw)
        let data = compressed ? try Gzip.decompress(raw, path: path) : raw
        let suffix = compressed ? "+gzip" : ""
        let looksIDX = data.count >= 4 && data[data.startIndex] == 0 && data[data.startIndex + 1] == 0
        if looksIDX {
            let file = try IDX.parse(data, path: path)
            let kind = file.magic == IDX.imagesMagic ? "idx-images" : file.magic == IDX.labelsMagic ? "idx-labels" : "idx"
            var histogram: [String: Int]?
            if file.magic == IDX.labelsMagic {
                var counts: [String: Int] = [:]
                for b in file.bytes { counts[String(b), default: 0] += 1 }
                histogram = counts
            }
            return DataFileSummary(path: path, format: kind + suffix, records: file.dimensions[0], shape: file.dimensions,
                                   labelHistogram: histogram, minimum: Double(file.bytes.min() ?? 0),
                                   maximum: Double(file.bytes.max() ?? 0), columns: nil)
        }
        if data.count >= 6 && data.prefix(6).elementsEqual(NPY.magic) {
            let array = try NPY.parse(data, path: path)
            let values = array.tensor()
            return DataFileSummary(path: path, format: "npy-\(array.dtype)" + suffix, records: array.shape.first ?? 1,
                                   shape: array.shape, labelHistogram: nil,
                                   minimum: Double(values.elements.filter(\.isFinite).min() ?? .nan),
                                   maximum: Double(values.elements.filter(\.isFinite).max() ?? .nan), columns: nil)
        }
        let table = try CSV.parseNumeric(data, path: path, delimiter: delimiter)
        var histogram: [String: Int]?
        if let labelColumn {
            var counts: [String: Int] = [:]
            for v in try table.column(labelColumn) { counts[CSV.format(v), default: 0] += 1 }
            histogram = counts
        }
        let finite = table.values.elements.filter { $0.isFinite }
        return DataFileSummary(path: path, format: "csv" + suffix, records: table.rowCount, shape: table.values.shape,
                               labelHistogram: histogram, minimum: Double(finite.min() ?? .nan),
                               maximum: Double(finite.max() ?? .nan), columns: table.columnNames)
    }

    /// A few human-readable lines.
    public var text: String {
        var lines = ["\(path)", "  format: \(format)", "  records: \(records)",
                     "  shape: \(shape.map(String.init).joined(separator: " x "))",
                     "  value range: \(CSV.format(Float(minimum))) .. \(CSV.format(Float(maximum)))"]
        if let columns { lines.append("  columns: \(columns.joined(separator: ", "))") }
        if let labelHistogram {
            let keys = labelHistogram.keys.sorted { (Double($0) ?? 0) < (Double($1) ?? 0) }
            lines.append("  labels: " + keys.map { "\($0): \(labelHistogram[$0]!)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

extension DataFileSummary {
    /// The data files of `folder` that `describe` reads, by name: IDX files (`*-idx*`, raw or
    /// `.gz`), `.npy`, `.csv` (and `.csv.gz`), sorted; READMEs and other files are left out.
    public static func dataFiles(in folder: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw DatasetError.unreadable(path: folder, reason: "the folder cannot be listed")
        }
        let kept = names.filter { name in
            !name.hasPrefix(".") && (name.contains("-idx") || name.hasSuffix(".npy") || name.hasSuffix(".csv") || name.hasSuffix(".csv.gz"))
        }.sorted()
        guard !kept.isEmpty else {
            var isFolder: ObjCBool = false
            let subfolders = names.filter { !$0.hasPrefix(".") }.sorted().filter {
                FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent($0), isDirectory: &isFolder) && isFolder.boolValue
            }
            let hint = subfolders.isEmpty ? "" : " (its subfolders: \(subfolders.joined(separator: ", ")))"
            throw DatasetError.invalidArgument("\(folder): a folder without data files\(hint); expected IDX (*-idx*-ubyte[.gz]), .npy or .csv files in it")
        }
        return kept.map { (folder as NSString).appendingPathComponent($0) }
    }
}

extension Dataset {
    /// The folder holding the MNIST files, found as `mnist(_:)` finds it.
    public static func locateMNIST(directory: String? = nil) throws -> String {
        try DataLocator.mnist.locate(directory: directory)
    }
}
