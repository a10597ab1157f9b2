import TensorCore

/// 3×3, stride-1, padding-1 convolution by Winograd's F(2×2, 3×3) (see `WinogradTransforms`),
/// in cache-sized groups of samples, one worker per core, like `BlockedConvolution`.
///
/// Every 2×2 block of outputs is computed from the 4×4 window of the zero-framed input around it
/// (windows overlap by 2): a 3×3 filter costs 16 multiplications per 4 outputs instead of 36.
/// The channel sums become 16 matrix products per group, one per transformed position `ξ`:
///
/// - per call: `U[ξ] = (G g Gᵀ)[ξ]`, `K × C` (K outputs, C inputs), from the weights;
/// - forward, per group of `T` tiles: `V[ξ] = (Bᵀ d B)[ξ]`, `C × T`; `M[ξ] = U[ξ] · V[ξ]`,
///   `K × T`; `Y = Aᵀ M A` + bias (`max(0, ·)` when `rectified`) written in NCHW, odd sizes cropped;
/// - backward, per group (V rebuilt from the kept input, as `BlockedConvolution` rebuilds its
///   columns): `dM = A dY Aᵀ`; `dU[ξ] += dM[ξ] · V[ξ]ᵀ` into the worker's accumulator;
///   `dV[ξ] = U[ξ]ᵀ · dM[ξ]`; `B dV Bᵀ` added into a zero-framed input gradient, cropped. At the
///   end the workers' `dU` are summed and `dg = Gᵀ dU G`.
///
/// The backward is the adjoint of each forward step, so it is the exact gradient of the Winograd
/// forward (whose values differ from a direct convolution's by float rounding only: the
/// transforms' ½ and ±1 coefficients add a few roundings per output).
///
/// Layout: matrix `ξ` of V is `C × T` with the tiles of a sample contiguous, so the forward
/// product has the group's tiles as its long dimension and the channels (32, 64 in cnn3) as its
/// inner one, and the transforms read and write whole runs of tiles.
final class WinogradConvolution {
    let geometry: WindowGeometry
    let outputChannels: Int
    /// Tiles per sample: `tilesHigh × tilesWide` blocks of 2×2 outputs (the last ones cropped
    /// when a side is odd).
    let tilesHigh: Int, tilesWide: Int
    /// Samples per group.
    let groupSize: Int
    /// Fixed number of workers (tests), else one per core.
    let fixedWorkerCount: Int?
    /// `U`: 16 matrices `K × C`, transformed from the weights at every call (65 K floats for
    /// cnn3's third layer: a few microseconds).
    private let filters: UnsafeMutablePointer<Float>
    private var workspaces: [WinogradWorkspace] = []
    /// The input of the last training forward (V is rebuilt from it in backward).
    private var input = Tensor.empty

    /// Whether a layer takes this path: 3×3 kernel, stride 1, padding 1 (so the output is the
    /// size of the input and every tile reads a zero-framed window), and at least
    /// `minimumChannels` input channels: with fewer the products' inner dimension is too short
    /// for the 16 products to beat one im2col product, and the transforms' cost per input value
    /// is not amortised over enough output channels (cnn3's first layer, 1 channel, stays on the
    /// blocked im2col path; LeNet-5's 5×5 layers never qualify).
    static func applies(to g: WindowGeometry) -> Bool {
        fits(g) && g.channels >= minimumChannels
    }

