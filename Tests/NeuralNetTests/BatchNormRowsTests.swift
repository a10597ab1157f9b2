import Foundation
@testable import NeuralNet
import TensorCore
import Testing

/// `BatchNorm1D`'s row-by-row path (`BatchNormRows`) against the per-channel plane kernels it
/// replaced for planes of one value (`BatchNormKernels` with count 1, the loops of the layer
/// before): outputs, rectified outputs, dγ, dβ and dx bitwise equal, training and inference.
@Suite("BatchNorm1D rows: bitwise the plane kernels")
struct BatchNormRowsTests {
    @Test(arguments: [(128, 128), (7, 5), (2, 33)])
    func matchesPlaneKernels(batch: Int, channels: Int) {
        var generator = RandomGenerator(seed: UInt64(batch * 1000 + channels))
        let count = batch * channels
        let x = (0..<count).map { _ in generator.uniform(-3, 2) }
        let dy = (0..<count).map { _ in generator.uniform(-1, 1) }
        let gamma = (0..<channels).map { _ in generator.uniform(0.5, 1.5) }
        let beta = (0..<channels).map { _ in generator.uniform(-0.5, 0.5) }
        for training in [true, false] {
            for rectified in [false, true] {
                let layer = BatchNorm1D(channels)
                layer.weight.value = Tensor(shape: [channels], elements: gamma)
                layer.bias.value = Tensor(shape: [channels], elements: beta)
                layer.runningMean.value = Tensor(shape: [channels], elements: (0..<channels).map { Float($0) * 0.01 })
                layer.runningVariance.value = Tensor(shape: [channels], elements: (0..<channels).map { 1 + Float($0) * 0.02 })
                let (runningMean, runningVariance) = (layer.runningMean.value.elements, layer.runningVariance.value.elements)
                let output = layer.forward(Tensor(shape: [batch, channels], elements: x), training: training, rectified: rectified)
                let dx = layer.backward(Tensor(shape: [batch, channels], elements: dy), needsInputGradient: true)

                // The layer's per-channel loops with planes of one value.
                var (expected, expectedDx) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
                var (dGamma, dBeta) = ([Float](repeating: 0, count: channels), [Float](repeating: 0, count: channels))
                x.withUnsafeBufferPointer { xs in
                    dy.withUnsafeBufferPointer { gs in
                        let (p, q) = (xs.baseAddress!, gs.baseAddress!)
                        for c in 0..<channels {
                            var mean = Float(Double(runningMean[c]))
                            var scale = Float(1 / (Double(runningVariance[c]) + 1e-5).squareRoot())
                            var inverse = 1 / (Double(runningVariance[c]) + 1e-5).squareRoot()
                            if training {
                                var total = 0.0
                                for n in 0..<batch { total += Double(BatchNormKernels.sum(p + n * channels + c, 1)) }
                                let m = total / Double(batch)
                                var squares = 0.0
                                for n in 0..<batch { squares += Double(BatchNormKernels.squaredDeviations(p + n * channels + c, 1, about: Float(m))) }
                                mean = Float(m)
                                scale = Float(1 / (squares / Double(batch) + 1e-5).squareRoot())
                                inverse = 1 / (squares / Double(batch) + 1e-5).squareRoot()
                            }
                            expected.withUnsafeMutableBufferPointer { out in
                                for n in 0..<batch {
                                    BatchNormKernels.normalize(p + n * channels + c, into: out.baseAddress! + n * channels + c, 1, mean: mean, scale: scale,
                                                               gamma: gamma[c], beta: beta[c], rectified: rectified)
                                }
                            }
                            var (sa, sb) = (0.0, 0.0)
                            for n in 0..<batch {
                                let (a, b) = BatchNormKernels.gradientSums(q + n * channels + c, p + n * channels + c, 1, mean: mean, scale: scale)
                                sa += Double(a)
                                sb += Double(b)
                            }
                            (dBeta[c], dGamma[c]) = (Float(sa), Float(sb))
                            let coefficient = Float(Double(gamma[c]) * inverse)
                            expectedDx.withUnsafeMutableBufferPointer { out in
                                for n in 0..<batch {
                                    let target = out.baseAddress! + n * channels + c
                                    if training {
                                        BatchNormKernels.inputGradient(q + n * channels + c, p + n * channels + c, into: target, 1, mean: mean, scale: scale,
                                                                       coefficient: coefficient, meanGradient: Float(sa / Double(batch)),
                                                                       meanProduct: Float(sb / Double(batch)))
                                    } else {
                                        BatchNormKernels.scaled(q + n * channels + c, into: target, 1, coefficient: coefficient)
                                    }
                                }
                            }
                        }
                    }
                }
                let label = "\(batch)x\(channels), training \(training), rectified \(rectified)"
                #expect(output.elements == expected, "\(label): output")
                #expect(dx.elements == expectedDx, "\(label): dx")
                #expect(layer.weight.gradient.elements == dGamma, "\(label): dγ")
                #expect(layer.bias.gradient.elements == dBeta, "\(label): dβ")
            }
        }
    }
}
