import Datasets
import Foundation
import LinearModels
import Metrics
import NeuralNet
import Plotting
import TensorCore

/// The `basics` report: seed 004's path from a linear unit to convolutions, each step on data a
/// reader can see. Linear regression by gradient descent against the exact least squares; a
/// perceptron on separable blobs (with logistic regression beside it); one layer against two on
/// the four Gaussians; the checkerboard over epochs x batch counts x learning rates and its
/// divergence at a large step; a two-layer classifier on MNIST digits with a grid of predictions;
/// Conv1D on the digits read as 784-long signals against Conv2D on the images.
///
/// The grid over the checkerboard is a plain loop (the studies engine's grid search can replace it
/// once it has landed). Every run is seeded from the report's seed.
public enum BasicsReport: ReportBuilder {
    public static let name = "basics"
    public static let title = "Basics: linear models to convolutions, step by step (seed 004)"

    /// Data and training budget of one profile.
    struct Sizes {
        var regressionSamples: Int
        var regressionEpochs: Int
        var blobSamples: Int
        var gaussianSamples: Int
        var gaussianEpochs: Int
        var boardSamples: Int
        /// Cells per side of the checkerboard (seed 004: 8).
        var boardCells: Int
        var boardEpochs: [Int]
        var boardBatchCounts: [Int]
        var boardRates: [Float]
        var divergenceEpochs: Int
        var digitTrain: Int
        var digitTest: Int
        var digitEpochs: Int
        var convolutionTrain: Int
        var convolutionEpochs: Int
        var resolution: Int
    }

    static func sizes(_ profile: ReportProfile) -> Sizes {
        switch profile {
        case .full:
            return Sizes(regressionSamples: 200, regressionEpochs: 60, blobSamples: 300, gaussianSamples: 1000, gaussianEpochs: 60,
                         boardSamples: 3000, boardCells: 8, boardEpochs: [100, 300, 600], boardBatchCounts: [1, 10, 40], boardRates: [0.01, 0.1, 1],
                         divergenceEpochs: 100, digitTrain: 10_000, digitTest: 2_000, digitEpochs: 10,
                         convolutionTrain: 4_000, convolutionEpochs: 6, resolution: 220)
        case .quick:
            return Sizes(regressionSamples: 200, regressionEpochs: 40, blobSamples: 200, gaussianSamples: 600, gaussianEpochs: 40,
                         boardSamples: 1000, boardCells: 4, boardEpochs: [50, 200], boardBatchCounts: [1, 10], boardRates: [0.01, 0.1, 1],
                         divergenceEpochs: 60, digitTrain: 3_000, digitTest: 1_000, digitEpochs: 5,
                         convolutionTrain: 1_200, convolutionEpochs: 3, resolution: 160)
        case .tiny:
            return Sizes(regressionSamples: 80, regressionEpochs: 10, blobSamples: 80, gaussianSamples: 200, gaussianEpochs: 10,
                         boardSamples: 300, boardCells: 4, boardEpochs: [10], boardBatchCounts: [1, 5], boardRates: [0.1], divergenceEpochs: 10,
                         digitTrain: 300, digitTest: 100, digitEpochs: 1, convolutionTrain: 200, convolutionEpochs: 1, resolution: 60)
        }
    }

    public static func build(_ writer: ReportWriter, context: ReportContext) throws {
        let sizes = sizes(context.profile)
        let seed = context.seed
        writer.configure("data", "seeded toy sets from Datasets' Toy generators (atelier data make); MNIST from datasets/mnist")
        writer.configure("split", "stratified 80 / 20 train / test for every toy set; MNIST's own test split")
        writer.paragraph("""
        Seed 004 builds a network framework one piece at a time and tries each piece on data a reader can see. This \
        report follows the same path with Atelier: a linear unit, a perceptron, hidden layers, a grid of \
        hyper-parameters, multi-class digits and convolutions. Every toy set comes from `atelier data make` with the \
        report's seed, and every number below is recomputed on each run.
        """)
        try writer.step("linear regression") { try linearRegression(writer, sizes: sizes, seed: seed) }
        try writer.step("perceptron on blobs") { try perceptron(writer, sizes: sizes, seed: seed) }
        try writer.step("four gaussians") { try fourGaussians(writer, sizes: sizes, seed: seed) }
        try writer.step("checkerboard grid") { try checkerboard(writer, sizes: sizes, seed: seed, log: context.log) }
        let digits = try writer.step("load mnist") { try loadDigits(sizes) }
        try writer.step("digits") { try digitClassifier(writer, digits: digits, sizes: sizes, seed: seed) }
        try writer.step("convolutions") { try convolutions(writer, digits: digits, sizes: sizes, seed: seed, log: context.log) }
    }

