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
/// Each plane (one sample's map of one channel) is summed in Float over sixteen lanes
/// (`BatchNormKernels`) and the planes' sums accumulate in Double per channel, so a large batch
/// of a 28x28 map (100,000 values) does not lose the variance to Float rounding.
public class BatchNormalization: Layer, PoolingRectifyingLayer {
    public let channels: Int
    /// 1 for `BatchNorm1D`, 2 for `BatchNorm2D`: names the layer and its specification.
    public let spatialDimensions: Int
    public let momentum: Double
    public let epsilon: Double
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Parameter
    public let runningVariance: Parameter
    // What backward needs from the last forward pass: its input (x̂ is recomputed from it, with
    // the same Float formula, instead of being stored: one pass over the activations less) and
    // each channel's mean and σ⁻¹ as the normalization used them.
    private var input = Tensor.empty
    private var channelMeans: [Float] = []
    private var channelScales: [Float] = []
    private var inverseDeviation: [Double] = []
    private var trainedLast = true
    private var shape: [Int] = []
    /// The max pooling the last forward handed its planes to (`RectifiedPooling`), else nil.
    private(set) var pooledBy: MaxPool2D?

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

    /// Channel by channel (half of the channels on each core): the sum, the squared deviations
    /// and the normalized output of one channel's planes are taken one after the other, so the
    /// second and third passes read the channel from cache (cnn3's widest channel at batch 128 is
    /// 400 KB) and the activations cross memory once in and once out.
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        forward(input, training: training, rectified: false)
    }

    func forwardRectified(_ input: Tensor, training: Bool) -> Tensor {
        forward(input, training: training, rectified: true)
    }

    /// Normalizes each plane into a small per-thread buffer and hands it to `pool` (see
    /// `RectifiedPooling`), or with the 2×2/2 window normalizes and pools in registers
    /// (`NormalizedPairPooling`): the rectified activation is never written to memory.
    func forwardRectified(_ input: Tensor, training: Bool, pooledBy pool: MaxPool2D) -> Tensor {
        forward(input, training: training, rectified: true, pool: pool)
    }

    func forward(_ input: Tensor, training: Bool, rectified: Bool, pool: MaxPool2D? = nil) -> Tensor {
        precondition(input.shape.count >= 2 && input.shape[1] == channels, "\(description): input shape \(input.shape)")
        shape = input.shape
        trainedLast = training
        pooledBy = pool
        let (batch, plane) = (input.shape[0], input.shape.dropFirst(2).reduce(1, *))
        let perChannel = batch * plane
        if training {
            precondition(perChannel > 1, "\(description): training needs more than one value per channel (got a batch of \(batch))")
        }
        let channels = self.channels
        var means = [Double](repeating: 0, count: channels), squares = [Double](repeating: 0, count: channels)
        var floatMeans = [Float](repeating: 0, count: channels), floatScales = [Float](repeating: 0, count: channels)
        if !training {
            for c in 0..<channels {
                floatMeans[c] = Float(Double(runningMean.value.elements[c]))
                floatScales[c] = Float(1 / (Double(runningVariance.value.elements[c]) + epsilon).squareRoot())
            }
        }
        let gamma = weight.value.elements, beta = bias.value.elements
        let epsilon = self.epsilon
        func run(_ target: SendablePointer<Float>?, _ pooler: PlanePooler?) {
            input.withUnsafeBufferPointer { x in
                let source = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                means.withUnsafeMutableBufferPointer { meanBuffer in
                    squares.withUnsafeMutableBufferPointer { squareBuffer in
                        floatMeans.withUnsafeMutableBufferPointer { fm in
                            floatScales.withUnsafeMutableBufferPointer { fs in
                                let (meanOut, squareOut) = (SendablePointer(meanBuffer.baseAddress!), SendablePointer(squareBuffer.baseAddress!))
                                let (floatMeanOut, floatScaleOut) = (SendablePointer(fm.baseAddress!), SendablePointer(fs.baseAddress!))
                                if plane == 1, let target {
                                    // `[batch, features]`: row by row (`BatchNormRows`), same bits.
                                    if training {
                                        BatchNormRows.statistics(source.base, batch: batch, channels: channels, epsilon: epsilon,
                                                                 means: meanOut.base, squares: squareOut.base,
                                                                 floatMeans: floatMeanOut.base, floatScales: floatScaleOut.base)
                                    }
                                    gamma.withUnsafeBufferPointer { g in
                                        beta.withUnsafeBufferPointer { b in
                                            BatchNormRows.normalize(source.base, into: target.base, batch: batch, channels: channels,
                                                                    means: floatMeanOut.base, scales: floatScaleOut.base,
                                                                    gamma: g.baseAddress!, beta: b.baseAddress!, rectified: rectified)
                                        }
                                    }
                                    return
                                }
                                HotWorkers.shared.forEachChunk(channels) { range in
                                    let pairs = pooler?.isPairWindow ?? false
                                    let scratch = pooler == nil || pairs ? nil : UnsafeMutablePointer<Float>.allocate(capacity: plane)
                                    defer { scratch?.deallocate() }
                                    for c in range {
                                        if training {
                                            var total = 0.0
                                            for n in 0..<batch { total += Double(BatchNormKernels.sum(source.base + (n * channels + c) * plane, plane)) }
                                            let mean = total / Double(perChannel)
                                            var sumOfSquares = 0.0
                                            for n in 0..<batch {
                                                sumOfSquares += Double(BatchNormKernels.squaredDeviations(source.base + (n * channels + c) * plane, plane, about: Float(mean)))
                                            }
                                            meanOut[c] = mean
                                            squareOut[c] = sumOfSquares
                                            floatMeanOut[c] = Float(mean)
                                            floatScaleOut[c] = Float(1 / (sumOfSquares / Double(perChannel) + epsilon).squareRoot())
                                        }
                                        let (mean, scale) = (floatMeanOut[c], floatScaleOut[c])
                                        for n in 0..<batch {
                                            let base = (n * channels + c) * plane
                                            if let pooler, pairs {
                                                let g = pooler.geometry
                                                let (o, w) = pooler.destination(plane: n * channels + c)
                                                NormalizedPairPooling.pool(source.base + base, inputWidth: g.inputWidth, outputHeight: g.outputHeight,
                                                                           outputWidth: g.outputWidth, mean: mean, scale: scale, gamma: gamma[c], beta: beta[c],
                                                                           output: o, winners: w)
                                            } else if let pooler, let scratch {
                                                BatchNormKernels.normalize(source.base + base, into: scratch, plane,
                                                                           mean: mean, scale: scale, gamma: gamma[c], beta: beta[c], rectified: rectified)
                                                pooler.pool(plane: n * channels + c, from: scratch)
                                            } else if let target {
                                                BatchNormKernels.normalize(source.base + base, into: target.base + base, plane,
                                                                           mean: mean, scale: scale, gamma: gamma[c], beta: beta[c], rectified: rectified)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let output: Tensor
        if let pool {
            output = pool.forwardRectified(inputShape: input.shape) { run(nil, $0) }
        } else {
            output = Tensor.filled(input.shape) { run(SendablePointer($0), nil) }
        }
        var inverse = [Double](repeating: 0, count: channels)
        if training {
            for c in 0..<channels {
                let variance = squares[c] / Double(perChannel)
                inverse[c] = 1 / (variance + epsilon).squareRoot()
                let unbiased = squares[c] / Double(perChannel - 1)
                runningMean.value.elements[c] = Float((1 - momentum) * Double(runningMean.value.elements[c]) + momentum * means[c])
                runningVariance.value.elements[c] = Float((1 - momentum) * Double(runningVariance.value.elements[c]) + momentum * unbiased)
            }
        } else {
            for c in 0..<channels { inverse[c] = 1 / (Double(runningVariance.value.elements[c]) + epsilon).squareRoot() }
        }
        inverseDeviation = inverse
        channelMeans = floatMeans
        channelScales = floatScales
        self.input = input
        return output
    }

    /// Training mode: `dx = γ·σ⁻¹/m · (m·dy - Σdy - x̂·Σ(dy·x̂))` per channel (the batch statistics
    /// depend on every input); inference mode: `dx = γ·σ⁻¹·dy`.
    ///
    /// Channel by channel as `forward`: the sums and then the input gradient of one channel, the
    /// second pass reading `dy` and `x` from cache.
    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        backward(outputGradient, planes: nil, needsInputGradient: needsInputGradient)
    }

    /// `backward` of this layer, its ReLU and `pool` from the pooling's output gradient: each
    /// channel's `dy` is expanded from the pooled gradient into a per-thread buffer of one
    /// channel by the sums pass and read back from cache by the `dx` pass, never written in
    /// full (see `RectifiedPooling`).
    func backward(pooledGradient: Tensor, pool: MaxPool2D, needsInputGradient: Bool) -> Tensor {
        pool.withGradientPlanes(pooledGradient) { planes in
            backward(pooledGradient, planes: planes, needsInputGradient: needsInputGradient)
        }
    }

    /// `planes`: `dy` comes plane by plane from a pooling (`outputGradient` is then not read).
    private func backward(_ outputGradient: Tensor, planes: PlaneGradients?, needsInputGradient: Bool) -> Tensor {
        let (batch, plane) = (shape[0], shape.dropFirst(2).reduce(1, *))
        let perChannel = Double(batch * plane)
        let channels = self.channels
        let gamma = weight.value.elements
        let (training, inverse, meanValues, scaleValues) = (trainedLast, inverseDeviation, channelMeans, channelScales)
        var sumGradient = [Double](repeating: 0, count: channels), sumProduct = [Double](repeating: 0, count: channels)
        func run(_ dx: UnsafeMutablePointer<Float>) {
            let target = SendablePointer(dx)
            outputGradient.withUnsafeBufferPointer { dy in
                input.withUnsafeBufferPointer { x in
                    sumGradient.withUnsafeMutableBufferPointer { a in
                        sumProduct.withUnsafeMutableBufferPointer { b in
                            let (g, source) = (SendablePointer(UnsafeMutablePointer(mutating: dy.baseAddress!)), SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!)))
                            let (aOut, bOut) = (SendablePointer(a.baseAddress!), SendablePointer(b.baseAddress!))
                            if plane == 1, planes == nil {
                                // `[batch, features]`: row by row (`BatchNormRows`), same bits.
                                BatchNormRows.gradientSums(g.base, source.base, batch: batch, channels: channels, means: meanValues, scales: scaleValues,
                                                           sumGradient: aOut.base, sumProduct: bOut.base)
                                guard needsInputGradient else { return }
                                let coefficients = (0..<channels).map { Float(Double(gamma[$0]) * inverse[$0]) }
                                let meanGradients = (0..<channels).map { Float(aOut[$0] / perChannel) }
                                let meanProducts = (0..<channels).map { Float(bOut[$0] / perChannel) }
                                BatchNormRows.inputGradient(g.base, source.base, into: target.base, batch: batch, channels: channels, training: training,
                                                            means: meanValues, scales: scaleValues, coefficients: coefficients,
                                                            meanGradients: meanGradients, meanProducts: meanProducts)
                                return
                            }
                            HotWorkers.shared.forEachChunk(channels) { range in
                                // One channel's `dy` (≤ 400 KB on cnn3, kept in L2 between the passes).
                                let scratch = planes == nil ? nil : UnsafeMutablePointer<Float>.allocate(capacity: batch * plane)
                                defer { scratch?.deallocate() }
                                /// The `dy` of sample `n`, channel `c`: in place, or from the pooling,
                                /// expanded by the sums pass (`expand`) and reused by the `dx` pass.
                                @inline(__always) func outputGradient(_ n: Int, _ c: Int, expand: Bool) -> UnsafePointer<Float> {
                                    guard let planes, let scratch else { return UnsafePointer(g.base + (n * channels + c) * plane) }
                                    if expand { planes.expand(plane: n * channels + c, into: scratch + n * plane) }
                                    return UnsafePointer(scratch + n * plane)
                                }
                                for c in range {
                                    let (mean, scale) = (meanValues[c], scaleValues[c])
                                    var (sa, sb) = (0.0, 0.0)
                                    for n in 0..<batch {
                                        let base = (n * channels + c) * plane
                                        let (pa, pb) = BatchNormKernels.gradientSums(outputGradient(n, c, expand: true), source.base + base, plane, mean: mean, scale: scale)
                                        sa += Double(pa)
                                        sb += Double(pb)
                                    }
                                    aOut[c] = sa
                                    bOut[c] = sb
                                    guard needsInputGradient else { continue }
                                    let coefficient = Float(Double(gamma[c]) * inverse[c])
                                    let (meanGradient, meanProduct) = (Float(sa / perChannel), Float(sb / perChannel))
                                    for n in 0..<batch {
                                        let base = (n * channels + c) * plane
                                        let dy = outputGradient(n, c, expand: false)
                                        if training {
                                            BatchNormKernels.inputGradient(dy, source.base + base, into: target.base + base, plane, mean: mean, scale: scale,
                                                                           coefficient: coefficient, meanGradient: meanGradient, meanProduct: meanProduct)
                                        } else {
                                            BatchNormKernels.scaled(dy, into: target.base + base, plane, coefficient: coefficient)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var inputGradient = Tensor.empty
        if needsInputGradient {
            inputGradient = Tensor.filled(shape) { run($0) }
        } else {
            var unused: Float = 0   // never written: the loop stops after the sums
            withUnsafeMutablePointer(to: &unused) { run($0) }
        }
        weight.gradient = Tensor(shape: [channels], elements: sumProduct.map(Float.init))
        bias.gradient = Tensor(shape: [channels], elements: sumGradient.map(Float.init))
        return inputGradient
    }
}
