import Foundation
import NeuralNet
import TensorCore
import Testing

/// The trainer's recipe options on a small image problem (bright bar left or right of an 8x8
/// image, with noise) a debug build learns in a second.
@Suite("Training with the recipe: schedules, best epoch, weight average, clipping, determinism")
struct RecipeTrainerTests {
    static func bars(_ count: Int, seed: UInt64) -> (Tensor, Tensor) {
        var generator = RandomGenerator(seed: seed)
        var pixels: [Float] = [], labels: [Int] = []
        for i in 0..<count {
            let label = i % 2
            for y in 0..<8 {
                for x in 0..<8 {
                    let onBar = label == 0 ? (x == 1 || x == 2) : (x == 5 || x == 6)
                    pixels.append((onBar && y > 1 && y < 7 ? 0.8 : 0.1) + generator.uniform(-0.1, 0.1))
                }
            }
            labels.append(label)
        }
        return (Tensor(shape: [count, 1, 8, 8], elements: pixels), Tensor(classIndices: labels))
    }

    static func model(seed: UInt64 = 3) -> Sequential {
        Sequential(inputShape: [1, 8, 8], seed: seed) {
            Conv2D(1, 4, kernel: 3, padding: 1); BatchNorm2D(4); ReLU(); MaxPool2D(2)
            Flatten(); Dropout(0.2); Linear(64, 16); BatchNorm1D(16); GELU(); Linear(16, 2)
        }
    }

    static func trainer(epochs: Int = 4) -> Trainer {
        var trainer = Trainer(epochs: epochs, batchSize: 16, loss: CrossEntropy(labelSmoothing: 0.1),
                              optimizer: AdamW(learningRate: 1e-3, weightDecay: 1e-4), seed: 5, showsProgress: false)
        trainer.schedule = .oneCycle(maximumLearningRate: 1e-2)
        trainer.clipNorm = 1
        trainer.augmentation = Augmentation([.shift(pixels: 1)])
        return trainer
    }

    @Test func theRecipeLearnsAndRecordsTheScheduledRate() throws {
        let (x, y) = Self.bars(96, seed: 1)
        let (vx, vy) = Self.bars(32, seed: 2)
        let model = Self.model()
        let history = try Self.trainer().fit(model, inputs: x, targets: y, validation: (vx, vy))
        #expect((history.records.last?.validationAccuracy ?? 0) > 0.9, "\(history.records.map(\.validationAccuracy))")
        let scheduler = try LearningRateScheduler(.oneCycle(maximumLearningRate: 1e-2), baseLearningRate: 1e-3, epochs: 4, batchesPerEpoch: 6)
        for record in history.records {
            let expected = scheduler.learningRate(epoch: record.epoch - 1, batch: 5)
            #expect(abs((record.learningRate ?? 0) - expected) <= 1e-6 * expected, "epoch \(record.epoch): the last batch's rate")
        }
    }

    @Test func sameSeedSameBitsWithEveryIngredient() throws {
        let (x, y) = Self.bars(64, seed: 1)
        func train() throws -> [Float] {
            let model = Self.model()
            var trainer = Self.trainer(epochs: 2)
            trainer.weightAverageDecay = 0.9
            trainer.augmentation = Augmentation([.shift(pixels: 1), .rotate(degrees: 10), .elastic(alpha: 8, sigma: 2), .erase(probability: 0.5)])
            try trainer.fit(model, inputs: x, targets: y, validation: (x, y))
            return model.snapshot().flatMap(\.elements)
        }
        #expect(try train() == train())
    }

    @Test func theBestValidationEpochIsKept() throws {
        let (x, y) = Self.bars(96, seed: 1)
        let (vx, vy) = Self.bars(32, seed: 2)
        let model = Self.model()
        var trainer = Self.trainer(epochs: 5)
        trainer.keepsBestEpoch = true
        var weightsAtEpoch: [[Float]] = []
        trainer.onEpochEnd = { _ in weightsAtEpoch.append(model.snapshot().flatMap(\.elements)) }
        let history = try trainer.fit(model, inputs: x, targets: y, validation: (vx, vy))
        let accuracies = history.records.map { $0.validationAccuracy! }
        let best = accuracies.indices.last { accuracies[$0] == accuracies.max()! }!
        #expect(history.bestEpoch == best + 1, "\(accuracies)")
        #expect(model.snapshot().flatMap(\.elements) == weightsAtEpoch[best])
        let measured = Trainer.evaluate(model, inputs: vx, targets: vy, loss: CrossEntropy(labelSmoothing: 0.1))
        #expect(measured.accuracy == accuracies[best])
    }

    @Test func theWeightAverageIsWhatIsEvaluatedAndReturned() throws {
        let (x, y) = Self.bars(64, seed: 1)
        let model = Self.model()
        var trainer = Self.trainer(epochs: 2)
        trainer.weightAverageDecay = 0.95
        let history = try trainer.fit(model, inputs: x, targets: y, validation: (x, y))
        let measured = Trainer.evaluate(model, inputs: x, targets: y, loss: CrossEntropy(labelSmoothing: 0.1))
        #expect(abs(measured.loss - history.records.last!.validationLoss!) < 1e-12, "the returned model is the average that was validated")
    }

    @Test func clippingScalesTheGlobalNormAsPyTorch() {
        let a = Parameter(name: "a", value: Tensor.zeros([3])), b = Parameter(name: "b", value: Tensor.zeros([2]))
        a.gradient = Tensor(shape: [3], elements: [3, 0, 4])
        b.gradient = Tensor(shape: [2], elements: [0, 12])
        let norm = GradientClipping.clip([a, b], maximumNorm: 6.5)
        #expect(abs(norm - 13) < 1e-9)
        let scale = Float(6.5 / (13 + 1e-6))
        #expect(a.gradient.elements == [3 * scale, 0, 4 * scale])
        #expect(b.gradient.elements == [0, 12 * scale])
        #expect(GradientClipping.clip([a, b], maximumNorm: 100) < 100)
        #expect(b.gradient.elements == [0, 12 * scale], "a norm below the limit is left alone")
    }

    @Test func badSettingsAreRefusedBeforeTraining() throws {
        let (x, y) = Self.bars(16, seed: 1)
        var trainer = Self.trainer(epochs: 2)
        trainer.schedule = .cosine(warmupEpochs: 2, minimumLearningRate: 0)
        #expect(throws: NeuralNetError.self) { try trainer.fit(Self.model(), inputs: x, targets: y) }
        trainer.schedule = .multiStep(milestones: [5], factor: 0.1)
        #expect(throws: NeuralNetError.self) { try trainer.fit(Self.model(), inputs: x, targets: y) }
        trainer.schedule = nil
        trainer.keepsBestEpoch = true
        #expect(throws: NeuralNetError.self) { try trainer.fit(Self.model(), inputs: x, targets: y) }
        trainer.keepsBestEpoch = false
        let flat = Sequential(inputShape: [64], seed: 1) { Linear(64, 2) }
        #expect(throws: NeuralNetError.self) { try trainer.fit(flat, inputs: x.reshaped([16, 64]), targets: y) }
    }
}
