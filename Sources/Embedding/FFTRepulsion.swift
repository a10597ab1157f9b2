import Foundation
import TensorCore

/// Repulsion by FFT-accelerated interpolation (Linderman, Rachh, Hoskins, Steinerberger &
/// Kluger 2019, "FIt-SNE"; the scheme openTSNE uses).
///
/// The embedding's bounding square is cut into `boxes x boxes` boxes (one per unit of length,
/// at least 50), each with 3 x 3 equispaced interpolation nodes, so all nodes form one uniform
/// grid. Charges of the points are spread onto the nodes with Lagrange weights, convolved with
/// the kernels on the grid by FFT (the kernel matrix is Toeplitz, embedded in a circulant of
/// a size of factors 2, 3 and 5), and the node potentials are interpolated back to the points:
/// - `K2 = 1 / (1 + r^2)^2` with charges 1, x, y gives `F_i = y_i sum_j K2 - sum_j K2 y_j`;
/// - `K1 = 1 / (1 + r^2)` with charge 1 gives `Z = sum_i sum_j K1 - n` without cancellation.
/// Real kernels and charges are packed in pairs into complex transforms (the kernels' spectra
/// are real because the kernels are even), so one iteration costs five 2-D FFTs plus O(n)
/// spreading and interpolation.
struct FFTRepulsion: Repulsion {
    static let nodesPerBox = 3
    /// At least this many boxes per side (openTSNE's `min_num_intervals`, 50).
    var minimumBoxes = 50
    /// Boxes per unit length of the embedding (openTSNE's `ints_in_interval` = 1).
    var boxesPerUnit = 1.0

    init(minimumBoxes: Int = 50, boxesPerUnit: Double = 1) {
        self.minimumBoxes = minimumBoxes
        self.boxesPerUnit = boxesPerUnit
    }

    private var plan: FFT2D?
    /// Plans by size: the grid grows with the embedding and revisits sizes.
    private var plans: [Int: FFT2D] = [:]
    private var gridA = ([Float](), [Float]())
    private var gridB = ([Float](), [Float]())
    private var kernel = ([Float](), [Float]())

