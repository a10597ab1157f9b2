import ArgumentParser
import Datasets
import Foundation
import LinearModels
import Metrics
import Plotting
import TensorCore

/// `atelier fit`: a linear, ridge, logistic or small MLP model on any numeric CSV, scored on a
/// seeded held-out split, with its coefficients and, for two features, a picture of its decisions.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit linear, ridge, logistic or MLP models on a CSV column and score them on a held-out split.",
        discussion: """
        The rows are split once with --seed: stratified by class for classification (logistic, and mlp on an integer \
        target), shuffled for regression. The model is fitted on the training part and scored on the held-out part: R² \
        and MSE for regression, accuracy and log-loss for classification. --test-fraction 0 fits every row and scores on \
        the same rows. linear is exact least squares (LAPACK, as scikit-learn's LinearRegression), ridge adds \
        scikit-learn's alpha penalty, logistic is scikit-learn's LogisticRegression (L2, C) solved to a 1e-10 gradient, \
        mlp is a ReLU network trained with Adam on standardised features.

        A feature that is constant on the training rows is left out of the solve and gets coefficient 0 (a note says \
        so). With two feature columns --plot draws the decision regions of a classifier; with one feature and a \
        continuous target it draws the fitted line and residuals (for mlp, its fitted curve over the points); with more \
        features a regression gets predicted against actual values.

        With --json: r2 and mse (regression) or accuracy and logLoss (classification) on the scored rows; for linear \
        and ridge, coefficients (one per feature, in --features order) and intercept; for logistic, coefficients as one \
        row per class score (a single row for two classes, scikit-learn's coef_) and intercept as a list; files lists \
        the figure written.

        Examples:
          atelier data make moons --n 400 --noise 0.2 --out moons.csv
          atelier fit --input moons.csv --target label --model logistic \\
              --plot moons-logistic.png
          atelier fit --input moons.csv --target label --model mlp --hidden 16,16 \\
              --plot moons-mlp.png --json
          atelier fit --input line.csv --target target --model linear \\
              --test-fraction 0 --plot line.png
        """
    )

    @Option(help: "Numeric CSV file with a header row.")
    var input: String

    @Option(help: "The column to predict.")
    var target: String

    @Option(help: "linear, ridge, logistic or mlp.")
    var model: String

    @Option(help: "Feature columns, comma-separated (default: every column but the target and a label column).")
    var features: String?

    @Option(help: "Cell separator of the CSV: one character, or tab.")
    var delimiter: String = ","

    @Option(help: "Share of the rows held out for scoring, in [0, 1); 0 scores on the training rows.")
    var testFraction: Double = 0.2

    @Option(help: "Seed of the split and of the MLP's initialisation and shuffles.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Ridge penalty (scikit-learn's alpha).")
    var alpha: Double = 1

    @Option(name: .customLong("c"), parsing: .unconditional, help: "Logistic regression's inverse penalty (scikit-learn's C).")
    var inverseRegularization: Double = 1

    @Option(help: "MLP hidden layer widths, comma-separated.")
    var hidden: String = "16,16"

    @Option(parsing: .unconditional, help: "MLP training epochs.")
    var epochs: Int = 200

    @Option(parsing: .unconditional, help: "MLP mini-batch size.")
    var batch: Int = 32

    @Option(parsing: .unconditional, help: "MLP learning rate (Adam).")
    var lr: Float = 1e-2

    @Option(help: "Write a figure (.png, .svg or .pdf): decision regions, or the fitted line.")
    var plot: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    static let models = ["linear", "ridge", "logistic", "mlp"]

    func run() throws {
        try fit()
    }

    /// Everything the usage check can know before reading the file.
    func checkOptions() throws -> [Int] {
        guard Self.models.contains(model) else {
            throw UsageFailure("--model must be one of \(Self.models.joined(separator: ", ")), got '\(model)'")
        }
        guard testFraction >= 0, testFraction < 1 else { throw UsageFailure("--test-fraction must be in [0, 1), got \(testFraction)") }
        guard alpha >= 0, alpha.isFinite else { throw UsageFailure("--alpha must be a finite number >= 0, got \(alpha)") }
        guard inverseRegularization > 0, inverseRegularization.isFinite else { throw UsageFailure("--c must be a positive number, got \(inverseRegularization)") }
        guard epochs >= 1 else { throw UsageFailure("--epochs must be at least 1, got \(epochs)") }
        guard batch >= 1 else { throw UsageFailure("--batch must be at least 1, got \(batch)") }
        guard lr > 0, lr.isFinite else { throw UsageFailure("--lr must be positive, got \(lr)") }
        let widths = hidden.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw UsageFailure("--hidden must be positive integers separated by commas (e.g. 16,16), got '\(hidden)'")
        }
        if let names = featureNames {
            guard !names.isEmpty, !names.contains("") else { throw UsageFailure("--features must be column names separated by commas, got '\(features!)'") }
            guard !names.contains(target) else { throw UsageFailure("--features lists the target column '\(target)'; a model cannot use what it predicts") }
            guard Set(names).count == names.count else { throw UsageFailure("--features names a column twice: '\(features!)'") }
        }
        if CSV.delimiter(named: delimiter) == nil {
            throw UsageFailure("--delimiter must be one punctuation character or tab, got '\(delimiter)'")
        }
        if let plot { try OutputCheck.file(plot, flag: "--plot", extensions: ["png", "svg", "pdf"]) }
        return widths.map { $0! }
    }

    var featureNames: [String]? {
        features.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    func fit() throws {
        let widths = try checkOptions()
        let table = try readTable()
        guard table.columnNames.contains(target) else {
            throw DatasetError.invalidArgument("\(input): no column named '\(target)' (--target); the columns are \(table.columnNames.joined(separator: ", "))")
        }
        // As everywhere (CONVENTIONS.md), a column named label is the class, not a feature, unless named.
        let names = featureNames ?? table.columnNames.filter { $0 != target && $0 != "label" }
        for name in names where !table.columnNames.contains(name) {
            throw DatasetError.invalidArgument("\(input): no column named '\(name)' (--features); the columns are \(table.columnNames.joined(separator: ", "))")
        }
        guard !names.isEmpty else { throw DatasetError.invalidArgument("\(input): no feature columns besides the target '\(target)'") }
        let targetColumn = try table.column(target).map(Double.init)
        let targetIndex = try table.columnIndex(target)
        for (row, value) in targetColumn.enumerated() where !value.isFinite {
            throw DatasetError.malformed(path: input, line: row + 2, column: targetIndex + 1, reason: "the target '\(target)' is \(value); expected a finite number")
        }
        try table.requireComplete(names, path: input)
        let x = try table.selecting(names).values
        let isClassification = try classificationTask(targetColumn, targetIndex: targetIndex)
        if plot != nil && isClassification && names.count != 2 {
            // A usage error when --features gave the count; found in the file otherwise (CONVENTIONS.md).
            let message = "--plot draws decision regions over exactly two features, but there are \(names.count) (\(names.joined(separator: ", "))); choose two with --features A,B or leave out --plot"
            if featureNames != nil { throw UsageFailure(message) }
            throw DatasetError.invalidArgument("\(input): " + message)
        }
        let labels = isClassification ? targetColumn.map { Int($0) } : nil
        let (trainRows, testRows) = try split(rows: table.rowCount, labels: labels, labelColumn: targetIndex)

        // Constant columns on the training rows are left out of the solve (coefficient 0).
        let trainX = x.rows(at: trainRows)
        var notes: [String] = []
        var kept: [Int] = []
        for (j, name) in names.enumerated() {
            let column = (0..<trainX.rowCount).map { trainX.elements[$0 * names.count + j] }
            if column.min() == column.max() {
                notes.append("feature '\(name)' is constant (\(CSV.format(column[0]))) on the \(trainRows.count) training rows: it is left out of the fit and its coefficient is 0")
            } else {
                kept.append(j)
            }
        }
        guard !kept.isEmpty else {
            throw DatasetError.invalidArgument("\(input): every feature (\(names.joined(separator: ", "))) is constant on the training rows; there is nothing to fit")
        }
        for note in notes { Output.note("note: \(note)") }
        let keptNames = kept.map { names[$0] }
        let keptX = try table.selecting(keptNames).values
        let fitX = keptX.rows(at: trainRows), testX = keptX.rows(at: testRows)
        let fitTargets = trainRows.map { targetColumn[$0] }, testTargets = testRows.map { targetColumn[$0] }

        var report = FitReport(model: model, input: input, target: target, task: isClassification ? "classification" : "regression",
                               features: names, trainRows: trainRows.count, testRows: testRows.count,
                               testFraction: testFraction, seed: seed, notes: notes, files: [])
        var figure: (any Renderable)?
        func expand(_ coefficients: [Double]) -> [Double] {
            var full = [Double](repeating: 0, count: names.count)
            for (position, j) in kept.enumerated() { full[j] = coefficients[position] }
            return full
        }
        switch model {
        case "linear", "ridge":
            let fitted: FittedLinearModel
            do {
                fitted = model == "linear" ? try LinearRegression().fit(fitX, targets: fitTargets) : try Ridge(alpha: alpha).fit(fitX, targets: fitTargets)
            } catch LinearModelError.underdetermined(let rows, let count, _) {
                throw DatasetError.invalidArgument("\(input): \(rows) training rows for \(count) features: exact least squares needs at least \(count + 1) rows (the solution is not unique); use --model ridge, whose penalty makes it unique, or fewer --features")
            }
            let predictions = try fitted.predict(testX)
            report.r2 = try r2Score(predictions: predictions, targets: testTargets)
            report.mse = try meanSquaredError(predictions: predictions, targets: testTargets)
            report.coefficients = .vector(expand(fitted.coefficients))
            report.intercept = .scalar(fitted.intercept)
            if let rank = fitted.rank, rank < kept.count {
                let note = "the features are collinear (rank \(rank) of \(kept.count)): the minimum-norm coefficients are reported, as scikit-learn does"
                report.notes.append(note)
                Output.note("note: \(note)")
            }
            if plot != nil {
                figure = try regressionFigure(names: keptNames, x: testRows.isEmpty ? fitX : testX, targets: testTargets, predictions: predictions,
                                              line: keptNames.count == 1 ? (fitted.coefficients[0], fitted.intercept) : nil)
            }
        case "logistic":
            let fitLabels = trainRows.map { labels![$0] }, testLabels = testRows.map { labels![$0] }
            let fitted = try LogisticRegression(inverseRegularization: inverseRegularization).fit(fitX, labels: fitLabels)
            if !fitted.converged {
                report.notes.append("the solver stopped after \(fitted.iterations) iterations with gradient \(fitted.gradientMaximum) (not converged)")
            }
            let probabilities = try fitted.predictProbabilities(testX)
            let predictions = try fitted.predict(testX)
            report.accuracy = try accuracy(predictions: predictions, labels: testLabels)
            report.logLoss = try logLossOrNil(probabilities, testLabels, classes: fitted.classes)
            report.classes = fitted.classes
            report.coefficients = .matrix(fitted.coefficients.map(expand))
            report.intercept = .vector(fitted.intercepts)
            report.iterations = fitted.iterations
            if plot != nil {
                figure = try regionsFigure(names: names, x: x.rows(at: testRows), labels: testLabels, predictions: predictions, classes: fitted.classes,
                                           accuracy: report.accuracy!) { grid in
                    try fitted.predictProbabilities(Self.keep(grid, columns: kept))
                }
            }
        default:
            let network = MLPFit(hidden: widths, epochs: epochs, batchSize: batch, learningRate: lr, seed: seed)
            if let labels {
                let fitLabels = trainRows.map { labels[$0] }, testLabels = testRows.map { labels[$0] }
                let fitted = try network.fitClassifier(fitX, labels: fitLabels)
                let probabilities = try fitted.probabilities(testX)
                let predictions = probabilities.map { row in fitted.classes[row.indices.max { row[$0] < row[$1] }!] }
                report.accuracy = try accuracy(predictions: predictions, labels: testLabels)
                report.logLoss = try logLossOrNil(probabilities, testLabels, classes: fitted.classes)
                report.classes = fitted.classes
                report.finalTrainingLoss = fitted.finalLoss
                if plot != nil {
                    figure = try regionsFigure(names: names, x: x.rows(at: testRows), labels: testLabels, predictions: predictions, classes: fitted.classes,
                                               accuracy: report.accuracy!) { grid in
                        try fitted.probabilities(Self.keep(grid, columns: kept))
                    }
                }
            } else {
                let fitted = try network.fitRegressor(fitX, targets: fitTargets)
                let predictions = try fitted.predict(testX)
                report.r2 = try r2Score(predictions: predictions, targets: testTargets)
                report.mse = try meanSquaredError(predictions: predictions, targets: testTargets)
                report.finalTrainingLoss = fitted.finalLoss
                if plot != nil {
                    figure = try regressionFigure(names: keptNames, x: testX, targets: testTargets, predictions: predictions, line: nil) { xs in
                        try fitted.predict(Tensor(shape: [xs.count, 1], elements: xs.map(Float.init)))
                    }
                }
            }
        }
        if let plot, let figure {
            try figure.save(plot)
            report.files.append(plot)
        }
        if report.mse.map({ !$0.isFinite }) ?? false { report.mse = nil }
        if report.r2.map({ !$0.isFinite }) ?? false { report.r2 = nil }
        if json { try Output.json(report); return }
        printText(report)
    }

    /// Reads the CSV; a non-numeric cell in the target column says what the target must be.
    func readTable() throws -> NumericTable {
        do {
            return try CSV.readNumeric(input, delimiter: CSV.delimiter(named: delimiter) ?? ",")
        } catch let DatasetError.malformed(path, line, column, reason) where reason.contains("in column '\(target)'") {
            throw DatasetError.malformed(path: path, line: line, column: column,
                                         reason: reason + "; --target must name a numeric column (class labels as integers 0, 1, ...)")
        }
    }

    /// Logistic regression always classifies; linear and ridge always regress; the MLP classifies an
    /// integer target with at most 50 distinct values and regresses anything else.
    func classificationTask(_ values: [Double], targetIndex: Int) throws -> Bool {
        let integral = values.allSatisfy { $0 == $0.rounded() && abs($0) < 1e9 }
        switch model {
        case "logistic":
            if let row = values.firstIndex(where: { $0 != $0.rounded() || abs($0) >= 1e9 }) {
                throw DatasetError.malformed(path: input, line: row + 2, column: targetIndex + 1,
                                             reason: "the target '\(target)' is \(CSV.format(Float(values[row]))); logistic regression needs integer class labels (use --model linear or ridge for a continuous target)")
            }
            guard Set(values).count >= 2 else {
                throw DatasetError.invalidArgument("\(input): every value of the target '\(target)' is \(CSV.format(Float(values.first ?? 0))); classification needs at least two classes")
            }
            return true
        case "mlp":
            let classify = integral && Set(values).count <= 50 && Set(values).count >= 2
            return classify
        default:
            return false
        }
    }

    /// Training and held-out row numbers: stratified by class for classification.
    func split(rows: Int, labels: [Int]?, labelColumn: Int) throws -> (train: [Int], test: [Int]) {
        guard rows >= 2 else { throw DatasetError.invalidArgument("\(input): \(rows) data row(s); fitting needs at least 2") }
        if testFraction == 0 { return (Array(0..<rows), Array(0..<rows)) }
        if let labels {
            var counts: [Int: Int] = [:]
            for label in labels { counts[label, default: 0] += 1 }
            if let (label, _) = counts.sorted(by: { $0.key < $1.key }).first(where: { $0.value < 2 }) {
                let row = labels.firstIndex(of: label)! + 2
                throw DatasetError.invalidArgument("\(input): class \(label) of '\(target)' has a single row (line \(row)); a stratified split needs at least 2 rows per class: remove that row, merge the class, or score on the training rows with --test-fraction 0")
            }
        }
        let parts = try Splitter(fractions: [1 - testFraction, testFraction], seed: seed, stratified: labels != nil).split(count: rows, labels: labels)
        guard !parts[1].isEmpty else {
            throw DatasetError.invalidArgument("\(input): --test-fraction \(testFraction) of \(rows) rows holds out no row; use a larger fraction, or 0 to score on the training rows")
        }
        return (parts[0].sorted(), parts[1].sorted())
    }

    func logLossOrNil(_ probabilities: [[Double]], _ labels: [Int], classes: [Int]) throws -> Double? {
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        // A held-out class the model never saw has no probability column: no log-loss then.
        guard labels.allSatisfy({ position[$0] != nil }) else { return nil }
        return try Metrics.logLoss(probabilities: probabilities, labels: labels.map { position[$0]! })
    }

    /// Grid points `[n, 2]` reduced to the kept (non-constant) columns.
    static func keep(_ grid: Tensor, columns: [Int]) -> Tensor {
        guard columns.count != 2 else { return grid }
        let values = (0..<grid.rowCount).flatMap { row in columns.map { grid[row, $0] } }
        return Tensor(shape: [grid.rowCount, columns.count], elements: values)
    }

    func regionsFigure(names: [String], x: Tensor, labels: [Int], predictions: [Int], classes: [Int], accuracy: Double,
                       probabilities: (Tensor) throws -> [[Double]]) throws -> Figure {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let known = labels.indices.filter { index[labels[$0]] != nil }
        let xs = known.map { Double(x[$0, 0]) }, ys = known.map { Double(x[$0, 1]) }
        var figure = Figure(width: 1100, height: 900, dpi: 110,
                            title: "\(model) on \(URL(fileURLWithPath: input).lastPathComponent): \(testFraction > 0 ? "held-out" : "training") accuracy \(String(format: "%.3f", accuracy))")
        try DecisionRegions.draw(into: &figure[0], x: xs, y: ys, labels: known.map { index[labels[$0]]! },
                                 predicted: known.map { index[predictions[$0]]! }, classNames: classes.map(String.init)) { gx, gy in
            var elements = [Float](repeating: 0, count: gx.count * 2)
            for i in gx.indices { elements[2 * i] = Float(gx[i]); elements[2 * i + 1] = Float(gy[i]) }
            return try probabilities(Tensor(shape: [gx.count, 2], elements: elements))
        }
        figure[0].xLabel = names[0]
        figure[0].yLabel = names[1]
        figure[0].legend = .outsideRight
        return figure
    }

    /// The fitted line and residuals (linear models, one feature), the fitted curve over the points
    /// (`curve`: the model's predictions at given x, one feature), else predicted against actual.
    func regressionFigure(names: [String], x: Tensor, targets: [Double], predictions: [Double], line: (Double, Double)?,
                          curve: (([Double]) throws -> [Double])? = nil) throws -> Figure {
        let fileName = URL(fileURLWithPath: input).lastPathComponent
        let xs = names.count == 1 ? (0..<x.rowCount).map { Double(x[$0, 0]) } : []
        if let (slope, intercept) = line, names.count == 1 {
            return try FittedLineFigure.figure(x: xs, y: targets, slope: slope, intercept: intercept,
                                               fitLabel: "\(model) fit", title: "\(model) on \(fileName): \(target) against \(names[0])",
                                               xLabel: names[0], yLabel: target)
        }
        if let curve, names.count == 1, let low = xs.min(), let high = xs.max(), high > low {
            var figure = Figure(width: 1000, height: 750, dpi: 110, title: "\(model) on \(fileName): \(target) against \(names[0])")
            let grid = (0...300).map { low + (high - low) * Double($0) / 300 }
            try figure[0].scatter(x: xs, y: targets, label: testFraction > 0 ? "held-out rows" : "rows", color: .blue, size: 5)
            try figure[0].line(x: grid, y: try curve(grid), label: "\(model) prediction", color: .red, width: 2)
            figure[0].xLabel = names[0]
            figure[0].yLabel = target
            figure[0].showsGrid = true
            return figure
        }
        Output.note("note: --plot: with \(names.count) feature\(names.count == 1 ? "" : "s") and this model, the figure shows predicted against actual values")
        var figure = Figure(width: 900, height: 800, dpi: 110, title: "\(model) on \(fileName): predicted against actual \(target)")
        try figure[0].scatter(x: targets, y: predictions, label: "rows", color: .blue, size: 5)
        let low = min(targets.min() ?? 0, predictions.min() ?? 0), high = max(targets.max() ?? 1, predictions.max() ?? 1)
        try figure[0].line(x: [low, high], y: [low, high], label: "perfect prediction", color: .ink, dash: .dashed)
        figure[0].xLabel = "actual \(target)"
        figure[0].yLabel = "predicted \(target)"
        figure[0].showsGrid = true
        return figure
    }

    func printText(_ report: FitReport) {
        let scored = testFraction > 0 ? "scored on \(report.testRows) held-out rows" : "scored on the same rows (--test-fraction 0)"
        print("\(model) on \(input): target '\(target)', fitted on \(report.trainRows) rows, \(scored)")
        if let r2 = report.r2, let mse = report.mse { print(String(format: "R² %.6f   MSE %.6g", r2, mse)) }
        if let accuracy = report.accuracy {
            print(String(format: "accuracy %.4f", accuracy) + (report.logLoss.map { String(format: "   log-loss %.6f", $0) } ?? ""))
        }
        switch report.coefficients {
        case .vector(let values):
            for (name, value) in zip(report.features, values) { print(String(format: "  %-20@ %+.6g", name as NSString, value)) }
        case .matrix(let rows):
            for (k, row) in rows.enumerated() {
                let label = rows.count == 1 ? "class \(report.classes![1])" : "class \(report.classes![k])"
                print("  \(label): " + zip(report.features, row).map { String(format: "%@ %+.6g", $0 as NSString, $1) }.joined(separator: ", "))
            }
        default:
            break
        }
        switch report.intercept {
        case .scalar(let value): print(String(format: "  %-20@ %+.6g", "intercept" as NSString, value))
        case .vector(let values): print("  intercept: " + values.map { String(format: "%+.6g", $0) }.joined(separator: ", "))
        default: break
        }
        for file in report.files { print("wrote \(file)") }
    }
}

