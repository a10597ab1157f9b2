import Foundation
import TensorCore

/// How one `Augmentation` transforms one image `[channels, height, width]`: the per-sample
/// random draws and the resampling. Split from `Augmentation` so the value stays a plain
/// description and this file holds the pixel work.
struct SamplePlan: Sendable {
    let channels, height, width: Int
    var shift = 0
    var rotation = 0.0, scale = 0.0, shear = 0.0, translation = 0.0
    var elastic: (alpha: Double, sigma: Double)?
    var flips = false
    var erasing = 0.0
    /// The smoothing kernel of the elastic field (truncated at 3 sigma, normalized).
    var gaussian: [Float] = []

    /// Reusable per-thread buffers (the elastic fields).
    struct Scratch {
        var noise: [Float] = [], smoothed: [Float] = [], fieldX: [Float] = [], fieldY: [Float] = []
    }

    init(_ augmentation: Augmentation, channels: Int, height: Int, width: Int) {
        (self.channels, self.height, self.width) = (channels, height, width)
        for transform in augmentation.transforms {
            switch transform {
            case let .shift(p): shift = p
            case let .rotate(d): rotation = d * Double.pi / 180
            case let .scale(f): scale = f
            case let .shear(d): shear = d * Double.pi / 180
            case let .translate(f): translation = f
            case let .elastic(a, s): elastic = (a, s)
            case .flip: flips = true
            case let .erase(p): erasing = p
            }
        }
        if let elastic {
            let radius = Int((3 * elastic.sigma).rounded(.up))
            let weights = (-radius...radius).map { Foundation.exp(-Double($0 * $0) / (2 * elastic.sigma * elastic.sigma)) }
            let total = weights.reduce(0, +)
            gaussian = weights.map { Float($0 / total) }
        }
    }

    var isAffine: Bool { rotation > 0 || scale > 0 || shear > 0 || translation > 0 }

    func transform(_ source: UnsafeMutablePointer<Float>, into target: UnsafeMutablePointer<Float>,
                   generator: inout RandomGenerator, scratch: inout Scratch) {
        // Draw in a fixed order whatever is enabled, so adding one transform to a recipe does not
        // change the others' draws.
        let dx = shift > 0 ? generator.integer(below: 2 * shift + 1) - shift : 0
        let dy = shift > 0 ? generator.integer(below: 2 * shift + 1) - shift : 0
        let angle = rotation > 0 ? Double(generator.uniform(Float(-rotation), Float(rotation))) : 0
        let zoom = scale > 0 ? Double(generator.uniform(Float(1 - scale), Float(1 + scale))) : 1
        let shearAngle = shear > 0 ? Double(generator.uniform(Float(-shear), Float(shear))) : 0
        let tx = translation > 0 ? Double(generator.uniform(Float(-translation), Float(translation))) * Double(width) : 0
        let ty = translation > 0 ? Double(generator.uniform(Float(-translation), Float(translation))) * Double(height) : 0
        let mirrored = flips ? generator.uniform() < 0.5 : false
        let plane = height * width
        if !isAffine && elastic == nil {
            integerShift(source, into: target, dx: dx, dy: dy, mirrored: mirrored)
        } else {
            if let elastic { drawField(elastic, generator: &generator, scratch: &scratch) }
            // Output point p maps to source A⁻¹(p - c - t) + c, A = rotation · shear · zoom.
            let (cosine, sine) = (Foundation.cos(angle), Foundation.sin(angle))
            let shearTangent = Foundation.tan(shearAngle)
            let (a, b, c, d) = (cosine * zoom, (cosine * shearTangent - sine) * zoom, sine * zoom, (sine * shearTangent + cosine) * zoom)
            let determinant = a * d - b * c
            let (ia, ib, ic, id) = (Float(d / determinant), Float(-b / determinant), Float(-c / determinant), Float(a / determinant))
            let (cx, cy) = (Float(width - 1) / 2, Float(height - 1) / 2)
            let (offsetX, offsetY) = (Float(tx) + Float(dx), Float(ty) + Float(dy))
            let hasField = elastic != nil
            let fieldStride = SamplePlan.padded(width)
            scratch.fieldX.withUnsafeBufferPointer { fieldX in
                scratch.fieldY.withUnsafeBufferPointer { fieldY in
                    for y in 0..<height {
                        for x in 0..<width {
                            let outX = mirrored ? Float(width - 1 - x) : Float(x)
                            let (px, py) = (outX - cx - offsetX, Float(y) - cy - offsetY)
                            var sx = ia * px + ib * py + cx, sy = ic * px + id * py + cy
                            if hasField { sx += fieldX[y * fieldStride + x]; sy += fieldY[y * fieldStride + x] }
                            for channel in 0..<channels {
                                target[channel * plane + y * width + x] = bilinear(source + channel * plane, sx, sy)
                            }
                        }
                    }
                }
            }
        }
        if erasing > 0 { erase(target, generator: &generator) }
    }

