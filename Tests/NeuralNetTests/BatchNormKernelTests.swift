import Foundation
import NeuralNet
import TensorCore
import Testing

/// `BatchNormalization`'s 16-lane channel loops against the textbook formulas in Double, on
/// planes that take the vector loop and its scalar tail (35 = 2·16 + 3 values) and on planes
/// that are whole vectors (32), in training and inference mode. The finite-difference suite
/// covers planes shorter than one vector.
@Suite("BatchNorm2D: vector loops against a Double reference")
struct BatchNormKernelTests {
    /// Forward output, dγ, dβ and dx in Double: batch statistics (biased variance) in training,
    /// running statistics otherwise.
    static func reference(_ x: [Float], _ dy: [Float], shape: [Int], gamma: [Float], beta: [Float],
                          training: Bool, runningMean: [Float], runningVariance: [Float])
        -> (y: [Double], dGamma: [Double], dBeta: [Double], dx: [Double]) {
        let (batch, channels) = (shape[0], shape[1])
        let plane = shape.dropFirst(2).reduce(1, *)
        let m = Double(batch * plane)
        var (y, dx) = ([Double](repeating: 0, count: x.count), [Double](repeating: 0, count: x.count))
        var (dGamma, dBeta) = ([Double](repeating: 0, count: channels), [Double](repeating: 0, count: channels))
        for c in 0..<channels {
            var indices: [Int] = []
            for n in 0..<batch {
                let start = (n * channels + c) * plane
                indices.append(contentsOf: start..<(start + plane))
            }
            var mean = Double(runningMean[c]), variance = Double(runningVariance[c])
            if training {
                var total = 0.0
                for i in indices { total += Double(x[i]) }
                mean = total / m
                var squares = 0.0
                for i in indices { let d = Double(x[i]) - mean; squares += d * d }
                variance = squares / m
            }
            let inverse = 1 / (variance + 1e-5).squareRoot()
            let (g, b) = (Double(gamma[c]), Double(beta[c]))
            var (sumGradient, sumProduct) = (0.0, 0.0)
            for i in indices {
                let hat: Double = (Double(x[i]) - mean) * inverse
                sumGradient += Double(dy[i])
                sumProduct += Double(dy[i]) * hat
            }
            dGamma[c] = sumProduct
            dBeta[c] = sumGradient
            for i in indices {
                let hat: Double = (Double(x[i]) - mean) * inverse
                y[i] = g * hat + b
                let centered: Double = Double(dy[i]) - sumGradient / m - hat * sumProduct / m
                dx[i] = training ? g * inverse * centered : g * inverse * Double(dy[i])
            }
        }
        return (y, dGamma, dBeta, dx)
    }

    static func expectClose(_ a: [Float], _ b: [Double], _ what: String, tolerance: Double = 2e-5) {
        #expect(a.count == b.count, "\(what): count")
        let worst = zip(a, b).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst < tolerance, "\(what): worst relative difference \(worst)")
    }

    @Test(arguments: [[3, 2, 5, 7], [4, 3, 4, 8], [2, 2, 1, 1]])
    func matchesReference(shape: [Int]) {
        for training in [true, false] {
            var generator = RandomGenerator(seed: 5)
            let count = shape.reduce(1, *)
            let x = (0..<count).map { _ in generator.uniform(-2, 3) }
            let dy = (0..<count).map { _ in generator.uniform(-1, 1) }
            let layer = BatchNorm2D(shape[1])
            layer.weight.value.elements = (0..<shape[1]).map { 0.5 + Float($0) * 0.4 }
            layer.bias.value.elements = (0..<shape[1]).map { Float($0) * 0.1 - 0.1 }
            layer.runningMean.value.elements = (0..<shape[1]).map { Float($0) * 0.2 }
            layer.runningVariance.value.elements = (0..<shape[1]).map { 1 + Float($0) * 0.5 }
            let (runningMean, runningVariance) = (layer.runningMean.value.elements, layer.runningVariance.value.elements)
            let expected = Self.reference(x, dy, shape: shape, gamma: layer.weight.value.elements, beta: layer.bias.value.elements,
                                          training: training, runningMean: runningMean, runningVariance: runningVariance)
            let y = layer.forward(Tensor(shape: shape, elements: x), training: training)
            let dx = layer.backward(Tensor(shape: shape, elements: dy), needsInputGradient: true)
            let mode = training ? "training" : "inference"
            Self.expectClose(y.elements, expected.y, "\(shape) \(mode) output")
            Self.expectClose(dx.elements, expected.dx, "\(shape) \(mode) dx")
            Self.expectClose(layer.weight.gradient.elements, expected.dGamma, "\(shape) \(mode) dγ")
            Self.expectClose(layer.bias.gradient.elements, expected.dBeta, "\(shape) \(mode) dβ")
            // Without the input gradient the parameter gradients are the same.
            _ = layer.forward(Tensor(shape: shape, elements: x), training: training)
            #expect(layer.backward(Tensor(shape: shape, elements: dy), needsInputGradient: false).count == 0)
            Self.expectClose(layer.weight.gradient.elements, expected.dGamma, "\(shape) \(mode) dγ without dx")
        }
    }
}
