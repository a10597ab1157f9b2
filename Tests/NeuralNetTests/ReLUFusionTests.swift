import Foundation
@testable import NeuralNet
import TensorCore
import Testing

/// `Sequential.forward` fuses Conv2D + ReLU and BatchNorm + ReLU (`RectifyingLayer`), and
/// either with a MaxPool2D after the ReLU (`RectifiedPooling`): the output, the ReLU's saved
/// output and every gradient must be bitwise those of the layers run one by one.
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
            if batchNorm {
                // The fused backward path is the one taken (RectifiedPooling).
                let normalization = try #require(fused.layers[1] as? BatchNormalization)
                #expect(normalization.pooledBy === fused.layers[3] as? MaxPool2D)
                #expect((fused.layers[2] as? ReLU)?.isMaskedByPooling == true)
            }
            let da = fused.backward(upstream, needsInputGradient: true)
            let db = plain.backward(upstream, needsInputGradient: true)
            #expect(da.elements == db.elements, "batch norm \(batchNorm): input gradients")
            for (p, q) in zip(fused.layers.flatMap(\.parameters), plain.layers.flatMap(\.parameters)) {
                #expect(p.gradient.elements == q.gradient.elements, "batch norm \(batchNorm): gradient of \(p.name)")
            }
        }
    }

    @Test(arguments: [false, true])
    func lenet5MatchesLayerByLayer(batchNorm: Bool) throws {
        var generator = RandomGenerator(seed: 5)
        let input = Tensor(shape: [3, 1, 28, 28], elements: (0..<(3 * 784)).map { _ in generator.uniform(-1, 1) })
        let upstream = Tensor(shape: [3, 10], elements: (0..<30).map { _ in generator.uniform(-1, 1) })
        let (fused, plain) = try (ModelZoo.make("lenet5", inputShape: [1, 28, 28], batchNorm: batchNorm, dropout: 0.25, seed: 2),
                                  ModelZoo.make("lenet5", inputShape: [1, 28, 28], batchNorm: batchNorm, dropout: 0.25, seed: 2))
        let a = fused.forward(input, training: true)
        let b = Self.unfused(plain, input, training: true)
        #expect(a.elements == b.elements, "batch norm \(batchNorm): outputs")
        let da = fused.backward(upstream, needsInputGradient: true)
        let db = plain.backward(upstream, needsInputGradient: true)
        #expect(da.elements == db.elements, "batch norm \(batchNorm): input gradients")
        for (p, q) in zip(fused.parameters, plain.parameters) {
            #expect(p.gradient.elements == q.gradient.elements, "batch norm \(batchNorm): gradient of \(p.name)")
        }
    }

    /// Odd map sizes (a last row and column no window covers), overlapping 3×3 windows with
    /// stride 2 (a position reached by several windows), many exact zeros and ties from the ReLU
    /// (inputs drawn from a few integers): the fused blocks against the layers one by one.
    @Test(arguments: [(2, 2), (3, 2), (2, 1)])
    func oddShapesAndOverlappingWindows(kernel: Int, stride: Int) {
        var generator = RandomGenerator(seed: UInt64(10 * kernel + stride))
        let shape = [3, 2, 9, 11]
        for integers in [false, true] {
            let input = Tensor(shape: shape, elements: (0..<shape.reduce(1, *)).map { _ in
                integers ? Float(Int(generator.uniform(-2, 3))) : generator.uniform(-1, 1)
            })
            func model() -> Sequential {
                Sequential(inputShape: [2, 9, 11], seed: 7) {
                    Conv2D(2, 3, kernel: 3, padding: 1); ReLU(); MaxPool2D(kernel, stride: stride)
                    Conv2D(3, 4, kernel: 3, padding: 1); BatchNorm2D(4); ReLU(); MaxPool2D(kernel, stride: stride)
                }
            }
            let (fused, plain) = (model(), model())
            for layer in fused.layers + plain.layers {
                // Integer weights too, so that ties and exact zeros survive the convolutions.
                guard integers, let conv = layer as? Conv2D else { continue }
                conv.weight.value = conv.weight.value.map { ($0 * 4).rounded() }
                conv.bias.value = conv.bias.value.map { ($0 * 4).rounded() }
            }
            for training in [true, false] {
                let a = fused.forward(input, training: training)
                let b = Self.unfused(plain, input, training: training)
                #expect(a.shape == b.shape)
                #expect(a.elements == b.elements, "\(kernel)/\(stride), integers \(integers), training \(training): outputs")
                guard training else { continue }
                let upstream = Tensor(shape: a.shape, elements: (0..<a.count).map { _ in
                    integers ? Float(Int(generator.uniform(-2, 3))) : generator.uniform(-1, 1)
                })
                let da = fused.backward(upstream, needsInputGradient: true)
                let db = plain.backward(upstream, needsInputGradient: true)
                #expect(da.elements == db.elements, "\(kernel)/\(stride), integers \(integers): input gradients")
                for (p, q) in zip(fused.parameters, plain.parameters) {
                    #expect(p.gradient.elements == q.gradient.elements, "\(kernel)/\(stride), integers \(integers): gradient of \(p.name)")
                }
            }
        }
    }

    /// A ReLU run on its own after a fused run computes its own mask again.
    @Test func reluOnItsOwnAfterFusedRun() {
        var generator = RandomGenerator(seed: 8)
        let input = Tensor(shape: [2, 1, 6, 6], elements: (0..<72).map { _ in generator.uniform(-1, 1) })
        let model = Sequential(inputShape: [1, 6, 6], seed: 1) { Conv2D(1, 2, kernel: 3, padding: 1); ReLU(); MaxPool2D(2) }
        _ = model.forward(input, training: true)
        let relu = model.layers[1]
        let x = Tensor(shape: [4], elements: [-1, 2, 0, 3])
        _ = relu.forward(x, training: true)
        let dx = relu.backward(Tensor(shape: [4], elements: [5, 6, 7, 8]), needsInputGradient: true)
        #expect(dx.elements == [0, 6, 0, 8])
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
