import Foundation
import TensorCore

/// Batch normalization (Ioffe & Szegedy 2015) over the channels of `[batch, channels, ...]`,
/// shared by `BatchNorm1D` (`[batch, features]`) and `BatchNorm2D` (`[batch, channels, h, w]`).
///
/// As PyTorch's `nn.BatchNormNd` with its defaults: in training each channel is normalized with
/// the batch's mean and *biased* variance over the batch and spatial positions, then scaled by
/// `weight` (γ, initially 1) and shifted by `bias` (β, initially 0); the running statistics move
/// by `momentum` (0.1) towards the batch's mean and *unbiased* variance (`· m / (m - 1)`, m the
/// values per channel). At inference the running statistics are used instead. They are buffers:
/// saved in checkpoints and snapshots, never changed by an optimizer.
///
/// Sums are taken in Double per channel, so a large batch of a 28x28 map (100,000 values) does
/// not lose the variance to Float rounding.
public class BatchNormalization: Layer {
    public let channels: Int
    /// 1 for `BatchNorm1D`, 2 for `BatchNorm2D`: names the layer and its specification.
    public let spatialDimensions: Int
    public let momentum: Double
    public let epsilon: Double
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Parameter
    public let runningVariance: Parameter
    // What backward needs from the last training forward pass.
    private var normalized = Tensor.empty
    private var inverseDeviation: [Double] = []
    private var trainedLast = true
    private var shape: [Int] = []

    init(channels: Int, spatialDimensions: Int, momentum: Double, epsilon: Double) {
        precondition(channels > 0, "batch normalization needs at least one channel")
        self.spatialDimensions = spatialDimensions
        precondition(momentum >= 0 && momentum <= 1 && epsilon > 0, "batch normalization needs momentum in [0, 1] and epsilon > 0")
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        weight = Parameter(name: "weight", value: Tensor(shape: [channels], elements: [Float](repeating: 1, count: channels)))
        bias = Parameter(name: "bias", value: Tensor.zeros([channels]))
        runningMean = Parameter(name: "runningMean", value: Tensor.zeros([channels]))
        runningVariance = Parameter(name: "runningVariance", value: Tensor(shape: [channels], elements: [Float](repeating: 1, count: channels)))
    }

