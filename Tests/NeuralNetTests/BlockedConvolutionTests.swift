import Foundation
@testable import NeuralNet
import TensorCore
import Testing

/// The cache-blocked convolution (`BlockedConvolution`, taken in training) against independent
/// facts: a nested-loop convolution written out here, exact finite differences (the layer is
/// linear in its weights and in its input, so a central difference of `Σ upstream · output` is
/// exact up to float rounding), and the whole-batch im2col path that the gradient-check tests
/// already pin. Shapes cover both column layouts (wide and compact), stride 1 and 2, padding 0, 1
/// and 2, several input channels, uneven last groups, and one and two workers.
@Suite("Cache-blocked convolution")
struct BlockedConvolutionTests {
    struct Case: CustomStringConvertible {
        var channels, outputs, height, width, kernel, stride, padding: Int
        var wide = true
        var group: Int? = nil
        var workers = 2
        var description: String {
            "C\(channels)->\(outputs) \(height)x\(width) k\(kernel) s\(stride) p\(padding) wide \(wide) group \(group.map(String.init) ?? "auto") workers \(workers)"
        }
        var geometry: WindowGeometry {
            WindowGeometry(channels: channels, inputHeight: height, inputWidth: width, kernelHeight: kernel, kernelWidth: kernel,
                           strideHeight: stride, strideWidth: stride, paddingHeight: padding, paddingWidth: padding)
        }
    }

    static let cases: [Case] = [
        Case(channels: 3, outputs: 4, height: 7, width: 6, kernel: 3, stride: 1, padding: 1),            // wide
        Case(channels: 3, outputs: 4, height: 7, width: 6, kernel: 3, stride: 1, padding: 1, group: 2),  // wide, groups of 2
        Case(channels: 3, outputs: 4, height: 7, width: 6, kernel: 3, stride: 1, padding: 1, wide: false, group: 3),
        Case(channels: 2, outputs: 3, height: 8, width: 7, kernel: 3, stride: 2, padding: 1, group: 2),  // compact, stride 2
        Case(channels: 2, outputs: 3, height: 9, width: 9, kernel: 3, stride: 2, padding: 0, workers: 1),
        Case(channels: 4, outputs: 5, height: 6, width: 6, kernel: 3, stride: 1, padding: 0, group: 1),
        Case(channels: 2, outputs: 3, height: 8, width: 8, kernel: 5, stride: 1, padding: 0),            // wide, 44 % gap columns
        Case(channels: 2, outputs: 40, height: 8, width: 8, kernel: 5, stride: 1, padding: 0),           // gaps × outputs × width too large: compact
        Case(channels: 2, outputs: 2, height: 5, width: 7, kernel: 4, stride: 1, padding: 2, group: 4, workers: 1),
        Case(channels: 1, outputs: 3, height: 6, width: 5, kernel: 3, stride: 1, padding: 1),            // one channel (cnn3's first layer)
        Case(channels: 1, outputs: 2, height: 8, width: 8, kernel: 5, stride: 1, padding: 0, group: 2),  // one channel (LeNet-5's first layer)
    ]

