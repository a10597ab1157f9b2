/// The transforms of Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, 2015), with
///
///     Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
///     G  = [[1, 0, 0], [½, ½, ½], [½, -½, ½], [0, 0, 1]]
///     Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]
///
/// so that the 2×2 correlation outputs of a 4×4 input window `d` with a 3×3 filter `g` are
/// `Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`. Summed over input channels, the element-wise product becomes 16
/// matrix products, one per position `ξ` of the 4×4 transformed tile.
///
/// Each forward transform has its adjoint here (the transpose, applied in `backward`), so that
/// the gradient is the exact gradient of what the forward computed, not of a direct convolution.
/// A transformed tile is 16 values written or read at `base + ξ · stride` (`ξ = 4·row + column`),
/// `stride` being the size of one of the 16 matrices; the tiles of a matrix are contiguous.
enum WinogradTransforms {
    typealias Lanes = SIMD8<Float>

    /// `U = G g Gᵀ` of the 3×3 filter at `filter` (row-major).
    @inline(__always)
    static func filter(_ g: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, stride: Int) {
        // Rows: t = G g (4×3).
        var t = (SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>())
        let g0 = SIMD4<Float>(g[0], g[1], g[2], 0), g1 = SIMD4<Float>(g[3], g[4], g[5], 0), g2 = SIMD4<Float>(g[6], g[7], g[8], 0)
        t.0 = g0
        t.1 = 0.5 * (g0 + g1 + g2)
        t.2 = 0.5 * (g0 - g1 + g2)
        t.3 = g2
        // Columns: U = t Gᵀ.
        func columns(_ r: SIMD4<Float>, _ a: Int) {
            u[(4 &* a) &* stride] = r[0]
            u[(4 &* a &+ 1) &* stride] = 0.5 * (r[0] + r[1] + r[2])
            u[(4 &* a &+ 2) &* stride] = 0.5 * (r[0] - r[1] + r[2])
            u[(4 &* a &+ 3) &* stride] = r[2]
        }
        columns(t.0, 0); columns(t.1, 1); columns(t.2, 2); columns(t.3, 3)
    }

    /// The adjoint of `filter`: `dg = Gᵀ dU G`, written over the 3×3 gradient at `dg`.
    @inline(__always)
    static func filterGradient(_ du: UnsafePointer<Float>, stride: Int, into dg: UnsafeMutablePointer<Float>) {
        func row(_ a: Int) -> SIMD4<Float> {
            // Columns of row a: (dU G)[a] = (u0 + ½u1 + ½u2, ½u1 - ½u2, ½u1 + ½u2 + u3).
            let u0 = du[(4 &* a) &* stride], u1 = du[(4 &* a &+ 1) &* stride]
            let u2 = du[(4 &* a &+ 2) &* stride], u3 = du[(4 &* a &+ 3) &* stride]
            return SIMD4<Float>(u0 + 0.5 * u1 + 0.5 * u2, 0.5 * u1 - 0.5 * u2, 0.5 * u1 + 0.5 * u2 + u3, 0)
        }
        let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
        let d0 = r0 + 0.5 * r1 + 0.5 * r2, d1 = 0.5 * r1 - 0.5 * r2, d2 = 0.5 * r1 + 0.5 * r2 + r3
        for j in 0..<3 { dg[j] = d0[j]; dg[3 &+ j] = d1[j]; dg[6 &+ j] = d2[j] }
    }

