import Foundation
@testable import NeuralNet
import TensorCore
import Testing

/// Winograd F(2×2, 3×3) (`WinogradConvolution`) against a direct convolution and its gradients
/// written out here in Double, exact finite differences, the blocked im2col path on cnn3, and
/// the path selection rule. Shapes: 14×14 and 7×7 (cnn3), an odd non-square map (partial last
/// tile row and column), 16-64 channels, groups that leave a partial last group, 1 and 2 workers.
@Suite("Winograd convolution")
struct WinogradConvolutionTests {
    struct Case: CustomStringConvertible {
        var channels, outputs, height, width: Int
        var batch = 5
        var group: Int? = nil
        var workers = 2
        var description: String {
            "C\(channels)->\(outputs) \(height)x\(width) batch \(batch) group \(group.map(String.init) ?? "auto") workers \(workers)"
        }
        var geometry: WindowGeometry {
            WindowGeometry(channels: channels, inputHeight: height, inputWidth: width, kernelHeight: 3, kernelWidth: 3,
                           strideHeight: 1, strideWidth: 1, paddingHeight: 1, paddingWidth: 1)
        }
        var outputShape: [Int] { [outputs, height, width] }
        var inputShape: [Int] { [channels, height, width] }
    }

    static let cases: [Case] = [
        Case(channels: 32, outputs: 64, height: 14, width: 14, group: 2),               // cnn3's second layer, 5 = 2 + 2 + 1
        Case(channels: 64, outputs: 128, height: 7, width: 7, batch: 7),                 // cnn3's third layer, automatic groups
        Case(channels: 16, outputs: 24, height: 5, width: 6, group: 3, workers: 1),      // odd non-square, one worker
        Case(channels: 16, outputs: 8, height: 5, width: 6, batch: 4, group: 1),
        Case(channels: 64, outputs: 32, height: 7, width: 7, batch: 3, group: 2, workers: 1),
        Case(channels: 16, outputs: 8, height: 9, width: 17, batch: 2, group: 1),        // frame wider than 16: tile-by-tile columns
    ]

