import TensorCore

/// Convolution with one input channel and stride 1, computed directly instead of by im2col.
///
/// A first layer on images (`Conv2D(1, 6, kernel: 5)` in LeNet-5, `Conv2D(1, 32, kernel: 3,
/// padding: 1)` in cnn3, `Conv1D(1, 16, kernel: 5)`) has a patch of only `k²` rows, so im2col
/// writes `k²` copies of every image (25x for LeNet-5) and the product `W[out, k²] · cols` has an
/// inner size too small for `sgemm` to run well: profiles of LeNet-5 showed a quarter of the time
/// in im2col. Here every output row is a sum of `k²` shifted input rows scaled by one weight each,
/// one contiguous multiply-add over the zero-padded image (see `wideCount`) that the compiler
/// vectorises; the weight gradient is the matching dot products, and the input gradient the
/// matching scatter. Same
/// sums as the im2col path (in another order, so results agree to float rounding).
enum DirectConvolution {
    /// Whether `geometry` takes this path.
    static func applies(to g: WindowGeometry) -> Bool {
        g.channels == 1 && g.strideHeight == 1 && g.strideWidth == 1
    }

    /// Floats of one zero-padded image: `(H + 2·padding) · (W + 2·padding)`.
    static func paddedSize(_ g: WindowGeometry) -> Int {
        (g.inputHeight + 2 * g.paddingHeight) * (g.inputWidth + 2 * g.paddingWidth)
    }

    /// Outputs of one plane in the "wide" layout: rows of the padded width, of which the first
    /// `outputWidth` are real. Tap `(i, j)` of wide output `k` reads padded input `k + i·Wp + j`,
    /// so every tap is one contiguous multiply-add over the whole plane (no per-row loops, no
    /// bounds tests: the padding holds the zeros).
    static func wideCount(_ g: WindowGeometry) -> Int {
        (g.outputHeight - 1) * (g.inputWidth + 2 * g.paddingWidth) + g.outputWidth
    }

    /// `output[n, o] = bias[o] + Σ_ij weight[o, i, j] · input[n, shifted by (i, j)]` for
    /// `input [batch, 1, H, W]`, `weight [out, 1, kH, kW]`, `output [batch, out, OH, OW]`.
    /// Writes the zero-padded images into `padded` (`batch · paddedSize` floats), which the
    /// weight gradient reads again.
    static func forward(_ input: UnsafePointer<Float>, batch: Int, geometry g: WindowGeometry, outputChannels: Int,
                        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                        padded: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        let source = SendablePointer(UnsafeMutablePointer(mutating: input))
        let target = SendablePointer(output)
        let paddedImages = SendablePointer(padded)
        let weights = SendablePointer(UnsafeMutablePointer(mutating: weight))
        let biases = SendablePointer(UnsafeMutablePointer(mutating: bias))
        let kernelArea = g.kernelHeight * g.kernelWidth
        let paddedWidth = g.inputWidth + 2 * g.paddingWidth
        let (imageSize, wide) = (paddedSize(g), wideCount(g))
        Parallel.forEachChunk(batch, minimumChunk: Swift.max(1, 4096 / Swift.max(1, outputChannels * g.outputPlane))) { range in
            var accumulator = [Float](repeating: 0, count: wide)
            accumulator.withUnsafeMutableBufferPointer { buffer in
                let sums = buffer.baseAddress!
                for n in range {
                    let image = paddedImages.base + n * imageSize
                    pad(source.base + n * g.inputPlane, geometry: g, into: image)
                    for o in 0..<outputChannels {
                        sums.update(repeating: biases[o], count: wide)
                        for i in 0..<g.kernelHeight {
                            for j in 0..<g.kernelWidth {
                                let w = weights[o &* kernelArea &+ i &* g.kernelWidth &+ j]
                                let tap = image + (i &* paddedWidth &+ j)
                                for k in 0..<wide { sums[k] += w * tap[k] }
                            }
                        }
                        let plane = target.base + (n * outputChannels + o) * g.outputPlane
                        for oh in 0..<g.outputHeight {
                            (plane + oh * g.outputWidth).update(from: sums + oh * paddedWidth, count: g.outputWidth)
                        }
                    }
                }
            }
        }
    }

    /// Copies one image into the middle of a zeroed `(H + 2p) x (W + 2p)` frame.
    static func pad(_ image: UnsafePointer<Float>, geometry g: WindowGeometry, into frame: UnsafeMutablePointer<Float>) {
        let paddedWidth = g.inputWidth + 2 * g.paddingWidth
        if g.paddingHeight == 0 && g.paddingWidth == 0 {
            frame.update(from: image, count: g.inputPlane)
            return
        }
        frame.update(repeating: 0, count: paddedSize(g))
        for row in 0..<g.inputHeight {
            (frame + (row + g.paddingHeight) * paddedWidth + g.paddingWidth).update(from: image + row * g.inputWidth, count: g.inputWidth)
        }
    }