    // MARK: Splits

    static func split(_ data: ToyDataset, seed: UInt64) throws -> (train: ToyDataset, test: ToyDataset) {
        let parts = try Splitter(fractions: [0.8, 0.2], seed: seed, stratified: data.labels != nil).split(count: data.sampleCount, labels: data.labels)
        func part(_ rows: [Int]) -> ToyDataset {
            ToyDataset(name: data.name, features: data.features.rows(at: rows), labels: data.labels.map { l in rows.map { l[$0] } },
                       targets: data.targets.map { t in rows.map { t[$0] } })
        }
        return (part(parts[0]), part(parts[1]))
    }

    // MARK: 1. Linear regression

    static func linearRegression(_ writer: ReportWriter, sizes: Sizes, seed: UInt64) throws {
        writer.heading("1. Linear regression: gradient descent against the exact solution")
        let data = try Toy.regression(samples: sizes.regressionSamples, features: 1, noise: 25, seed: seed)
        let (train, test) = try split(data, seed: seed)
        let exact = try LinearRegression().fit(train.features, targets: train.targets!)
        // The seed's way: one Linear unit trained by mini-batch SGD on the squared error.
        let unit = Sequential(name: "linear unit", inputShape: [1], seed: seed) { Linear(1, 1) }
        let targets = Tensor(shape: [train.sampleCount, 1], elements: train.targets!.map(Float.init))
        let run = try BasicsTraining.train(unit, inputs: train.features, targets: targets, epochs: sizes.regressionEpochs, batchSize: 16,
                                           loss: MeanSquaredError(), optimizer: SGD(learningRate: 0.05), seed: seed)
        let slope = Double(unit.parameters[0].value.elements[0]), intercept = Double(unit.parameters[1].value.elements[0])
        let descent = FittedLinearModel(coefficients: [slope], intercept: intercept)
        func scores(_ model: FittedLinearModel) throws -> (train: Double, test: Double, mse: Double) {
            let predicted = try model.predict(test.features)
            return (try model.score(train.features, targets: train.targets!), try model.score(test.features, targets: test.targets!),
                    try meanSquaredError(predictions: predicted, targets: test.targets!))
        }
        let exactScores = try scores(exact), descentScores = try scores(descent)
        writer.table(ReportTable(caption: "y = \(ReportFormat.fixed(data.coefficients![0], 3)) x + noise (standard deviation 25), \(train.sampleCount) training and \(test.sampleCount) test rows",
                                 header: ["method", "slope", "intercept", "train R²", "test R²", "test MSE"],
                                 rows: [["exact least squares (LAPACK dgelsd)", ReportFormat.fixed(exact.coefficients[0], 4), ReportFormat.fixed(exact.intercept, 4),
                                         ReportFormat.fixed(exactScores.train), ReportFormat.fixed(exactScores.test), ReportFormat.fixed(exactScores.mse, 2)],
                                        ["linear unit, SGD \(run.history.records.count) epochs", ReportFormat.fixed(slope, 4), ReportFormat.fixed(intercept, 4),
                                         ReportFormat.fixed(descentScores.train), ReportFormat.fixed(descentScores.test), ReportFormat.fixed(descentScores.mse, 2)]]))
        let x = (0..<test.sampleCount).map { Double(test.features[$0, 0]) }
        let figure = try FittedLineFigure.figure(x: x, y: test.targets!, slope: slope, intercept: intercept, fitLabel: "linear unit (SGD)",
                                                 reference: .init(slope: exact.coefficients[0], intercept: exact.intercept, label: "exact least squares"),
                                                 title: "Linear regression on the test rows", xLabel: "x1", yLabel: "target")
        try figure.save(writer.figurePath("linear_regression.png"))
        let gap = abs(slope - exact.coefficients[0]) / abs(exact.coefficients[0])
        writer.figure("linear_regression.png", caption: "The SGD-trained unit (red) and the exact least-squares line (dashed) on the test rows, with each residual drawn; right, the residuals. The slopes differ by \(ReportFormat.percent(gap, 3)): gradient descent converges to the closed form, which is what seed 004 compared with scikit-learn (R² 0.52 vs 0.47 there, on its own data).")
        // The step size: the squared error's curvature along x is 2 E[x²] ≈ 2, so SGD is stable below
        // a step of about 1 and grows geometrically above it until the loss overflows.
        var curves: [LossCurvesFigure.Curve] = []
        var overflowEpoch: JSONValue = .null
        for rate: Float in [0.05, 0.8, 1.5] {
            let model = Sequential(name: "linear unit", inputShape: [1], seed: seed) { Linear(1, 1) }
            let trial = try BasicsTraining.train(model, inputs: train.features, targets: targets, epochs: sizes.regressionEpochs, batchSize: 16,
                                                 loss: MeanSquaredError(), optimizer: SGD(learningRate: rate), seed: seed)
            curves.append(.init(label: "lr \(String(format: "%g", Double(rate)))", losses: trial.history.records.map(\.trainingLoss),
                                nonFiniteStep: trial.nonFinite.map { Double($0.epoch) }))
            if rate == 1.5, let broke = trial.nonFinite { overflowEpoch = .number(Double(broke.epoch)) }
        }
        let steps = try LossCurvesFigure.figure(curves, title: "Linear unit: training MSE per epoch at three step sizes")
        try steps.save(writer.figurePath("linear_step_sizes.png"))
        let broke = curves.filter { $0.divergedAt != nil }.map { "\($0.label) overflowed at epoch \(LossCurvesFigure.formatStep($0.divergedAt!))" }
        writer.figure("linear_step_sizes.png", caption: "The same unit at three learning rates. The squared error's curvature is about 2 E[x²] ≈ 2 here, so SGD is stable for steps below about 1: lr 0.05 converges smoothly, lr 0.8 oscillates but settles, lr 1.5 overshoots further at every step. " + (broke.isEmpty ? "No run overflowed within \(sizes.regressionEpochs) epochs." : broke.joined(separator: "; ") + ": the cross marks its last finite loss and the dotted line the epoch where training stopped on a non-finite loss."))
        writer.metric("linearRegression", .object([
            "largeStepLearningRate": .number(1.5), "largeStepOverflowEpoch": overflowEpoch,
            "exactSlope": .finite(exact.coefficients[0]), "exactIntercept": .finite(exact.intercept),
            "descentSlope": .finite(slope), "descentIntercept": .finite(intercept),
            "exactTestR2": .finite(exactScores.test), "descentTestR2": .finite(descentScores.test),
            "trueSlope": .finite(data.coefficients![0]),
        ]))
    }

