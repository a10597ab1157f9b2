import FeatureSelection
import Foundation
import Metrics
import Plotting

/// The fraud workflow's figures (PNG through the Plotting module). Every title names the data
/// source and says "SYNTHETIC" for generated data.
public enum FraudFigures {
    static let legitColor = Color.blue
    static let fraudColor = Color.red

    static func sourceNote(_ source: CreditCardSource) -> String {
        source.isSynthetic ? "\(source.label) — SYNTHETIC data" : source.label
    }

    /// Class balance on a log scale (492 vs 284,315 would be a sliver on a linear one).
    public static func classBalance(_ data: CreditCardData) throws -> Figure {
        var figure = Figure(width: 1400, height: 700, dpi: 110, title: "Class balance: \(sourceNote(data.source))")
        let frauds = data.fraudCount, legit = data.rowCount - frauds
        try figure[0].bar(categories: ["legit (0)", "fraud (1)"], values: [Double(legit), Double(frauds)], label: nil, color: legitColor)
        figure[0].yScale = .logarithmic
        figure[0].yLabel = "transactions (log scale)"
        figure[0].title = String(format: "fraud %.4f %% (%d of %d)", 100 * Double(frauds) / Double(data.rowCount), frauds, data.rowCount)
        figure[0].legend = .hidden
        return figure
    }

    /// Amount (as log10(1 + Amount)) and Time (hours) by class, density-normalised histograms.
    public static func amountAndTime(_ exploration: FraudExploration) throws -> Figure {
        var figure = Figure(width: 1600, height: 700, dpi: 110, rows: 1, columns: 2,
                            title: "Amount and Time by class (densities): \(sourceNote(exploration.data.source))")
        for (panel, name) in ["Amount", "Time"].enumerated() {
            guard let histogram = exploration.histograms.first(where: { $0.feature == name }) else { continue }
            try drawHistogram(histogram, into: &figure[panel])
            figure[panel].xLabel = histogram.axis
            figure[panel].yLabel = "density"
            figure[panel].title = name == "Amount" ? "Amount (log scale: log10(1 + Amount))" : "Time since the first transaction"
        }
        return figure
    }

    /// One panel per feature (6 x 5), fraud and legit overlaid and density-normalised.
    public static func featureHistograms(_ exploration: FraudExploration) throws -> Figure {
        let count = exploration.histograms.count
        let columns = 6, rows = (count + columns - 1) / columns
        var figure = Figure(width: 2400, height: 380 * rows + 120, dpi: 100, rows: rows, columns: columns,
                            title: "Per-feature distributions, legit (blue) vs fraud (red), density-normalised: \(sourceNote(exploration.data.source))")
        for (index, histogram) in exploration.histograms.enumerated() {
            try drawHistogram(histogram, into: &figure[index])
            figure[index].title = histogram.axis
            figure[index].legend = index == 0 ? .upperRight : .hidden
        }
        return figure
    }

    /// Draws the precomputed class densities as histogram outlines (steps), so the two classes
    /// overlay without hiding each other and keep the exploration's shared bins and clipping.
    static func drawHistogram(_ histogram: FraudExploration.Histogram, into axes: inout Axes) throws {
        try axes.line(x: stepX(histogram.edges), y: stepY(histogram.legitDensity), label: "legit", color: legitColor, width: 1.6)
        try axes.line(x: stepX(histogram.edges), y: stepY(histogram.fraudDensity), label: "fraud", color: fraudColor, width: 1.6)
    }

    /// Outline of a histogram: x of each bin's left and right edge.
    static func stepX(_ edges: [Double]) -> [Double] {
        var x: [Double] = []
        for b in 0..<(edges.count - 1) { x.append(edges[b]); x.append(edges[b + 1]) }
        return [edges[0]] + x + [edges[edges.count - 1]]
    }

    static func stepY(_ heights: [Double]) -> [Double] {
        var y: [Double] = []
        for h in heights { y.append(h); y.append(h) }
        return [0] + y + [0]
    }

    /// The feature correlation matrix, diverging colours over -1...1.
    public static func correlationHeatmap(_ exploration: FraudExploration) throws -> Figure {
        let names = exploration.data.features.columnNames
        let p = names.count
        let matrix = (0..<p).map { a in (0..<p).map { exploration.correlation[a * p + $0] } }
        var figure = Figure(width: 1500, height: 1400, dpi: 110, title: "Feature correlations (Pearson): \(sourceNote(exploration.data.source))")
        try figure[0].heatmap(matrix, colormap: .coolwarm, range: -1...1, rowLabels: names, columnLabels: names, colorbarLabel: "r")
        return figure
    }