/// What `atelier fit --json` prints.
struct FitReport: Encodable {
    /// Coefficients: one per feature (regression), or one row per class score (classification).
    enum Numbers: Encodable {
        case scalar(Double), vector([Double]), matrix([[Double]])
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .scalar(let value): try container.encode(value)
            case .vector(let values): try container.encode(values)
            case .matrix(let rows): try container.encode(rows)
            }
        }
    }

    var model: String
    var input: String
    var target: String
    var task: String
    var features: [String]
    var trainRows: Int
    var testRows: Int
    var testFraction: Double
    var seed: UInt64
    var r2: Double?
    var mse: Double?
    var accuracy: Double?
    var logLoss: Double?
    var classes: [Int]?
    var coefficients: Numbers?
    var intercept: Numbers?
    var iterations: Int?
    var finalTrainingLoss: Double?
    var notes: [String]
    var files: [String]

    enum CodingKeys: String, CodingKey {
        case model, input, target, task, features, trainRows, testRows, testFraction, seed, r2, mse, accuracy, logLoss, classes
        case coefficients, intercept, iterations, finalTrainingLoss, notes, files
    }

    /// The task's scores are always present, `null` when they cannot be computed (a held-out class
    /// the model never saw has no log-loss; a non-finite MSE); keys of the other task are left out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(input, forKey: .input)
        try container.encode(target, forKey: .target)
        try container.encode(task, forKey: .task)
        try container.encode(features, forKey: .features)
        try container.encode(trainRows, forKey: .trainRows)
        try container.encode(testRows, forKey: .testRows)
        try container.encode(testFraction, forKey: .testFraction)
        try container.encode(seed, forKey: .seed)
        if task == "classification" {
            try container.encode(accuracy, forKey: .accuracy)
            try container.encode(logLoss, forKey: .logLoss)
        } else {
            try container.encode(r2, forKey: .r2)
            try container.encode(mse, forKey: .mse)
        }
        try container.encodeIfPresent(classes, forKey: .classes)
        try container.encodeIfPresent(coefficients, forKey: .coefficients)
        try container.encodeIfPresent(intercept, forKey: .intercept)
        try container.encodeIfPresent(iterations, forKey: .iterations)
        try container.encodeIfPresent(finalTrainingLoss.flatMap { $0.isFinite ? $0 : nil }, forKey: .finalTrainingLoss)
        try container.encode(notes, forKey: .notes)
        try container.encode(files, forKey: .files)
    }
}
