import Datasets
import Foundation
import TensorCore

/// A synthetic stand-in for the Kaggle credit-card file, drawn from the published per-class
/// statistics (the real file cannot be downloaded here).
///
/// What it reproduces: the schema; the imbalance (492 frauds in 284,807 rows, scaled to `rows`);
/// per-class mean and standard deviation of V1...V28 and of Time (legit V columns are independent
/// normals; fraud V columns are the two-component `FraudMixture`: a `camouflageShare` of fraud
/// rows look legitimate in every V column, the rest come from an "obvious" normal solved so the
/// mixture keeps the published fraud mean and std, so fraud is not perfectly separable and
/// logistic regression's AUPRC is near the published ~0.7); the
/// Time ranges (all rows 0...172,792, frauds 406...170,348: a scaled Beta per class matched to
/// the class mean and std, rounded to whole seconds, with each class's earliest and latest rows
/// moved to the published extremes); Amount quartiles and maxima (a log-normal per class
/// truncated at the class maximum and fitted so its *truncated* Q1 and Q3 are the published ones,
/// rounded to cents; the median then lands near the published one). Rows are sorted by Time as
/// in the real file. What it does not reproduce: heavy tails, cross-feature structure (beyond the
/// row-level camouflage, which correlates fraud columns), Amount's
/// mean (the log-normal's is higher) and the ~1,081 duplicate rows. Say "synthetic" wherever
/// it is used.
///
/// Deterministic: the same `seed`, `rows`, `fraudRows` and statistics give the same bytes.
public struct SyntheticCreditCard: Sendable {
    public var rows: Int
    /// Fraud rows; default `round(rows * 492 / 284,807)` (0.1727 %).
    public var fraudRows: Int
    public var seed: UInt64
    /// Share of fraud rows whose V-features look legitimate (see `FraudMixture`). The defaults,
    /// share 0.30 and shift 0.08, were chosen by measuring `atelier fraud train` on full
    /// 284,807-row files (seeds 0, 1, 2): logistic regression AUPRC 0.76 / 0.69 / 0.72 (published
    /// on the real file: 0.70-0.72) and ROC-AUC 0.94-0.97 (published 0.95-0.98); figures in
    /// Benchmarks/results/fraud.md. At these defaults V4 and V14 use the per-column fallback
    /// share (their fraud std is small next to their mean gap). Share 0 gives the old, nearly
    /// separable data.
    public var camouflageShare: Double

    /// Where camouflaged rows sit between the legit and the fraud mean (see `FraudMixture`).
    public var camouflageShift: Double

    /// The default camouflage share.
    public static let defaultCamouflageShare = 0.30
    /// The default camouflage shift.
    public static let defaultCamouflageShift = 0.08

    public init(rows: Int = PublishedStatistics.realRowCount, fraudRows: Int? = nil, seed: UInt64 = 0,
                camouflageShare: Double = SyntheticCreditCard.defaultCamouflageShare,
                camouflageShift: Double = SyntheticCreditCard.defaultCamouflageShift) {
        self.camouflageShift = camouflageShift
        self.rows = rows
        self.camouflageShare = camouflageShare
        self.fraudRows = fraudRows ?? Int((Double(rows) * Double(PublishedStatistics.realFraudCount) / Double(PublishedStatistics.realRowCount)).rounded())
        self.seed = seed
    }