    /// Horizontal bars of one relevance score for every feature, most relevant on top; the
    /// selected features in red.
    public static func scoreBars(_ ranking: FeatureRanking, selected: [String], source: CreditCardSource) throws -> Figure {
        var figure = Figure(width: 1200, height: 1300, dpi: 110,
                            title: "Feature relevance (\(ranking.rankedBy.title)): \(sourceNote(source))")
        let names = ranking.features.map(\.name)
        let values = ranking.features.map { $0.value(of: ranking.rankedBy) }
        let chosen = names.map { selected.contains($0) }
        try figure[0].bar(categories: names, values: zip(values, chosen).map { $1 ? $0 : 0 }, label: "selected (top \(selected.count))",
                          color: fraudColor, horizontal: true)
        try figure[0].bar(categories: names, values: zip(values, chosen).map { $1 ? 0 : $0 }, label: "not selected", color: Color.gray,
                          horizontal: true)
        figure[0].xLabel = ranking.rankedBy == .rocAUC ? "max(AUC, 1 - AUC)" : ranking.rankedBy.title
        if ranking.rankedBy == .anovaF { figure[0].xScale = .logarithmic }
        figure[0].legend = .lowerRight
        return figure
    }

    /// Precision-recall and ROC curves of every evaluation on the test split.
    public static func curves(_ result: FraudExperimentResult) throws -> Figure {
        var figure = Figure(width: 1800, height: 800, dpi: 110, rows: 1, columns: 2,
                            title: "Test split: \(result.source)\(result.isSynthetic ? " — SYNTHETIC data" : "")")
        let positives = Double(result.testLabels.reduce(0, +)) / Double(max(result.testLabels.count, 1))
        for (index, evaluation) in result.evaluations.enumerated() {
            let color = Color.cycle(index)
            let dash: Dash = evaluation.model.hasPrefix("MLP") ? .dashed : .solid
            let pr = PrecisionRecallCurve(labels: result.testLabels, scores: evaluation.testScores)
            // Step-wise, as average precision sums it: precision held until the next recall.
            var x: [Double] = [], y: [Double] = []
            for i in stride(from: pr.recalls.count - 1, through: 0, by: -1) {
                if let last = y.last { x.append(pr.recalls[i]); y.append(last) }
                x.append(pr.recalls[i]); y.append(pr.precisions[i])
            }
            let label = "\(evaluation.model), \(evaluation.featureSet)"
            try figure[0].line(x: x, y: y, label: String(format: "%@ (AP %.3f)", label, evaluation.test.averagePrecision), color: color, dash: dash)
            let roc = ROCCurve(labels: result.testLabels, scores: evaluation.testScores)
            try figure[1].line(x: roc.falsePositiveRates, y: roc.truePositiveRates,
                               label: String(format: "%@ (AUC %.4f)", label, evaluation.test.rocAUC), color: color, dash: dash)
        }
        try figure[0].horizontalLine(at: positives, label: String(format: "chance (%.4f)", positives))
        figure[0].title = "Precision-recall"
        figure[0].xLabel = "recall"
        figure[0].yLabel = "precision"
        figure[0].xLimits = 0...1
        figure[0].yLimits = 0...1.02
        figure[0].legend = .lowerLeft
        try figure[1].line(x: [0, 1], y: [0, 1], label: "chance", color: Color.gray, dash: .dotted)
        figure[1].title = "ROC"
        figure[1].xLabel = "false positive rate"
        figure[1].yLabel = "true positive rate"
        figure[1].xLimits = 0...1
        figure[1].yLimits = 0...1.02
        figure[1].legend = .lowerRight
        return figure
    }

    /// Writes the exploration figures into `directory`; returns the paths.
    public static func writeExploration(_ exploration: FraudExploration, to directory: String) throws -> [String] {
        let figures: [(String, Figure)] = [
            ("class_balance.png", try classBalance(exploration.data)),
            ("amount_time.png", try amountAndTime(exploration)),
            ("feature_histograms.png", try featureHistograms(exploration)),
            ("correlation.png", try correlationHeatmap(exploration)),
        ]
        return try figures.map { name, figure in
            let path = (directory as NSString).appendingPathComponent(name)
            try figure.save(path)
            return path
        }
    }
}
