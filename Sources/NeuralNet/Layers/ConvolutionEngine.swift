import Foundation
import TensorCore

/// Sizes of a 2-D convolution or pooling window over NCHW batches (a 1-D one has height 1).
struct WindowGeometry: Equatable {
    var channels: Int
    var inputHeight: Int, inputWidth: Int
    var kernelHeight: Int, kernelWidth: Int
    var strideHeight: Int, strideWidth: Int
    var paddingHeight: Int, paddingWidth: Int

    var outputHeight: Int { (inputHeight + 2 * paddingHeight - kernelHeight) / strideHeight + 1 }
    var outputWidth: Int { (inputWidth + 2 * paddingWidth - kernelWidth) / strideWidth + 1 }
    var inputPlane: Int { inputHeight * inputWidth }
    var outputPlane: Int { outputHeight * outputWidth }
    /// Rows of the im2col matrix: channels × kernel area.
    var patchSize: Int { channels * kernelHeight * kernelWidth }
    var isValid: Bool {
        inputHeight + 2 * paddingHeight >= kernelHeight && inputWidth + 2 * paddingWidth >= kernelWidth
    }

    /// The output columns `ow` whose input column `ow·stride - padding + offset` is inside the image.
    @inline(__always)
    func validColumns(kernelOffset j: Int) -> Range<Int> {
        // ow*s - p + j >= 0  <=>  ow >= ceil((p - j) / s)
        let first = Swift.max(0, (paddingWidth - j + strideWidth - 1) / strideWidth)
        // ow*s - p + j <= W - 1  <=>  ow <= floor((W - 1 + p - j) / s)
        let limit = inputWidth - 1 + paddingWidth - j
        let last = limit < 0 ? -1 : Swift.min(outputWidth - 1, limit / strideWidth)
        return first..<Swift.max(first, last + 1)
    }
}

/// Convolution by im2col + `sgemm` or by Winograd: 3×3 stride-1 padding-1 layers with at least
/// 16 input channels take `WinogradConvolution` (see `WinogradConvolution.applies`); the others
/// take `BlockedConvolution` (groups of samples per core, columns kept in cache), or, when asked
/// for (`.wholeBatch`, `ATELIER_CONVOLUTION=whole-batch`), the whole-batch path described here.
/// `ATELIER_CONVOLUTION=im2col` keeps the Winograd layers on `BlockedConvolution` (to compare
/// both in benchmarks); training and inference always take the same path.
///
/// Whole-batch path: the column matrix is `[patchSize, batch · outputPlane]` (row = input channel × kernel
/// offset, column = sample × output position), so the forward product is one large
/// `W[out, patch] · cols` split over the cores (`SplitGEMM`), and the weight gradient is one
/// product with inner size `batch · outputPlane`. im2col, col2im and the NCHW permutes are
/// split by sample over the cores. Every buffer is kept between batches (no allocation per
/// batch once the batch size is stable).
final class ConvolutionEngine {
    let geometry: WindowGeometry
    let outputChannels: Int
    private var columns: [Float] = []
    private var product: [Float] = []
    private var columnGradient: [Float] = []
    private(set) var batch = 0
    /// One input channel, stride 1: computed by `DirectConvolution`, no columns at all.
    let usesDirectPath: Bool
    /// Which im2col path runs (see `ConvolutionStrategy`).
    let strategy: ConvolutionStrategy
    /// The cache-blocked path (`nil` with `.wholeBatch`). In training it also takes one-channel
    /// layers: cnn3's first layer (1 -> 32, 28x28) took 1.3-1.9 ms per batch-64 step against
    /// 2.5-3.2 ms on the direct path (`atelier-bench nn-conv-layers`, alternating runs).
    let blocked: BlockedConvolution?
    /// The Winograd path, for the layers it applies to (`nil` otherwise, or with `.blocked` /
    /// `.wholeBatch`).
    let winograd: WinogradConvolution?
    /// Whether the last training forward ran the blocked path (its backward must too).
    private var forwardWasBlocked = false
    /// Whether the last training forward ran the Winograd path (its backward must too).
    private var forwardWasWinograd = false