    public var kind: String { "BatchNorm\(spatialDimensions)D" }
    public var description: String { "\(kind)(\(channels))" }
    public var specification: LayerSpecification {
        spatialDimensions == 1 ? .batchNorm1D(features: channels, momentum: momentum, epsilon: epsilon)
            : .batchNorm2D(channels: channels, momentum: momentum, epsilon: epsilon)
    }
    public var parameters: [Parameter] { [weight, bias] }
    public var buffers: [Parameter] { [runningMean, runningVariance] }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    /// PyTorch's `reset_parameters`: γ = 1, β = 0, running mean 0 and variance 1.
    public func resetParameters(using generator: inout RandomGenerator) {
        weight.value = Tensor(shape: [channels], elements: [Float](repeating: 1, count: channels))
        bias.value = Tensor.zeros([channels])
        runningMean.value = Tensor.zeros([channels])
        runningVariance.value = Tensor(shape: [channels], elements: [Float](repeating: 1, count: channels))
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        precondition(input.shape.count >= 2 && input.shape[1] == channels, "\(description): input shape \(input.shape)")
        shape = input.shape
        trainedLast = training
        let (batch, plane) = (input.shape[0], input.shape.dropFirst(2).reduce(1, *))
        let perChannel = batch * plane
        var means = [Double](repeating: 0, count: channels), inverse = [Double](repeating: 0, count: channels)
        if training {
            precondition(perChannel > 1, "\(description): training needs more than one value per channel (got a batch of \(batch))")
            var squares = [Double](repeating: 0, count: channels)
            input.withUnsafeBufferPointer { x in
                means.withUnsafeMutableBufferPointer { meanBuffer in
                    squares.withUnsafeMutableBufferPointer { squareBuffer in
                        let (source, meanOut, squareOut) = (SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!)),
                                                            SendablePointer(meanBuffer.baseAddress!), SendablePointer(squareBuffer.baseAddress!))
                        let channels = self.channels
                        HotWorkers.shared.forEachChunk(channels) { range in
                            for c in range {
                                var total = 0.0
                                for n in 0..<batch { total += BatchNormalization.sum(source.base + (n * channels + c) * plane, plane, squaredAbout: nil) }
                                let mean = total / Double(perChannel)
                                var sumOfSquares = 0.0
                                for n in 0..<batch { sumOfSquares += BatchNormalization.sum(source.base + (n * channels + c) * plane, plane, squaredAbout: Float(mean)) }
                                meanOut[c] = mean
                                squareOut[c] = sumOfSquares
                            }
                        }
                    }
                }
            }
            for c in 0..<channels {
                let variance = squares[c] / Double(perChannel)
                inverse[c] = 1 / (variance + epsilon).squareRoot()
                let unbiased = squares[c] / Double(perChannel - 1)
                runningMean.value.elements[c] = Float((1 - momentum) * Double(runningMean.value.elements[c]) + momentum * means[c])
                runningVariance.value.elements[c] = Float((1 - momentum) * Double(runningVariance.value.elements[c]) + momentum * unbiased)
            }
        } else {
            for c in 0..<channels {
                means[c] = Double(runningMean.value.elements[c])
                inverse[c] = 1 / (Double(runningVariance.value.elements[c]) + epsilon).squareRoot()
            }
        }
        inverseDeviation = inverse
        let gamma = weight.value.elements, beta = bias.value.elements
        let channels = self.channels
        let (meanValues, inverseValues) = (means, inverse)
        var xHat = Tensor.empty
        let output = Tensor.filled(input.shape) { out in
            xHat = Tensor.filled(input.shape) { normalizedOut in
                input.withUnsafeBufferPointer { x in
                    let (source, target, hat) = (SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!)), SendablePointer(out), SendablePointer(normalizedOut))
                    HotWorkers.shared.forEachChunk(batch * channels, minimumChunk: Swift.max(1, 4096 / Swift.max(plane, 1))) { range in
                        for planeIndex in range {
                            let c = planeIndex % channels
                            let base = planeIndex * plane
                            let (mean, scale, g, b) = (Float(meanValues[c]), Float(inverseValues[c]), gamma[c], beta[c])
                            for s in base..<(base + plane) {
                                let h = (source[s] - mean) * scale
                                hat.base[s] = h
                                target.base[s] = g * h + b
                            }
                        }
                    }
                }
            }
        }
        normalized = xHat
        return output
    }

    /// The sum of one plane's values (`squaredAbout` nil) or of their squared deviations from
    /// `squaredAbout`: Float within a plane (at most a few thousand values), Double across planes.
    @inline(__always)
    static func sum(_ x: UnsafeMutablePointer<Float>, _ count: Int, squaredAbout center: Float?) -> Double {
        var total: Float = 0
        if let center {
            for i in 0..<count { let d = x[i] - center; total += d * d }
        } else {
            for i in 0..<count { total += x[i] }
        }
        return Double(total)
    }

    /// Training mode: `dx = γ·σ⁻¹/m · (m·dy - Σdy - x̂·Σ(dy·x̂))` per channel (the batch statistics
    /// depend on every input); inference mode: `dx = γ·σ⁻¹·dy`.
    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        let (batch, plane) = (shape[0], shape.dropFirst(2).reduce(1, *))
        let perChannel = Double(batch * plane)
        let channels = self.channels
        var sumGradient = [Double](repeating: 0, count: channels), sumProduct = [Double](repeating: 0, count: channels)
        outputGradient.withUnsafeBufferPointer { dy in
            normalized.withUnsafeBufferPointer { h in
                sumGradient.withUnsafeMutableBufferPointer { a in
                    sumProduct.withUnsafeMutableBufferPointer { b in
                        let (g, hat) = (SendablePointer(UnsafeMutablePointer(mutating: dy.baseAddress!)), SendablePointer(UnsafeMutablePointer(mutating: h.baseAddress!)))
                        let (aOut, bOut) = (SendablePointer(a.baseAddress!), SendablePointer(b.baseAddress!))
                        HotWorkers.shared.forEachChunk(channels) { range in
                            for c in range {
                                var (sa, sb) = (0.0, 0.0)
                                for n in 0..<batch {
                                    let base = (n * channels + c) * plane
                                    var (pa, pb): (Float, Float) = (0, 0)
                                    for s in base..<(base + plane) { pa += g[s]; pb += g[s] * hat[s] }
                                    sa += Double(pa)
                                    sb += Double(pb)
                                }
                                aOut.base[c] = sa
                                bOut.base[c] = sb
                            }
                        }
                    }
                }
            }
        }
        weight.gradient = Tensor(shape: [channels], elements: sumProduct.map(Float.init))
        bias.gradient = Tensor(shape: [channels], elements: sumGradient.map(Float.init))
        guard needsInputGradient else { return .empty }
        let gamma = weight.value.elements
        let (training, inverse) = (trainedLast, inverseDeviation)
        let (gradientSums, productSums) = (sumGradient, sumProduct)
        return Tensor.filled(shape) { dx in
            outputGradient.withUnsafeBufferPointer { dy in
                normalized.withUnsafeBufferPointer { h in
                    let (g, hat, out) = (SendablePointer(UnsafeMutablePointer(mutating: dy.baseAddress!)),
                                         SendablePointer(UnsafeMutablePointer(mutating: h.baseAddress!)), SendablePointer(dx))
                    HotWorkers.shared.forEachChunk(batch * channels, minimumChunk: Swift.max(1, 4096 / Swift.max(plane, 1))) { range in
                        for planeIndex in range {
                            let c = planeIndex % channels
                            let base = planeIndex * plane
                            let scale = Float(Double(gamma[c]) * inverse[c])
                            if training {
                                let meanGradient = Float(gradientSums[c] / perChannel), meanProduct = Float(productSums[c] / perChannel)
                                for s in base..<(base + plane) { out.base[s] = scale * (g[s] - meanGradient - hat[s] * meanProduct) }
                            } else {
                                for s in base..<(base + plane) { out.base[s] = scale * g[s] }
                            }
                        }
                    }
                }
            }
        }
    }
}