    /// The generated rows: `[rows, 31]` doubles in schema order (Class last), sorted by Time.
    public func generateMatrix(statistics: PublishedStatistics) throws -> [Double] {
        guard rows >= 2, fraudRows >= 2, fraudRows <= rows - 2 else {
            throw FraudError.invalidArgument("synthetic data needs at least 2 fraud and 2 legit rows; got \(rows) rows with \(fraudRows) frauds")
        }
        let mixture = try FraudMixture(statistics: statistics, camouflageShare: camouflageShare, camouflageShift: camouflageShift)
        let columns = CreditCardSchema.columnNames.count
        var generator = RandomGenerator(seed: seed)
        var matrix = [Double](repeating: 0, count: rows * columns)
        // Frauds first, then legit; sorted by Time at the end.
        let classes: [(label: Int, range: Range<Int>, moments: [String: PublishedStatistics.Moments], time: ClosedRange<Double>,
                        quartiles: (q1: Double, median: Double, q3: Double), maximum: Double)] = [
            (1, 0..<fraudRows, statistics.fraud, PublishedStatistics.fraudTimeRange, PublishedStatistics.fraudAmountQuartiles, PublishedStatistics.fraudAmountMaximum),
            (0, fraudRows..<rows, statistics.legit, PublishedStatistics.timeRange, PublishedStatistics.legitAmountQuartiles, PublishedStatistics.legitAmountMaximum),
        ]
        for group in classes {
            // Time: scaled Beta matched to the class mean and std.
            let time = group.moments["Time"]!
            let width = group.time.upperBound - group.time.lowerBound
            guard let parameters = Distributions.betaParameters(mean: (time.mean - group.time.lowerBound) / width,
                                                                 standardDeviation: time.standardDeviation / width) else {
                throw FraudError.invalidArgument("no Beta distribution on \(group.time) has Time mean \(time.mean) and std \(time.standardDeviation)")
            }
            let amount = Distributions.truncatedLogNormalFittedToQuartiles(q1: group.quartiles.q1, q3: group.quartiles.q3, maximum: group.maximum)
            let vMoments = (1...28).map { group.moments["V\($0)"]! }
            let isFraud = group.label == 1
            for row in group.range {
                let base = row * columns
                matrix[base] = (group.time.lowerBound + width * Distributions.beta(parameters.alpha, parameters.beta, generator: &generator)).rounded()
                if isFraud {
                    // One camouflage draw per row, shared by the columns (see FraudMixture).
                    let camouflaged = mixture.camouflageShare > 0 && generator.uniformDouble() < mixture.camouflageShare
                    for j in 0..<28 {
                        let column = mixture.columns[j]
                        var legitDraw = camouflaged
                        if camouflaged && column.camouflageShare < mixture.camouflageShare {
                            legitDraw = generator.uniformDouble() < column.camouflageShare / mixture.camouflageShare
                        }
                        matrix[base + 1 + j] = legitDraw
                            ? column.camouflagedMean + column.camouflagedStandardDeviation * generator.normal()
                            : column.obviousMean + column.obviousStandardDeviation * generator.normal()
                    }
                } else {
                    for j in 0..<28 {
                        matrix[base + 1 + j] = vMoments[j].mean + vMoments[j].standardDeviation * generator.normal()
                    }
                }
                var value: Double
                repeat { value = Foundation.exp(amount.mu + amount.sigma * generator.normal()) } while value > group.maximum
                matrix[base + 29] = (value * 100).rounded() / 100
                matrix[base + 30] = Double(group.label)
            }
            // Pin the class's earliest and latest rows to the published extremes.
            var earliest = group.range.lowerBound, latest = group.range.lowerBound
            for row in group.range {
                if matrix[row * columns] < matrix[earliest * columns] { earliest = row }
                if matrix[row * columns] > matrix[latest * columns] { latest = row }
            }
            matrix[earliest * columns] = group.time.lowerBound
            matrix[latest * columns] = group.time.upperBound
        }
        // Sort rows by Time (stable by generation order), as the real file is.
        let order = (0..<rows).sorted { a, b in
            let ta = matrix[a * columns], tb = matrix[b * columns]
            return ta != tb ? ta < tb : a < b
        }
        var sorted = [Double](repeating: 0, count: rows * columns)
        for (target, source) in order.enumerated() {
            for c in 0..<columns { sorted[target * columns + c] = matrix[source * columns + c] }
        }
        return sorted
    }

    /// The generated data as a table (Float32, as any reader would see it).
    public func generate(statistics: PublishedStatistics) throws -> CreditCardData {
        makeData(try generateMatrix(statistics: statistics), source: .synthetic(path: nil, seed: seed))
    }