    /// `V = Bᵀ d B` of the 4×4 windows of one channel, from the zero-framed channel split into its
    /// even and odd columns (`even[r][x]` = frame column `2x`, `odd[r][x]` = column `2x + 1`,
    /// rows of `pitch` floats, a multiple of 8): tile `(ty, tx)` reads frame rows `2·ty ..< 2·ty + 4`
    /// and columns `2·tx ..< 2·tx + 4`, i.e. `even`/`odd` at `tx` and `tx + 1`; tile
    /// `ty · tilesWide + tx` is written at `v + tile + ξ · stride`.
    ///
    /// With the columns split, both steps are unit-stride 8-lane vector operations: rows first
    /// (`Bᵀ d`) into `rows` (8 rows of `pitch + 8` floats: even then odd halves), then the columns
    /// of 8 tiles at once. The stores write whole vectors: up to 7 values past a tile row's end,
    /// which the caller must let land on tiles written later (or on padding).
    @inline(__always)
    static func input(even: UnsafePointer<Float>, odd: UnsafePointer<Float>, pitch: Int, tilesHigh: Int, tilesWide: Int,
                      rows: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int) {
        let rowsPitch = pitch &+ 8
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
        @inline(__always) func store(_ value: Lanes, _ p: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(p).storeBytes(of: value, as: Lanes.self)
        }
        for ty in 0..<tilesHigh {
            for side in 0..<2 {
                let half = 4 &* side
                let d0 = (side == 0 ? even : odd) + (2 &* ty) &* pitch
                var x = 0
                while x < pitch {
                    let (x0, x1, x2, x3) = (load(d0 + x), load(d0 + (pitch &+ x)), load(d0 + (2 &* pitch &+ x)), load(d0 + (3 &* pitch &+ x)))
                    store(x0 - x2, rows + (half &* rowsPitch &+ x))
                    store(x1 + x2, rows + ((half &+ 1) &* rowsPitch &+ x))
                    store(x2 - x1, rows + ((half &+ 2) &* rowsPitch &+ x))
                    store(x1 - x3, rows + ((half &+ 3) &* rowsPitch &+ x))
                    x &+= 8
                }
            }
            let tile = v + ty &* tilesWide
            for a in 0..<4 {
                let (e, o) = (rows + a &* rowsPitch, rows + (4 &+ a) &* rowsPitch)
                let row = tile + (4 &* a) &* stride
                var x = 0
                while x < tilesWide {
                    let (e0, e1, o0, o1) = (load(e + x), load(e + (x &+ 1)), load(o + x), load(o + (x &+ 1)))
                    store(e0 - e1, row + x)
                    store(o0 + e1, row + (stride &+ x))
                    store(e1 - o0, row + (2 &* stride &+ x))
                    store(o0 - o1, row + (3 &* stride &+ x))
                    x &+= 8
                }
            }
        }
    }

    /// The adjoint of `input`: `B dV Bᵀ` of every tile added into `frame` (overlapping windows
    /// add), which must hold zeros or earlier sums.
    @inline(__always)
    static func inputGradient(_ dv: UnsafePointer<Float>, stride: Int, tilesHigh: Int, tilesWide: Int,
                              rows: UnsafeMutablePointer<Float>, into frame: UnsafeMutablePointer<Float>, pitch: Int) {
        let width = 2 &* tilesWide &+ 2
        let (t0, t1, t2, t3) = (rows, rows + width, rows + 2 &* width, rows + 3 &* width)
        for ty in 0..<tilesHigh {
            let tile = dv + ty &* tilesWide
            // Columns (dV B)ᵀ per tile row a, added into rows t_a (windows overlap by 2 columns).
            for a in 0..<4 {
                let t = rows + a &* width
                t.update(repeating: 0, count: width)
                let row = tile + (4 &* a) &* stride
                let (v0, v1, v2, v3) = (row, row + stride, row + 2 &* stride, row + 3 &* stride)
                for tx in 0..<tilesWide {
                    let q = 2 &* tx
                    t[q] += v0[tx]
                    t[q &+ 1] += v1[tx] - v2[tx] + v3[tx]
                    t[q &+ 2] += v1[tx] + v2[tx] - v0[tx]
                    t[q &+ 3] -= v3[tx]
                }
            }
            // Rows: B applied to (t0, t1, t2, t3), added into frame rows 2·ty ..< 2·ty + 4.
            let d0 = frame + (2 &* ty) &* pitch
            let (d1, d2, d3) = (d0 + pitch, d0 + 2 &* pitch, d0 + 3 &* pitch)
            for q in 0..<width {
                d0[q] += t0[q]
                d1[q] += t1[q] - t2[q] + t3[q]
                d2[q] += t1[q] + t2[q] - t0[q]
                d3[q] -= t3[q]
            }
        }
    }

