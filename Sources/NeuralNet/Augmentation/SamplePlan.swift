import Foundation
import TensorCore

/// How one `Augmentation` transforms the images `[channels, height, width]` of a batch: the
/// per-sample random draws, the integer copy path and erasing. Split from `Augmentation` so the
/// value stays a plain description; the interpolating work is in `ElasticField` (the fields'
/// smoothing, batched) and `BilinearResampling` (8 pixels at a time).
struct SamplePlan: Sendable {
    let channels, height, width: Int
    var shift = 0
    var rotation = 0.0, scale = 0.0, shear = 0.0, translation = 0.0
    var elastic: (alpha: Double, sigma: Double)?
    var flips = false
    var erasing = 0.0
    /// The smoothing kernel of the elastic field (truncated at 3 sigma, normalized).
    var gaussian: [Float] = []

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

    /// Samples per elastic block: 16 images' fields (2 x 16 x 28 x 28 floats, ~100 KB per
    /// buffer) stay in the L2 cache through both products. Measured (CPU s per epoch of
    /// `elastic:34:4`, noisy): 4 and 8 about the same as 16, 32 ~0.70 against ~0.62, 64 ~1.09.
    static let elasticBlock = 16

    /// The generator of sample `sample` of the batch with seed `seed`: a SplitMix-style spread so
    /// neighbouring samples get unrelated streams.
    static func generator(seed: UInt64, sample: Int) -> RandomGenerator {
        RandomGenerator(seed: seed &+ UInt64(sample) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Transforms samples `samples` of a batch (`length` floats each) from `source` into
    /// `target`. Without an elastic field every sample is done on its own; with one, blocks of
    /// `elasticBlock` samples draw their noise, smooth it in two matrix products
    /// (`ElasticField`), then are resampled one by one.
    ///
    /// The blocks are aligned to multiples of the block size in the whole batch of `batchCount`
    /// samples, and a sample's column in the products is its index modulo that size, whatever
    /// range a core was given: so the products see the same operands in the same places and a
    /// sample's bits do not depend on how the batch is split over the cores.
    func transform(samples: Range<Int>, from source: UnsafeMutablePointer<Float>, into target: UnsafeMutablePointer<Float>,
                   length: Int, seed: UInt64, batchCount: Int) {
        guard let elastic else {
            for sample in samples {
                var generator = SamplePlan.generator(seed: seed, sample: sample)
                let map = drawMap(generator: &generator)
                if let map {
                    BilinearResampling.resample(source + sample * length, into: target + sample * length, channels: channels,
                                                height: height, width: width, map: map, field: nil, fieldStride: 0)
                } else {
                    integerShift(source + sample * length, into: target + sample * length, generator: &generator)
                }
                if erasing > 0 { erase(target + sample * length, generator: &generator) }
            }
            return
        }
        let capacity = Swift.min(SamplePlan.elasticBlock, batchCount)
        var field = ElasticField(height: height, width: width, capacity: capacity, alpha: elastic.alpha, taps: gaussian)
        var blockStart = samples.lowerBound
        while blockStart < samples.upperBound {
            let block = blockStart..<Swift.min((blockStart / capacity + 1) * capacity, samples.upperBound)
            blockStart = block.upperBound
            var generators: [RandomGenerator] = [], maps: [SourceMap] = []
            for sample in block {
                var generator = SamplePlan.generator(seed: seed, sample: sample)
                maps.append(drawMap(generator: &generator, always: true)!)
                field.drawNoise(sample: sample % capacity, generator: &generator)
                generators.append(generator)
            }
            field.smooth()
            field.fields.withUnsafeBufferPointer { fields in
                for (position, sample) in block.enumerated() {
                    let index = sample % capacity
                    let fieldPointers = (fields.baseAddress! + field.offset(sample: index, axis: 0), fields.baseAddress! + field.offset(sample: index, axis: 1))
                    BilinearResampling.resample(source + sample * length, into: target + sample * length, channels: channels,
                                                height: height, width: width, map: maps[position], field: fieldPointers, fieldStride: field.rowStride)
                    if erasing > 0 { erase(target + sample * length, generator: &generators[position]) }
                }
            }
        }
    }

    /// Draws the sample's shift, affine parameters and flip, in a fixed order whatever is enabled
    /// (so adding one transform to a recipe does not change the others' draws). Returns the map
    /// to resample through; nil, without drawing anything, when the plan is a pure integer
    /// shift/flip (unless `always`): `integerShift` then draws the shift and flip itself.
    private func drawMap(generator: inout RandomGenerator, always: Bool = false) -> SourceMap? {
        guard always || isAffine else { return nil }
        let dx = shift > 0 ? generator.integer(below: 2 * shift + 1) - shift : 0
        let dy = shift > 0 ? generator.integer(below: 2 * shift + 1) - shift : 0
        let angle = rotation > 0 ? Double(generator.uniform(Float(-rotation), Float(rotation))) : 0
        let zoom = scale > 0 ? Double(generator.uniform(Float(1 - scale), Float(1 + scale))) : 1
        let shearAngle = shear > 0 ? Double(generator.uniform(Float(-shear), Float(shear))) : 0
        let tx = translation > 0 ? Double(generator.uniform(Float(-translation), Float(translation))) * Double(width) : 0
        let ty = translation > 0 ? Double(generator.uniform(Float(-translation), Float(translation))) * Double(height) : 0
        let mirrored = flips ? generator.uniform() < 0.5 : false
        // Output point p maps to source A⁻¹(p - c - t) + c, A = rotation · shear · zoom.
        let (cosine, sine) = (Foundation.cos(angle), Foundation.sin(angle))
        let shearTangent = Foundation.tan(shearAngle)
        let (a, b, c, d) = (cosine * zoom, (cosine * shearTangent - sine) * zoom, sine * zoom, (sine * shearTangent + cosine) * zoom)
        let determinant = a * d - b * c
        return SourceMap(ia: Float(d / determinant), ib: Float(-b / determinant), ic: Float(-c / determinant), id: Float(a / determinant),
                         centreX: Float(width - 1) / 2, centreY: Float(height - 1) / 2,
                         offsetX: Float(tx) + Float(dx), offsetY: Float(ty) + Float(dy), mirrored: mirrored)
    }

    /// Copies with a whole-pixel offset (and mirror), zero outside: no interpolation needed.
    /// Draws exactly what `drawMap` draws when only shift and flip are on (the order of the
    /// first implementation, which the reports' recipes depend on).
    private func integerShift(_ source: UnsafeMutablePointer<Float>, into target: UnsafeMutablePointer<Float>,
                              generator: inout RandomGenerator) {
        let dx = shift > 0 ? generator.integer(below: 2 * shift + 1) - shift : 0
        let dy = shift > 0 ? generator.integer(below: 2 * shift + 1) - shift : 0
        let mirrored = flips ? generator.uniform() < 0.5 : false
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