    // MARK: 2. Perceptron

    static func perceptron(_ writer: ReportWriter, sizes: Sizes, seed: UInt64) throws {
        writer.heading("2. A perceptron on linearly separable points")
        let data = try Toy.blobs(samples: sizes.blobSamples, centers: [[-2, -1.5], [2, 1.5]], clusterStandardDeviation: 0.9, seed: seed)
        let (train, test) = try split(data, seed: seed)
        let network = Sequential(name: "perceptron", inputShape: [2], seed: seed) { Linear(2, 2) }
        let run = try BasicsTraining.train(network, inputs: train.features, targets: Tensor(classIndices: train.labels!), epochs: 30, batchSize: 16,
                                           loss: CrossEntropy(), optimizer: SGD(learningRate: 0.1), seed: seed)
        let logistic = try LogisticRegression().fit(train.features, labels: train.labels!)
        let accuracies = (BasicsTraining.accuracy(network, train.features, train.labels!), BasicsTraining.accuracy(network, test.features, test.labels!))
        let logisticAccuracies = (try logistic.score(train.features, labels: train.labels!), try logistic.score(test.features, labels: test.labels!))
        var figure = Figure(width: 1600, height: 700, dpi: 110, rows: 1, columns: 2, title: "Two separable blobs: test points on the decision regions")
        let (x, y) = BasicsTraining.columns(test.features)
        try DecisionRegions.draw(into: &figure[0], x: x, y: y, labels: test.labels!, predicted: network.predict(test.features).argmax(axis: 1),
                                 resolution: sizes.resolution) { xs, ys in BasicsTraining.probabilities(network, BasicsTraining.points(xs, ys)) }
        figure[0].title = "perceptron (one linear layer, SGD): test \(ReportFormat.percent(accuracies.1, 1))"
        try DecisionRegions.draw(into: &figure[1], x: x, y: y, labels: test.labels!, predicted: try logistic.predict(test.features),
                                 resolution: sizes.resolution) { xs, ys in try logistic.predictProbabilities(BasicsTraining.points(xs, ys)) }
        figure[1].title = "logistic regression (LinearModels): test \(ReportFormat.percent(logisticAccuracies.1, 1))"
        for panel in 0..<2 { figure[panel].xLabel = "x1"; figure[panel].yLabel = "x2"; figure[panel].legend = .lowerRight }
        try figure.save(writer.figurePath("perceptron.png"))
        // The angle between the two boundaries: the perceptron's is where its two logits are equal.
        let weights = network.parameters[0].value.elements   // [2 outputs, 2 inputs], row-major
        let perceptronNormal = [Double(weights[2] - weights[0]), Double(weights[3] - weights[1])]
        let logisticNormal = logistic.coefficients[0]
        let cosine = (perceptronNormal[0] * logisticNormal[0] + perceptronNormal[1] * logisticNormal[1])
            / ((perceptronNormal[0] * perceptronNormal[0] + perceptronNormal[1] * perceptronNormal[1]).squareRoot()
               * (logisticNormal[0] * logisticNormal[0] + logisticNormal[1] * logisticNormal[1]).squareRoot())
        let angle = acos(min(max(cosine, -1), 1)) * 180 / .pi
        writer.figure("perceptron.png", caption: "A single linear layer trained by SGD (\(run.history.records.count) epochs) and the exact L2 logistic regression on two Gaussian blobs: train accuracy \(ReportFormat.percent(accuracies.0, 1)) and \(ReportFormat.percent(logisticAccuracies.0, 1)), boundaries \(ReportFormat.fixed(angle, 1))° apart. Crossed points are test points on the wrong side.")
        writer.metric("perceptron", .object([
            "trainAccuracy": .finite(accuracies.0), "testAccuracy": .finite(accuracies.1),
            "logisticTrainAccuracy": .finite(logisticAccuracies.0), "logisticTestAccuracy": .finite(logisticAccuracies.1),
            "boundaryAngleDegrees": .finite(angle),
        ]))
    }