    func randomTensor(_ shape: [Int], _ generator: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape, elements: (0..<Tensor.count(of: shape)).map { _ in generator.uniform(-1, 1) })
    }

    func winograd(_ c: Case) -> ConvolutionEngine {
        ConvolutionEngine(geometry: c.geometry, outputChannels: c.outputs, strategy: .winograd,
                          groupSize: c.group, workerCount: c.workers)
    }

    /// The direct convolution in Double: `out[n, o, y, x] = b[o] + Σ w[o, c, i, j] · in[n, c, y + i - 1, x + j - 1]`,
    /// and, for an upstream gradient `dy`, its input, weight and bias gradients.
    struct Reference {
        var output: [Double], inputGradient: [Double], weightGradient: [Double], biasGradient: [Double]

        init(_ c: Case, input: Tensor, weight: Tensor, bias: Tensor, upstream: Tensor) {
            let (n, h, w) = (input.shape[0], c.height, c.width)
            output = Array(repeating: 0, count: n * c.outputs * h * w)
            inputGradient = Array(repeating: 0, count: input.count)
            weightGradient = Array(repeating: 0, count: weight.count)
            biasGradient = Array(repeating: 0, count: c.outputs)
            for s in 0..<n {
                for o in 0..<c.outputs {
                    for y in 0..<h {
                        for x in 0..<w {
                            let index = ((s * c.outputs + o) * h + y) * w + x
                            let dy = Double(upstream.elements[index])
                            var total = Double(bias.elements[o])
                            biasGradient[o] += dy
                            for k in 0..<c.channels {
                                for i in 0..<3 {
                                    for j in 0..<3 {
                                        let (row, column) = (y + i - 1, x + j - 1)
                                        guard row >= 0, row < h, column >= 0, column < w else { continue }
                                        let inputIndex = ((s * c.channels + k) * h + row) * w + column
                                        let weightIndex = ((o * c.channels + k) * 3 + i) * 3 + j
                                        total += Double(weight.elements[weightIndex]) * Double(input.elements[inputIndex])
                                        weightGradient[weightIndex] += dy * Double(input.elements[inputIndex])
                                        inputGradient[inputIndex] += dy * Double(weight.elements[weightIndex])
                                    }
                                }
                            }
                            output[index] = total
                        }
                    }
                }
            }
        }
    }

    /// `max |a - b| / max |b|`.
    func relativeError(_ a: [Float], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        let scale = b.map(abs).max() ?? 1
        return zip(a, b).map { abs(Double($0) - $1) }.max().map { $0 / Swift.max(scale, 1e-30) } ?? 0
    }

    @Test(arguments: cases)
    func forwardAndGradientsMatchTheDirectConvolution(_ c: Case) {
        var generator = RandomGenerator(seed: UInt64(c.channels * 1000 + c.outputs * 10 + c.height))
        let input = randomTensor([c.batch] + c.inputShape, &generator)
        let weight = randomTensor([c.outputs, c.channels, 3, 3], &generator)
        let bias = randomTensor([c.outputs], &generator)
        let upstream = randomTensor([c.batch] + c.outputShape, &generator)
        let reference = Reference(c, input: input, weight: weight, bias: bias, upstream: upstream)
        let engine = winograd(c)
        #expect(engine.winograd != nil)
        for training in [false, true] {
            let output = engine.forward(input, weight: weight, bias: bias, outputShape: c.outputShape, training: training)
            let error = relativeError(output.elements, reference.output)
            #expect(error < 3e-6, "\(c), training \(training): relative error \(error)")
            // The fused ReLU is max(0, ·) of the same values, bit for bit.
            let rectified = engine.forward(input, weight: weight, bias: bias, outputShape: c.outputShape,
                                           training: training, rectified: true)
            #expect(rectified.elements == output.elements.map { Swift.max($0, 0) }, "\(c), training \(training): rectified")
        }
        // Two backward passes: the second must overwrite the first one's gradients.
        for round in 0..<2 {
            var weightGradient = Tensor(shape: weight.shape, elements: Array(repeating: 5, count: weight.count))
            var biasGradient = Tensor(shape: [c.outputs], elements: Array(repeating: 5, count: c.outputs))
            let inputGradient = engine.backward(upstream, inputShape: c.inputShape, weight: weight, weightGradient: &weightGradient,
                                                biasGradient: &biasGradient, needsInputGradient: round == 1)
            #expect(relativeError(weightGradient.elements, reference.weightGradient) < 3e-6, "\(c): weight gradient")
            #expect(relativeError(biasGradient.elements, reference.biasGradient) < 3e-6, "\(c): bias gradient")
            if round == 1 {
                let error = relativeError(inputGradient.elements, reference.inputGradient)
                #expect(error < 3e-6, "\(c): input gradient, relative error \(error)")
            } else {
                #expect(inputGradient.count == 0)
            }
        }
    }

    /// The same numbers, up to rounding, whatever the group size and the number of workers.
    @Test func groupsAndWorkersAgree() {
        var generator = RandomGenerator(seed: 5)
        let c = Case(channels: 16, outputs: 8, height: 7, width: 7, batch: 9)
        let input = randomTensor([c.batch] + c.inputShape, &generator)
        let weight = randomTensor([c.outputs, c.channels, 3, 3], &generator)
        let bias = randomTensor([c.outputs], &generator)
        let upstream = randomTensor([c.batch] + c.outputShape, &generator)
        var results: [(Tensor, Tensor, Tensor)] = []
        for (group, workers) in [(1, 1), (2, 2), (4, 2), (9, 1)] {
            var variant = c
            (variant.group, variant.workers) = (group, workers)
            let engine = winograd(variant)
            let output = engine.forward(input, weight: weight, bias: bias, outputShape: c.outputShape, training: true)
            var weightGradient = Tensor.zeros(weight.shape), biasGradient = Tensor.zeros([c.outputs])
            let inputGradient = engine.backward(upstream, inputShape: c.inputShape, weight: weight, weightGradient: &weightGradient,
                                                biasGradient: &biasGradient, needsInputGradient: true)
            results.append((output, inputGradient, weightGradient))
        }
        func difference(_ a: Tensor, _ b: Tensor) -> Float { zip(a.elements, b.elements).map { abs($0 - $1) }.max() ?? 0 }
        for (output, inputGradient, weightGradient) in results.dropFirst() {
            #expect(difference(output, results[0].0) < 1e-5)
            #expect(difference(inputGradient, results[0].1) < 1e-5)
            #expect(difference(weightGradient, results[0].2) < 1e-4)
        }
    }

    /// `L = Σ upstream · conv(x; w, b)` is linear in `w`, `x` and `b`: a central difference
    /// (in Double, of the float forward) with a step of 0.5 is exact up to rounding. A tiny
    /// layer (2 channels: the Winograd path forced) with an odd map.
    @Test func finiteDifferences() {
        var generator = RandomGenerator(seed: 17)
        let c = Case(channels: 2, outputs: 3, height: 3, width: 5, batch: 2, group: 1, workers: 1)
        var input = randomTensor([c.batch] + c.inputShape, &generator)
        var weight = randomTensor([c.outputs, c.channels, 3, 3], &generator)
        var bias = randomTensor([c.outputs], &generator)
        let upstream = randomTensor([c.batch] + c.outputShape, &generator)
        let engine = winograd(c)
        func loss() -> Double {
            let output = engine.forward(input, weight: weight, bias: bias, outputShape: c.outputShape, training: false)
            return zip(output.elements, upstream.elements).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = engine.forward(input, weight: weight, bias: bias, outputShape: c.outputShape, training: true)
        var weightGradient = Tensor.zeros(weight.shape), biasGradient = Tensor.zeros([c.outputs])
        let inputGradient = engine.backward(upstream, inputShape: c.inputShape, weight: weight, weightGradient: &weightGradient,
                                            biasGradient: &biasGradient, needsInputGradient: true)
        /// `L(v + ½) - L(v - ½)` for the value `saved` that `set` writes.
        func difference(_ saved: Float, _ set: (Float) -> Void) -> Double {
            set(saved + 0.5)
            let plus = loss()
            set(saved - 0.5)
            let minus = loss()
            set(saved)
            return plus - minus
        }
        for k in 0..<weight.count {
            let numeric = difference(weight.elements[k]) { weight.elements[k] = $0 }
            #expect(abs(numeric - Double(weightGradient.elements[k])) < 1e-4, "weight \(k): \(numeric) vs \(weightGradient.elements[k])")
        }
        for k in 0..<input.count {
            let numeric = difference(input.elements[k]) { input.elements[k] = $0 }
            #expect(abs(numeric - Double(inputGradient.elements[k])) < 1e-4, "input \(k): \(numeric) vs \(inputGradient.elements[k])")
        }
        for k in 0..<bias.count {
            let numeric = difference(bias.elements[k]) { bias.elements[k] = $0 }
            #expect(abs(numeric - Double(biasGradient.elements[k])) < 1e-4, "bias \(k)")
        }
    }

    static func convolutions(_ model: Sequential) -> [Conv2D] { model.layers.compactMap { $0 as? Conv2D } }

    /// cnn3's second and third layers take Winograd, its first (one channel) and LeNet-5's
    /// (5×5, no padding) the blocked im2col path; `.blocked` forces im2col.
    @Test func pathSelection() throws {
        let input = Tensor.zeros([2, 1, 28, 28])
        let cnn = try ModelZoo.make("cnn3", inputShape: [1, 28, 28], seed: 1)
        _ = cnn.forward(input, training: true)
        let forced = try ModelZoo.make("cnn3", inputShape: [1, 28, 28], seed: 1)
        for convolution in Self.convolutions(forced) { convolution.convolutionStrategy = .blocked }
        _ = forced.forward(input, training: true)
        let lenet = try ModelZoo.make("lenet5", inputShape: [1, 28, 28], seed: 1)
        _ = lenet.forward(input, training: true)
        let expected = ConvolutionEngine.prefersIm2col ? [false, false, false] : [false, true, true]
        #expect(Self.convolutions(cnn).map { $0.engine?.winograd != nil } == expected)
        #expect(Self.convolutions(forced).allSatisfy { $0.engine?.winograd == nil && $0.engine?.blocked != nil })
        #expect(Self.convolutions(lenet).allSatisfy { $0.engine?.winograd == nil })
        let g = { (channels: Int, kernel: Int, stride: Int, padding: Int) in
            WindowGeometry(channels: channels, inputHeight: 14, inputWidth: 14, kernelHeight: kernel, kernelWidth: kernel,
                           strideHeight: stride, strideWidth: stride, paddingHeight: padding, paddingWidth: padding)
        }
        #expect(WinogradConvolution.applies(to: g(16, 3, 1, 1)))
        #expect(!WinogradConvolution.applies(to: g(15, 3, 1, 1)))
        #expect(!WinogradConvolution.applies(to: g(32, 3, 2, 1)))
        #expect(!WinogradConvolution.applies(to: g(32, 3, 1, 0)))
        #expect(!WinogradConvolution.applies(to: g(32, 5, 1, 2)))
    }

    /// The environment override, read once per process: `ATELIER_CONVOLUTION=im2col` and
    /// `whole-batch` keep every layer off Winograd unless forced.
    @Test func environmentOverride() {
        let value = ProcessInfo.processInfo.environment["ATELIER_CONVOLUTION"]
        #expect(ConvolutionEngine.prefersIm2col == (value == "im2col" || value == "whole-batch"))
        let c = Case(channels: 32, outputs: 64, height: 14, width: 14)
        let automatic = ConvolutionEngine(geometry: c.geometry, outputChannels: c.outputs)
        #expect((automatic.winograd != nil) == !ConvolutionEngine.prefersIm2col)
        #expect(winograd(c).winograd != nil)
    }

    /// A cnn3 training step (forward, loss gradient, backward) with Winograd in its second and
    /// third layers against the same model on the blocked im2col path: outputs and every
    /// parameter gradient agree to float rounding; validation-mode forwards too.
    @Test(arguments: [false, true])
    func cnn3StepMatchesTheIm2colPath(batchNorm: Bool) throws {
        var generator = RandomGenerator(seed: 23)
        let batch = 6
        let input = Tensor(shape: [batch, 1, 28, 28], elements: (0..<(batch * 784)).map { _ in generator.uniform(0, 1) })
        let upstream = Tensor(shape: [batch, 10], elements: (0..<(batch * 10)).map { _ in generator.uniform(-1, 1) })
        let (fast, reference) = try (ModelZoo.make("cnn3", inputShape: [1, 28, 28], batchNorm: batchNorm, seed: 4),
                                     ModelZoo.make("cnn3", inputShape: [1, 28, 28], batchNorm: batchNorm, seed: 4))
        for convolution in Self.convolutions(fast).dropFirst() { convolution.convolutionStrategy = .winograd }
        for convolution in Self.convolutions(reference) { convolution.convolutionStrategy = .blocked }
        func relative(_ a: Tensor, _ b: Tensor, floor: Float = 1e-30) -> Float {
            let scale = b.elements.map(abs).max() ?? 1
            return (zip(a.elements, b.elements).map { abs($0 - $1) }.max() ?? 0) / Swift.max(scale, floor)
        }
        let a = fast.forward(input, training: true)
        let b = reference.forward(input, training: true)
        #expect(relative(a, b) < 1e-4, "batch norm \(batchNorm): logits")
        _ = fast.backward(upstream, needsInputGradient: false)
        _ = reference.backward(upstream, needsInputGradient: false)
        // A convolution's bias before a batch norm has a zero exact gradient (the normalisation
        // removes any constant): its computed gradient is rounding noise, measured against the
        // model's largest gradient.
        let largest = reference.layers.flatMap(\.parameters).map { $0.gradient.elements.map(abs).max() ?? 0 }.max() ?? 1
        for (p, q) in zip(fast.layers.flatMap(\.parameters), reference.layers.flatMap(\.parameters)) {
            #expect(relative(p.gradient, q.gradient, floor: batchNorm ? largest : 1e-30) < 1e-3,
                    "batch norm \(batchNorm): gradient of \(p.name)")
        }
        #expect(Self.convolutions(fast).map { $0.engine?.winograd != nil } == [false, true, true])
        let validation = (fast.forward(input, training: false), reference.forward(input, training: false))
        #expect(relative(validation.0, validation.1) < 1e-4, "batch norm \(batchNorm): inference logits")
    }
}