    /// Whether the geometry can be computed here at all (any channel count: tests force small layers).
    static func fits(_ g: WindowGeometry) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.paddingHeight == 1 && g.paddingWidth == 1
    }

    static let minimumChannels = 16
    /// Bytes of one group's V and M aimed at: inside a core's L2 (1 MB per core on the
    /// benchmark machine) next to U and the OpenBLAS packing buffers.
    static let transformBudget = 768 * 1024
    /// Fewest tiles per group: narrower products run `sgemm` poorly.
    static let minimumGroupTiles = 128

    init(geometry g: WindowGeometry, outputChannels: Int, groupSize: Int? = nil, workerCount: Int? = nil) {
        precondition(WinogradConvolution.fits(g), "Winograd F(2x2, 3x3) needs a 3x3 kernel, stride 1, padding 1")
        geometry = g
        self.outputChannels = outputChannels
        fixedWorkerCount = workerCount
        tilesHigh = (g.outputHeight + 1) / 2
        tilesWide = (g.outputWidth + 1) / 2
        let tiles = tilesHigh * tilesWide
        let bytesPerSample = 16 * (g.channels + outputChannels) * tiles * MemoryLayout<Float>.stride
        let byBudget = Swift.max(1, WinogradConvolution.transformBudget / bytesPerSample)
        let byWidth = (WinogradConvolution.minimumGroupTiles + tiles - 1) / tiles
        self.groupSize = Swift.max(1, groupSize ?? Swift.min(byBudget, byWidth))
        let count = 16 * outputChannels * g.channels
        filters = .allocate(capacity: count)
        filters.initialize(repeating: 0, count: count)
    }

    deinit {
        filters.deinitialize(count: 16 * outputChannels * geometry.channels)
        filters.deallocate()
    }

    var tilesPerSample: Int { tilesHigh * tilesWide }

    func workers(groups: Int) -> Int {
        Swift.max(1, Swift.min(fixedWorkerCount ?? Parallel.workerCount, groups))
    }

    /// Runs `body(workspace, groupRange)` for every worker's contiguous share of the groups.
    private func forEachWorker(groups: Int, workers: Int, _ body: @Sendable (WinogradWorkspace, Range<Int>) -> Void) {
        while workspaces.count < workers {
            workspaces.append(WinogradWorkspace(geometry: geometry, outputChannels: outputChannels, groupSize: groupSize,
                                                tilesHigh: tilesHigh, tilesWide: tilesWide))
        }
        GroupShares.run(groups: groups, spaces: Array(workspaces.prefix(workers)), body)
    }

    /// `U[ξ][k, c] = (G g[k, c] Gᵀ)[ξ]` for the weights `[K, C, 3, 3]`.
    private func transformFilters(_ weight: Tensor) {
        let (channels, outputs) = (geometry.channels, outputChannels)
        let stride = outputs * channels
        weight.withUnsafeBufferPointer { w in
            for filter in 0..<stride {
                WinogradTransforms.filter(w.baseAddress! + filter &* 9, into: filters + filter, stride: stride)
            }
        }
    }

    /// The convolution; in training the input is kept for `backward`.
    /// `rectified`: `max(0, ·)` applied as the bias is added (see `RectifyingLayer`).
    func forward(_ input: Tensor, weight: Tensor, bias: Tensor, outputShape: [Int], training: Bool, rectified: Bool) -> Tensor {
        let batch = input.rowCount
        if training { self.input = input }
        transformFilters(weight)
        let groups = (batch + groupSize - 1) / groupSize
        let workers = self.workers(groups: groups)
        let (channels, outputs, groupSize, tiles) = (geometry.channels, outputChannels, groupSize, tilesPerSample)
        let (tilesHigh, tilesWide, outputHeight, outputWidth) = (tilesHigh, tilesWide, geometry.outputHeight, geometry.outputWidth)
        let plane = geometry.outputPlane
        let filters = SendablePointer(filters)
        return Tensor.filled([batch] + outputShape) { out in
            input.withUnsafeBufferPointer { x in
                bias.withUnsafeBufferPointer { b in
                    let source = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                    let biases = SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!))
                    let target = SendablePointer(out)
                    forEachWorker(groups: groups, workers: workers) { space, range in
                        for group in range {
                            let first = group * groupSize
                            let count = Swift.min(groupSize, batch - first)
                            let width = count * tiles
                            space.transformInput(source.base, first: first, count: count)
                            let (matrixV, matrixM) = (space.transformedStride(count: count), outputs * width)
                            for xi in 0..<16 {
                                BLAS.sgemm(transposeA: false, transposeB: false, m: outputs, n: width, k: channels,
                                           a: filters.base + xi &* outputs &* channels, leadingA: channels,
                                           b: space.transformed + xi &* matrixV, leadingB: width,
                                           c: space.product + xi &* matrixM, leadingC: width)
                            }
                            for o in 0..<outputs {
                                WinogradTransforms.output(space.product + o &* width, stride: matrixM, count: width,
                                                          into: space.tileValues, pitch: space.tilePitch)
                                for s in 0..<count {
                                    WinogradTransforms.place(space.tileValues + s &* tiles, pitch: space.tilePitch,
                                                             tilesHigh: tilesHigh, tilesWide: tilesWide, bias: biases[o],
                                                             rectified: rectified,
                                                             into: target.base + ((first &+ s) &* outputs &+ o) &* plane,
                                                             height: outputHeight, width: outputWidth)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Overwrites `weightGradient` and `biasGradient`; returns dInput (or `.empty`).
    /// `weight` must be the weight of the last training forward.
    func backward(_ outputGradient: Tensor, inputShape: [Int], weight: Tensor,
                  weightGradient: inout Tensor, biasGradient: inout Tensor, needsInputGradient: Bool) -> Tensor {
        let g = geometry
        let input = self.input
        let batch = input.rowCount
        let (channels, outputs, groupSize, tiles) = (g.channels, outputChannels, groupSize, tilesPerSample)
        let (tilesHigh, tilesWide, outputHeight, outputWidth) = (tilesHigh, tilesWide, g.outputHeight, g.outputWidth)
        let plane = g.outputPlane
        precondition(outputGradient.count == batch * outputs * plane, "convolution gradient shape \(outputGradient.shape)")
        transformFilters(weight)
        let groups = (batch + groupSize - 1) / groupSize
        let workers = self.workers(groups: groups)
        let imageSize = channels * g.inputPlane
        var inputGradient = needsInputGradient ? [Float](unsafeUninitializedCapacity: batch * imageSize) { _, n in n = batch * imageSize } : []
        let filters = SendablePointer(filters)
        input.withUnsafeBufferPointer { x in
            outputGradient.withUnsafeBufferPointer { dy in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    let source = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                    let gradient = SendablePointer(UnsafeMutablePointer(mutating: dy.baseAddress!))
                    let target = needsInputGradient ? SendablePointer(dx.baseAddress!) : nil
                    forEachWorker(groups: groups, workers: workers) { space, range in
                        space.hasGradients = false
                        for group in range {
                            let first = group * groupSize
                            let count = Swift.min(groupSize, batch - first)
                            let width = count * tiles
                            let (matrixV, matrixM) = (space.transformedStride(count: count), outputs * width)
                            space.transformInput(source.base, first: first, count: count)
                            let accumulate = space.hasGradients
                            for o in 0..<outputs {
                                for s in 0..<count {
                                    let from = gradient.base + ((first &+ s) &* outputs &+ o) &* plane
                                    WinogradTransforms.split(from, height: outputHeight, width: outputWidth,
                                                             tilesHigh: tilesHigh, tilesWide: tilesWide,
                                                             into: space.tileValues + s &* tiles, pitch: space.tilePitch)
                                    let total = Summation.total(from, count: plane)
                                    space.biasGradient[o] = accumulate || s > 0 ? space.biasGradient[o] + total : total
                                }
                                WinogradTransforms.outputGradient(space.tileValues, pitch: space.tilePitch, count: width,
                                                                  into: space.product + o &* width, stride: matrixM)
                            }
                            for xi in 0..<16 {
                                BLAS.sgemm(transposeA: false, transposeB: true, m: outputs, n: channels, k: width,
                                           a: space.product + xi &* matrixM, leadingA: width,
                                           b: space.transformed + xi &* matrixV, leadingB: width,
                                           beta: accumulate ? 1 : 0, c: space.filterGradient + xi &* outputs &* channels,
                                           leadingC: channels)
                            }
                            space.hasGradients = true
                            guard let target else { continue }
                            // dV = Uᵀ · dM, over V (no longer needed).
                            for xi in 0..<16 {
                                BLAS.sgemm(transposeA: true, transposeB: false, m: channels, n: width, k: outputs,
                                           a: filters.base + xi &* outputs &* channels, leadingA: channels,
                                           b: space.product + xi &* matrixM, leadingB: width,
                                           c: space.transformed + xi &* matrixV, leadingC: width)
                            }
                            space.scatterInputGradient(into: target.base, first: first, count: count)
                        }
                    }
                }
            }
        }
        // Sum the workers' accumulators, then dg = Gᵀ dU G.
        let used = workspaces.prefix(workers).filter(\.hasGradients)
        let stride = outputs * channels
        weightGradient.withUnsafeMutableBufferPointer { dw in
            biasGradient.withUnsafeMutableBufferPointer { db in
                guard let total = used.first else {
                    dw.update(repeating: 0)
                    db.update(repeating: 0)
                    return
                }
                for space in used.dropFirst() {
                    for k in 0..<16 * stride { total.filterGradient[k] += space.filterGradient[k] }
                    for o in 0..<outputs { total.biasGradient[o] += space.biasGradient[o] }
                }
                for filter in 0..<stride {
                    WinogradTransforms.filterGradient(total.filterGradient + filter, stride: stride, into: dw.baseAddress! + filter &* 9)
                }
                db.baseAddress!.update(from: total.biasGradient, count: outputs)
            }
        }
        guard needsInputGradient else { return .empty }
        return Tensor(shape: [batch] + inputShape, elements: inputGradient)
    }
}