    func randomTensor(_ shape: [Int], _ generator: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape, elements: (0..<Tensor.count(of: shape)).map { _ in generator.uniform(-1, 1) })
    }

    func blocked(_ c: Case) -> ConvolutionEngine {
        ConvolutionEngine(geometry: c.geometry, outputChannels: c.outputs, strategy: .blocked,
                          allowsWideLayout: c.wide, groupSize: c.group, workerCount: c.workers)
    }

    /// `out[n, o, y, x] = b[o] + Σ_cij w[o, c, i, j] · in[n, c, y·s + i - p, x·s + j - p]`.
    func nestedLoops(_ input: Tensor, weight: Tensor, bias: Tensor, _ c: Case) -> Tensor {
        let g = c.geometry
        let batch = input.shape[0]
        var result = Tensor(shape: [batch, c.outputs, g.outputHeight, g.outputWidth])
        for n in 0..<batch {
            for o in 0..<c.outputs {
                for y in 0..<g.outputHeight {
                    for x in 0..<g.outputWidth {
                        var total = Double(bias[o])
                        for k in 0..<c.channels {
                            for i in 0..<c.kernel {
                                for j in 0..<c.kernel {
                                    let (row, column) = (y * c.stride + i - c.padding, x * c.stride + j - c.padding)
                                    guard row >= 0, row < c.height, column >= 0, column < c.width else { continue }
                                    total += Double(weight[o, k, i, j]) * Double(input[n, k, row, column])
                                }
                            }
                        }
                        result.elements[((n * c.outputs + o) * g.outputHeight + y) * g.outputWidth + x] = Float(total)
                    }
                }
            }
        }
        return result
    }

    func maximumDifference(_ a: Tensor, _ b: Tensor) -> Float {
        guard a.shape == b.shape else { return .infinity }
        return zip(a.elements, b.elements).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func layoutChoice() {
        // LeNet-5's second layer (thin product, rows of 8) takes the wide layout; cnn3's 14x14 and
        // 7x7 layers (64 and 128 outputs) and strided layers the compact one.
        let second = BlockedConvolution(geometry: Case(channels: 32, outputs: 64, height: 14, width: 14, kernel: 3, stride: 1, padding: 1).geometry,
                                        outputChannels: 64)
        let third = BlockedConvolution(geometry: Case(channels: 64, outputs: 128, height: 7, width: 7, kernel: 3, stride: 1, padding: 1).geometry,
                                       outputChannels: 128)
        let lenet = BlockedConvolution(geometry: Case(channels: 6, outputs: 16, height: 12, width: 12, kernel: 5, stride: 1, padding: 0).geometry,
                                       outputChannels: 16)
        let strided = BlockedConvolution(geometry: Case(channels: 3, outputs: 4, height: 9, width: 9, kernel: 3, stride: 2, padding: 1).geometry,
                                         outputChannels: 4)
        #expect(!second.usesWideLayout && second.sampleWidth == 14 * 14 && second.rowPitch == 14)
        #expect(!third.usesWideLayout && third.sampleWidth == 49)
        #expect(lenet.usesWideLayout && lenet.sampleWidth == 7 * 12 + 8 && lenet.rowPitch == 12)
        #expect(!strided.usesWideLayout && strided.sampleWidth == 25)
    }

    @Test(arguments: cases)
    func forwardMatchesNestedLoops(_ c: Case) {
        var generator = RandomGenerator(seed: UInt64(c.channels * 100 + c.kernel * 10 + c.stride))
        let input = randomTensor([5, c.channels, c.height, c.width], &generator)
        let weight = randomTensor([c.outputs, c.channels, c.kernel, c.kernel], &generator)
        let bias = randomTensor([c.outputs], &generator)
        let g = c.geometry
        let expected = nestedLoops(input, weight: weight, bias: bias, c)
        for training in [true, false] {
            let layer = blocked(c)
            let output = layer.forward(input, weight: weight, bias: bias,
                                       outputShape: [c.outputs, g.outputHeight, g.outputWidth], training: training, rectified: false)
            let error = maximumDifference(output, expected)
            #expect(error < 1e-5, "\(c), training \(training): max error \(error)")
            // The fused ReLU is max(0, ·) of the same values, bit for bit.
            let rectified = layer.forward(input, weight: weight, bias: bias,
                                          outputShape: [c.outputs, g.outputHeight, g.outputWidth], training: training, rectified: true)
            #expect(rectified.elements == output.elements.map { Swift.max($0, 0) }, "\(c), training \(training): rectified output")
        }
    }

    /// The whole-batch path (`ATELIER_CONVOLUTION=whole-batch`) runs inference in blocks of 64
    /// samples: over 130 samples (three blocks) it must give what one training forward gives.
    @Test func wholeBatchInferenceBlocksEqualOneTrainingForward() {
        var generator = RandomGenerator(seed: 11)
        let c = Case(channels: 2, outputs: 3, height: 6, width: 6, kernel: 3, stride: 1, padding: 1)
        let g = c.geometry
        let input = randomTensor([130, c.channels, c.height, c.width], &generator)
        let weight = randomTensor([c.outputs, c.channels, c.kernel, c.kernel], &generator)
        let bias = randomTensor([c.outputs], &generator)
        let outputShape = [c.outputs, g.outputHeight, g.outputWidth]
        let engine = ConvolutionEngine(geometry: g, outputChannels: c.outputs, strategy: .wholeBatch)
        let whole = engine.forward(input, weight: weight, bias: bias, outputShape: outputShape, training: true)
        let blocks = engine.forward(input, weight: weight, bias: bias, outputShape: outputShape, training: false)
        #expect(130 > ConvolutionEngine.inferenceChunk * 2)
        #expect(whole == blocks)
        #expect(maximumDifference(whole, nestedLoops(input, weight: weight, bias: bias, c)) < 1e-5)
    }

    @Test(arguments: cases)
    func gradientsMatchTheWholeBatchPath(_ c: Case) {
        var generator = RandomGenerator(seed: UInt64(7 + c.channels * 31 + c.kernel))
        let batch = 5
        let input = randomTensor([batch, c.channels, c.height, c.width], &generator)
        let weight = randomTensor([c.outputs, c.channels, c.kernel, c.kernel], &generator)
        let bias = randomTensor([c.outputs], &generator)
        let g = c.geometry
        let outputShape = [c.outputs, g.outputHeight, g.outputWidth]
        let upstream = randomTensor([batch] + outputShape, &generator)
        let inputShape = [c.channels, c.height, c.width]

        let reference = ConvolutionEngine(geometry: g, outputChannels: c.outputs, strategy: .wholeBatch)
        _ = reference.forward(input, weight: weight, bias: bias, outputShape: outputShape, training: true)
        var referenceWeightGradient = Tensor.zeros(weight.shape), referenceBiasGradient = Tensor.zeros([c.outputs])
        let referenceInputGradient = reference.backward(upstream, inputShape: inputShape, weight: weight,
                                                        weightGradient: &referenceWeightGradient,
                                                        biasGradient: &referenceBiasGradient, needsInputGradient: true)

        let engine = blocked(c)
        // Two batches: the second backward must overwrite the first one's gradients, not add to them.
        for round in 0..<2 {
            let other = randomTensor(input.shape, &generator)
            _ = engine.forward(round == 0 ? other : input, weight: weight, bias: bias, outputShape: outputShape, training: true)
            var weightGradient = Tensor.zeros(weight.shape), biasGradient = Tensor.zeros([c.outputs])
            if round == 1 {
                weightGradient = Tensor(shape: weight.shape, elements: Array(repeating: 5, count: weight.count))
                biasGradient = Tensor(shape: [c.outputs], elements: Array(repeating: 5, count: c.outputs))
            }
            let inputGradient = engine.backward(upstream, inputShape: inputShape, weight: weight, weightGradient: &weightGradient,
                                                biasGradient: &biasGradient, needsInputGradient: round == 1)
            guard round == 1 else {
                #expect(inputGradient.count == 0)
                continue
            }
            #expect(maximumDifference(weightGradient, referenceWeightGradient) < 1e-4, "\(c): weight gradient")
            #expect(maximumDifference(biasGradient, referenceBiasGradient) < 1e-4, "\(c): bias gradient")
            #expect(maximumDifference(inputGradient, referenceInputGradient) < 1e-5, "\(c): input gradient")
        }
    }

    /// `L = Σ upstream · conv(x; w, b)` is linear in `w` and in `x`: a central difference with a
    /// large step is exact up to rounding.
    @Test(arguments: cases)
    func finiteDifferences(_ c: Case) {
        var generator = RandomGenerator(seed: UInt64(3 + c.outputs * 17 + c.padding))
        let batch = 3
        var input = randomTensor([batch, c.channels, c.height, c.width], &generator)
        var weight = randomTensor([c.outputs, c.channels, c.kernel, c.kernel], &generator)
        var bias = randomTensor([c.outputs], &generator)
        let g = c.geometry
        let outputShape = [c.outputs, g.outputHeight, g.outputWidth]
        let upstream = randomTensor([batch] + outputShape, &generator)
        let engine = blocked(c)
        func loss() -> Double {
            let output = engine.forward(input, weight: weight, bias: bias, outputShape: outputShape, training: false)
            return zip(output.elements, upstream.elements).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = engine.forward(input, weight: weight, bias: bias, outputShape: outputShape, training: true)
        var weightGradient = Tensor.zeros(weight.shape), biasGradient = Tensor.zeros([c.outputs])
        let inputGradient = engine.backward(upstream, inputShape: [c.channels, c.height, c.width], weight: weight,
                                            weightGradient: &weightGradient, biasGradient: &biasGradient, needsInputGradient: true)
        let step: Float = 0.5
        func difference(_ change: (Float) -> Void) -> Double {
            change(step); let up = loss()
            change(-2 * step); let down = loss()
            change(step)
            return (up - down) / Double(2 * step)
        }
        for index in stride(from: 0, to: weight.count, by: Swift.max(1, weight.count / 7)) {
            let numeric = difference { weight.elements[index] += $0 }
            #expect(abs(numeric - Double(weightGradient.elements[index])) < 2e-3, "\(c): dW[\(index)]")
        }
        for index in 0..<c.outputs {
            let numeric = difference { bias.elements[index] += $0 }
            #expect(abs(numeric - Double(biasGradient.elements[index])) < 2e-3, "\(c): db[\(index)]")
        }
        // Every input position of the first sample's first channel, borders included.
        for index in 0..<(c.height * c.width) {
            let numeric = difference { input.elements[index] += $0 }
            #expect(abs(numeric - Double(inputGradient.elements[index])) < 2e-3, "\(c): dX[\(index)]")
        }
    }
}