    // MARK: 3. Four Gaussians

    static func fourGaussians(_ writer: ReportWriter, sizes: Sizes, seed: UInt64) throws {
        writer.heading("3. One layer against two on four Gaussians (XOR)")
        let data = try Toy.fourGaussians(samples: sizes.gaussianSamples, standardDeviation: 0.3, seed: seed)
        let (train, test) = try split(data, seed: seed)
        let oneLayer = Sequential(name: "one layer", inputShape: [2], seed: seed) { Linear(2, 2) }
        let twoLayers = Sequential(name: "two layers", inputShape: [2], seed: seed) { Linear(2, 8); Tanh(); Linear(8, 2) }
        var rows: [[String]] = []
        var curves: [LossCurvesFigure.Curve] = []
        var figure = Figure(width: 1600, height: 700, dpi: 110, rows: 1, columns: 2, title: "Four Gaussians in an XOR layout: test points on the decision regions")
        let (x, y) = BasicsTraining.columns(test.features)
        var metrics: [String: JSONValue] = [:]
        for (panel, (network, name)) in [(oneLayer, "one linear layer"), (twoLayers, "linear 2-8, tanh, linear 8-2")].enumerated() {
            let run = try BasicsTraining.train(network, inputs: train.features, targets: Tensor(classIndices: train.labels!),
                                               epochs: sizes.gaussianEpochs, batchSize: 20, loss: CrossEntropy(), optimizer: SGD(learningRate: 0.1), seed: seed)
            let trainAccuracy = BasicsTraining.accuracy(network, train.features, train.labels!)
            let testAccuracy = BasicsTraining.accuracy(network, test.features, test.labels!)
            rows.append([name, "\(network.parameterCount)", ReportFormat.percent(trainAccuracy, 1), ReportFormat.percent(testAccuracy, 1),
                         ReportFormat.fixed(run.history.records.last?.trainingLoss ?? .nan, 4)])
            curves.append(.init(label: name, losses: run.history.records.map(\.trainingLoss)))
            try DecisionRegions.draw(into: &figure[panel], x: x, y: y, labels: test.labels!, predicted: network.predict(test.features).argmax(axis: 1),
                                     resolution: sizes.resolution) { xs, ys in BasicsTraining.probabilities(network, BasicsTraining.points(xs, ys)) }
            figure[panel].title = "\(name): test \(ReportFormat.percent(testAccuracy, 1))"
            figure[panel].xLabel = "x1"
            figure[panel].yLabel = "x2"
            metrics[panel == 0 ? "oneLayerTestAccuracy" : "twoLayersTestAccuracy"] = .finite(testAccuracy)
            metrics[panel == 0 ? "oneLayerTrainAccuracy" : "twoLayersTrainAccuracy"] = .finite(trainAccuracy)
        }
        try figure.save(writer.figurePath("four_gaussians.png"))
        writer.figure("four_gaussians.png", caption: "No line separates the XOR layout: one linear layer reaches \(ReportFormat.percent(metrics["oneLayerTestAccuracy"]?.number ?? .nan, 1)) test accuracy, eight tanh units bend the boundary around the Gaussians and reach \(ReportFormat.percent(metrics["twoLayersTestAccuracy"]?.number ?? .nan, 1)). Seed 004 reports 0.511 for one layer and 0.996 for two.")
        writer.table(ReportTable(caption: "Four Gaussians: \(train.sampleCount) training and \(test.sampleCount) test points, SGD lr 0.1, batches of 20, \(sizes.gaussianEpochs) epochs",
                                 header: ["network", "parameters", "train accuracy", "test accuracy", "final training loss"], rows: rows))
        let curvesFigure = try LossCurvesFigure.figure(curves, title: "Four Gaussians: training loss per epoch")
        try curvesFigure.save(writer.figurePath("four_gaussians_loss.png"))
        writer.figure("four_gaussians_loss.png", caption: "Cross-entropy per epoch on a log axis; log 2 ≈ 0.69 is what always answering one half costs. Final losses: \(curves.map { "\($0.label) \(ReportFormat.fixed($0.losses.last ?? .nan, 3))" }.joined(separator: ", ")).")
        writer.metric("fourGaussians", .object(metrics))
    }