    /// `allowsDirectPath: false` forces im2col (to compare the paths in tests).
    init(geometry: WindowGeometry, outputChannels: Int, allowsDirectPath: Bool = true,
         strategy: ConvolutionStrategy = .automatic, allowsWideLayout: Bool = true, groupSize: Int? = nil,
         workerCount: Int? = nil) {
        self.geometry = geometry
        self.outputChannels = outputChannels
        self.strategy = strategy
        usesDirectPath = allowsDirectPath && DirectConvolution.applies(to: geometry)
        let takesWinograd = strategy == .winograd
            || strategy == .automatic && WinogradConvolution.applies(to: geometry) && !ConvolutionEngine.prefersIm2col
        winograd = takesWinograd ? WinogradConvolution(geometry: geometry, outputChannels: outputChannels,
                                                        groupSize: groupSize, workerCount: workerCount) : nil
        blocked = strategy == .wholeBatch ? nil
            : BlockedConvolution(geometry: geometry, outputChannels: outputChannels,
                                 allowsWideLayout: allowsWideLayout, groupSize: groupSize, workerCount: workerCount)
    }

    /// Whether this call takes the blocked path: always with `.blocked`; with `.automatic`
    /// unless `ATELIER_CONVOLUTION=whole-batch` is in the environment (to compare both paths in
    /// benchmarks). Training and inference take the same path (OpenBLAS runs on one thread, see
    /// `BLAS`), so validation in `fit` and `predict` give the same outputs.
    private var usesBlockedPath: Bool {
        guard blocked != nil else { return false }
        return strategy == .blocked || !ConvolutionEngine.prefersWholeBatch
    }

    static let prefersWholeBatch = ProcessInfo.processInfo.environment["ATELIER_CONVOLUTION"] == "whole-batch"
    /// `ATELIER_CONVOLUTION=im2col` (or `whole-batch`): no layer takes the Winograd path unless
    /// forced with `.winograd`.
    static let prefersIm2col = prefersWholeBatch || ProcessInfo.processInfo.environment["ATELIER_CONVOLUTION"] == "im2col"


    /// Samples per im2col block at inference, where nothing is kept for backward: small enough
    /// for the column block to stay in cache, large enough for an efficient `sgemm`.
    static let inferenceChunk = 64

    /// The convolution of a batch. In training the columns of the whole batch are kept for
    /// `backward`; at inference the batch runs in cache-sized blocks.
    /// `rectified`: `max(0, ·)` of the output (see `RectifyingLayer`), fused into the Winograd
    /// and blocked paths' output writes, a pass after the others.
    func forward(_ input: Tensor, weight: Tensor, bias: Tensor, outputShape: [Int], training: Bool = true, rectified: Bool = false) -> Tensor {
        if training { forwardWasWinograd = winograd != nil }
        if let winograd {
            if training { self.batch = input.rowCount; forwardWasBlocked = false }
            return winograd.forward(input, weight: weight, bias: bias, outputShape: outputShape, training: training, rectified: rectified)
        }
        if let blocked, usesBlockedPath {
            if training { self.batch = input.rowCount; forwardWasBlocked = true }
            return blocked.forward(input, weight: weight, bias: bias, outputShape: outputShape, training: training, rectified: rectified)
        }
        if training { forwardWasBlocked = false }
        var output = forwardUnblocked(input, weight: weight, bias: bias, outputShape: outputShape, training: training)
        if rectified { ReLU.rectify(&output) }
        return output
    }

