import Datasets
import Foundation
import Metrics
import NeuralNet
import Plotting
import TensorCore

/// The `cnn` report: the seeds' classifiers compared on MNIST (shallow MLP, deep MLP, LeNet-5, and
/// the three-block CNN in `full`), and LeNet-5 on Fashion-MNIST.
///
/// Every model trains with Adam (1e-3), batches of 64 and early stopping on a stratified 10 %
/// validation split (best weights restored), then is scored once on the test split.
public enum CNNReport: ReportBuilder {
    public static let name = "cnn"
    public static let title = "Classifiers on MNIST and Fashion-MNIST: MLPs vs LeNet-5"

    /// Data and training budget of one profile.
    struct Sizes {
        /// Training images taken from the start of the training split (nil: all 60,000).
        var trainCount: Int?
        /// Test images (nil: all 10,000).
        var testCount: Int?
        var epochs: Int
        var patience: Int
        var mnistModels: [String]
    }

    static func sizes(_ profile: ReportProfile) -> Sizes {
        switch profile {
        case .full: return Sizes(trainCount: nil, testCount: nil, epochs: 10, patience: 2, mnistModels: ["shallow", "mlp", "lenet5", "cnn3"])
        case .quick: return Sizes(trainCount: 12_000, testCount: 3_000, epochs: 5, patience: 2, mnistModels: ["shallow", "mlp", "lenet5"])
        case .tiny: return Sizes(trainCount: 900, testCount: 300, epochs: 3, patience: 1, mnistModels: ["shallow", "mlp", "lenet5"])
        }
    }

    static let modelTitles = ["shallow": "shallow MLP (784-300-10)", "mlp": "deep MLP (784-977-878-10)",
                              "lenet5": "LeNet-5", "cnn3": "CNN 32-64-128 (3x3)"]

    /// One trained model and what it measured.
    struct Run {
        var key: String
        var model: String
        var dataset: String
        var network: Sequential
        var history: TrainingHistory
        var testAccuracy: Double
        var testLoss: Double
        var predictions: [Int]
        var secondsPerEpoch: Double { history.records.map(\.seconds).reduce(0, +) / Double(max(history.records.count, 1)) }
    }

    public static func build(_ writer: ReportWriter, context: ReportContext) throws {
        let sizes = sizes(context.profile)
        writer.configure("training images", sizes.trainCount.map { "first \(ReportFormat.grouped(Double($0))) of the training split" } ?? "all 60,000")
        writer.configure("test images", sizes.testCount.map { "first \(ReportFormat.grouped(Double($0))) of the test split" } ?? "all 10,000")
        writer.configure("training", "Adam lr 1e-3, batch 64, at most \(sizes.epochs) epochs, early stopping patience \(sizes.patience) on a stratified 10 % validation split, best weights restored")
        writer.paragraph("""
        The seeds' classifiers trained the same way and scored once on the test split. The MLPs see the image as 784 \
        numbers; LeNet-5 and the CNN see it as a 28 x 28 picture and share weights across positions. Curves are per \
        epoch; the marked point on each validation curve is the epoch whose weights early stopping kept.
        """)

        var runs: [Run] = []
        for (datasetName, models) in [("mnist", sizes.mnistModels), ("fashion-mnist", ["lenet5"])] {
            let (fit, validation, test) = try writer.step("load \(datasetName)") { try loadSplits(datasetName, sizes: sizes, seed: context.seed) }
            for model in models {
                let run = try writer.step("train \(model) on \(datasetName)") {
                    try train(model, dataset: datasetName, fit: fit, validation: validation, test: test, sizes: sizes, context: context)
                }
                runs.append(run)
                record(run, writer: writer)
            }
            let datasetRuns = runs.filter { $0.dataset == datasetName }
            let title = datasetName == "mnist" ? "MNIST" : "Fashion-MNIST"
            writer.heading(title)
            try writer.step("\(title) curves") { try curves(datasetRuns, title: title, file: "curves_\(datasetName).png", writer: writer) }
            try writer.step("\(title) accuracy table") { accuracyTable(datasetRuns, title: title, test: test, writer: writer) }
            // LeNet-5 is in both datasets' lists, so the detailed figures compare like with like.
            guard let lenet = datasetRuns.first(where: { $0.model == "lenet5" }) else { continue }
            try writer.step("\(title) confusion matrix") { try confusion(lenet, test: test, title: title, writer: writer) }
            try writer.step("\(title) misclassified") { try misclassified(lenet, test: test, title: title, writer: writer) }
            if datasetName == "mnist" {
                try writer.step("first-layer filters") { try filters(datasetRuns.filter { $0.model == "lenet5" || $0.model == "cnn3" }, writer: writer) }
            }
        }
    }

