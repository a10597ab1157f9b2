import Foundation

/// The map from output pixel to source point shared by the affine transforms and the elastic
/// field: source = A⁻¹(p - c - t) + c, plus the field's displacement at p, where p is the output
/// pixel (mirrored first when flipped), c the image centre and t the translation.
struct SourceMap {
    var ia: Float = 1, ib: Float = 0, ic: Float = 0, id: Float = 1
    var centreX: Float = 0, centreY: Float = 0
    var offsetX: Float = 0, offsetY: Float = 0
    var mirrored = false
}

/// Bilinear resampling with zeros outside the image, 8 output pixels of a row at a time.
///
/// Why vectorised: one pixel at a time cost ~12 ns (coordinates, floor, conversions and branches
/// per pixel), about half of the elastic augmentation and nearly all of the affine one. Here the
/// coordinates, floors, fractions and the blend are 8-lane vector arithmetic, the border is a
/// frame of zeros, and only the 4 x 8 neighbour loads are scalar (Swift has no gather). A first
/// version sent every block with a lane near the border to the per-pixel path: with rotations
/// that was about half the blocks, and it was no faster than before.
enum BilinearResampling {
    typealias Lanes = SIMD8<Float>

    /// Fills `target` (`channels` planes of height x width) from `source` through `map`;
    /// `field`, when given, points at the x displacement of pixel (0, 0) and at the y one, rows
    /// `fieldStride` floats apart.
    ///
    /// A row is done in blocks of 8 pixels; the last block of a row whose width is not a multiple
    /// of 8 starts at `width - 8` and recomputes a few pixels with the same formula (same bits),
    /// so every block is a full vector. Rows narrower than 8 take the per-pixel path.
    static func resample(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>,
                         channels: Int, height: Int, width: Int, map: SourceMap,
                         field: (x: UnsafePointer<Float>, y: UnsafePointer<Float>)?, fieldStride: Int) {
        let plane = height * width
        guard width >= 8 else {
            for y in 0..<height {
                for x in 0..<width {
                    let (sx, sy) = point(map, x: x, y: y, width: width, field: field, fieldStride: fieldStride)
                    for channel in 0..<channels {
                        target[channel * plane + y * width + x] = bilinear(source + channel * plane, height: height, width: width, sx, sy)
                    }
                }
            }
            return
        }
        let lane = Lanes(0, 1, 2, 3, 4, 5, 6, 7)
        let one = Lanes(repeating: 1)
        // The image is copied into a frame of 2 zero pixels on every side. A top-left neighbour
        // clamped into -2...width (or height) then reads exactly what `bilinear` reads: the
        // pixel where it is inside, zero where it is outside, and zeros for both neighbours of
        // a point 2 or more pixels out. No bounds test and no branch per pixel.
        let (framedWidth, framedHeight) = (width + 4, height + 4)
        let framedPlane = framedWidth * framedHeight
        // Adding 2^23 to a whole number below 2^23 puts it in the float's low mantissa bits: the
        // offsets are read back as integers without a per-lane conversion.
        let magic = Lanes(repeating: 0x1p23)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: channels * framedPlane) { framed in
            framed.initialize(repeating: 0)
            for channel in 0..<channels {
                for y in 0..<height {
                    (framed.baseAddress! + channel * framedPlane + (y + 2) * framedWidth + 2)
                        .update(from: source + channel * plane + y * width, count: width)
                }
            }
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 1) { scratch in
                // scratch[0]: the 8 offsets, read back lane by lane through raw loads.
                let raw = UnsafeMutableRawPointer(scratch.baseAddress!)
                for y in 0..<height {
                    let py = Float(y) - map.centreY - map.offsetY
                    var start = 0
                    while start < width {
                        start = Swift.min(start, width - 8)
                        let columns = Lanes(repeating: Float(start)) + lane
                        let outX = map.mirrored ? Lanes(repeating: Float(width - 1)) - columns : columns
                        let px = outX - map.centreX - map.offsetX
                        var sx = map.ia * px + map.ib * py + map.centreX
                        var sy = map.ic * px + map.id * py + map.centreY
                        if let field {
                            sx += UnsafeRawPointer(field.x + y * fieldStride + start).loadUnaligned(as: Lanes.self)
                            sy += UnsafeRawPointer(field.y + y * fieldStride + start).loadUnaligned(as: Lanes.self)
                        }
                        let (x0, y0) = (sx.rounded(.down), sy.rounded(.down))
                        let (fx, fy) = (sx - x0, sy - y0)
                        let column = clamp(x0, -2, Float(width)) + 2, row = clamp(y0, -2, Float(height)) + 2
                        scratch[0] = row * Float(framedWidth) + column + magic
                        let out = target + y * width + start
                        @inline(__always) func offset(_ i: Int) -> Int { Int(raw.load(fromByteOffset: 4 * i, as: UInt32.self) & 0x7F_FFFF) }
                        let o = (offset(0), offset(1), offset(2), offset(3), offset(4), offset(5), offset(6), offset(7))
                        for channel in 0..<channels {
                            let image = framed.baseAddress! + channel * framedPlane
                            // Each vector built from 8 scalar loads in registers: storing lanes to
                            // memory and loading them back as one vector stalled on store
                            // forwarding (a fifth of the resampling's time).
                            let (p00, p01) = (gather(image, o), gather(image + 1, o))
                            let (p10, p11) = (gather(image + framedWidth, o), gather(image + framedWidth + 1, o))
                            let top = p00 * (one - fx) + p01 * fx
                            let bottom = p10 * (one - fx) + p11 * fx
                            UnsafeMutableRawPointer(out + channel * plane).storeBytes(of: top * (one - fy) + bottom * fy, as: Lanes.self)
                        }
                        start += 8
                    }
                }
            }
        }
    }

    /// The 8 floats at `base + offsets`.
    @inline(__always)
    static func gather(_ base: UnsafePointer<Float>, _ o: (Int, Int, Int, Int, Int, Int, Int, Int)) -> Lanes {
        Lanes(base[o.0], base[o.1], base[o.2], base[o.3], base[o.4], base[o.5], base[o.6], base[o.7])
    }

    /// `min(max(v, low), high)` lane by lane, written out so it inlines into vector min/max
    /// (the standard library's `pointwiseMin`/`pointwiseMax` were calls, half the time spent).
    @inline(__always)
    static func clamp(_ v: Lanes, _ low: Float, _ high: Float) -> Lanes {
        var result = v
        for i in 0..<8 { result[i] = Swift.min(Swift.max(v[i], low), high) }
        return result
    }

    /// The source point of output pixel (x, y), one at a time (rows narrower than a vector).
    @inline(__always)
    static func point(_ map: SourceMap, x: Int, y: Int, width: Int,
                      field: (x: UnsafePointer<Float>, y: UnsafePointer<Float>)?, fieldStride: Int) -> (Float, Float) {
        let outX = map.mirrored ? Float(width - 1 - x) : Float(x)
        let (px, py) = (outX - map.centreX - map.offsetX, Float(y) - map.centreY - map.offsetY)
        var sx = map.ia * px + map.ib * py + map.centreX, sy = map.ic * px + map.id * py + map.centreY
        if let field { sx += field.x[y * fieldStride + x]; sy += field.y[y * fieldStride + x] }
        return (sx, sy)
    }

    /// One point, zero outside the image: the per-pixel formula of the first implementation.
    @inline(__always)
    static func bilinear(_ image: UnsafePointer<Float>, height: Int, width: Int, _ x: Float, _ y: Float) -> Float {
        let (x0f, y0f) = (x.rounded(.down), y.rounded(.down))
        guard x0f >= -1, y0f >= -1, x0f < Float(width), y0f < Float(height) else { return 0 }
        let (x0, y0) = (Int(x0f), Int(y0f))
        let (fx, fy) = (x - x0f, y - y0f)
        @inline(__always) func pixel(_ px: Int, _ py: Int) -> Float {
            px >= 0 && px < width && py >= 0 && py < height ? image[py * width + px] : 0
        }
        let top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx
        let bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx
        return top * (1 - fy) + bottom * fy
    }
}
