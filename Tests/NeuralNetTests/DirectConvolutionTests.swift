import Foundation
import NeuralNet
import TensorCore
import Testing

/// One-input-channel, stride-1 convolutions take a direct path (no im2col). These tests pin it
/// to independent facts: finite differences, a nested-loop convolution written out here, and
/// the im2col path itself (a two-channel convolution whose second channel has zero weights
/// computes the same thing through im2col + sgemm).
@Suite("Direct one-channel convolution")
struct DirectConvolutionTests {
    @Test func finiteDifferences() {
        for layer: any Layer in [Conv2D(1, 3, kernel: 3, padding: 1), Conv2D(1, 2, kernel: 4, padding: 2),
                                 Conv2D(1, 2, kernel: 2), Conv1D(1, 3, kernel: 3, padding: 1)] {
            var generator = RandomGenerator(seed: 11)
            layer.resetParameters(using: &generator)
            let input = GradientCheck.separatedInput(layer is Conv1D ? [2, 1, 9] : [2, 1, 6, 5])
            let mismatches = GradientCheck.check(layer, input: input)
            #expect(mismatches.isEmpty, "\(layer.description): \(mismatches.prefix(5))")
        }
    }

    /// `out[n, o, y, x] = b[o] + Σ_ij w[o, i, j] · in[n, y + i - p, x + j - p]` (zero outside).
    func nestedLoops(_ input: Tensor, weight: Tensor, bias: Tensor, padding: Int) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let (outputs, kernel) = (weight.shape[0], weight.shape[2])
        let (outputHeight, outputWidth) = (height + 2 * padding - kernel + 1, width + 2 * padding - kernel + 1)
        var result = Tensor(shape: [batch, outputs, outputHeight, outputWidth])
        for n in 0..<batch {
            for o in 0..<outputs {
                for y in 0..<outputHeight {
                    for x in 0..<outputWidth {
                        var total = Double(bias[o])
                        for i in 0..<kernel {
                            for j in 0..<kernel {
                                let (row, column) = (y + i - padding, x + j - padding)
                                guard row >= 0, row < height, column >= 0, column < width else { continue }
                                total += Double(weight[o, 0, i, j]) * Double(input[n, 0, row, column])
                            }
                        }
                        result.elements[((n * outputs + o) * outputHeight + y) * outputWidth + x] = Float(total)
                    }
                }
            }
        }
        return result
    }

    @Test func forwardMatchesNestedLoops() {
        for (kernel, padding) in [(5, 0), (3, 1), (5, 2)] {
            let conv = Conv2D(1, 4, kernel: kernel, padding: padding)
            var generator = RandomGenerator(seed: UInt64(kernel * 10 + padding))
            conv.resetParameters(using: &generator)
            let input = Tensor(shape: [3, 1, 9, 7], elements: (0..<(3 * 63)).map { _ in generator.uniform(-1, 1) })
            let expected = nestedLoops(input, weight: conv.weight.value, bias: conv.bias.value, padding: padding)
            let output = conv(input)
            #expect(output.shape == expected.shape)
            let error = zip(output.elements, expected.elements).map { abs($0 - $1) }.max() ?? .infinity
            #expect(error < 1e-5, "kernel \(kernel), padding \(padding): max error \(error)")
        }
    }

    @Test func agreesWithTheIm2colPath() {
        var generator = RandomGenerator(seed: 21)
        let direct = Conv2D(1, 3, kernel: 3, padding: 1)
        direct.resetParameters(using: &generator)
        // Same filters on channel 0, zeros on channel 1: im2col computes the same convolution.
        let viaColumns = Conv2D(2, 3, kernel: 3, padding: 1)
        var weights = [Float](repeating: 0, count: 3 * 2 * 9)
        for o in 0..<3 { for t in 0..<9 { weights[(o * 2) * 9 + t] = direct.weight.value.elements[o * 9 + t] } }
        viaColumns.weight.value = Tensor(shape: [3, 2, 3, 3], elements: weights)
        viaColumns.bias.value = direct.bias.value

        let batch = 4, plane = 8 * 6
        let image = (0..<(batch * plane)).map { _ in generator.uniform(-1, 1) }
        let noise = (0..<(batch * plane)).map { _ in generator.uniform(-1, 1) }
        var twoChannels = [Float]()
        for n in 0..<batch {
            twoChannels += image[(n * plane)..<((n + 1) * plane)]
            twoChannels += noise[(n * plane)..<((n + 1) * plane)]
        }
        let oneChannelInput = Tensor(shape: [batch, 1, 8, 6], elements: image)
        let twoChannelInput = Tensor(shape: [batch, 2, 8, 6], elements: twoChannels)

        let outputA = direct.forward(oneChannelInput, training: true)
        let outputB = viaColumns.forward(twoChannelInput, training: true)
        #expect(zip(outputA.elements, outputB.elements).allSatisfy { abs($0 - $1) < 1e-5 })

        let upstream = Tensor(shape: outputA.shape, elements: (0..<outputA.count).map { _ in generator.uniform(-1, 1) })
        let inputGradientA = direct.backward(upstream)
        let inputGradientB = viaColumns.backward(upstream)
        #expect(zip(direct.bias.gradient.elements, viaColumns.bias.gradient.elements).allSatisfy { abs($0 - $1) < 1e-4 })
        for o in 0..<3 {
            for t in 0..<9 {
                let a = direct.weight.gradient.elements[o * 9 + t]
                let b = viaColumns.weight.gradient.elements[(o * 2) * 9 + t]
                #expect(abs(a - b) < 1e-4, "weight gradient [\(o), \(t)]: \(a) vs \(b)")
            }
        }
        for n in 0..<batch {
            for p in 0..<plane {
                let a = inputGradientA.elements[n * plane + p]
                let b = inputGradientB.elements[(n * 2) * plane + p]
                #expect(abs(a - b) < 1e-5, "input gradient [\(n), \(p)]: \(a) vs \(b)")
            }
        }
    }
}
