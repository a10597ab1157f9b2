import Datasets
import Foundation

/// Summary statistics of every feature per class (legit 0, fraud 1), like pandas'
/// `df.groupby("Class").describe()`: count, mean, sample std (ddof = 1), min, quartiles
/// (linear interpolation, numpy's default) and max.
public struct ClassSummary: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var feature: String
        public var label: Int
        public var count: Int
        public var mean: Double
        public var standardDeviation: Double
        public var minimum: Double
        public var firstQuartile: Double
        public var median: Double
        public var thirdQuartile: Double
        public var maximum: Double
    }

    /// Feature-major rows: for each feature, class 0 then class 1.
    public var rows: [Row]
    /// The data's source label ("synthetic (seed 0) ..." or the file name).
    public var source: String

    public init(_ data: CreditCardData) {
        let p = data.features.columnCount
        var rows: [Row] = []
        let members = [data.indices(ofClass: 0), data.indices(ofClass: 1)]
        data.features.values.withUnsafeBufferPointer { v in
            for j in 0..<p {
                for label in 0...1 {
                    let values = members[label].map { Double(v[$0 * p + j]) }.sorted()
                    rows.append(ClassSummary.describe(values, feature: data.features.columnNames[j], label: label))
                }
            }
        }
        self.rows = rows
        self.source = data.source.label
    }

    static func describe(_ sorted: [Double], feature: String, label: Int) -> Row {
        let count = sorted.count
        guard count > 0 else {
            return Row(feature: feature, label: label, count: 0, mean: .nan, standardDeviation: .nan, minimum: .nan,
                       firstQuartile: .nan, median: .nan, thirdQuartile: .nan, maximum: .nan)
        }
        let mean = sorted.reduce(0, +) / Double(count)
        let squares = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return Row(feature: feature, label: label, count: count, mean: mean,
                   standardDeviation: count > 1 ? (squares / Double(count - 1)).squareRoot() : .nan,
                   minimum: sorted[0], firstQuartile: quantile(sorted, 0.25), median: quantile(sorted, 0.5),
                   thirdQuartile: quantile(sorted, 0.75), maximum: sorted[count - 1])
    }

    /// Linear-interpolation quantile of sorted values (`numpy.quantile` default).
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }

    /// The row of `feature` in class `label`.
    public func row(_ feature: String, label: Int) -> Row? { rows.first { $0.feature == feature && $0.label == label } }

    /// CSV text: a `source` column (saying "synthetic" for generated data), then the statistics.
    public var csv: String {
        var text = "source,feature,class,count,mean,std,min,q1,median,q3,max\n"
        let quotedSource = "\"" + source.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        for r in rows {
            text += [quotedSource, r.feature, r.label == 1 ? "fraud" : "legit", "\(r.count)"].joined(separator: ",")
            for value in [r.mean, r.standardDeviation, r.minimum, r.firstQuartile, r.median, r.thirdQuartile, r.maximum] {
                text += "," + String(format: "%.6g", value)
            }
            text += "\n"
        }
        return text
    }

    /// Writes `csv` atomically.
    public func write(to path: String) throws { try FileIO.writeAtomically(csv, to: path) }
}
