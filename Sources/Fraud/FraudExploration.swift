import Datasets
import FeatureSelection
import Foundation
import Metrics

/// The exploration of a credit-card table: class balance, per-class summary statistics,
/// density-normalised per-feature histograms of both classes, and the feature correlation
/// matrix. Every file it writes carries the data's source label (saying "synthetic" for
/// generated data).
public struct FraudExploration: Sendable {
    /// One feature's histogram: shared bin edges, and per class the density
    /// `count / (class rows * bin width)` so that both classes integrate to 1.
    public struct Histogram: Sendable, Equatable {
        public var feature: String
        /// Axis label, e.g. "log10(1 + Amount)" where a transform is applied.
        public var axis: String
        public var edges: [Double]
        public var legitDensity: [Double]
        public var fraudDensity: [Double]
    }

    public var data: CreditCardData
    public var histograms: [Histogram]
    public var summary: ClassSummary
    /// Pearson correlations of the 30 features (`[30 * 30]`, table order).
    public var correlation: [Double]

    /// Bins each feature into `binCount` equal bins spanning the union of each class's
    /// 0.5 %...99.5 % quantiles (per class, so the frauds' much wider spread is not cut off by the
    /// legit rows' range; values outside fall in the edge bins, so a few outliers cannot squash the plot). Amount is
    /// binned as `log10(1 + Amount)` (it spans 0...25,691 with a median of 22) and Time in hours.
    public init(_ data: CreditCardData, binCount: Int = 40) {
        self.data = data
        summary = ClassSummary(data)
        correlation = FeatureRelevanceAnalysis.correlationMatrix(data.features)
        let p = data.features.columnCount
        var histograms: [Histogram] = []
        let fraudCount = Double(data.fraudCount), legitCount = Double(data.rowCount - data.fraudCount)
        data.features.values.withUnsafeBufferPointer { v in
            for j in 0..<p {
                let name = data.features.columnNames[j]
                let transform: (Double) -> Double
                let axis: String
                switch name {
                case "Amount": transform = { Foundation.log10(1 + max($0, 0)) }; axis = "log10(1 + Amount)"
                case "Time": transform = { $0 / 3600 }; axis = "Time (hours)"
                default: transform = { $0 }; axis = name
                }
                let values = (0..<data.rowCount).map { transform(Double(v[$0 * p + j])) }
                var low = Double.infinity, high = -Double.infinity
                for label in 0...1 {
                    let sorted = values.indices.filter { data.labels[$0] == label }.map { values[$0] }.sorted()
                    guard !sorted.isEmpty else { continue }
                    low = min(low, ClassSummary.quantile(sorted, 0.005))
                    high = max(high, ClassSummary.quantile(sorted, 0.995))
                }
                if !(high > low) { low = (values.min() ?? 0) - 0.5; high = (values.max() ?? 0) + 0.5 }
                let width = (high - low) / Double(binCount)
                var legit = [Double](repeating: 0, count: binCount), fraud = [Double](repeating: 0, count: binCount)
                for (i, x) in values.enumerated() {
                    let bin = min(binCount - 1, max(0, Int(((x - low) / width).rounded(.down))))
                    if data.labels[i] == 1 { fraud[bin] += 1 } else { legit[bin] += 1 }
                }
                histograms.append(Histogram(feature: name, axis: axis, edges: (0...binCount).map { low + Double($0) * width },
                                            legitDensity: legit.map { $0 / (max(legitCount, 1) * width) },
                                            fraudDensity: fraud.map { $0 / (max(fraudCount, 1) * width) }))
            }
        }
        self.histograms = histograms
    }