    /// The direct path (one-channel stride-1 layers) or whole-batch / blocked-inference im2col.
    private func forwardUnblocked(_ input: Tensor, weight: Tensor, bias: Tensor, outputShape: [Int], training: Bool) -> Tensor {
        let g = geometry
        let batch = input.rowCount
        if usesDirectPath {
            if training { self.batch = batch }
            let channels = outputChannels
            // `columns` holds the zero-padded images (kept for the weight gradient).
            ensureCapacity(&columns, batch * DirectConvolution.paddedSize(g))
            return Tensor.filled([batch] + outputShape) { out in
                input.withUnsafeBufferPointer { x in
                    weight.withUnsafeBufferPointer { w in
                        bias.withUnsafeBufferPointer { b in
                            columns.withUnsafeMutableBufferPointer { padded in
                                DirectConvolution.forward(x.baseAddress!, batch: batch, geometry: g, outputChannels: channels,
                                                          weight: w.baseAddress!, bias: b.baseAddress!,
                                                          padded: padded.baseAddress!, into: out)
                            }
                        }
                    }
                }
            }
        }
        let chunk = training ? Swift.max(batch, 1) : Swift.min(Swift.max(batch, 1), ConvolutionEngine.inferenceChunk)
        if training { self.batch = batch }
        ensureCapacity(&columns, g.patchSize * chunk * g.outputPlane)
        ensureCapacity(&product, outputChannels * chunk * g.outputPlane)
        let plane = g.outputPlane
        let channels = outputChannels
        let imageSize = g.channels * g.inputPlane
        return Tensor.filled([batch] + outputShape) { out in
            input.withUnsafeBufferPointer { x in
                for start in stride(from: 0, to: batch, by: chunk) {
                    let count = Swift.min(chunk, batch - start)
                    let width = count * plane
                    columns.withUnsafeMutableBufferPointer { c in
                        ConvolutionEngine.im2col(x.baseAddress! + start * imageSize, batch: count, geometry: g, into: c.baseAddress!)
                    }
                    columns.withUnsafeBufferPointer { c in
                        product.withUnsafeMutableBufferPointer { p in
                            weight.withUnsafeBufferPointer { w in
                                SplitGEMM.sgemm(transposeA: false, transposeB: false, m: channels, n: width, k: g.patchSize,
                                           a: w.baseAddress!, leadingA: g.patchSize, b: c.baseAddress!, leadingB: width,
                                           c: p.baseAddress!, leadingC: width)
                            }
                        }
                    }
                    // [out, count, plane] + bias -> [count, out, plane]
                    product.withUnsafeBufferPointer { p in
                        bias.withUnsafeBufferPointer { b in
                            let source = SendablePointer(UnsafeMutablePointer(mutating: p.baseAddress!))
                            let biases = SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!))
                            let target = SendablePointer(out + start * channels * plane)
                            Parallel.forEachChunk(count, minimumChunk: Swift.max(1, 8192 / Swift.max(1, channels * plane))) { range in
                                for n in range {
                                    for o in 0..<channels {
                                        let from = source.base + o * width + n * plane
                                        let to = target.base + (n * channels + o) * plane
                                        let shift = biases[o]
                                        for i in 0..<plane { to[i] = from[i] + shift }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes dW and db; returns dInput (or `.empty` when not needed).
    func backward(_ outputGradient: Tensor, inputShape: [Int], weight: Tensor,
                  weightGradient: inout Tensor, biasGradient: inout Tensor, needsInputGradient: Bool) -> Tensor {
        let g = geometry
        let batch = self.batch
        let plane = g.outputPlane
        let width = batch * plane
        let channels = outputChannels
        precondition(outputGradient.count == channels * width, "convolution gradient shape \(outputGradient.shape)")
        if let winograd, forwardWasWinograd {
            return winograd.backward(outputGradient, inputShape: inputShape, weight: weight, weightGradient: &weightGradient,
                                     biasGradient: &biasGradient, needsInputGradient: needsInputGradient)
        }
        if let blocked, forwardWasBlocked {
            return blocked.backward(outputGradient, inputShape: inputShape, weight: weight, weightGradient: &weightGradient,
                                    biasGradient: &biasGradient, needsInputGradient: needsInputGradient)
        }
        if usesDirectPath {
            outputGradient.withUnsafeBufferPointer { dy in
                columns.withUnsafeBufferPointer { padded in
                    weightGradient.withUnsafeMutableBufferPointer { dw in
                        biasGradient.withUnsafeMutableBufferPointer { db in
                            DirectConvolution.parameterGradients(padded: padded.baseAddress!, outputGradient: dy.baseAddress!, batch: batch,
                                                                 geometry: g, outputChannels: channels,
                                                                 weightGradient: dw.baseAddress!, biasGradient: db.baseAddress!)
                        }
                    }
                }
            }
            guard needsInputGradient else { return .empty }
            return Tensor.filled([batch] + inputShape) { dx in
                outputGradient.withUnsafeBufferPointer { dy in
                    weight.withUnsafeBufferPointer { w in
                        DirectConvolution.inputGradient(dy.baseAddress!, batch: batch, geometry: g, outputChannels: channels,
                                                        weight: w.baseAddress!, into: dx)
                    }
                }
            }
        }
        // [batch, out, plane] -> [out, batch, plane], reusing `product`.
        outputGradient.withUnsafeBufferPointer { dy in
            product.withUnsafeMutableBufferPointer { p in
                let source = SendablePointer(UnsafeMutablePointer(mutating: dy.baseAddress!))
                let target = SendablePointer(p.baseAddress!)
                Parallel.forEachChunk(batch, minimumChunk: Swift.max(1, 8192 / Swift.max(1, channels * plane))) { range in
                    for n in range {
                        for o in 0..<channels {
                            let from = source.base + (n * channels + o) * plane
                            let to = target.base + o * width + n * plane
                            to.update(from: from, count: plane)
                        }
                    }
                }
            }
        }
        product.withUnsafeBufferPointer { p in
            columns.withUnsafeBufferPointer { c in
                weightGradient.withUnsafeMutableBufferPointer { dw in
                    SplitGEMM.sgemm(transposeA: false, transposeB: true, m: channels, n: g.patchSize, k: width,
                               a: p.baseAddress!, leadingA: width, b: c.baseAddress!, leadingB: width,
                               c: dw.baseAddress!, leadingC: g.patchSize)
                }
            }
            biasGradient.withUnsafeMutableBufferPointer { db in
                for o in 0..<channels { db[o] = Summation.total(p.baseAddress! + o * width, count: width) }
            }
        }
        guard needsInputGradient else { return .empty }
        ensureCapacity(&columnGradient, g.patchSize * width)
        product.withUnsafeBufferPointer { p in
            weight.withUnsafeBufferPointer { w in
                columnGradient.withUnsafeMutableBufferPointer { dc in
                    SplitGEMM.sgemm(transposeA: true, transposeB: false, m: g.patchSize, n: width, k: channels,
                               a: w.baseAddress!, leadingA: g.patchSize, b: p.baseAddress!, leadingB: width,
                               c: dc.baseAddress!, leadingC: width)
                }
            }
        }
        return Tensor.filled([batch] + inputShape) { dx in
            columnGradient.withUnsafeBufferPointer { dc in
                ConvolutionEngine.col2im(dc.baseAddress!, batch: batch, geometry: g, into: dx)
            }
        }
    }

    /// Unfolds every receptive field of the batch into the columns of `[patchSize, batch·plane]`.
    static func im2col(_ input: UnsafePointer<Float>, batch: Int, geometry g: WindowGeometry,
                       into columns: UnsafeMutablePointer<Float>) {
        let source = SendablePointer(UnsafeMutablePointer(mutating: input))
        let target = SendablePointer(columns)
        let width = batch * g.outputPlane
        Parallel.forEachChunk(batch, minimumChunk: Swift.max(1, 16384 / Swift.max(1, g.patchSize * g.outputPlane))) { range in
            for n in range {
                im2colSample(source.base + n * g.channels * g.inputPlane, geometry: g,
                             into: target.base + n * g.outputPlane, rowStride: width)
            }
        }
    }

    /// im2col of one sample: row `r` of its patch matrix goes to `destination + r · rowStride`.
    ///
    /// The rows are short (an output row is 7-28 values in the seeds' models), so the loop
    /// overhead counts: geometry is read into locals once and the index arithmetic wraps (`&+`,
    /// `&*`; every index is far below `Int.max`) instead of checking for overflow per row.
    @inline(__always)
    static func im2colSample(_ image: UnsafePointer<Float>, geometry g: WindowGeometry,
                             into destination: UnsafeMutablePointer<Float>, rowStride: Int) {
        let (channels, inputHeight, inputWidth, inputPlane) = (g.channels, g.inputHeight, g.inputWidth, g.inputPlane)
        let (kernelHeight, kernelWidth) = (g.kernelHeight, g.kernelWidth)
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        let (strideHeight, strideWidth, paddingHeight, paddingWidth) = (g.strideHeight, g.strideWidth, g.paddingHeight, g.paddingWidth)
        var row = 0
        for c in 0..<channels {
            let channel = image + c &* inputPlane
            for i in 0..<kernelHeight {
                for j in 0..<kernelWidth {
                    let rowStart = destination + row &* rowStride
                    row &+= 1
                    let valid = g.validColumns(kernelOffset: j)
                    let (first, end) = (valid.lowerBound, valid.upperBound)
                    for oh in 0..<outputHeight {
                        let d = rowStart + oh &* outputWidth
                        let ih = oh &* strideHeight &- paddingHeight &+ i
                        if ih < 0 || ih >= inputHeight {
                            d.update(repeating: 0, count: outputWidth)
                            continue
                        }
                        var ow = 0
                        while ow < first { d[ow] = 0; ow &+= 1 }
                        let s = channel + (ih &* inputWidth &- paddingWidth &+ j)
                        if strideWidth == 1 {
                            while ow < end { d[ow] = s[ow]; ow &+= 1 }
                        } else {
                            while ow < end { d[ow] = s[ow &* strideWidth]; ow &+= 1 }
                        }
                        while ow < outputWidth { d[ow] = 0; ow &+= 1 }
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: sums every column entry back onto its input pixel.
    static func col2im(_ columns: UnsafePointer<Float>, batch: Int, geometry g: WindowGeometry,
                       into input: UnsafeMutablePointer<Float>) {
        let source = SendablePointer(UnsafeMutablePointer(mutating: columns))
        let target = SendablePointer(input)
        let width = batch * g.outputPlane
        Parallel.forEachChunk(batch, minimumChunk: Swift.max(1, 16384 / Swift.max(1, g.patchSize * g.outputPlane))) { range in
            for n in range {
                col2imSample(source.base + n * g.outputPlane, rowStride: width, geometry: g,
                             into: target.base + n * g.channels * g.inputPlane)
            }
        }
    }

    /// col2im of one sample whose patch row `r` starts at `columns + r · rowStride`; overwrites
    /// the sample's `channels × inputPlane` floats at `image`.
    @inline(__always)
    static func col2imSample(_ columns: UnsafePointer<Float>, rowStride: Int, geometry g: WindowGeometry,
                             into image: UnsafeMutablePointer<Float>) {
        let (channels, inputHeight, inputWidth, inputPlane) = (g.channels, g.inputHeight, g.inputWidth, g.inputPlane)
        let (kernelHeight, kernelWidth) = (g.kernelHeight, g.kernelWidth)
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        let (strideHeight, strideWidth, paddingHeight, paddingWidth) = (g.strideHeight, g.strideWidth, g.paddingHeight, g.paddingWidth)
        image.update(repeating: 0, count: channels &* inputPlane)
        var row = 0
        for c in 0..<channels {
            let channel = image + c &* inputPlane
            for i in 0..<kernelHeight {
                for j in 0..<kernelWidth {
                    let from = columns + row &* rowStride
                    row &+= 1
                    let valid = g.validColumns(kernelOffset: j)
                    let (first, end) = (valid.lowerBound, valid.upperBound)
                    for oh in 0..<outputHeight {
                        let ih = oh &* strideHeight &- paddingHeight &+ i
                        if ih < 0 || ih >= inputHeight { continue }
                        let f = from + oh &* outputWidth
                        let d = channel + (ih &* inputWidth &- paddingWidth &+ j)
                        var ow = first
                        if strideWidth == 1 {
                            while ow < end { d[ow] += f[ow]; ow &+= 1 }
                        } else {
                            while ow < end { d[ow &* strideWidth] += f[ow]; ow &+= 1 }
                        }
                    }
                }
            }
        }
    }
}

/// Which path an im2col convolution takes (the one-channel direct path is chosen separately).
enum ConvolutionStrategy: Equatable {
    /// Winograd where it applies unless `ATELIER_CONVOLUTION=im2col` or `whole-batch` is set,
    /// else blocked unless `ATELIER_CONVOLUTION=whole-batch` is set (to compare the paths).
    case automatic
    /// One column matrix for the whole batch, products split over the cores (`SplitGEMM`).
    case wholeBatch
    /// Cache-sized groups of samples per core (`BlockedConvolution`), even where Winograd applies.
    case blocked
    /// Winograd F(2×2, 3×3) (`WinogradConvolution`); the geometry must be 3×3, stride 1, padding 1.
    case winograd
}