    mutating func repulsion(positions: UnsafeBufferPointer<Double>, forces: UnsafeMutableBufferPointer<Double>) -> Double {
        let n = positions.count / 2
        let p = FFTRepulsion.nodesPerBox
        var low = Double.infinity, high = -Double.infinity
        for v in positions { low = min(low, v); high = max(high, v) }
        let middle = (low + high) / 2
        let span = max(high - low, 1e-9)
        // Boxes: enough for the resolution, then as many as the power-of-two FFT holds anyway.
        var boxes = max(minimumBoxes, Int((span * boxesPerUnit).rounded(.up)))
        let size = FFT2D.goodSize(atLeast: 2 * boxes * p)
        boxes = size / (2 * p)
        let gridCount = boxes * p
        let boxWidth = span * (1 + 1e-9) / Double(boxes)
        let spacing = boxWidth / Double(p)
        let origin = low - middle          // grid coordinates are relative to the middle
        if plan?.size != size {
            if let cached = plans[size] { plan = cached } else { plan = FFT2D(size: size); plans[size] = plan }
            let zeros = [Float](repeating: 0, count: size * size)
            gridA = (zeros, zeros); gridB = (zeros, zeros); kernel = (zeros, zeros)
        } else {
            for i in 0..<(size * size) { gridA.0[i] = 0; gridA.1[i] = 0; gridB.0[i] = 0; gridB.1[i] = 0 }
        }
        let fft = plan!

        // Lagrange weights of every point on its box's nodes, per axis.
        var cells = [Int32](repeating: 0, count: 2 * n)
        var weights = [Double](repeating: 0, count: 2 * n * p)
        let nodes = (0..<p).map { (Double($0) + 0.5) / Double(p) }
        var denominators = [Double](repeating: 1, count: p)
        for j in 0..<p { for m in 0..<p where m != j { denominators[j] *= nodes[j] - nodes[m] } }
        for e in 0..<(2 * n) {
            let scaled = (positions[e] - middle - origin) / boxWidth
            let box = min(max(Int(scaled), 0), boxes - 1)
            let t = scaled - Double(box)
            cells[e] = Int32(box * p)
            for j in 0..<p {
                var value = 1.0
                for m in 0..<p where m != j { value *= t - nodes[m] }
                weights[e * p + j] = value / denominators[j]
            }
        }
        let cellOf = cells, weightOf = weights
        // Spread charges: A = 1 + i x, B = y (relative coordinates).
        for i in 0..<n {
            let x = positions[2 * i] - middle, y = positions[2 * i + 1] - middle
            let baseX = Int(cells[2 * i]), baseY = Int(cells[2 * i + 1])
            for jx in 0..<p {
                let wx = weights[(2 * i) * p + jx]
                for jy in 0..<p {
                    let w = wx * weights[(2 * i + 1) * p + jy]
                    let g = (baseX + jx) * size + baseY + jy
                    gridA.0[g] += Float(w); gridA.1[g] += Float(w * x); gridB.0[g] += Float(w * y)
                }
            }
        }
        // Kernels on the circulant grid: K1 + i K2.
        kernel.0.withUnsafeMutableBufferPointer { k1 in
            kernel.1.withUnsafeMutableBufferPointer { k2 in
                let a = SendablePointer(k1.baseAddress!), b = SendablePointer(k2.baseAddress!)
                Parallel.forEachChunk(size, minimumChunk: 16) { rows in
                    for r in rows {
                        let dx = r < size / 2 ? r : r - size
                        for c in 0..<size {
                            let dy = c < size / 2 ? c : c - size
                            if abs(dx) >= gridCount || abs(dy) >= gridCount {
                                a[r * size + c] = 0; b[r * size + c] = 0; continue
                            }
                            let distanceSquared = Double(dx * dx + dy * dy) * spacing * spacing
                            let k = 1 / (1 + distanceSquared)
                            a[r * size + c] = Float(k); b[r * size + c] = Float(k * k)
                        }
                    }
                }
            }
        }
        withPointers { aRe, aIm, bRe, bIm, kRe, kIm in
            fft.forward(real: kRe, imaginary: kIm)
            fft.forward(real: aRe, imaginary: aIm, support: gridCount)
            fft.forward(real: bRe, imaginary: bIm, support: gridCount)
            // Spectra: K1^ = Re, K2^ = Im (both real). The charge "1" is separated from A^ as
            // (A^[k] + conj A^[-k]) / 2. Then A <- A^ K2^ and B <- B^ K2^ + i (1^ K1^).
            let scale = 1 / Float(size * size)
            let re = SendablePointer(bRe), im = SendablePointer(bIm)
            let ar = SendablePointer(aRe), ai = SendablePointer(aIm), kr = SendablePointer(kRe), ki = SendablePointer(kIm)
            let m = size
            Parallel.forEachChunk(m, minimumChunk: 16) { rows in
                for r in rows {
                    let rNegative = (m - r) % m
                    for c in 0..<m {
                        let g = r * m + c, h = rNegative * m + (m - c) % m
                        let oneReal = (ar[g] + ar[h]) / 2, oneImaginary = (ai[g] - ai[h]) / 2
                        let k1 = kr[g] * scale, k2 = ki[g] * scale
                        re[g] = re[g] * k2 - oneImaginary * k1
                        im[g] = im[g] * k2 + oneReal * k1
                    }
                }
            }
            Parallel.forEachChunk(m, minimumChunk: 16) { rows in
                for r in rows {
                    for c in 0..<m {
                        let g = r * m + c
                        let k2 = ki[g] * scale
                        ar[g] *= k2; ai[g] *= k2
                    }
                }
            }
            fft.inverse(real: aRe, imaginary: aIm, support: gridCount)
            fft.inverse(real: bRe, imaginary: bIm, support: gridCount)
        }
        // Interpolate the potentials back: phi1 = A.re, phiX = A.im, phiY = B.re, phiZ = B.im.
        var rowSums = [Double](repeating: 0, count: n)
        let a = gridA, b = gridB
        rowSums.withUnsafeMutableBufferPointer { sumsBuffer in
            let sums = SendablePointer(sumsBuffer.baseAddress!)
            let out = SendablePointer(forces.baseAddress!)
            let y = SendablePointer(UnsafeMutablePointer(mutating: positions.baseAddress!))
            Parallel.forEachChunk(n, minimumChunk: 1024) { range in
                for i in range {
                    let baseX = Int(cellOf[2 * i]), baseY = Int(cellOf[2 * i + 1])
                    var phi1 = 0.0, phiX = 0.0, phiY = 0.0, phiZ = 0.0
                    for jx in 0..<p {
                        let wx = weightOf[(2 * i) * p + jx]
                        for jy in 0..<p {
                            let w = wx * weightOf[(2 * i + 1) * p + jy]
                            let g = (baseX + jx) * size + baseY + jy
                            phi1 += w * Double(a.0[g]); phiX += w * Double(a.1[g])
                            phiY += w * Double(b.0[g]); phiZ += w * Double(b.1[g])
                        }
                    }
                    let x = y[2 * i] - middle, yy = y[2 * i + 1] - middle
                    out[2 * i] = x * phi1 - phiX
                    out[2 * i + 1] = yy * phi1 - phiY
                    sums[i] = phiZ - 1
                }
            }
        }
        return rowSums.reduce(0, +)
    }

    private mutating func withPointers(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
                                                UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
                                                UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        gridA.0.withUnsafeMutableBufferPointer { aRe in
            gridA.1.withUnsafeMutableBufferPointer { aIm in
                gridB.0.withUnsafeMutableBufferPointer { bRe in
                    gridB.1.withUnsafeMutableBufferPointer { bIm in
                        kernel.0.withUnsafeMutableBufferPointer { kRe in
                            kernel.1.withUnsafeMutableBufferPointer { kIm in
                                body(aRe.baseAddress!, aIm.baseAddress!, bRe.baseAddress!, bIm.baseAddress!,
                                     kRe.baseAddress!, kIm.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }
}
