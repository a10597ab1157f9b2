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
            for y in 0..<height {
                for x in 0..<width {
                    let outX = mirrored ? Float(width - 1 - x) : Float(x)
                    let (px, py) = (outX - cx - offsetX, Float(y) - cy - offsetY)
                    var sx = ia * px + ib * py + cx, sy = ic * px + id * py + cy
                    if hasField { sx += scratch.fieldX[y * width + x]; sy += scratch.fieldY[y * width + x] }
                    for channel in 0..<channels {
                        target[channel * plane + y * width + x] = bilinear(source + channel * plane, sx, sy)
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
        @inline(__always) func pixel(_ px: Int, _ py: Int) -> Float {
            px >= 0 && px < width && py >= 0 && py < height ? image[py * width + px] : 0
        }
        let top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx
        let bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx
        return top * (1 - fy) + bottom * fy
    }

    /// Simard's field: uniform noise in ±1, Gaussian-smoothed (separable, zero beyond the
    /// border), times alpha; one field per axis.
    private func drawField(_ elastic: (alpha: Double, sigma: Double), generator: inout RandomGenerator, scratch: inout Scratch) {
        let plane = height * width
        if scratch.noise.count != plane {
            scratch.noise = [Float](repeating: 0, count: plane)
            scratch.smoothed = scratch.noise
            scratch.fieldX = scratch.noise
            scratch.fieldY = scratch.noise
        }
        let radius = gaussian.count / 2
        let alpha = Float(elastic.alpha)
        for axis in 0..<2 {
            for i in 0..<plane { scratch.noise[i] = generator.uniform(-1, 1) }
            for y in 0..<height {
                for x in 0..<width {
                    var total: Float = 0
                    for k in -radius...radius where x + k >= 0 && x + k < width { total += gaussian[k + radius] * scratch.noise[y * width + x + k] }
                    scratch.smoothed[y * width + x] = total
                }
            }
            for y in 0..<height {
                for x in 0..<width {
                    var total: Float = 0
                    for k in -radius...radius where y + k >= 0 && y + k < height { total += gaussian[k + radius] * scratch.smoothed[(y + k) * width + x] }
                    if axis == 0 { scratch.fieldX[y * width + x] = alpha * total } else { scratch.fieldY[y * width + x] = alpha * total }
                }
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