    // MARK: 4. Checkerboard

    static func checkerboard(_ writer: ReportWriter, sizes: Sizes, seed: UInt64, log: @Sendable (String) -> Void) throws {
        writer.heading("4. The checkerboard: epochs, batch counts and learning rates")
        let data = try Toy.checkerboard(samples: sizes.boardSamples, cellsPerSide: sizes.boardCells, noise: 0.02, seed: seed)
        let (train, test) = try split(data, seed: seed)
        let targets = Tensor(classIndices: train.labels!)
        func network() -> Sequential {
            Sequential(name: "board", inputShape: [2], seed: seed) { Linear(2, 32); Tanh(); Linear(32, 32); Tanh(); Linear(32, 32); Tanh(); Linear(32, 2) }
        }
        struct Row { var epochs: Int; var batches: Int; var rate: Float; var train: Double; var test: Double; var loss: Double; var seconds: Double }
        var results: [Row] = []
        var best: (row: Row, network: Sequential)?
        for epochs in sizes.boardEpochs {
            for batches in sizes.boardBatchCounts {
                for rate in sizes.boardRates {
                    let model = network()
                    let batchSize = (train.sampleCount + batches - 1) / batches
                    let run = try BasicsTraining.train(model, inputs: train.features, targets: targets, epochs: epochs, batchSize: batchSize,
                                                       loss: CrossEntropy(), optimizer: SGD(learningRate: rate), seed: seed)
                    let row = Row(epochs: epochs, batches: batches, rate: rate, train: BasicsTraining.accuracy(model, train.features, train.labels!),
                                  test: BasicsTraining.accuracy(model, test.features, test.labels!),
                                  loss: run.nonFinite == nil ? (run.history.records.last?.trainingLoss ?? .nan) : .nan, seconds: run.seconds)
                    log(String(format: "  checkerboard %d epochs, %d batches, lr %g: test %.3f (%.1f s)", epochs, batches, Double(rate), row.test, row.seconds))
                    results.append(row)
                    if best == nil || row.test > best!.row.test { best = (row, model) }
                }
            }
        }
        let half = sizes.boardCells / 2
        let boardDescription = "The board: \(sizes.boardCells) x \(sizes.boardCells) unit cells over [-\(half), \(half)]²"
            + (sizes.boardCells == 8 ? " (seed 004's board)," : " (seed 004 used 8 x 8; the smaller board keeps this profile short),")
        writer.paragraph("""
        \(boardDescription) \(ReportFormat.grouped(Double(train.sampleCount))) training and \(ReportFormat.grouped(Double(test.sampleCount))) test points, labels by cell \
        colour, jittered by noise 0.02. The \
        network is seed 004's four linear layers with tanh (2-32-32-32-2), trained by plain SGD on the cross-entropy; "batches" \
        counts mini-batches per epoch, as in seed 004's table, so 1 batch is full-batch gradient descent.
        """)
        let sorted = results.sorted { $0.test > $1.test }
        writer.table(ReportTable(caption: "Checkerboard: every combination, best test accuracy first",
                                 header: ["epochs", "batches per epoch", "learning rate", "train accuracy", "test accuracy", "final training loss", "seconds"],
                                 rows: sorted.map { ["\($0.epochs)", "\($0.batches)", String(format: "%g", Double($0.rate)), ReportFormat.percent($0.train, 1),
                                                     ReportFormat.percent($0.test, 1), ReportFormat.fixed($0.loss, 4), ReportFormat.fixed($0.seconds, 2)] }))
        guard let (winner, model) = best else { return }
        var figure = Figure(width: 1000, height: 850, dpi: 110,
                            title: "Checkerboard, best run (\(winner.epochs) epochs, \(winner.batches) batches, lr \(String(format: "%g", Double(winner.rate))))")
        let (x, y) = BasicsTraining.columns(test.features)
        try DecisionRegions.draw(into: &figure[0], x: x, y: y, labels: test.labels!, predicted: model.predict(test.features).argmax(axis: 1),
                                 resolution: sizes.resolution) { xs, ys in BasicsTraining.probabilities(model, BasicsTraining.points(xs, ys)) }
        figure[0].title = "test accuracy \(ReportFormat.percent(winner.test, 1))"
        figure[0].xLabel = "x1"
        figure[0].yLabel = "x2"
        figure[0].legend = .outsideRight
        try figure.save(writer.figurePath("checkerboard.png"))
        writer.figure("checkerboard.png", caption: "The best configuration's decision regions on the test points. Seed 004's best (1500 iterations, 10 batches, lr 0.01) reached 0.782 test accuracy on its 8 x 8 board, with 1,000 points.")

        // Divergence: the best batch count at growing steps.
        let rates: [Float] = [Float(winner.rate), 5, 50]
        var curves: [LossCurvesFigure.Curve] = []
        var divergence: [JSONValue] = []
        for rate in rates {
            let model = network()
            let batchSize = (train.sampleCount + winner.batches - 1) / winner.batches
            let run = try BasicsTraining.train(model, inputs: train.features, targets: targets, epochs: sizes.divergenceEpochs, batchSize: batchSize,
                                               loss: CrossEntropy(), optimizer: SGD(learningRate: rate), seed: seed)
            let label = "lr \(String(format: "%g", Double(rate)))"
            curves.append(.init(label: label, losses: run.history.records.map(\.trainingLoss), nonFiniteStep: run.nonFinite.map { Double($0.epoch) }))
            divergence.append(.object([
                "learningRate": .finite(Double(rate)),
                "nonFiniteEpoch": run.nonFinite.map { .number(Double($0.epoch)) } ?? .null,
                "finalLoss": .finite(run.history.records.last?.trainingLoss ?? .nan),
                "testAccuracy": .finite(run.nonFinite == nil ? BasicsTraining.accuracy(model, test.features, test.labels!) : .nan),
            ]))
        }
        let lossFigure = try LossCurvesFigure.figure(curves, title: "Checkerboard: training loss at growing learning rates (\(winner.batches) batches per epoch)")
        try lossFigure.save(writer.figurePath("divergence.png"))
        let broken = curves.filter { $0.divergedAt != nil }.map { "\($0.label) stopped being a number at epoch \(LossCurvesFigure.formatStep($0.divergedAt!))" }
        let largest = curves.last!
        let behaviour = broken.isEmpty
            ? "No run overflowed; at \(largest.label) the loss ends at \(ReportFormat.fixed(largest.losses.last ?? .nan, 3)) instead of falling: the steps overshoot."
            : broken.joined(separator: "; ") + "."
        writer.figure("divergence.png", caption: "Too large a step makes SGD overshoot the minimum and the loss grow instead of fall (seed 004 saw it at 1e-1 on its network). \(behaviour)")
        writer.metric("checkerboard", .object([
            "runs": .array(results.map { .object(["epochs": .number(Double($0.epochs)), "batches": .number(Double($0.batches)),
                                                   "learningRate": .finite(Double("\($0.rate)") ?? Double($0.rate)), "trainAccuracy": .finite($0.train),
                                                   "testAccuracy": .finite($0.test)]) }),
            "bestTestAccuracy": .finite(winner.test),
            "divergence": .array(divergence),
        ]))
    }

