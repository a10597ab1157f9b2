import Foundation
@testable import NeuralNet
import TensorCore
import Testing

/// `Sequential.forward` fuses Conv2D + ReLU and BatchNorm + ReLU (`RectifyingLayer`): the
/// output, the ReLU's saved output and every gradient must be bitwise those of the layers run
/// one by one.
@Suite("ReLU fusion: bitwise the unfused layers")
struct ReLUFusionTests {
    /// Forward through each layer's own `forward` (no fusion), then the model's backward.
    static func unfused(_ model: Sequential, _ input: Tensor, training: Bool) -> Tensor {
        var x = input
        for layer in model.layers { x = layer.forward(x, training: training) }
        return x
    }

    @Test(arguments: [false, true])
    func cnnMatchesLayerByLayer(batchNorm: Bool) throws {
        var generator = RandomGenerator(seed: 3)
        let input = Tensor(shape: [4, 1, 28, 28], elements: (0..<(4 * 784)).map { _ in generator.uniform(-1, 1) })
        let upstream = Tensor(shape: [4, 10], elements: (0..<40).map { _ in generator.uniform(-1, 1) })
        for training in [true, false] {
            let (fused, plain) = try (ModelZoo.make("cnn3", inputShape: [1, 28, 28], batchNorm: batchNorm, seed: 1),
                                      ModelZoo.make("cnn3", inputShape: [1, 28, 28], batchNorm: batchNorm, seed: 1))
            let a = fused.forward(input, training: training)
            let b = Self.unfused(plain, input, training: training)
            #expect(a.elements == b.elements, "batch norm \(batchNorm), training \(training): outputs")
            guard training else { continue }
            let da = fused.backward(upstream, needsInputGradient: true)
            let db = plain.backward(upstream, needsInputGradient: true)
            #expect(da.elements == db.elements, "batch norm \(batchNorm): input gradients")
            for (p, q) in zip(fused.layers.flatMap(\.parameters), plain.layers.flatMap(\.parameters)) {
                #expect(p.gradient.elements == q.gradient.elements, "batch norm \(batchNorm): gradient of \(p.name)")
            }
        }
    }

    @Test func batchNormRectifiedMatchesReLU() {
        var generator = RandomGenerator(seed: 4)
        let shape = [3, 2, 5, 7]
        let input = Tensor(shape: shape, elements: (0..<210).map { _ in generator.uniform(-2, 2) })
        for training in [true, false] {
            let (fused, plain) = (BatchNorm2D(2), BatchNorm2D(2))
            let a = fused.forwardRectified(input, training: training)
            let b = ReLU().forward(plain.forward(input, training: training), training: training)
            #expect(a.elements == b.elements, "training \(training)")
        }
    }
}