    /// Copies with a whole-pixel offset (and mirror), zero outside: no interpolation needed.
    private func integerShift(_ source: UnsafeMutablePointer<Float>, into target: UnsafeMutablePointer<Float>,
                              dx: Int, dy: Int, mirrored: Bool) {
        let plane = height * width
        for channel in 0..<channels {
            let from = source + channel * plane, to = target + channel * plane
            for y in 0..<height {
                let sy = y - dy
                guard sy >= 0 && sy < height else { (to + y * width).update(repeating: 0, count: width); continue }
                for x in 0..<width {
                    let sx = (mirrored ? width - 1 - x : x) - dx
                    to[y * width + x] = sx >= 0 && sx < width ? from[sy * width + sx] : 0
                }
            }
        }
    }

    @inline(__always)
    private func bilinear(_ image: UnsafeMutablePointer<Float>, _ x: Float, _ y: Float) -> Float {
        let (x0f, y0f) = (x.rounded(.down), y.rounded(.down))
        let (x0, y0) = (Int(x0f), Int(y0f))
        guard x0 >= -1, y0 >= -1, x0 < width, y0 < height else { return 0 }
        let (fx, fy) = (x - x0f, y - y0f)
        if x0 >= 0, y0 >= 0, x0 + 1 < width, y0 + 1 < height {
            // Inside: the four neighbours without bounds tests (most pixels).
            let p = image + y0 * width + x0
            let top = p[0] * (1 - fx) + p[1] * fx
            let bottom = p[width] * (1 - fx) + p[width + 1] * fx
            return top * (1 - fy) + bottom * fy
        }
        @inline(__always) func pixel(_ px: Int, _ py: Int) -> Float {
            px >= 0 && px < width && py >= 0 && py < height ? image[py * width + px] : 0
        }
        let top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx
        let bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx
        return top * (1 - fy) + bottom * fy
    }

    /// Row length of the field buffers: the width rounded up to 32 floats, four 8-lane blocks.
    static func padded(_ length: Int) -> Int { (length + 31) / 32 * 32 }

