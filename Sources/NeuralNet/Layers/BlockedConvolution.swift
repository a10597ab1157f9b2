import TensorCore

/// Convolution in cache-sized groups of samples, each core working through its own samples.
///
/// The whole-batch path (`ConvolutionEngine`'s im2col over the batch) builds one column matrix
/// of `patch × batch·plane` floats (14 MB for cnn3's second layer at batch 64): it is written by
/// im2col, read by the forward product, evicted, and read again by the weight gradient, and every
/// product is split in halves over the cores. Here the batch is cut into groups of a few samples
/// whose columns (a few hundred KB) stay in the core's L2 cache from the moment they are built
/// until the products that read them are done:
///
/// - forward, per group: columns → `product = W · columns` → output (+ bias), written straight
///   into NCHW order (no batch-wide permute);
/// - backward, per group: columns rebuilt from the kept input (cheaper than keeping them: they are
///   built in cache, read from cache), the group's output gradient gathered into the product's
///   layout, `dW += dY · columnsᵀ` into the worker's own accumulator, `dColumns = Wᵀ · dY`
///   written over the columns, and col2im into the input gradient.
///
/// Each worker (one per core) runs single-threaded `sgemm` calls on its own contiguous range of
/// groups and its own weight- and bias-gradient accumulators, summed once at the end of
/// `backward`; no product is split.
///
/// Two column layouts:
/// - **wide** (stride 1, used for thin products with short rows, see `maximumWideWaste`): each sample's channels are copied into a
///   zero-framed `(H + 2p) × (W + 2p)` image, and the column row of tap `(c, i, j)` is one
///   contiguous copy of `wideCount` floats of channel `c` starting at `i·Wp + j` (see
///   `DirectConvolution.wideCount`): im2col becomes `patch` `memcpy`s per sample, col2im
///   `patch` contiguous vector adds. The products also compute the `Wp - OW` gap columns of every
///   output row but the last (13 % more work on a 14×14 map with padding 1, 24 % on 7×7), and
///   the gaps are dropped when the output is written.
/// - **compact** (any stride, or when the wide gaps would cost more than `maximumWideWaste`): the
///   usual im2col rows of `outputPlane` floats per sample; with stride 1 they are copied from
///   the same zero-framed images (no bounds tests), otherwise built by `im2colSample`.
///
/// Results equal the whole-batch path's up to float rounding (sums in another order).
final class BlockedConvolution {
    let geometry: WindowGeometry
    let outputChannels: Int
    /// Whether the columns use the wide layout (else compact im2col).
    let usesWideLayout: Bool
    /// Columns per sample: `wideCount` or `outputPlane`.
    let sampleWidth: Int
    /// Distance between output rows inside a sample's columns: padded width or output width.
    let rowPitch: Int
    /// Samples per group.
    let groupSize: Int
    private var workspaces: [ConvolutionWorkspace] = []
    /// The input of the last training forward (its columns are rebuilt in backward).
    private var input = Tensor.empty
    /// Fixed number of workers (tests), else one per core.
    let fixedWorkerCount: Int?

    /// Largest accepted `wasted fraction × output channels × output width` for the wide layout.
    /// The wide layout makes `wasted fraction` more columns, each multiplied by every output
    /// channel; the compact layout pays a fixed cost per output row fragment it copies, i.e. per
    /// element about `1 / outputWidth`. So the wide layout pays for thin products with short
    /// rows. Measured per layer (`atelier-bench nn-conv-layers`, training step, batch 64, stride-1
    /// compact columns copied from the zero-framed images): LeNet-5's 8×8 k5 layer
    /// (0.44 × 16 × 8 = 56) wide 0.89-0.90 ms vs compact 1.10-1.33 ms; cnn3's first layer
    /// (0.07 × 32 × 28 = 63) wide 1.29-1.34 ms vs compact 0.69-1.18 ms, its 14×14 layer (116)
    /// wide 10.8-10.9 ms vs compact 9.3-10.6 ms, its 7×7 layer (220) wide 10.2-11.0 ms vs
    /// compact 9.1-9.6 ms.
    static let maximumWideWaste = 60.0
    /// Bytes of one group's columns aimed at: well inside a core's L2 (1 MB on the benchmark
    /// machine, 512 KB or more on most x86-64 cores) next to the product, the weights and the
    /// OpenBLAS packing buffers.
    static let columnBudget = 512 * 1024
    /// Fewest columns per group: below this the products are too narrow for `sgemm` to run well.
    static let minimumGroupColumns = 128

