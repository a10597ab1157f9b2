import Foundation

/// Counts of (true class, predicted class) pairs, with the per-class rates read from them.
///
/// `counts[truth][prediction]`: rows are the true classes, columns the predictions, as in
/// scikit-learn's `confusion_matrix`. Precision of class c is `counts[c][c] / column sum`,
/// recall `counts[c][c] / row sum`; a class never predicted (or never present) has precision
/// (or recall) 0, scikit-learn's `zero_division=0`.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    public let classCount: Int
    /// `counts[truth][prediction]`.
    public private(set) var counts: [[Int]]

    /// Tallies predictions against labels; `classCount` defaults to the largest class seen + 1.
    /// - Throws: `ClassificationMetricError` on unequal lengths or classes outside `0..<classCount`.
    public init(predictions: [Int], labels: [Int], classCount: Int? = nil) throws {
        guard predictions.count == labels.count else {
            throw ClassificationMetricError.lengthMismatch(predictions: predictions.count, labels: labels.count)
        }
        let classes = classCount ?? ((Swift.max(predictions.max() ?? -1, labels.max() ?? -1)) + 1)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for i in 0..<labels.count {
            let (truth, predicted) = (labels[i], predictions[i])
            guard truth >= 0 && truth < classes else {
                throw ClassificationMetricError.labelOutOfRange(position: i, value: truth, classCount: classes)
            }
            guard predicted >= 0 && predicted < classes else {
                throw ClassificationMetricError.labelOutOfRange(position: i, value: predicted, classCount: classes)
            }
            counts[truth][predicted] += 1
        }
        self.classCount = classes
        self.counts = counts
    }

    /// Number of samples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Fraction on the diagonal; 0 for an empty matrix.
    public var accuracy: Double {
        let all = total
        return all == 0 ? 0 : Double((0..<classCount).reduce(0) { $0 + counts[$1][$1] }) / Double(all)
    }

    /// Samples whose true class is `c` (row sum).
    public func support(_ c: Int) -> Int { counts[c].reduce(0, +) }

    /// Samples predicted as `c` (column sum).
    public func predictedCount(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    /// Of the samples predicted as `c`, the fraction truly `c`.
    public func precision(_ c: Int) -> Double {
        let predicted = predictedCount(c)
        return predicted == 0 ? 0 : Double(counts[c][c]) / Double(predicted)
    }

    /// Of the samples truly `c`, the fraction predicted as `c`.
    public func recall(_ c: Int) -> Double {
        let present = support(c)
        return present == 0 ? 0 : Double(counts[c][c]) / Double(present)
    }

    /// Harmonic mean of precision and recall of class `c` (0 when both are 0).
    public func f1(_ c: Int) -> Double {
        let (p, r) = (precision(c), recall(c))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// Per-class precision, in class order.
    public var precisions: [Double] { (0..<classCount).map(precision) }
    /// Per-class recall, in class order.
    public var recalls: [Double] { (0..<classCount).map(recall) }

    /// The matrix as aligned text with per-class recall and precision, labelled with `classNames`.
    public func table(classNames: [String]? = nil) -> String {
        let names = (0..<classCount).map { c in classNames.flatMap { c < $0.count ? $0[c] : nil } ?? String(c) }
        let width = Swift.max(5, String(counts.flatMap { $0 }.max() ?? 0).count, names.map(\.count).max() ?? 0)
        let labelWidth = Swift.max(9, names.map(\.count).max() ?? 0)
        func cell(_ text: String) -> String { String(repeating: " ", count: Swift.max(0, width - text.count)) + text }
        func label(_ text: String) -> String { text.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " }
        var lines = [label("true\\pred") + names.map(cell).joined(separator: " ") + "  recall"]
        for c in 0..<classCount {
            lines.append(label(names[c]) + counts[c].map { cell(String($0)) }.joined(separator: " ")
                         + String(format: "  %.4f", recall(c)))
        }
        lines.append(label("precision") + (0..<classCount).map { cell(String(format: "%.3f", precision($0))) }.joined(separator: " "))
        lines.append(String(format: "accuracy %.4f (%d samples)", accuracy, total))
        return lines.joined(separator: "\n")
    }
}