    // MARK: 5. Digits

    struct Digits {
        var train: ImageDataset
        var test: ImageDataset
    }

    static func loadDigits(_ sizes: Sizes) throws -> Digits {
        Digits(train: try Dataset.mnist(.train).prefix(sizes.digitTrain), test: try Dataset.mnist(.test).prefix(sizes.digitTest))
    }

    static func digitClassifier(_ writer: ReportWriter, digits: Digits, sizes: Sizes, seed: UInt64) throws {
        writer.heading("5. Ten classes: handwritten digits")
        let network = Sequential(name: "two layers", inputShape: [784], seed: seed) { Linear(784, 128); Tanh(); Linear(128, 10) }
        let x = digits.train.images(), xTest = digits.test.images()
        let run = try BasicsTraining.train(network, inputs: x, targets: Tensor(classIndices: digits.train.labels), epochs: sizes.digitEpochs,
                                           batchSize: 32, loss: CrossEntropy(), optimizer: SGD(learningRate: 0.05), seed: seed,
                                           validation: (xTest, Tensor(classIndices: digits.test.labels)))
        let predicted = network.predict(xTest).argmax(axis: 1)
        let trainAccuracy = BasicsTraining.accuracy(network, x, digits.train.labels)
        let testAccuracy = try accuracy(predictions: predicted, labels: digits.test.labels)
        writer.table(ReportTable(caption: "MNIST: first \(ReportFormat.grouped(Double(digits.train.count))) training and \(ReportFormat.grouped(Double(digits.test.count))) test images, 784-128-10 with tanh, softmax cross-entropy, SGD lr 0.05, batches of 32",
                                 header: ["epochs", "train accuracy", "test accuracy", "test loss"],
                                 rows: [["\(run.history.records.count)", ReportFormat.percent(trainAccuracy), ReportFormat.percent(testAccuracy),
                                         ReportFormat.fixed(run.history.records.last?.validationLoss ?? .nan, 4)]]))
        var figure = Figure(width: 1100, height: 600, dpi: 110, title: "Digits: cross-entropy per epoch")
        let epochs = run.history.records.map { Double($0.epoch) }
        try figure[0].line(x: epochs, y: run.history.records.map(\.trainingLoss), label: "training", marker: .circle)
        try figure[0].line(x: epochs, y: run.history.records.map { $0.validationLoss ?? .nan }, label: "test", dash: .dashed, marker: .circle)
        figure[0].xLabel = "epoch"
        figure[0].yLabel = "cross-entropy"
        figure[0].showsGrid = true
        try figure.save(writer.figurePath("digits_loss.png"))
        writer.figure("digits_loss.png", caption: "Training and test cross-entropy per epoch (seed 004, figure 4.3).")
        // The grid: the first 30 test images, then the first mistakes not among them.
        let first = Array(0..<min(30, digits.test.count))
        let mistakes = digits.test.labels.indices.filter { predicted[$0] != digits.test.labels[$0] && $0 >= 30 }.prefix(10)
        let shown = first + mistakes
        let subset = digits.test.subset(shown)
        let gallery = try PredictionGrid.gallery(images: subset.images(), predicted: shown.map { predicted[$0] }, truth: subset.labels,
                                                 columns: 10, title: "Digits: predictions on test images")
        try gallery.save(writer.figurePath("digits_predictions.png"))
        writer.figure("digits_predictions.png", caption: "The first 30 test images, then the first \(mistakes.count) later mistakes, captioned with the prediction and the true label; wrong ones in red (seed 004, figure 4.4). Test accuracy \(ReportFormat.percent(testAccuracy)); seed 004 reached 0.892 on USPS.")
        writer.metric("digits", .object(["trainAccuracy": .finite(trainAccuracy), "testAccuracy": .finite(testAccuracy),
                                         "epochs": .number(Double(run.history.records.count))]))
    }

