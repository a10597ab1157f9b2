import TensorCore

/// One worker's buffers for `WinogradConvolution`, allocated once per layer and worker and reused
/// for every group of every batch.
final class WinogradWorkspace: @unchecked Sendable {
    let geometry: WindowGeometry
    let tilesHigh: Int, tilesWide: Int
    /// Row pitch of the input-gradient frame: `2 · tilesWide + 2` (the input width + 2, + 1 more when odd).
    let framePitch: Int
    let framePlane: Int
    /// V: 16 matrices `C × groupSize·tiles`, each followed by 8 floats of padding (the input
    /// transform's vector stores run up to 7 values past a row of tiles); in backward overwritten by dV.
    let transformed: UnsafeMutablePointer<Float>
    /// M: 16 matrices `K × groupSize·tiles`; in backward dM.
    let product: UnsafeMutablePointer<Float>
    /// One channel of one sample at offset (1, 1) of a zero frame covering every tile's window,
    /// split into its even and odd columns (`WinogradTransforms.input`): two planes of
    /// `2·tilesHigh + 2` rows of `splitPitch` floats. Only the image's positions are ever
    /// written, so the frame stays zero.
    let evenColumns: UnsafeMutablePointer<Float>, oddColumns: UnsafeMutablePointer<Float>
    let splitPitch: Int
    /// One channel's input gradient on the whole zero frame, `framePitch` wide (zeroed per channel).
    let gradientFrame: UnsafeMutablePointer<Float>
    /// Eight rows of `splitPitch + 8` floats for the input transforms' intermediate rows.
    let rows: UnsafeMutablePointer<Float>
    /// Four arrays of `tilePitch` floats: one output channel's 2×2 tile outputs (or their
    /// gradients) over the group, output `(i, j)` of tile `t` at `(2·i + j) · tilePitch + t`.
    let tileValues: UnsafeMutablePointer<Float>
    let tilePitch: Int
    /// dU (16 matrices `K × C`) and the bias gradient: this worker's share.
    let filterGradient: UnsafeMutablePointer<Float>
    let biasGradient: UnsafeMutablePointer<Float>
    /// Whether the accumulators hold this batch's sums (set by the worker in `backward`).
    var hasGradients = false
    private let buffers: ZeroedBuffers

    init(geometry g: WindowGeometry, outputChannels: Int, groupSize: Int, tilesHigh: Int, tilesWide: Int) {
        geometry = g
        self.tilesHigh = tilesHigh
        self.tilesWide = tilesWide
        framePitch = 2 * tilesWide + 2
        framePlane = (2 * tilesHigh + 2) * framePitch
        let tiles = groupSize * tilesHigh * tilesWide
        tilePitch = tiles
        splitPitch = (tilesWide + 1 + 7) / 8 * 8
        let splitPlane = (2 * tilesHigh + 2) * splitPitch
        let sizes = [16 * (g.channels * tiles + 8), 16 * outputChannels * tiles, splitPlane, framePlane,
                     8 * (splitPitch + 8), 16 * outputChannels * g.channels, outputChannels, 4 * tiles, splitPlane]
        buffers = ZeroedBuffers(sizes)
        let pointers = buffers.pointers
        (transformed, product, evenColumns, gradientFrame, rows, filterGradient, biasGradient, tileValues, oddColumns) =
            (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5], pointers[6], pointers[7], pointers[8])
    }


    /// Distance between two of the 16 matrices of V for a group of `count` samples.
    func transformedStride(count: Int) -> Int { geometry.channels &* count &* tilesHigh &* tilesWide &+ 8 }

    /// V of samples `first ..< first + count`: channel `c` of sample `s` goes to columns
    /// `s · tiles ..< (s + 1) · tiles` of row `c` of each of the 16 matrices. Channels outside,
    /// samples inside, so that every vector store past a row of tiles lands on tiles written
    /// later or on a matrix's padding.
    func transformInput(_ input: UnsafePointer<Float>, first: Int, count: Int) {
        let g = geometry
        let (height, width, plane) = (g.inputHeight, g.inputWidth, g.inputPlane)
        let tiles = tilesHigh &* tilesWide
        let matrixWidth = count &* tiles
        let stride = transformedStride(count: count)
        let (even, odd, pitch) = (evenColumns, oddColumns, splitPitch)
        for c in 0..<g.channels {
            for s in 0..<count {
                let channel = input + ((first &+ s) &* g.channels &+ c) &* plane
                // Input (i, j) is frame (i + 1, j + 1): odd input columns go to even frame columns.
                for i in 0..<height {
                    let (from, e, o) = (channel + i &* width, even + (i &+ 1) &* pitch, odd + (i &+ 1) &* pitch)
                    var j = 0
                    while j &+ 1 < width {
                        o[j >> 1] = from[j]
                        e[(j >> 1) &+ 1] = from[j &+ 1]
                        j &+= 2
                    }
                    if j < width { o[j >> 1] = from[j] }
                }
                WinogradTransforms.input(even: even, odd: odd, pitch: pitch, tilesHigh: tilesHigh, tilesWide: tilesWide, rows: rows,
                                         into: transformed + (c &* matrixWidth &+ s &* tiles), stride: stride)
            }
        }
    }

    /// `B dV Bᵀ` of every tile (dV held in `transformed`) into `inputGradient[first ..< first + count]`
    /// (overwritten), the frame cropped to the input.
    func scatterInputGradient(into inputGradient: UnsafeMutablePointer<Float>, first: Int, count: Int) {
        let g = geometry
        let (height, width, plane) = (g.inputHeight, g.inputWidth, g.inputPlane)
        let tiles = tilesHigh &* tilesWide
        let matrixWidth = count &* tiles
        let stride = transformedStride(count: count)
        let interior = gradientFrame + (framePitch &+ 1)
        for s in 0..<count {
            let image = inputGradient + (first &+ s) &* g.channels &* plane
            for c in 0..<g.channels {
                gradientFrame.update(repeating: 0, count: framePlane)
                WinogradTransforms.inputGradient(transformed + (c &* matrixWidth &+ s &* tiles), stride: stride,
                                                 tilesHigh: tilesHigh, tilesWide: tilesWide, rows: rows,
                                                 into: gradientFrame, pitch: framePitch)
                let channel = image + c &* plane
                for row in 0..<height {
                    ShortRows.copy(channel + row &* width, interior + row &* framePitch, width)
                }
            }
        }
    }
}
