import Datasets
import Foundation

/// The published statistics of the real Kaggle file that the synthetic generator reproduces.
///
/// Per-class means and sample standard deviations of every column come from
/// `datasets/creditcard/creditcard_stats.csv` (sources in its last column); the Amount quartiles,
/// maxima and Time ranges are the published figures quoted in `datasets/creditcard/README.md`.
public struct PublishedStatistics: Sendable, Equatable {
    /// Mean and standard deviation (ddof = 1) of one column in one class.
    public struct Moments: Sendable, Equatable {
        public var mean: Double
        public var standardDeviation: Double
    }

    /// Per column name: (legit, fraud) moments.
    public var legit: [String: Moments]
    public var fraud: [String: Moments]

    /// Rows and frauds of the real file: 284,807 and 492 (0.1727 %).
    public static let realRowCount = 284_807
    public static let realFraudCount = 492
    /// Time range of all rows and of the frauds, seconds.
    public static let timeRange: ClosedRange<Double> = 0...172_792
    public static let fraudTimeRange: ClosedRange<Double> = 406...170_348
    /// Amount quartiles (Q1, median, Q3) and maximum per class.
    public static let legitAmountQuartiles = (q1: 5.65, median: 22.00, q3: 77.05)
    public static let fraudAmountQuartiles = (q1: 1.00, median: 9.25, q3: 105.89)
    public static let legitAmountMaximum = 25_691.16
    public static let fraudAmountMaximum = 2_125.87

    public init(legit: [String: Moments], fraud: [String: Moments]) {
        self.legit = legit
        self.fraud = fraud
    }

    /// Parses `creditcard_stats.csv`: header `feature,mean_legit,std_legit,mean_fraud,std_fraud,source`
    /// (the source cell is quoted text and ignored), one row per column of the schema.
    /// - Throws: `DatasetError.malformed` naming the line for a bad row, `FraudError.wrongSchema`
    ///   when a feature of the schema is missing.
    public static func load(_ path: String) throws -> PublishedStatistics {
        try parse(String(decoding: try FileIO.read(path), as: UTF8.self), path: path)
    }

    /// The statistics compiled into the binary (`builtInCSV`, a copy of the shipped
    /// `datasets/creditcard/creditcard_stats.csv`), so nothing has to be found on disk.
    public static let builtIn: PublishedStatistics = {
        do { return try parse(builtInCSV, path: builtInName) } catch { preconditionFailure("the built-in statistics do not parse: \(error)") }
    }()

    /// How the built-in statistics are named in messages and provenance.
    public static let builtInName = "built-in creditcard_stats.csv"

    /// `--stats FILE` when given, else the built-in statistics.
    public static func load(explicit path: String?) throws -> PublishedStatistics {
        if let path { return try load(path) }
        return builtIn
    }

    /// Parses the text of a statistics CSV; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws -> PublishedStatistics {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        let expectedHeader = ["feature", "mean_legit", "std_legit", "mean_fraud", "std_fraud"]
        guard let header = lines.first, Array(header.split(separator: ",").prefix(5).map(String.init)) == expectedHeader else {
            throw DatasetError.malformed(path: path, line: 1, column: nil, reason: "expected the header \(expectedHeader.joined(separator: ",")),source")
        }
        var legit: [String: Moments] = [:], fraud: [String: Moments] = [:]
        for (index, line) in lines.enumerated().dropFirst() {
            let cells = line.split(separator: ",", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
            guard cells.count >= 5 else {
                throw DatasetError.malformed(path: path, line: index + 1, column: nil, reason: "expected at least 5 cells, found \(cells.count)")
            }
            var numbers: [Double] = []
            for column in 1...4 {
                guard let value = Double(cells[column].trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw DatasetError.malformed(path: path, line: index + 1, column: column + 1, reason: "'\(cells[column])' is not a number")
                }
                numbers.append(value)
            }
            guard numbers[1] > 0, numbers[3] > 0 else {
                throw DatasetError.malformed(path: path, line: index + 1, column: nil, reason: "standard deviations must be positive")
            }
            legit[cells[0]] = Moments(mean: numbers[0], standardDeviation: numbers[1])
            fraud[cells[0]] = Moments(mean: numbers[2], standardDeviation: numbers[3])
        }
        let missing = CreditCardSchema.featureNames.filter { legit[$0] == nil }
        if !missing.isEmpty { throw FraudError.wrongSchema(path: path, missing: missing, unexpected: [], duplicated: []) }
        return PublishedStatistics(legit: legit, fraud: fraud)
    }
}
