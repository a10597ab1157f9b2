import Datasets
import Foundation
import NeuralNet
import TensorCore
import TestSupport
import Testing

/// Small problems a correct trainer learns in seconds, even in a debug build.
@Suite("Training: small problems, early stopping, NaN detection")
struct TrainingTests {
    static func gaussians(perClass: Int, seed: UInt64) -> (Tensor, Tensor) {
        var generator = RandomGenerator(seed: seed)
        let centres: [(Float, Float)] = [(-2, -2), (-2, 2), (2, -2), (2, 2)]
        var points: [Float] = [], labels: [Int] = []
        for (label, centre) in centres.enumerated() {
            for _ in 0..<perClass {
                points += [centre.0 + generator.normal(mean: 0, standardDeviation: 0.6),
                           centre.1 + generator.normal(mean: 0, standardDeviation: 0.6)]
                labels.append(label)
            }
        }
        return (Tensor(shape: [labels.count, 2], elements: points), Tensor(classIndices: labels))
    }

    @Test func xor() throws {
        let x = Tensor(rows: [[0, 0], [0, 1], [1, 0], [1, 1]])
        let y = Tensor(classIndices: [0, 1, 1, 0])
        let model = Sequential(inputShape: [2], seed: 1) { Linear(2, 8); Tanh(); Linear(8, 2) }
        let history = try Trainer(epochs: 300, batchSize: 4, loss: CrossEntropy(), optimizer: Adam(learningRate: 0.05), showsProgress: false)
            .fit(model, inputs: x, targets: y)
        #expect(history.records.last!.trainingAccuracy == 1)
        #expect(model(x).argmax(axis: 1) == [0, 1, 1, 0])
        #expect(history.records.last!.trainingLoss < 0.05)
    }

    @Test func fourGaussians() throws {
        let (x, y) = Self.gaussians(perClass: 100, seed: 2)
        let (testX, testY) = Self.gaussians(perClass: 50, seed: 3)
        let model = Sequential(inputShape: [2], seed: 0) { Linear(2, 16); ReLU(); Linear(16, 4) }
        let trainer = Trainer(epochs: 20, batchSize: 32, loss: CrossEntropy(), optimizer: Adam(learningRate: 0.02), showsProgress: false)
        let history = try trainer.fit(model, inputs: x, targets: y, validation: (testX, testY))
        #expect(history.records.count == 20)
        #expect(history.records.last!.validationAccuracy! > 0.95)
        #expect(history.records.last!.trainingLoss < history.records.first!.trainingLoss)
    }

    @Test func checkerboard() throws {
        var generator = RandomGenerator(seed: 4)
        var points: [Float] = [], labels: [Int] = []
        for _ in 0..<800 {
            let (u, v) = (generator.uniform(), generator.uniform())
            points += [u * 2 - 1, v * 2 - 1]
            labels.append((Int(u * 3) + Int(v * 3)) % 2)   // 3x3 board
        }
        let x = Tensor(shape: [800, 2], elements: points)
        let y = Tensor(classIndices: labels)
        let model = Sequential(inputShape: [2], seed: 0) { Linear(2, 64); ReLU(); Linear(64, 64); ReLU(); Linear(64, 2) }
        let trainer = Trainer(epochs: 150, batchSize: 32, loss: CrossEntropy(), optimizer: Adam(learningRate: 0.01), showsProgress: false)
        let history = try trainer.fit(model, inputs: x, targets: y)
        #expect(history.records.last!.trainingAccuracy! > 0.95, "accuracy \(history.records.last!.trainingAccuracy!)")
    }