    /// `Y = Aᵀ M A` of `count` tiles (tile `t` read at `m + t + ξ · stride`), written as four
    /// arrays `y + (2·i + j) · pitch + t` (output `(i, j)` of each tile). The tiles of one output
    /// channel are contiguous across a whole group, so this runs 8 tiles per instruction; the
    /// arrays are then interleaved into the NCHW plane by `place`.
    @inline(__always)
    static func output(_ m: UnsafePointer<Float>, stride: Int, count: Int, into y: UnsafeMutablePointer<Float>, pitch: Int) {
        @inline(__always) func load(_ xi: Int, _ t: Int) -> Lanes {
            UnsafeRawPointer(m + (xi &* stride &+ t)).loadUnaligned(as: Lanes.self)
        }
        @inline(__always) func store(_ value: Lanes, _ k: Int, _ t: Int) {
            UnsafeMutableRawPointer(y + (k &* pitch &+ t)).storeBytes(of: value, as: Lanes.self)
        }
        var t = 0
        while t &+ 8 <= count {
            // Rows of Aᵀ M: r0 = M0 + M1 + M2, r1 = M1 - M2 - M3 (M_a = row a of the tile).
            let (m4, m5, m6, m7) = (load(4, t), load(5, t), load(6, t), load(7, t))
            let (m8, m9, m10, m11) = (load(8, t), load(9, t), load(10, t), load(11, t))
            let r00 = load(0, t) + m4 + m8, r01 = load(1, t) + m5 + m9, r02 = load(2, t) + m6 + m10, r03 = load(3, t) + m7 + m11
            let r10 = m4 - m8 - load(12, t), r11 = m5 - m9 - load(13, t), r12 = m6 - m10 - load(14, t), r13 = m7 - m11 - load(15, t)
            store(r00 + r01 + r02, 0, t)
            store(r01 - r02 - r03, 1, t)
            store(r10 + r11 + r12, 2, t)
            store(r11 - r12 - r13, 3, t)
            t &+= 8
        }
        while t < count {
            let m4 = m[4 &* stride &+ t], m5 = m[5 &* stride &+ t], m6 = m[6 &* stride &+ t], m7 = m[7 &* stride &+ t]
            let m8 = m[8 &* stride &+ t], m9 = m[9 &* stride &+ t], m10 = m[10 &* stride &+ t], m11 = m[11 &* stride &+ t]
            let r00 = m[t] + m4 + m8, r01 = m[stride &+ t] + m5 + m9
            let r02 = m[2 &* stride &+ t] + m6 + m10, r03 = m[3 &* stride &+ t] + m7 + m11
            let r10 = m4 - m8 - m[12 &* stride &+ t], r11 = m5 - m9 - m[13 &* stride &+ t]
            let r12 = m6 - m10 - m[14 &* stride &+ t], r13 = m7 - m11 - m[15 &* stride &+ t]
            y[t] = r00 + r01 + r02
            y[pitch &+ t] = r01 - r02 - r03
            y[2 &* pitch &+ t] = r10 + r11 + r12
            y[3 &* pitch &+ t] = r11 - r12 - r13
            t &+= 1
        }
    }

    /// One sample's tile outputs (the four arrays of `output`, from `y`) interleaved into its
    /// `height × width` plane, plus `bias` (then `max(0, ·)` when `rectified`); the last tile row
    /// and column are cropped when a side is odd.
    @inline(__always)
    static func place(_ y: UnsafePointer<Float>, pitch: Int, tilesHigh: Int, tilesWide: Int, bias: Float, rectified: Bool,
                      into plane: UnsafeMutablePointer<Float>, height: Int, width: Int) {
        let pairs = width >> 1
        for ty in 0..<tilesHigh {
            for i in 0..<Swift.min(2, height &- 2 &* ty) {
                let (left, right) = (y + (2 &* i &* pitch &+ ty &* tilesWide), y + ((2 &* i &+ 1) &* pitch &+ ty &* tilesWide))
                let row = plane + (2 &* ty &+ i) &* width
                if rectified {
                    for tx in 0..<pairs {
                        row[2 &* tx] = Swift.max(left[tx] + bias, 0)
                        row[2 &* tx &+ 1] = Swift.max(right[tx] + bias, 0)
                    }
                    if width & 1 == 1 { row[width &- 1] = Swift.max(left[pairs] + bias, 0) }
                } else {
                    for tx in 0..<pairs {
                        row[2 &* tx] = left[tx] + bias
                        row[2 &* tx &+ 1] = right[tx] + bias
                    }
                    if width & 1 == 1 { row[width &- 1] = left[pairs] + bias }
                }
            }
        }
    }

