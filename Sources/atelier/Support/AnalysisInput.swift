import ArgumentParser
import Datasets
import Foundation
import TensorCore

/// The data options shared by `cluster`, `pca` and `tsne`: a numeric CSV (features plus optional
/// label / assignment columns) or a named image dataset.
struct AnalysisInputOptions: ParsableArguments {
    @Option(help: "Numeric CSV file with a header row.")
    var input: String?

    @Option(help: "A named dataset instead of a CSV: mnist or fashion-mnist.")
    var dataset: String?

    @Option(help: "Dataset part: train, test, or all (train then test).")
    var split: String = "test"

    @Option(help: "Use only the first N samples.")
    var limit: Int?

    @Option(help: "CSV column holding class labels (integers).")
    var labelColumn: String?

    @Option(help: "Feature columns, comma-separated (default: every column that is not a label or assignment).")
    var columns: String?

    @Option(help: "Columns to leave out of the features, comma-separated.")
    var excludeColumns: String?

    func validate() throws {
        if (input == nil) == (dataset == nil) {
            throw ValidationError("give exactly one of --input FILE.csv or --dataset NAME")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if !["train", "test", "all"].contains(split) {
            throw ValidationError("--split must be train, test or all, got '\(split)'")
        }
        if columns != nil && excludeColumns != nil {
            throw ValidationError("give at most one of --columns and --exclude-columns")
        }
        if dataset != nil && (labelColumn != nil || columns != nil || excludeColumns != nil) {
            throw ValidationError("--label-column, --columns and --exclude-columns apply to --input CSV files only")
        }
    }

    /// Features `[n, d]`, labels when known, and the extra integer column `extraColumn` (e.g. an
    /// existing assignment) when asked for.
    func load(extraColumn: String? = nil) throws -> AnalysisInput {
        if let dataset {
            let parts: [ImageDataset] = split == "all"
                ? [try Dataset.named(dataset, split: .train), try Dataset.named(dataset, split: .test)]
                : [try Dataset.named(dataset, split: split == "train" ? .train : .test)]
            var features = Tensor.concatenatingRows(parts.map { $0.images() })
            var labels = parts.flatMap(\.labels)
            if let limit, limit < labels.count {
                features = features.rows(0..<limit); labels = Array(labels.prefix(limit))
            }
            return AnalysisInput(features: features, labels: labels, extra: nil, source: "\(dataset)-\(split)",
                                 classNames: parts[0].classNames)
        }
        let path = input!
        var table = try CSV.readNumeric(path)
        if let limit, limit < table.rowCount { table = table.rows(at: 0..<limit) }
        func integers(_ name: String) throws -> [Int] {
            let column = try table.columnIndex(name)
            return try table.column(at: column).enumerated().map { row, value in
                guard value.isFinite, value == value.rounded(), abs(value) < 1e9 else {
                    throw DatasetError.malformed(path: path, line: row + 2, column: column + 1,
                                                 reason: "'\(value)' in column '\(name)' is not an integer; expected an integer label")
                }
                return Int(value)
            }
        }
        let labels = try labelColumn.map(integers)
        let extra = try extraColumn.map(integers)
        let reserved = [labelColumn, extraColumn].compactMap { $0 }
        let features: NumericTable
        if let columns {
            let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            features = try table.selecting(names)
        } else {
            let excluded = (excludeColumns?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []) + reserved
            features = try table.excluding(excluded)
        }
        guard features.columnCount > 0 else {
            throw DatasetError.invalidArgument("\(path): no feature columns left; expected at least one numeric column besides \(reserved.joined(separator: ", "))")
        }
        return AnalysisInput(features: features.values, labels: labels, extra: extra, source: path, classNames: nil)
    }
}

/// Loaded analysis input.
struct AnalysisInput {
    var features: Tensor
    var labels: [Int]?
    var extra: [Int]?
    var source: String
    /// Names of the label values, when the dataset has them.
    var classNames: [String]?
}

/// Wall-clock seconds of `body`, with its result.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