    private var quotedSource: String { "\"" + data.source.label.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Class counts and shares.
    public var classBalanceCSV: String {
        let frauds = data.fraudCount, legit = data.rowCount - frauds
        return "source,class,rows,percent\n"
            + "\(quotedSource),legit,\(legit),\(String(format: "%.4f", 100 * Double(legit) / Double(data.rowCount)))\n"
            + "\(quotedSource),fraud,\(frauds),\(String(format: "%.4f", 100 * Double(frauds) / Double(data.rowCount)))\n"
    }

    /// Long-format histograms: one line per feature and bin.
    public var histogramsCSV: String {
        var text = "source,feature,axis,binLow,binHigh,densityLegit,densityFraud\n"
        for h in histograms {
            for b in 0..<h.legitDensity.count {
                text += "\(quotedSource),\(h.feature),\"\(h.axis)\",\(String(format: "%.6g", h.edges[b])),\(String(format: "%.6g", h.edges[b + 1])),"
                    + "\(String(format: "%.6g", h.legitDensity[b])),\(String(format: "%.6g", h.fraudDensity[b]))\n"
            }
        }
        return text
    }

    /// The correlation matrix with feature names on both axes (first line names the source).
    public var correlationCSV: String {
        let names = data.features.columnNames
        var text = "# Pearson correlations of the features of \(data.source.label)\(data.source.isSynthetic ? " (SYNTHETIC)" : "")\n"
        text += "feature," + names.joined(separator: ",") + "\n"
        for a in names.indices {
            text += names[a] + "," + names.indices.map { String(format: "%.4f", correlation[a * names.count + $0]) }.joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes class_balance.csv, class_summary.csv, histograms.csv and correlation.csv into
    /// `directory` (created when missing), each atomically; returns the paths.
    public func write(to directory: String) throws -> [String] {
        let files: [(String, String)] = [("class_balance.csv", classBalanceCSV), ("class_summary.csv", summary.csv),
                                         ("histograms.csv", histogramsCSV), ("correlation.csv", correlationCSV)]
        return try files.map { name, text in
            let path = (directory as NSString).appendingPathComponent(name)
            try FileIO.writeAtomically(text, to: path)
            return path
        }
    }

    /// A feature ranking as CSV with a source column.
    public static func rankingCSV(_ ranking: FeatureRanking, source: CreditCardSource) -> String {
        let quoted = "\"" + source.label.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        var text = "source,rank,feature,anovaF,mutualInformation,ks,rocAUC,rocAUCSeparation,pointBiserial,mostFrequentShare,nearConstant,correlatedWith\n"
        for (i, f) in ranking.features.enumerated() {
            text += "\(quoted),\(i + 1),\(f.name)," + [f.anovaF, f.mutualInformation, f.kolmogorovSmirnov, f.rocAUC, f.rocAUCSeparation,
                                                        f.pointBiserial, f.mostFrequentShare].map { String(format: "%.6g", $0) }.joined(separator: ",")
                + ",\(f.isNearConstant),\"\(f.highlyCorrelatedWith.joined(separator: " "))\"\n"
        }
        return text
    }

    /// Writes the ROC and precision-recall curves of every evaluation as CSV into `directory`.
    public static func writeCurves(_ result: FraudExperimentResult, to directory: String) throws -> [String] {
        var paths: [String] = []
        let quoted = "\"" + result.source.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        var roc = "source,model,featureSet,threshold,falsePositiveRate,truePositiveRate\n"
        var pr = "source,model,featureSet,threshold,recall,precision\n"
        for e in result.evaluations {
            let prefix = "\(quoted),\"\(e.model)\",\"\(e.featureSet)\","
            let rocCurve = ROCCurve(labels: result.testLabels, scores: e.testScores)
            for i in rocCurve.thresholds.indices {
                roc += prefix + "\(String(format: "%.6g", rocCurve.thresholds[i])),\(String(format: "%.6g", rocCurve.falsePositiveRates[i])),\(String(format: "%.6g", rocCurve.truePositiveRates[i]))\n"
            }
            let prCurve = PrecisionRecallCurve(labels: result.testLabels, scores: e.testScores)
            for i in prCurve.precisions.indices {
                let threshold = i < prCurve.thresholds.count ? String(format: "%.6g", prCurve.thresholds[i]) : ""
                pr += prefix + "\(threshold),\(String(format: "%.6g", prCurve.recalls[i])),\(String(format: "%.6g", prCurve.precisions[i]))\n"
            }
        }
        for (name, text) in [("roc_curves.csv", roc), ("pr_curves.csv", pr)] {
            let path = (directory as NSString).appendingPathComponent(name)
            try FileIO.writeAtomically(text, to: path)
            paths.append(path)
        }
        return paths
    }
}