    @Test func mnistSubsetOverfitted() throws {
        let mnist = try Dataset.mnist(.test, directory: TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist").path)
            .prefix(300)
        let x = mnist.images()
        let y = Tensor(classIndices: mnist.labels)
        let model = try ModelZoo.make("shallow", hidden: [128], seed: 0)
        let trainer = Trainer(epochs: 25, batchSize: 32, loss: CrossEntropy(), optimizer: Adam(learningRate: 2e-3), showsProgress: false)
        let history = try trainer.fit(model, inputs: x, targets: y)
        #expect(history.records.last!.trainingAccuracy == 1)
        let predictions = model.predict(x).argmax(axis: 1)
        #expect(predictions == mnist.labels)
    }

    @Test func earlyStoppingMonitorRule() throws {
        // Constant loss (learning rate 0): epoch 1 improves on +inf, epochs 2-4 do not;
        // patience 2 tolerates two, the third stops training at epoch 4.
        let (x, y) = Self.gaussians(perClass: 10, seed: 5)
        let model = Sequential(inputShape: [2], seed: 0) { Linear(2, 4) }
        let trainer = Trainer(epochs: 10, batchSize: 8, loss: CrossEntropy(), optimizer: SGD(learningRate: 0),
                              earlyStopping: EarlyStopping(patience: 2, minimumDelta: 0), showsProgress: false)
        let history = try trainer.fit(model, inputs: x, targets: y)
        #expect(history.records.count == 4)
        #expect(history.stoppedEarly)
        #expect(history.bestEpoch == 1)
    }

    @Test func timeLimitEndsTrainingAfterTheEpochThatReachesIt() throws {
        let (x, y) = Self.gaussians(perClass: 10, seed: 5)
        func run(_ limit: TimeInterval?, epochs: Int = 6) throws -> TrainingHistory {
            let model = Sequential(inputShape: [2], seed: 0) { Linear(2, 4) }
            var trainer = Trainer(epochs: epochs, batchSize: 8, loss: CrossEntropy(), optimizer: SGD(learningRate: 0.1), showsProgress: false)
            trainer.timeLimit = limit
            return try trainer.fit(model, inputs: x, targets: y)
        }
        // Any epoch takes longer than a nanosecond: the first one ends training.
        let limited = try run(1e-9)
        #expect(limited.records.count == 1 && limited.stoppedByTimeLimit && !limited.stoppedEarly)
        // A limit no run reaches, or a limit reached in the last epoch, changes nothing.
        let generous = try run(3600)
        #expect(generous.records.count == 6 && !generous.stoppedByTimeLimit)
        let single = try run(1e-9, epochs: 1)
        #expect(single.records.count == 1 && !single.stoppedByTimeLimit)
        var recipe = TrainingRecipe(model: "shallow", data: .dataset(name: "mnist"))
        recipe.timeLimit = 0
        #expect(throws: NeuralNetError.self) { try recipe.validate() }
    }

    @Test func earlyStoppingMinimumDeltaAndRestore() throws {
        // Validation labels are the training labels shifted by one class, so as training
        // improves, validation loss gets worse: the best epoch is the first, and its weights
        // must come back.
        let (x, y) = Self.gaussians(perClass: 25, seed: 6)
        let shifted = Tensor(classIndices: y.elements.map { (Int($0) + 1) % 4 })
        let model = Sequential(inputShape: [2], seed: 0) { Linear(2, 16); ReLU(); Linear(16, 4) }
        final class Box { var weights: [Tensor] = [] }
        let box = Box()
        let trainer = Trainer(epochs: 30, batchSize: 10, loss: CrossEntropy(), optimizer: Adam(learningRate: 0.02),
                              earlyStopping: EarlyStopping(patience: 1, minimumDelta: 1e-3, restoreBest: true),
                              showsProgress: false) { record in
            if record.epoch == 1 { box.weights = model.snapshot() }
        }
        let history = try trainer.fit(model, inputs: x, targets: y, validation: (x, shifted))
        #expect(history.stoppedEarly)
        #expect(history.bestEpoch == 1)
        #expect(history.records.count == 3)
        #expect(model.snapshot() == box.weights)
        let csv = history.csv.split(separator: "\n")
        #expect(csv.first == "epoch,trainLoss,valLoss,trainAccuracy,valAccuracy,learningRate,seconds,samplesPerSecond")
        #expect(csv.count == 4)
    }

    @Test func nonFiniteLossNamesEpochAndBatch() throws {
        let x = Tensor(shape: [6, 1], elements: [1, 2, 3, 4, 5, 6])
        var targets = Tensor(shape: [6, 1], elements: [0, 0, 0, 0, 0, 0])
        targets.elements[3] = 1e30   // (prediction - 1e30)² overflows Float
        let model = Sequential(inputShape: [1], seed: 0) { Linear(1, 1) }
        let trainer = Trainer(epochs: 2, batchSize: 2, loss: MeanSquaredError(), optimizer: SGD(learningRate: 0.01), showsProgress: false)
        do {
            try trainer.fit(model, inputs: x, targets: targets)
            Issue.record("expected a non-finite loss error")
        } catch let NeuralNetError.nonFiniteLoss(epoch, batch, value) {
            #expect(epoch == 1)
            #expect(batch >= 1 && batch <= 3)
            #expect(!value.isFinite)
        }
    }

    @Test func badDataIsATypedError() {
        let model = Sequential(inputShape: [2], seed: 0) { Linear(2, 3) }
        let trainer = Trainer(epochs: 1, batchSize: 2, loss: CrossEntropy(), optimizer: SGD(), showsProgress: false)
        #expect(throws: NeuralNetError.self) {   // label 3 for 3 classes
            try trainer.fit(model, inputs: Tensor.zeros([2, 2]), targets: Tensor(classIndices: [0, 3]))
        }
        #expect(throws: NeuralNetError.self) {   // 3 features for a 2-input model
            try trainer.fit(model, inputs: Tensor.zeros([2, 3]), targets: Tensor(classIndices: [0, 1]))
        }
        #expect(throws: NeuralNetError.self) {   // counts differ
            try trainer.fit(model, inputs: Tensor.zeros([3, 2]), targets: Tensor(classIndices: [0, 1]))
        }
    }
}
