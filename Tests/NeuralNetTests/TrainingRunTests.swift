import Datasets
import Foundation
import NeuralNet
import TensorCore
import TestSupport
import Testing

/// `TrainingRun` end to end on files the tests write: CIFAR-format batches, CSV and NPY tables,
/// and the bad inputs of issue 15, each refused before any training or writing.
@Suite("TrainingRun: one entry point, CIFAR and tables, bad input")
struct TrainingRunTests {
    /// A CIFAR-10 folder of `perFile` images per training batch file (five files) and a test
    /// file: class k is an image whose channel k % 3 is bright, so it is learnable.
    static func cifarFolder(perFile: Int = 12) throws -> String {
        let folder = TestSupport.temporaryDirectory("atelier-cifar").path
        var generator = RandomGenerator(seed: 4)
        func dataset(_ count: Int, offset: Int) -> ColorImageDataset {
            var pixels: [UInt8] = [], labels: [Int] = []
            for i in 0..<count {
                let label = (i + offset) % 3
                for channel in 0..<3 {
                    for _ in 0..<1024 { pixels.append(UInt8(channel == label ? 180 + generator.integer(below: 60) : generator.integer(below: 60))) }
                }
                labels.append(label)
            }
            return ColorImageDataset(name: "synthetic", pixels: pixels, labels: labels, classNames: CIFAR.cifar10ClassNames)
        }
        for file in 1...5 {
            try CIFAR.write(dataset(perFile, offset: file), variant: .cifar10, to: (folder as NSString).appendingPathComponent("data_batch_\(file).bin"))
        }
        try CIFAR.write(dataset(30, offset: 0), variant: .cifar10, to: (folder as NSString).appendingPathComponent("test_batch.bin"))
        return folder
    }

    static func tableCSV(rows: Int = 200, continuous: Bool) throws -> String {
        var generator = RandomGenerator(seed: 2)
        var lines = ["a,b,c,label"]
        for _ in 0..<rows {
            let (a, b, c) = (generator.uniform(-1, 1) * 50, generator.uniform(-1, 1), generator.uniform(-1, 1) * 1000)
            let label = continuous ? String(2 * b + a / 50 + 0.1 * generator.uniform()) : String(b + a / 50 > 0 ? 1 : 0)
            lines.append("\(a),\(b),\(c),\(label)")
        }
        return try TestSupport.writeFile(lines.joined(separator: "\n") + "\n", named: continuous ? "regression.csv" : "classes.csv",
                                         in: TestSupport.temporaryDirectory("atelier-table"))
    }