    init(geometry g: WindowGeometry, outputChannels: Int, allowsWideLayout: Bool = true, groupSize: Int? = nil,
         workerCount: Int? = nil) {
        geometry = g
        fixedWorkerCount = workerCount
        self.outputChannels = outputChannels
        let paddedWidth = g.inputWidth + 2 * g.paddingWidth
        let wide = DirectConvolution.wideCount(g)
        usesWideLayout = allowsWideLayout && g.strideHeight == 1 && g.strideWidth == 1
            && Double(wide - g.outputPlane) / Double(g.outputPlane) * Double(outputChannels * g.outputWidth)
                <= BlockedConvolution.maximumWideWaste
        sampleWidth = usesWideLayout ? wide : g.outputPlane
        rowPitch = usesWideLayout ? paddedWidth : g.outputWidth
        let bytesPerSample = g.patchSize * sampleWidth * MemoryLayout<Float>.stride
        let byBudget = Swift.max(1, BlockedConvolution.columnBudget / Swift.max(1, bytesPerSample))
        let byWidth = (BlockedConvolution.minimumGroupColumns + sampleWidth - 1) / sampleWidth
        self.groupSize = Swift.max(1, groupSize ?? Swift.min(byBudget, byWidth))
    }

    /// Number of workers for a batch: one per core (OpenBLAS runs single-threaded, see `BLAS`),
    /// or the count fixed at initialisation (tests compare counts).
    func workers(groups: Int) -> Int {
        let cores = fixedWorkerCount ?? Parallel.workerCount
        return Swift.max(1, Swift.min(cores, groups))
    }

    private func prepareWorkspaces(_ count: Int) {
        while workspaces.count < count {
            workspaces.append(ConvolutionWorkspace(geometry: geometry, outputChannels: outputChannels,
                                                   groupSize: groupSize, sampleWidth: sampleWidth, wide: usesWideLayout))
        }
    }

    /// Runs `body(workspace, groupRange)` for every worker's contiguous share of the groups.
    private func forEachWorker(groups: Int, workers: Int,
                               _ body: @Sendable (ConvolutionWorkspace, Range<Int>) -> Void) {
        prepareWorkspaces(workers)
        GroupShares.run(groups: groups, spaces: Array(workspaces.prefix(workers)), body)
    }