    /// The adjoint of `place` (bias and cropping aside): one sample's output-gradient plane split
    /// into the four arrays `y + (2·i + j) · pitch + t`, zeros where a tile's output was cropped.
    @inline(__always)
    static func split(_ plane: UnsafePointer<Float>, height: Int, width: Int, tilesHigh: Int, tilesWide: Int,
                      into y: UnsafeMutablePointer<Float>, pitch: Int) {
        let pairs = width >> 1
        for ty in 0..<tilesHigh {
            for i in 0..<2 {
                let (left, right) = (y + (2 &* i &* pitch &+ ty &* tilesWide), y + ((2 &* i &+ 1) &* pitch &+ ty &* tilesWide))
                let r = 2 &* ty &+ i
                guard r < height else {
                    left.update(repeating: 0, count: tilesWide)
                    right.update(repeating: 0, count: tilesWide)
                    continue
                }
                let row = plane + r &* width
                for tx in 0..<pairs {
                    left[tx] = row[2 &* tx]
                    right[tx] = row[2 &* tx &+ 1]
                }
                if width & 1 == 1 { left[pairs] = row[width &- 1]; right[pairs] = 0 }
            }
        }
    }

    /// The adjoint of `output`: `dM = A dY Aᵀ` of `count` tiles, the tiles' output gradients read
    /// from the four arrays of `split`, written at `dm + t + ξ · stride`.
    @inline(__always)
    static func outputGradient(_ y: UnsafePointer<Float>, pitch: Int, count: Int, into dm: UnsafeMutablePointer<Float>, stride: Int) {
        @inline(__always) func load(_ k: Int, _ t: Int) -> Lanes {
            UnsafeRawPointer(y + (k &* pitch &+ t)).loadUnaligned(as: Lanes.self)
        }
        @inline(__always) func store(_ value: Lanes, _ xi: Int, _ t: Int) {
            UnsafeMutableRawPointer(dm + (xi &* stride &+ t)).storeBytes(of: value, as: Lanes.self)
        }
        var t = 0
        while t &+ 8 <= count {
            let (y00, y01, y10, y11) = (load(0, t), load(1, t), load(2, t), load(3, t))
            // Rows of A dY: (y0, y0 + y1, y0 - y1, -y1); then the same on the columns.
            @inline(__always) func columns(_ c0: Lanes, _ c1: Lanes, _ a: Int) {
                store(c0, 4 &* a, t)
                store(c0 + c1, 4 &* a &+ 1, t)
                store(c0 - c1, 4 &* a &+ 2, t)
                store(-c1, 4 &* a &+ 3, t)
            }
            columns(y00, y01, 0); columns(y00 + y10, y01 + y11, 1); columns(y00 - y10, y01 - y11, 2); columns(-y10, -y11, 3)
            t &+= 8
        }
        while t < count {
            let y00 = y[t], y01 = y[pitch &+ t], y10 = y[2 &* pitch &+ t], y11 = y[3 &* pitch &+ t]
            @inline(__always) func columns(_ c0: Float, _ c1: Float, _ a: Int) {
                dm[(4 &* a) &* stride &+ t] = c0
                dm[(4 &* a &+ 1) &* stride &+ t] = c0 + c1
                dm[(4 &* a &+ 2) &* stride &+ t] = c0 - c1
                dm[(4 &* a &+ 3) &* stride &+ t] = -c1
            }
            columns(y00, y01, 0); columns(y00 + y10, y01 + y11, 1); columns(y00 - y10, y01 - y11, 2); columns(-y10, -y11, 3)
            t &+= 1
        }
    }
}