    @Test func cifarTrainsAdaptedModelsAndWritesEverything() throws {
        let folder = try Self.cifarFolder()
        var recipe = TrainingRecipe(model: "lenet5", data: .dataset(name: "cifar10", directory: folder, limit: nil))
        recipe.batchNorm = true
        recipe.epochs = 3
        recipe.batchSize = 12
        recipe.learningRate = 3e-3
        recipe.augmentation = try Augmentation(parsing: "shift:2,flip")
        recipe.validationFraction = 0.2
        recipe.keepsBestEpoch = true
        let out = TestSupport.temporaryDirectory("atelier-cifar-run").appendingPathComponent("run").path
        let outcome = try TrainingRun(recipe).run(writingTo: out)
        #expect(outcome.model.inputShape == [3, 32, 32])
        #expect(outcome.trainingSamples == 48 && outcome.validationSamples == 12 && outcome.testSamples == 30)
        #expect((outcome.testAccuracy ?? 0) > 0.6, "three colours are easy: \(outcome.testAccuracy ?? -1)")
        #expect(outcome.files.count == 3)
        let loaded = try Checkpoint.load(outcome.files[0])
        let stored = try JSONDecoder().decode(TrainingRecipe.self, from: Data(try #require(loaded.metadata["recipe"]).utf8))
        #expect(stored == recipe, "the recipe travels with the checkpoint")
        let history = try String(contentsOfFile: outcome.files[1], encoding: .utf8)
        #expect(history.hasPrefix(TrainingHistory.csvHeader))

        recipe.model = "cnn3"
        recipe.augmentation = nil
        recipe.epochs = 1
        let cnn = try TrainingRun(recipe).train(on: TrainingRun(recipe).prepareData())
        #expect(try cnn.model.outputShape(for: [3, 32, 32]) == [10])
        recipe.model = "mlp"
        recipe.hidden = [16]
        #expect(try TrainingRun(recipe).makeModel(for: TrainingRun(recipe).prepareData()).inputShape == [3072])
    }

    @Test func tablesTrainClassifiersAndRegressions() throws {
        var recipe = TrainingRecipe(model: "mlp", data: .table(path: try Self.tableCSV(continuous: false), labelColumn: "label"))
        recipe.hidden = [16]
        recipe.epochs = 30
        recipe.batchSize = 16
        recipe.learningRate = 1e-2
        let classes = try TrainingRun(recipe).run(writingTo: nil)
        #expect(classes.metrics.task == "classification")
        #expect((classes.testAccuracy ?? 0) > 0.85, "standardized features make column c's scale harmless: \(classes.testAccuracy ?? -1)")
        #expect(classes.model.layers.first is Standardize)

        recipe.data = .table(path: try Self.tableCSV(continuous: true), labelColumn: "label")
        let regression = try TrainingRun(recipe).run(writingTo: nil)
        #expect(regression.metrics.task == "regression")
        #expect(regression.testAccuracy == nil)
        #expect(regression.testLoss < 0.2, "MSE of a near-linear target: \(regression.testLoss)")

        // The same table as .npy, label = the last column by default.
        let table = try CSV.readNumeric(try Self.tableCSV(continuous: false))
        let npy = TestSupport.temporaryDirectory("atelier-npy").appendingPathComponent("table.npy").path
        try NPY.write(table.values, to: npy)
        recipe.data = .table(path: npy, labelColumn: nil)
        recipe.epochs = 5
        #expect(try TrainingRun(recipe).run(writingTo: nil).metrics.task == "classification")
    }

    @Test func fullyConnectedModelsReadAugmentedAndStandardizedImages() throws {
        let mnist = TrainingData.dataset(name: "mnist", directory: TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist").path, limit: 200)
        var recipe = TrainingRecipe(model: "shallow", data: mnist)
        recipe.hidden = [32]
        recipe.batchNorm = true
        recipe.dropout = 0.2
        recipe.standardize = true
        recipe.augmentation = Augmentation([.shift(pixels: 2)])
        recipe.epochs = 2
        let run = TrainingRun(recipe)
        let data = try run.prepareData()
        let model = try run.makeModel(for: data)
        // The augmentation needs images, so the MLP reads [1, 28, 28] behind Standardize + Flatten.
        #expect(model.inputShape == [1, 28, 28])
        #expect(model.layers.prefix(2).map(\.kind) == ["Standardize", "Flatten"])
        #expect(model.layers.map(\.kind).contains("BatchNorm1D") && model.layers.map(\.kind).contains("Dropout"))
        let standardize = try #require(model.layers.first as? Standardize)
        #expect(abs(standardize.mean.value.elements[0] - 0.13) < 0.03, "MNIST's mean pixel")
        let outcome = try run.train(on: data)
        #expect((outcome.testAccuracy ?? 0) > 0.3)
    }

    @Test func badInputIsRefusedBeforeTrainingAndWriting() throws {
        func refuses(_ recipe: TrainingRecipe, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let out = TestSupport.temporaryDirectory("atelier-refused").appendingPathComponent("run").path
            do {
                _ = try TrainingRun(recipe).run(writingTo: out)
                Issue.record("expected an error mentioning '\(fragment)'", sourceLocation: sourceLocation)
            } catch {
                #expect("\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
            }
            #expect(!FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent("checkpoint.atnn")), sourceLocation: sourceLocation)
        }
        let mnist = TrainingData.dataset(name: "mnist", directory: TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist").path, limit: 100)
        var recipe = TrainingRecipe(model: "lenet5", data: mnist)
        recipe.dropout = 1
        refuses(recipe, "dropout probability must be in [0, 1)")
        recipe.dropout = 0
        recipe.schedule = .cosine(warmupEpochs: 3, minimumLearningRate: 0)
        refuses(recipe, "leaves no epoch")
        recipe.schedule = .multiStep(milestones: [4], factor: 0.1)
        refuses(recipe, "not before the end")
        recipe.schedule = .constant
        recipe.augmentation = Augmentation([.flip])
        refuses(recipe, "horizontal flips")
        recipe.data = .table(path: try Self.tableCSV(continuous: false), labelColumn: "label")
        recipe.model = "mlp"
        recipe.augmentation = Augmentation([.shift(pixels: 1)])
        refuses(recipe, "augmentation needs images")
        recipe.augmentation = nil
        recipe.data = .table(path: try Self.tableCSV(continuous: false), labelColumn: "target")
        refuses(recipe, "the label column 'target' is not in the table")
        let text = try TestSupport.writeFile("a,label\n1,cat\n2,dog\n", named: "text.csv", in: TestSupport.temporaryDirectory("atelier-text"))
        recipe.data = .table(path: text, labelColumn: "label")
        refuses(recipe, "text.csv")
        // A CIFAR file that is not a whole number of records.
        let folder = try Self.cifarFolder(perFile: 2)
        try Data(repeating: 1, count: 3073 * 2 + 100).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("data_batch_3.bin")))
        recipe = TrainingRecipe(model: "lenet5", data: .dataset(name: "cifar10", directory: folder, limit: nil))
        refuses(recipe, "3073-byte CIFAR-10 records")
        // An output path with a file in the way is refused before the data is even read.
        let blocker = try TestSupport.writeFile("x", named: "blocker", in: TestSupport.temporaryDirectory("atelier-blocked"))
        #expect(throws: NeuralNetError.self) { try TrainingRun(TrainingRecipe(model: "mlp", data: .dataset(name: "mnist"))).run(writingTo: blocker) }
    }
}