    /// `output[n, o] = bias[o] + Σ weight[o, c, i, j] · input[n, c, shifted by (i, j)]`.
    /// In training the input is kept for `backward`.
    /// `rectified`: `max(0, ·)` applied as the bias is added (see `RectifyingLayer`).
    func forward(_ input: Tensor, weight: Tensor, bias: Tensor, outputShape: [Int], training: Bool, rectified: Bool) -> Tensor {
        let g = geometry
        let batch = input.rowCount
        if training { self.input = input }
        let groups = (batch + groupSize - 1) / groupSize
        let workers = self.workers(groups: groups)
        let (channels, plane, groupSize) = (outputChannels, g.outputPlane, groupSize)
        let (sampleWidth, rowPitch, wide) = (sampleWidth, rowPitch, usesWideLayout)
        let (outputHeight, outputWidth, patch) = (g.outputHeight, g.outputWidth, g.patchSize)
        return Tensor.filled([batch] + outputShape) { out in
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        let source = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                        let weights = SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!))
                        let biases = SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!))
                        let target = SendablePointer(out)
                        forEachWorker(groups: groups, workers: workers) { space, range in
                            for group in range {
                                let first = group * groupSize
                                let count = Swift.min(groupSize, batch - first)
                                let width = count * sampleWidth
                                space.buildColumns(source.base, first: first, count: count)
                                BLAS.sgemm(transposeA: false, transposeB: false, m: channels, n: width, k: patch,
                                           a: weights.base, leadingA: patch, b: space.columns, leadingB: width,
                                           c: space.product, leadingC: width)
                                // [out, count · sampleWidth] + bias -> [count, out, plane], gaps dropped.
                                for s in 0..<count {
                                    for o in 0..<channels {
                                        let from = space.product + (o &* width &+ s &* sampleWidth)
                                        let to = target.base + ((first &+ s) &* channels &+ o) &* plane
                                        let shift = biases[o]
                                        if wide {
                                            for oh in 0..<outputHeight {
                                                let f = from + oh &* rowPitch
                                                let t = to + oh &* outputWidth
                                                if rectified {
                                                    for ow in 0..<outputWidth { t[ow] = Swift.max(f[ow] + shift, 0) }
                                                } else {
                                                    for ow in 0..<outputWidth { t[ow] = f[ow] + shift }
                                                }
                                            }
                                        } else if rectified {
                                            for k in 0..<plane { to[k] = Swift.max(from[k] + shift, 0) }
                                        } else {
                                            for k in 0..<plane { to[k] = from[k] + shift }
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

    /// Overwrites `weightGradient` and `biasGradient`; returns dInput (or `.empty`).
    func backward(_ outputGradient: Tensor, inputShape: [Int], weight: Tensor,
                  weightGradient: inout Tensor, biasGradient: inout Tensor, needsInputGradient: Bool) -> Tensor {
        let g = geometry
        let input = self.input
        let batch = input.rowCount
        let (channels, plane, groupSize) = (outputChannels, g.outputPlane, groupSize)
        let (sampleWidth, rowPitch, wide) = (sampleWidth, rowPitch, usesWideLayout)
        let (outputHeight, outputWidth, patch) = (g.outputHeight, g.outputWidth, g.patchSize)
        precondition(outputGradient.count == batch * channels * plane, "convolution gradient shape \(outputGradient.shape)")
        let groups = (batch + groupSize - 1) / groupSize
        let workers = self.workers(groups: groups)
        let imageSize = g.channels * g.inputPlane
        var inputGradient = needsInputGradient ? [Float](unsafeUninitializedCapacity: batch * imageSize) { _, n in n = batch * imageSize } : []
        input.withUnsafeBufferPointer { x in
            outputGradient.withUnsafeBufferPointer { dy in
                weight.withUnsafeBufferPointer { w in
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        let source = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                        let gradient = SendablePointer(UnsafeMutablePointer(mutating: dy.baseAddress!))
                        let weights = SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!))
                        let target = needsInputGradient ? SendablePointer(dx.baseAddress!) : nil
                        forEachWorker(groups: groups, workers: workers) { space, range in
                            space.hasGradients = false
                            for group in range {
                                let first = group * groupSize
                                let count = Swift.min(groupSize, batch - first)
                                let width = count * sampleWidth
                                space.buildColumns(source.base, first: first, count: count)
                                // dY [count, out, plane] -> [out, count · sampleWidth], gaps zero.
                                for s in 0..<count {
                                    for o in 0..<channels {
                                        let from = gradient.base + ((first &+ s) &* channels &+ o) &* plane
                                        let to = space.product + (o &* width &+ s &* sampleWidth)
                                        if wide {
                                            for oh in 0..<outputHeight {
                                                let t = to + oh &* rowPitch
                                                t.update(from: from + oh &* outputWidth, count: outputWidth)
                                                if oh &+ 1 < outputHeight {
                                                    (t + outputWidth).update(repeating: 0, count: rowPitch &- outputWidth)
                                                }
                                            }
                                        } else {
                                            to.update(from: from, count: plane)
                                        }
                                    }
                                }
                                let accumulate = space.hasGradients
                                for o in 0..<channels {
                                    let total = Summation.total(space.product + o &* width, count: width)
                                    space.biasGradient[o] = accumulate ? space.biasGradient[o] + total : total
                                }
                                BLAS.sgemm(transposeA: false, transposeB: true, m: channels, n: patch, k: width,
                                           a: space.product, leadingA: width, b: space.columns, leadingB: width,
                                           beta: accumulate ? 1 : 0, c: space.weightGradient, leadingC: patch)
                                space.hasGradients = true
                                guard let target else { continue }
                                // dColumns = Wᵀ · dY, over the columns (no longer needed).
                                BLAS.sgemm(transposeA: true, transposeB: false, m: patch, n: width, k: channels,
                                           a: weights.base, leadingA: patch, b: space.product, leadingB: width,
                                           c: space.columns, leadingC: width)
                                space.scatterColumns(into: target.base, first: first, count: count)
                            }
                        }
                    }
                }
            }
        }
        // Sum the workers' accumulators.
        let used = workspaces.prefix(workers).filter(\.hasGradients)
        weightGradient.withUnsafeMutableBufferPointer { dw in
            biasGradient.withUnsafeMutableBufferPointer { db in
                let (weightCount, base) = (channels * g.patchSize, dw.baseAddress!)
                if used.isEmpty {
                    base.update(repeating: 0, count: weightCount)
                    db.baseAddress!.update(repeating: 0, count: channels)
                    return
                }
                base.update(from: used[0].weightGradient, count: weightCount)
                db.baseAddress!.update(from: used[0].biasGradient, count: channels)
                for space in used.dropFirst() {
                    for k in 0..<weightCount { base[k] += space.weightGradient[k] }
                    for o in 0..<channels { db[o] += space.biasGradient[o] }
                }
            }
        }
        guard needsInputGradient else { return .empty }
        return Tensor(shape: [batch] + inputShape, elements: inputGradient)
    }
}

/// One worker's buffers for `BlockedConvolution`, allocated once per engine and worker and
/// reused for every group of every batch (no allocation or clearing per batch, except the few
/// KB of the wide layout's input-gradient frame per group).
final class ConvolutionWorkspace: @unchecked Sendable {
    let geometry: WindowGeometry
    let groupSize: Int
    let sampleWidth: Int
    let wide: Bool
    let paddedWidth: Int
    let paddedPlane: Int
    /// Stride 1: columns are copied from the zero-framed images (`padded`), in either layout.
    let usesFrame: Bool
    /// `patch × groupSize·sampleWidth`: the group's columns, then its column gradient.
    let columns: UnsafeMutablePointer<Float>
    /// `out × groupSize·sampleWidth`: the forward product, then the gathered output gradient.
    let product: UnsafeMutablePointer<Float>
    /// Stride 1: the group's zero-framed images, `groupSize × channels × paddedPlane`; the
    /// frame is zeroed once here and never written again.
    let padded: UnsafeMutablePointer<Float>
    /// Wide layout: the input gradient of one channel on the padded frame.
    let paddedGradient: UnsafeMutablePointer<Float>
    /// `out × patch` and `out`: this worker's share of the parameter gradients.
    let weightGradient: UnsafeMutablePointer<Float>
    let biasGradient: UnsafeMutablePointer<Float>
    /// Whether the accumulators hold this batch's sums (set by the worker in `backward`).
    var hasGradients = false
    private let buffers: ZeroedBuffers

    init(geometry g: WindowGeometry, outputChannels: Int, groupSize: Int, sampleWidth: Int, wide: Bool) {
        geometry = g
        self.groupSize = groupSize
        self.sampleWidth = sampleWidth
        self.wide = wide
        paddedWidth = g.inputWidth + 2 * g.paddingWidth
        paddedPlane = (g.inputHeight + 2 * g.paddingHeight) * paddedWidth
        usesFrame = g.strideHeight == 1 && g.strideWidth == 1
        let sizes = [g.patchSize * groupSize * sampleWidth, outputChannels * groupSize * sampleWidth,
                     usesFrame ? groupSize * g.channels * paddedPlane : 0, usesFrame ? paddedPlane : 0,
                     outputChannels * g.patchSize, outputChannels]
        buffers = ZeroedBuffers(sizes)
        let pointers = buffers.pointers
        (columns, product, padded, paddedGradient, weightGradient, biasGradient) =
            (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5])
    }

    /// Builds the columns `[patch, count · sampleWidth]` of samples `first ..< first + count`.
    func buildColumns(_ input: UnsafePointer<Float>, first: Int, count: Int) {
        let g = geometry
        let imageSize = g.channels &* g.inputPlane
        let width = count &* sampleWidth
        guard usesFrame else {
            for s in 0..<count {
                ConvolutionEngine.im2colSample(input + (first &+ s) &* imageSize, geometry: g,
                                               into: columns + s &* sampleWidth, rowStride: width)
            }
            return
        }
        let (paddedWidth, paddedPlane, wide) = (paddedWidth, paddedPlane, wide)
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        let interior = g.paddingHeight &* paddedWidth &+ g.paddingWidth
        for s in 0..<count {
            let image = input + (first &+ s) &* imageSize
            let frame = padded + s &* g.channels &* paddedPlane
            // Interior rows only: the frame stays zero from the allocation.
            for c in 0..<g.channels {
                let from = image + c &* g.inputPlane
                let to = frame + (c &* paddedPlane &+ interior)
                if g.paddingWidth == 0 {
                    to.update(from: from, count: g.inputPlane)
                } else {
                    for row in 0..<g.inputHeight {
                        ShortRows.copy(to + row &* paddedWidth, from + row &* g.inputWidth, g.inputWidth)
                    }
                }
            }
            forEachTap { row, c, offset in
                let destination = columns + (row &* width &+ s &* sampleWidth)
                let source = frame + (c &* paddedPlane &+ offset)
                if wide {
                    destination.update(from: source, count: sampleWidth)
                } else {
                    // Compact rows from the frame: no bounds tests, no zero runs.
                    for oh in 0..<outputHeight {
                        ShortRows.copy(destination + oh &* outputWidth, source + oh &* paddedWidth, outputWidth)
                    }
                }
            }
        }
    }

    /// col2im of the column gradient (held in `columns`) into `inputGradient[first ..< first + count]`
    /// (overwritten).
    func scatterColumns(into inputGradient: UnsafeMutablePointer<Float>, first: Int, count: Int) {
        let g = geometry
        let imageSize = g.channels &* g.inputPlane
        let width = count &* sampleWidth
        guard usesFrame else {
            for s in 0..<count {
                ConvolutionEngine.col2imSample(columns + s &* sampleWidth, rowStride: width, geometry: g,
                                               into: inputGradient + (first &+ s) &* imageSize)
            }
            return
        }
        let (paddedWidth, paddedPlane, sampleWidth, wide) = (paddedWidth, paddedPlane, sampleWidth, wide)
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        let interior = g.paddingHeight &* paddedWidth &+ g.paddingWidth
        // Column rows added into a zeroed frame per channel (no bounds tests: what lands in the
        // frame's border is dropped), then the interior copied out. Compact rows are added whole
        // short rows at a time; each input position receives the same additions in the same
        // order as `col2imSample`, so the result is bitwise the same.
        for s in 0..<count {
            let image = inputGradient + (first &+ s) &* imageSize
            let frame = paddedGradient
            forEachTap(startingChannel: { _ in frame.update(repeating: 0, count: paddedPlane) },
                       finishingChannel: { c in
                           let channel = image + c &* g.inputPlane
                           for r in 0..<g.inputHeight {
                               ShortRows.copy(channel + r &* g.inputWidth, frame + (interior &+ r &* paddedWidth), g.inputWidth)
                           }
                       }) { row, _, offset in
                let from = columns + (row &* width &+ s &* sampleWidth)
                let to = frame + offset
                if wide {
                    for k in 0..<sampleWidth { to[k] += from[k] }
                } else {
                    for oh in 0..<outputHeight {
                        ShortRows.add(to + oh &* paddedWidth, from + oh &* outputWidth, outputWidth)
                    }
                }
            }
        }
    }

    /// Calls `body(columnRow, c, offset)` for every tap `(c, i, j)` in column-row order, with
    /// `offset = i·paddedWidth + j` the tap's shift inside a zero-framed channel; `startingChannel`
    /// and `finishingChannel` run around each channel's taps.
    @inline(__always)
    private func forEachTap(startingChannel: (Int) -> Void = { _ in }, finishingChannel: (Int) -> Void = { _ in },
                            _ body: (Int, Int, Int) -> Void) {
        let g = geometry
        var row = 0
        for c in 0..<g.channels {
            startingChannel(c)
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    body(row, c, i &* paddedWidth &+ j)
                    row &+= 1
                }
            }
            finishingChannel(c)
        }
    }
}
