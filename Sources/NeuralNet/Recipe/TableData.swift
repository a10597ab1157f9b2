import Datasets
import Foundation
import TensorCore

extension PreparedData {
    /// A target column is a class label when every value is a whole number in 0..<1000 with
    /// at most this many distinct values; otherwise it is a number to regress (MSE).
    public static let maximumClassCount = 100

    /// Reads a `.csv` (header row, numeric cells) or 2-D `.npy` table, takes the label column
    /// out as the target and splits the rows: seeded shuffle, `testFraction` for test, then
    /// `validationFraction` of the whole for validation (stratified when the target is a class).
    static func loadTable(_ path: String, labelColumn: String?, recipe: TrainingRecipe) throws -> PreparedData {
        guard recipe.testFraction > 0 else { throw NeuralNetError.invalidArgument("\(path): a table needs a test fraction > 0 (it has no test split of its own)") }
        let table: NumericTable
        if path.lowercased().hasSuffix(".npy") {
            let values = try NPY.readTensor(path)
            guard values.shape.count == 2, values.shape[1] >= 2 else {
                throw NeuralNetError.invalidData("\(path): expected a 2-D array of rows by columns (features and a label), found shape \(values.shape)")
            }
            table = NumericTable(columnNames: (0..<values.shape[1]).map(String.init), values: values)
        } else {
            table = try CSV.readNumeric(path)
        }
        let isNPY = path.lowercased().hasSuffix(".npy")
        let labelName = labelColumn ?? (isNPY ? String(table.columnCount - 1) : "label")
        guard table.columnNames.contains(labelName) else {
            let hint = isNPY ? "a column index in 0..<\(table.columnCount)" : "one of \(table.columnNames.joined(separator: ", "))"
            throw NeuralNetError.invalidData("\(path): the label column '\(labelName)' is not in the table; expected \(hint) (set --label-column)")
        }
        guard table.rowCount >= 10 else { throw NeuralNetError.invalidData("\(path): \(table.rowCount) rows are too few to train and test on (need at least 10)") }
        let target = try table.column(labelName)
        if let bad = target.firstIndex(where: { !$0.isFinite }) {
            throw NeuralNetError.invalidData("\(path): row \(bad + 1) of the label column '\(labelName)' is not a number")
        }
        let features = try table.excluding([labelName])
        guard features.columnCount > 0 else { throw NeuralNetError.invalidData("\(path): no feature columns besides '\(labelName)'") }
        guard features.values.isFinite else { throw NeuralNetError.invalidData("\(path): the feature columns contain NaN or infinite values") }

        let distinct = Set(target)
        let isClassification = target.allSatisfy { $0 >= 0 && $0 < 1000 && $0 == $0.rounded() } && distinct.count <= maximumClassCount
        let labels = isClassification ? target.map { Int($0) } : nil
        let all = Samples(inputs: features.values, labels: labels,
                          values: isClassification ? nil : Tensor(shape: [table.rowCount, 1], elements: target))
        // Splitter wants positive fractions: a zero validation share is left out of the call.
        let hasValidation = recipe.validationFraction > 0
        let fractions = [1 - recipe.testFraction - recipe.validationFraction] + (hasValidation ? [recipe.validationFraction] : []) + [recipe.testFraction]
        var parts = try Splitter(fractions: fractions, seed: recipe.seed, stratified: isClassification)
            .split(count: table.rowCount, labels: labels ?? [Int](repeating: 0, count: table.rowCount))
        if !hasValidation { parts.insert([], at: 1) }
        guard !parts[0].isEmpty, !parts[2].isEmpty else {
            throw NeuralNetError.invalidData("\(path): \(table.rowCount) rows leave no training or test rows with these fractions")
        }
        let classNames = isClassification ? (0...(distinct.map { Int($0) }.max() ?? 0)).map(String.init) : nil
        return PreparedData(name: path, fit: all.rows(parts[0]), validation: parts[1].isEmpty ? nil : all.rows(parts[1]),
                            test: all.rows(parts[2]), sampleShape: [features.columnCount], classNames: classNames,
                            featureNames: features.columnNames)
    }
}