    // MARK: 6. Convolutions

    static func convolutions(_ writer: ReportWriter, digits: Digits, sizes: Sizes, seed: UInt64, log: @Sendable (String) -> Void) throws {
        writer.paragraph("Seed 004's next steps, the autoencoder, k-means on pixels against latent codes (silhouette, inertia, purity per cluster) and t-SNE of both, are the autoencoder report's subject.")
        writer.heading("6. Convolutions: digits as 784-long signals (Conv1D) and as images (Conv2D)")
        let train = digits.train.prefix(sizes.convolutionTrain)
        var rows: [[String]] = []
        var figure = Figure(width: 1600, height: 620, dpi: 110, rows: 1, columns: 2, title: "Conv1D and Conv2D on digits: training (solid) and test (dashed) per epoch")
        var metrics: [String: JSONValue] = [:]
        for (index, (modelName, title, shape)) in [("conv1d", "Conv1D (16, 32 filters of 5)", [1, 784]), ("lenet5", "Conv2D (LeNet-5)", [1, 28, 28])].enumerated() {
            let network = try ModelZoo.make(modelName, seed: seed)
            let x = train.images().reshaped([train.count] + shape), xTest = digits.test.images().reshaped([digits.test.count] + shape)
            let run = try BasicsTraining.train(network, inputs: x, targets: Tensor(classIndices: train.labels), epochs: sizes.convolutionEpochs,
                                               batchSize: 32, loss: CrossEntropy(), optimizer: Adam(learningRate: 1e-3), seed: seed,
                                               validation: (xTest, Tensor(classIndices: digits.test.labels)))
            log(String(format: "  %@: %.1f s", modelName, run.seconds))
            let records = run.history.records
            let testAccuracy = records.last?.validationAccuracy ?? .nan
            rows.append([title, ReportFormat.grouped(Double(network.parameterCount)), "\(records.count)",
                         ReportFormat.percent(records.last?.trainingAccuracy ?? .nan), ReportFormat.percent(testAccuracy),
                         ReportFormat.fixed(run.seconds / Double(max(records.count, 1)), 2)])
            let epochs = records.map { Double($0.epoch) }
            let color = Color.cycle(index)
            try figure[0].line(x: epochs, y: records.map(\.trainingLoss), label: title, color: color, marker: .circle, markerSize: 4)
            try figure[0].line(x: epochs, y: records.map { $0.validationLoss ?? .nan }, color: color, dash: .dashed)
            try figure[1].line(x: epochs, y: records.map { ($0.trainingAccuracy ?? .nan) * 100 }, label: title, color: color, marker: .circle, markerSize: 4)
            try figure[1].line(x: epochs, y: records.map { ($0.validationAccuracy ?? .nan) * 100 }, color: color, dash: .dashed)
            metrics[modelName == "conv1d" ? "conv1dTestAccuracy" : "conv2dTestAccuracy"] = .finite(testAccuracy)
        }
        figure[0].title = "cross-entropy"
        figure[1].title = "accuracy (%)"
        figure[1].legend = .lowerRight
        for panel in 0..<2 { figure[panel].xLabel = "epoch"; figure[panel].showsGrid = true }
        try figure.save(writer.figurePath("convolutions.png"))
        writer.figure("convolutions.png", caption: "Conv1D slides its filters along the 784 pixels read row after row, so it sees each stroke's horizontal neighbours but its vertical neighbours only 28 steps away; Conv2D sees both. Seed 004 reached 0.548 (Conv1D) and 0.505 (Conv2D) test accuracy on USPS with its own, slower framework.")
        writer.table(ReportTable(caption: "Convolutions: first \(ReportFormat.grouped(Double(train.count))) MNIST training images, \(ReportFormat.grouped(Double(digits.test.count))) test images, Adam 1e-3, batches of 32",
                                 header: ["network", "parameters", "epochs", "train accuracy", "test accuracy", "seconds per epoch"], rows: rows))
        writer.metric("convolutions", .object(metrics))
    }
}