    /// Writes the file atomically in Kaggle's layout: quoted header names, Time in whole seconds,
    /// V1...V28 with 6 decimals, Amount with 2, Class quoted (`"0"`), `\n` line ends. A
    /// `<path>.synthetic.json` sidecar records the seed so that every later output says "synthetic".
    /// Text is formatted over the cores.
    @discardableResult
    public func write(to path: String, statistics: PublishedStatistics) throws -> CreditCardData {
        let matrix = try generateMatrix(statistics: statistics)
        let columns = CreditCardSchema.columnNames.count
        let header = CreditCardSchema.columnNames.map { "\"\($0)\"" }.joined(separator: ",") + "\n"
        let chunkCount = max(1, min(rows / 4096, Parallel.workerCount * 4))
        let chunks = ResultSlots<[UInt8]>(count: chunkCount)
        let rowCount = rows
        matrix.withUnsafeBufferPointer { m in
            let base = SendableConstPointer(m.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let start = rowCount * chunk / chunkCount, end = rowCount * (chunk + 1) / chunkCount
                var bytes: [UInt8] = []
                bytes.reserveCapacity((end - start) * 300)
                for r in start..<end {
                    let row = base.base + r * columns
                    TextFormatting.appendFixed(row[0], decimals: 0, to: &bytes)
                    for j in 1...28 { bytes.append(0x2C); TextFormatting.appendFixed(row[j], decimals: 6, to: &bytes) }
                    bytes.append(0x2C); TextFormatting.appendFixed(row[29], decimals: 2, to: &bytes)
                    bytes.append(contentsOf: row[30] == 1 ? [0x2C, 0x22, 0x31, 0x22, 0x0A] : [0x2C, 0x22, 0x30, 0x22, 0x0A])
                }
                chunks[chunk] = bytes
            }
        }
        var output = Data(header.utf8)
        for chunk in chunks.values { output.append(contentsOf: chunk) }
        try FileIO.writeAtomically(output, to: path)
        let provenance = SyntheticProvenance(
            generator: "atelier fraud synth", seed: seed, rows: rows, fraudRows: fraudRows,
            note: "Synthetic stand-in for the Kaggle creditcard.csv drawn from published per-class statistics (datasets/creditcard/README.md), fraud V-features a two-component mixture with camouflage share \(camouflageShare), shift \(camouflageShift); not real transactions.")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileIO.writeAtomically(try encoder.encode(provenance), to: CreditCardData.provenancePath(for: path))
        return makeData(matrix, source: .synthetic(path: path, seed: seed))
    }

    private func makeData(_ matrix: [Double], source: CreditCardSource) -> CreditCardData {
        let columns = CreditCardSchema.columnNames.count
        let features = CreditCardSchema.featureNames.count
        var values = [Float](repeating: 0, count: rows * features)
        var labels = [Int](repeating: 0, count: rows)
        for r in 0..<rows {
            for c in 0..<features { values[r * features + c] = Float(matrix[r * columns + c]) }
            labels[r] = Int(matrix[r * columns + features])
        }
        let table = NumericTable(columnNames: CreditCardSchema.featureNames, values: Tensor(shape: [rows, features], elements: values))
        return CreditCardData(features: table, labels: labels, source: source)
    }
}

/// A read-only pointer that can cross into `@Sendable` closures.
struct SendableConstPointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
    init(_ base: UnsafePointer<T>) { self.base = base }
}

/// Fast decimal text for the generator's writer.
enum TextFormatting {
    private static let powers: [Double] = (0...9).map { Foundation.pow(10, Double($0)) }

    /// Appends `value` rounded to `decimals` places (no exponent, no "-0").
    static func appendFixed(_ value: Double, decimals: Int, to bytes: inout [UInt8]) {
        let scaled = (abs(value) * powers[decimals]).rounded()
        var integer = UInt64(scaled)
        if integer != 0 && value < 0 { bytes.append(0x2D) }
        let divisor = UInt64(powers[decimals])
        let fraction = integer % divisor
        integer /= divisor
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[count] = UInt8(integer % 10) + 0x30; integer /= 10; count += 1 } while integer > 0
            for k in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[k]) }
        }
        if decimals > 0 {
            bytes.append(0x2E)
            var remaining = fraction
            var place = divisor / 10
            while place > 0 { bytes.append(UInt8(remaining / place) + 0x30); remaining %= place; place /= 10 }
        }
    }
}

/// Fixed-size result slots written concurrently (each index by one worker).
final class ResultSlots<Element>: @unchecked Sendable {
    private var storage: [Element?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    subscript(index: Int) -> Element {
        get { lock.lock(); defer { lock.unlock() }; return storage[index]! }
        set { lock.lock(); storage[index] = newValue; lock.unlock() }
    }
    var values: [Element] { lock.lock(); defer { lock.unlock() }; return storage.map { $0! } }
}