    /// The fit / validation / test images of one dataset, shaped [n, 784].
    static func loadSplits(_ dataset: String, sizes: Sizes, seed: UInt64) throws -> (fit: ImageDataset, validation: ImageDataset, test: ImageDataset) {
        let train = try Dataset.named(dataset, split: .train).prefix(sizes.trainCount)
        let test = try Dataset.named(dataset, split: .test).prefix(sizes.testCount)
        let parts = try Splitter(fractions: [0.9, 0.1], seed: seed, stratified: true).split(count: train.count, labels: train.labels)
        return (train.subset(parts[0], name: train.name + "-fit"), train.subset(parts[1], name: train.name + "-validation"), test)
    }

    static func inputs(_ set: ImageDataset, for network: Sequential) -> Tensor {
        set.images().reshaped([set.count] + (network.inputShape ?? [784]))
    }

    static func train(_ model: String, dataset: String, fit: ImageDataset, validation: ImageDataset, test: ImageDataset,
                      sizes: Sizes, context: ReportContext) throws -> Run {
        let network = try ModelZoo.make(model, seed: context.seed)
        let key = MetricKey.join(dataset, model)
        let trainer = Trainer(epochs: sizes.epochs, batchSize: 64, loss: CrossEntropy(), optimizer: Adam(learningRate: 1e-3),
                              seed: context.seed, earlyStopping: EarlyStopping(patience: sizes.patience, restoreBest: true),
                              showsProgress: false) { record in
            context.log(String(format: "  %@ epoch %d: %.1f s, train loss %.4f, validation accuracy %.2f %%", key, record.epoch,
                               record.seconds, record.trainingLoss, (record.validationAccuracy ?? .nan) * 100))
        }
        let history = try trainer.fit(network, inputs: inputs(fit, for: network), targets: Tensor(classIndices: fit.labels),
                                      validation: (inputs(validation, for: network), Tensor(classIndices: validation.labels)))
        let testInputs = inputs(test, for: network)
        let measured = Trainer.evaluate(network, inputs: testInputs, targets: Tensor(classIndices: test.labels), loss: CrossEntropy())
        let predictions = network.predict(testInputs).argmax(axis: 1)
        return Run(key: key, model: model, dataset: dataset, network: network, history: history,
                   testAccuracy: measured.accuracy ?? .nan, testLoss: measured.loss, predictions: predictions)
    }

    static func record(_ run: Run, writer: ReportWriter) {
        func series(_ values: [Double?]) -> JSONValue { .array(values.map { $0.map(JSONValue.finite) ?? .null }) }
        writer.metric(run.key, .object([
            "model": .string(run.model), "dataset": .string(run.dataset),
            "parameters": .number(Double(run.network.parameterCount)),
            "testAccuracy": .finite(run.testAccuracy), "testLoss": .finite(run.testLoss),
            "epochsRun": .number(Double(run.history.records.count)),
            "bestEpoch": .number(Double(run.history.bestEpoch ?? 0)),
            "stoppedEarly": .bool(run.history.stoppedEarly),
            "secondsPerEpoch": .finite(run.secondsPerEpoch),
            "trainLoss": series(run.history.records.map(\.trainingLoss)),
            "validationLoss": series(run.history.records.map(\.validationLoss)),
            "trainAccuracy": series(run.history.records.map(\.trainingAccuracy)),
            "validationAccuracy": series(run.history.records.map(\.validationAccuracy)),
        ]))
    }

