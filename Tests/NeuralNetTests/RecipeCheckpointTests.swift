import Foundation
import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite("Checkpoints with buffers: BatchNorm running statistics and Standardize")
struct RecipeCheckpointTests {
    func recipeModel(seed: UInt64) -> Sequential {
        Sequential(name: "recipe", inputShape: [1, 8, 8], seed: seed) {
            Standardize(channels: 1)
            Conv2D(1, 3, kernel: 3); BatchNorm2D(3); ReLU(); Dropout2D(0.1); AvgPool2D(2)
            Flatten(); Linear(27, 6); BatchNorm1D(6); GELU(); Dropout(0.25); Linear(6, 4); LeakyReLU()
        }
    }

    @Test func runningStatisticsSurviveTheRoundTrip() throws {
        let model = recipeModel(seed: 2)
        var generator = RandomGenerator(seed: 5)
        let x = Tensor.uniform([6, 1, 8, 8], generator: &generator)
        for _ in 0..<3 { _ = model.forward(x, training: true) }   // moves the running statistics
        let path = TestSupport.temporaryDirectory().appendingPathComponent("recipe.atnn").path
        try Checkpoint(model: model).write(to: path)
        let loaded = try Checkpoint.load(path).model
        #expect(loaded.specification == model.specification)
        #expect(loaded.namedBuffers.map(\.path) == ["0.mean", "0.deviation", "2.runningMean", "2.runningVariance", "8.runningMean", "8.runningVariance"])
        for (ours, theirs) in zip(loaded.buffers, model.buffers) { #expect(ours.value == theirs.value) }
        #expect(loaded(x) == model(x), "evaluation uses the running statistics, so they must be the saved ones")
        let summary = "\(loaded)"
        for name in ["Standardize", "BatchNorm2D(3)", "Dropout2D(0.1)", "AvgPool2D(2)", "BatchNorm1D(6)", "GELU", "LeakyReLU(0.01)"] {
            #expect(summary.contains(name), "print(model) shows \(name)")
        }
    }

    @Test func aFileWithoutBuffersStillLoadsAndMissingBuffersAreReported() throws {
        // A model without buffers writes no "buffers" key: the same bytes as before buffers existed.
        let plain = Sequential(inputShape: [4], seed: 1) { Linear(4, 3); ReLU(); Linear(3, 2) }
        let data = try Checkpoint(model: plain).encoded()
        #expect(!String(decoding: data, as: UTF8.self).contains("\"buffers\""))
        #expect(try Checkpoint.decode(data, path: "plain.atnn").model.specification == plain.specification)
        // A model with BatchNorm lists its buffers, and a damaged running variance is caught.
        let normed = Sequential(inputShape: [4], seed: 1) { Linear(4, 3); BatchNorm1D(3); Linear(3, 2) }
        var bytes = [UInt8](try Checkpoint(model: normed).encoded())
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"buffers\""))
        bytes[bytes.count - 10] ^= 1
        #expect(throws: NeuralNetError.self) { try Checkpoint.decode(Data(bytes), path: "normed.atnn") }
    }
}