    /// Simard's field: uniform noise in ±1, Gaussian-smoothed (separable, zero beyond the
    /// border), times alpha; one field per axis, rows `padded(width)` apart.
    ///
    /// Both passes run down the columns, "for every tap, add tap · shifted row", on rows padded
    /// to whole 32-float chunks, four independent 8-lane accumulators at a time: one dependent
    /// chain of 25 multiply-adds per output was latency-bound and cost more than the rest of
    /// the augmentation. The horizontal pass is the same column pass on the noise laid out
    /// transposed, which costs nothing: i.i.d. noise has no layout.
    private func drawField(_ elastic: (alpha: Double, sigma: Double), generator: inout RandomGenerator, scratch: inout Scratch) {
        let (height, width) = (self.height, self.width)
        let (paddedHeight, paddedWidth) = (SamplePlan.padded(height), SamplePlan.padded(width))
        let size = Swift.max(width * paddedHeight, height * paddedWidth)
        if scratch.noise.count != size {
            scratch.noise = [Float](repeating: 0, count: size)
            scratch.smoothed = scratch.noise
            scratch.fieldX = scratch.noise
            scratch.fieldY = scratch.noise
        }
        let radius = gaussian.count / 2
        let alpha = Float(elastic.alpha)
        gaussian.withUnsafeBufferPointer { taps in
            scratch.noise.withUnsafeMutableBufferPointer { noiseBuffer in
                scratch.smoothed.withUnsafeMutableBufferPointer { smoothedBuffer in
                    scratch.fieldX.withUnsafeMutableBufferPointer { xBuffer in
                        scratch.fieldY.withUnsafeMutableBufferPointer { yBuffer in
                            let (noise, smoothed) = (noiseBuffer.baseAddress!, smoothedBuffer.baseAddress!)
                            for axis in 0..<2 {
                                // noise is [width][paddedHeight] (transposed), padding zero.
                                noise.update(repeating: 0, count: size)
                                for x in 0..<width { for y in 0..<height { noise[x * paddedHeight + y] = generator.uniform(-1, 1) } }
                                SamplePlan.smoothColumns(noise, into: smoothed, rows: width, stride: paddedHeight, taps: taps, radius: radius, scale: 1)
                                // Back to [height][paddedWidth], then smooth along y into the field.
                                noise.update(repeating: 0, count: size)
                                for x in 0..<width { for y in 0..<height { noise[y * paddedWidth + x] = smoothed[x * paddedHeight + y] } }
                                let target = (axis == 0 ? xBuffer : yBuffer).baseAddress!
                                SamplePlan.smoothColumns(noise, into: target, rows: height, stride: paddedWidth, taps: taps, radius: radius, scale: alpha)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `out[r][c] = scale · Σ_k taps[k] · source[r + k][c]` for `rows` rows of `stride` floats
    /// (a multiple of 32), zero beyond the first and last row.
    @inline(__always)
    static func smoothColumns(_ source: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Int, stride: Int,
                              taps: UnsafeBufferPointer<Float>, radius: Int, scale: Float) {
        typealias Lanes = SIMD8<Float>
        for r in 0..<rows {
            let (first, last) = (Swift.max(-radius, -r), Swift.min(radius, rows - 1 - r))
            for chunk in Swift.stride(from: 0, to: stride, by: 32) {
                var (a, b, c, d) = (Lanes(), Lanes(), Lanes(), Lanes())
                for k in first...last {
                    let tap = taps[k + radius]
                    let row = UnsafeRawPointer(source + (r + k) * stride + chunk)
                    a += tap * row.loadUnaligned(fromByteOffset: 0, as: Lanes.self)
                    b += tap * row.loadUnaligned(fromByteOffset: 32, as: Lanes.self)
                    c += tap * row.loadUnaligned(fromByteOffset: 64, as: Lanes.self)
                    d += tap * row.loadUnaligned(fromByteOffset: 96, as: Lanes.self)
                }
                let target = UnsafeMutableRawPointer(out + r * stride + chunk)
                target.storeBytes(of: a * scale, toByteOffset: 0, as: Lanes.self)
                target.storeBytes(of: b * scale, toByteOffset: 32, as: Lanes.self)
                target.storeBytes(of: c * scale, toByteOffset: 64, as: Lanes.self)
                target.storeBytes(of: d * scale, toByteOffset: 96, as: Lanes.self)
            }
        }
    }

    /// torchvision's `RandomErasing` (scale 0.02-0.33, log-uniform ratio 0.3-3.3, ten tries).
    private func erase(_ image: UnsafeMutablePointer<Float>, generator: inout RandomGenerator) {
        guard Double(generator.uniform()) < erasing else { return }
        let area = Float(height * width)
        for _ in 0..<10 {
            let target = area * generator.uniform(0.02, 0.33)
            let ratio = Foundation.exp(generator.uniform(Foundation.log(0.3), Foundation.log(3.3)))
            let h = Int((target * ratio).squareRoot().rounded()), w = Int((target / ratio).squareRoot().rounded())
            guard h > 0, w > 0, h < height, w < width else { continue }
            let top = generator.integer(below: height - h + 1), left = generator.integer(below: width - w + 1)
            for channel in 0..<channels {
                for y in top..<(top + h) { (image + channel * height * width + y * width + left).update(repeating: 0, count: w) }
            }
            return
        }
    }
}