    static func curves(_ runs: [Run], title: String, file: String, writer: ReportWriter) throws {
        var figure = Figure(width: 1600, height: 640, dpi: 115, rows: 1, columns: 2, title: "\(title): training (solid) and validation (dashed) per epoch")
        for (index, run) in runs.enumerated() {
            let color = Color.cycle(index)
            let epochs = run.history.records.map { Double($0.epoch) }
            let name = modelTitles[run.model] ?? run.model
            try figure[0].line(x: epochs, y: run.history.records.map(\.trainingLoss), label: name, color: color, marker: .circle, markerSize: 4)
            try figure[0].line(x: epochs, y: run.history.records.map { $0.validationLoss ?? .nan }, color: color, dash: .dashed)
            try figure[1].line(x: epochs, y: run.history.records.map { ($0.trainingAccuracy ?? .nan) * 100 }, label: name, color: color, marker: .circle, markerSize: 4)
            try figure[1].line(x: epochs, y: run.history.records.map { ($0.validationAccuracy ?? .nan) * 100 }, color: color, dash: .dashed)
        }
        // The kept epochs last, so their one legend entry comes after the models'.
        let kept = runs.compactMap { run in run.history.bestEpoch.flatMap { best in run.history.records.first { $0.epoch == best } } }
        try figure[0].scatter(x: kept.map { Double($0.epoch) }, y: kept.map { $0.validationLoss ?? .nan }, label: "kept epoch (early stopping)",
                              color: .black, size: 11, marker: .diamond)
        try figure[1].scatter(x: kept.map { Double($0.epoch) }, y: kept.map { ($0.validationAccuracy ?? .nan) * 100 }, label: "kept epoch (early stopping)",
                              color: .black, size: 11, marker: .diamond)
        figure[0].title = "cross-entropy loss"
        figure[0].yLabel = "loss"
        figure[1].title = "accuracy"
        figure[1].yLabel = "accuracy (%)"
        figure[1].legend = .lowerRight
        for panel in 0..<2 {
            figure[panel].xLabel = "epoch"
            figure[panel].showsGrid = true
        }
        try figure.save(writer.figurePath(file))
        let stopped = runs.filter(\.history.stoppedEarly).map { "\(modelTitles[$0.model] ?? $0.model) after epoch \($0.history.records.count)" }
        let note = stopped.isEmpty ? "No model stopped early: validation loss still improved within the patience." : "Early stopping ended " + stopped.joined(separator: ", ") + "."
        writer.figure(file, caption: "\(title): loss and accuracy per epoch, training solid and validation dashed. Black diamonds mark the epoch whose weights were kept. \(note)")
    }

    static func accuracyTable(_ runs: [Run], title: String, test: ImageDataset, writer: ReportWriter) {
        let rows = runs.map { run in
            [modelTitles[run.model] ?? run.model, ReportFormat.grouped(Double(run.network.parameterCount)),
             "\(run.history.records.count)", "\(run.history.bestEpoch ?? 0)",
             ReportFormat.percent(run.testAccuracy), ReportFormat.fixed(run.testLoss, 4), ReportFormat.fixed(run.secondsPerEpoch, 2)]
        }
        writer.table(ReportTable(caption: "\(title): test accuracy on \(ReportFormat.grouped(Double(test.count))) test images",
                                 header: ["model", "parameters", "epochs run", "kept epoch", "test accuracy", "test loss", "seconds per epoch"],
                                 rows: rows, numericColumns: [1, 2, 3, 4, 5, 6]))
    }

