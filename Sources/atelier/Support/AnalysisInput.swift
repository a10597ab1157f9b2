import ArgumentParser
import Datasets
import Foundation
import TensorCore

/// The data options shared by `cluster`, `pca` and `tsne`: a numeric CSV (features plus optional
/// label / assignment columns) or a named image dataset.
struct AnalysisInputOptions: ParsableArguments {
    @Option(help: "Numeric CSV file with a header row (empty cells are missing values).")
    var input: String?

    @Option(help: "A named dataset instead of a CSV: mnist or fashion-mnist.")
    var dataset: String?

    @Option(help: "Folder holding the dataset's files (default: see CONVENTIONS.md, data lookup).")
    var dataDir: String?

    @Option(help: "Dataset part: train, test, or all (train then test).")
    var split: String = "test"

    @Option(help: "Use only the first N samples.")
    var limit: Int?

    @Option(help: "CSV column holding class labels (integers); never a feature (default: label, when there is one).")
    var labelColumn: String?

    @Option(help: "Feature columns, comma-separated (default: every column but the label and assignment columns).")
    var features: String?

    @Option(help: "Columns to leave out of the features, comma-separated.")
    var excludeColumns: String?

    @Option(help: "Cell separator of the CSV: one character, or tab.")
    var delimiter: String = ","

    func validate() throws {
        if (input == nil) == (dataset == nil) {
            throw ValidationError("give exactly one of --input FILE.csv or --dataset NAME")
        }
        if let dataset, !Dataset.imageDatasetNames.contains(dataset.lowercased()) {
            throw ValidationError("--dataset must be one of \(Dataset.imageDatasetNames.joined(separator: ", ")), got '\(dataset)'")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if !["train", "test", "all"].contains(split) {
            throw ValidationError("--split must be train, test or all, got '\(split)'")
        }
        if features != nil && excludeColumns != nil {
            throw ValidationError("give at most one of --features and --exclude-columns")
        }
        if dataset != nil && (labelColumn != nil || features != nil || excludeColumns != nil) {
            throw ValidationError("--label-column, --features and --exclude-columns apply to --input CSV files only")
        }
        if input != nil && dataDir != nil { throw ValidationError("--data-dir applies to --dataset only") }
        _ = try delimiterCharacter()
    }

    /// The `--delimiter` character.
    func delimiterCharacter() throws -> Character {
        guard let character = CSV.delimiter(named: delimiter) else {
            throw ValidationError("--delimiter must be one punctuation character or tab, got '\(delimiter)'")
        }
        return character
    }

    /// Features `[n, d]`, labels when known, and the extra integer column `extraColumn` (e.g. an
    /// existing assignment) when asked for.
    func load(extraColumn: String? = nil) throws -> AnalysisInput {
        if let dataset {
            let parts: [ImageDataset] = split == "all"
                ? [try Dataset.named(dataset, split: .train, directory: dataDir), try Dataset.named(dataset, split: .test, directory: dataDir)]
                : [try Dataset.named(dataset, split: split == "train" ? .train : .test, directory: dataDir)]
            var features = Tensor.concatenatingRows(parts.map { $0.images() })
            var labels = parts.flatMap(\.labels)
            if let limit, limit < labels.count {
                features = features.rows(0..<limit); labels = Array(labels.prefix(limit))
            }
            return AnalysisInput(features: features, labels: labels, extra: nil, source: "\(dataset)-\(split)",
                                 classNames: parts[0].classNames)
        }
        let path = input!
        var table = try CSV.readNumeric(path, delimiter: try delimiterCharacter())
        if let limit, limit < table.rowCount { table = table.rows(at: 0..<limit) }
        func list(_ text: String?) -> [String] {
            text?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        }
        // A column called `label` is the class, never a feature, unless --features names it.
        let labelName = labelColumn ?? (table.columnNames.contains("label") && !list(features).contains("label") ? "label" : nil)
        for (flag, names) in [("--label-column", [labelName].compactMap { $0 }), ("--assignment-column", [extraColumn].compactMap { $0 }),
                              ("--features", list(features)), ("--exclude-columns", list(excludeColumns))] {
            for name in names { _ = try table.columnIndex(name, in: path, flag: flag) }
        }
        func integers(_ name: String) throws -> [Int] {
            let column = try table.columnIndex(name)
            try table.requireComplete([name], path: path)
            return try table.column(at: column).enumerated().map { row, value in
                guard value.isFinite, value == value.rounded(), abs(value) < 1e9 else {
                    let line = (try? FileIO.readMaybeGzipped(path)).map { CSV.lineNumber(ofDataRow: row, in: $0) } ?? row + 2
                    throw DatasetError.malformed(path: path, line: line, column: column + 1,
                                                 reason: "'\(CSV.format(value))' in column '\(name)' is not an integer; expected an integer label")
                }
                return Int(value)
            }
        }
        let labels = try labelName.map(integers)
        let extra = try extraColumn.map(integers)
        let reserved = [labelName, extraColumn].compactMap { $0 }
        let selected: NumericTable
        if features != nil {
            selected = try table.selecting(list(features))
        } else {
            selected = try table.excluding(list(excludeColumns) + reserved)
        }
        guard selected.columnCount > 0 else {
            throw DatasetError.invalidArgument("\(path): no feature columns left; expected at least one numeric column besides \(reserved.joined(separator: ", "))")
        }
        // Gaps are allowed in the file, not in the columns analysed.
        try selected.requireComplete(selected.columnNames, path: path)
        return AnalysisInput(features: selected.values, labels: labels, extra: extra, source: path, classNames: nil,
                             featureNames: selected.columnNames, labelColumn: labelName)
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
    /// The CSV columns used as features (nil for an image dataset).
    var featureNames: [String]? = nil
    /// The CSV column read as labels, if any.
    var labelColumn: String? = nil
}

/// Wall-clock seconds of `body`, with its result.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