    /// `weightGradient[o, i, j] = Σ_n Σ_pos outputGradient[n, o, pos] · input[n, pos shifted by (i, j)]`
    /// and `biasGradient[o] = Σ_n Σ_pos outputGradient[n, o, pos]` (both overwritten), from the
    /// padded images `forward` wrote.
    static func parameterGradients(padded: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, batch: Int,
                                   geometry g: WindowGeometry, outputChannels: Int,
                                   weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>) {
        let paddedImages = SendablePointer(UnsafeMutablePointer(mutating: padded))
        let gradient = SendablePointer(UnsafeMutablePointer(mutating: outputGradient))
        let weights = SendablePointer(weightGradient)
        let biases = SendablePointer(biasGradient)
        let kernelArea = g.kernelHeight * g.kernelWidth
        let paddedWidth = g.inputWidth + 2 * g.paddingWidth
        let (imageSize, wide) = (paddedSize(g), wideCount(g))
        // Split by output channel: each worker owns its rows of the weight gradient. The sums
        // run as element-wise multiply-adds into planes of partial sums, one per tap (which the
        // compiler vectorises; a scalar float reduction would not be, and would wait on every
        // add's latency), added up once at the end.
        Parallel.forEachChunk(outputChannels) { range in
            var scratch = [Float](repeating: 0, count: (kernelArea + 2) * wide)
            scratch.withUnsafeMutableBufferPointer { buffer in
                let gradientRow = buffer.baseAddress!
                let biasSums = gradientRow + wide
                let tapSums = biasSums + wide
                for o in range {
                    // The wide layout's gap columns stay zero, so they add nothing.
                    gradientRow.update(repeating: 0, count: wide)
                    biasSums.update(repeating: 0, count: (kernelArea + 1) * wide)
                    for n in 0..<batch {
                        let dy = gradient.base + (n * outputChannels + o) * g.outputPlane
                        for oh in 0..<g.outputHeight {
                            (gradientRow + oh * paddedWidth).update(from: dy + oh * g.outputWidth, count: g.outputWidth)
                        }
                        for k in 0..<wide { biasSums[k] += gradientRow[k] }
                        let image = paddedImages.base + n * imageSize
                        for i in 0..<g.kernelHeight {
                            for j in 0..<g.kernelWidth {
                                let sums = tapSums + (i &* g.kernelWidth &+ j) &* wide
                                let tap = image + (i &* paddedWidth &+ j)
                                for k in 0..<wide { sums[k] += gradientRow[k] * tap[k] }
                            }
                        }
                    }
                    biases[o] = Summation.total(biasSums, count: wide)
                    for t in 0..<kernelArea { weights[o * kernelArea + t] = Summation.total(tapSums + t * wide, count: wide) }
                }
            }
        }
    }

    /// `inputGradient[n, shifted by (i, j)] += weight[o, i, j] · outputGradient[n, o]` summed
    /// over `o, i, j` (the adjoint of `forward` without the bias); overwrites `inputGradient`.
    static func inputGradient(_ outputGradient: UnsafePointer<Float>, batch: Int, geometry g: WindowGeometry,
                              outputChannels: Int, weight: UnsafePointer<Float>, into inputGradient: UnsafeMutablePointer<Float>) {
        let gradient = SendablePointer(UnsafeMutablePointer(mutating: outputGradient))
        let target = SendablePointer(inputGradient)
        let weights = SendablePointer(UnsafeMutablePointer(mutating: weight))
        let kernelArea = g.kernelHeight * g.kernelWidth
        Parallel.forEachChunk(batch, minimumChunk: Swift.max(1, 4096 / Swift.max(1, outputChannels * g.outputPlane))) { range in
            for n in range {
                let dx = target.base + n * g.inputPlane
                dx.update(repeating: 0, count: g.inputPlane)
                for o in 0..<outputChannels {
                    let dy = gradient.base + (n * outputChannels + o) * g.outputPlane
                    for i in 0..<g.kernelHeight {
                        for j in 0..<g.kernelWidth {
                            let w = weights[o * kernelArea + i * g.kernelWidth + j]
                            let valid = g.validColumns(kernelOffset: j)
                            let (first, end) = (valid.lowerBound, valid.upperBound)
                            for oh in 0..<g.outputHeight {
                                let ih = oh &- g.paddingHeight &+ i
                                if ih < 0 || ih >= g.inputHeight { continue }
                                let s = dy + oh &* g.outputWidth
                                let d = dx + (ih &* g.inputWidth &- g.paddingWidth &+ j)
                                var ow = first
                                while ow < end { d[ow] += w * s[ow]; ow &+= 1 }
                            }
                        }
                    }
                }
            }
        }
    }
}