    static func confusion(_ run: Run, test: ImageDataset, title: String, writer: ReportWriter) throws {
        let matrix = try ConfusionMatrix(predictions: run.predictions, labels: test.labels, classCount: test.classCount)
        let isFashion = run.dataset != "mnist"
        var figure = Figure(width: isFashion ? 1150 : 1000, height: isFashion ? 1000 : 900, dpi: 110, title: "\(title): LeNet-5 confusion matrix (test)")
        try figure[0].confusionMatrix(matrix.counts, classNames: test.classNames)
        figure[0].xLabel = "predicted"
        figure[0].yLabel = "true"
        let file = "confusion_\(run.dataset).png"
        try figure.save(writer.figurePath(file))
        var worst = (count: 0, truth: 0, predicted: 0)
        for truth in 0..<matrix.classCount {
            for predicted in 0..<matrix.classCount where predicted != truth && matrix.counts[truth][predicted] > worst.count {
                worst = (matrix.counts[truth][predicted], truth, predicted)
            }
        }
        let confusionNote = worst.count > 0 ? " The most frequent confusion: true \(test.classNames[worst.truth]) predicted as \(test.classNames[worst.predicted]) (\(worst.count) times)." : ""
        writer.figure(file, caption: "\(title): counts of test images by true class (rows) and LeNet-5's prediction (columns); the diagonal holds the correct ones.\(confusionNote)")
        writer.metric(MetricKey.join(run.key, "confusion"), .array(matrix.counts.map { .array($0.map { .number(Double($0)) }) }))
    }

    static func misclassified(_ run: Run, test: ImageDataset, title: String, writer: ReportWriter) throws {
        let wrong = test.labels.indices.filter { run.predictions[$0] != test.labels[$0] }
        writer.metric(MetricKey.join(run.key, "misclassified"), .number(Double(wrong.count)))
        guard !wrong.isEmpty else {
            writer.paragraph("LeNet-5 classified every test image correctly, so there is no gallery of mistakes.")
            return
        }
        let names = run.dataset == "mnist" ? nil : test.classNames
        // Class names need wider cells than digits: fewer, larger images for Fashion-MNIST.
        let shown = Array(wrong.prefix(names == nil ? 36 : 24))
        let subset = test.subset(shown)
        let (captions, colors) = try ImageGallery.predictionCaptions(predicted: shown.map { run.predictions[$0] }, truth: subset.labels, classNames: names)
        let columns = names == nil ? 12 : 6
        var gallery = try ImageGallery(images: subset.images(), columns: columns, width: columns * (names == nil ? 130 : 250),
                                       height: (shown.count + columns - 1) / columns * (names == nil ? 170 : 260) + 50,
                                       captions: captions, captionColors: colors)
        gallery.title = "\(title): LeNet-5 mistakes (pred / true)"
        let file = "misclassified_\(run.dataset).png"
        try gallery.save(writer.figurePath(file))
        writer.figure(file, caption: "\(title): the first \(shown.count) of the \(wrong.count) misclassified test images, captioned pred / true.")
    }

    static func filters(_ runs: [Run], writer: ReportWriter) throws {
        for run in runs {
            guard let convolution = run.network.layers.first(where: { $0 is Conv2D }) as? Conv2D else { continue }
            let weight = convolution.weight.value
            let side = convolution.kernelSize
            let count = convolution.outputChannels
            let kernels = weight.reshaped([count, convolution.inputChannels * side * side]).rows(0..<count)
            let columns = min(count, 8)
            let cell = count <= 8 ? 150 : 110
            var gallery = try ImageGallery(images: kernels.reshaped([count, side, side]), columns: columns,
                                           width: columns * cell, height: (count + columns - 1) / columns * cell + 50)
            gallery.colormap = .redBlue
            gallery.normalization = .symmetricPerImage
            gallery.title = "\(modelTitles[run.model] ?? run.model): \(count) first-layer filters (\(side)x\(side))"
            let file = "filters_\(run.model).png"
            try gallery.save(writer.figurePath(file))
            writer.figure(file, caption: "The \(count) learned \(side)x\(side) kernels of \(modelTitles[run.model] ?? run.model)'s first convolution on MNIST, each scaled to its own largest magnitude: red positive, blue negative, white zero. Edge and stroke detectors show as adjacent red and blue bands.")
        }
    }
}
