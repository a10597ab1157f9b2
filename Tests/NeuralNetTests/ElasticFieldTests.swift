import Foundation
@testable import NeuralNet
import TensorCore
import Testing

/// The batched elastic field (`ElasticField`, two sgemm calls per block) against a direct
/// zero-padded convolution, and its statistics against the per-sample implementation it replaced.
@Suite("Elastic field: batched smoothing equals the direct convolution")
struct ElasticFieldTests {
    /// Simard's kernel as `SamplePlan` builds it (3 sigma, normalized).
    static func taps(sigma: Double) -> [Float] {
        SamplePlan(Augmentation([.elastic(alpha: 1, sigma: sigma)]), channels: 1, height: 28, width: 28).gaussian
    }

    /// `alpha · Σ_i Σ_j g[i] g[j] u[y + i][x + j]`, zero beyond the border: the reference.
    static func convolve(_ noise: [Float], height: Int, width: Int, taps: [Float], alpha: Float) -> [Float] {
        let radius = taps.count / 2
        var out = [Float](repeating: 0, count: height * width)
        for y in 0..<height {
            for x in 0..<width {
                var sum = 0.0
                for i in -radius...radius where (0..<height).contains(y + i) {
                    for j in -radius...radius where (0..<width).contains(x + j) {
                        sum += Double(taps[i + radius]) * Double(taps[j + radius]) * Double(noise[(y + i) * width + x + j])
                    }
                }
                out[y * width + x] = alpha * Float(sum)
            }
        }
        return out
    }

    @Test(arguments: [(28, 28, 4.0, 34.0), (20, 28, 2.0, 8.0), (9, 13, 1.5, 3.0)])
    func smoothingEqualsTheDirectConvolution(height: Int, width: Int, sigma: Double, alpha: Double) {
        let taps = Self.taps(sigma: sigma)
        var field = ElasticField(height: height, width: width, capacity: 3, alpha: alpha, taps: taps)
        var generator = RandomGenerator(seed: 5)
        for sample in 0..<3 { field.drawNoise(sample: sample, generator: &generator) }
        field.smooth()
        for sample in 0..<3 {
            for axis in 0..<2 {
                let base = field.offset(sample: sample, axis: axis)
                let noise = (0..<(height * width)).map { field.noise[base + ($0 / width) * field.rowStride + $0 % width] }
                #expect(noise.allSatisfy { $0 >= -1 && $0 < 1 })
                let expected = Self.convolve(noise, height: height, width: width, taps: taps, alpha: Float(alpha))
                let actual = (0..<(height * width)).map { field.fields[base + ($0 / width) * field.rowStride + $0 % width] }
                let differences = zip(expected, actual).map { abs($0 - $1) }
                #expect(differences.allSatisfy { $0 < 1e-5 * Float(alpha) }, "largest difference \(differences.max()!)")
            }
        }
    }

    /// The old per-sample field: `uniform(-1, 1)` noise, then the same truncated smoothing.
    static func referenceField(generator: inout RandomGenerator, taps: [Float], alpha: Float) -> [Float] {
        let noise = (0..<784).map { _ in generator.uniform(-1, 1) }
        return convolve(noise, height: 28, width: 28, taps: taps, alpha: alpha)
    }

    @Test func displacementStatisticsMatchTheReference() {
        let taps = Self.taps(sigma: 4)
        let samples = 160
        var field = ElasticField(height: 28, width: 28, capacity: 16, alpha: 34, taps: taps)
        var new: [[Double]] = Array(repeating: [], count: 784), old = new
        var generator = RandomGenerator(seed: 11), referenceGenerator = RandomGenerator(seed: 12)
        for _ in 0..<(samples / 16) {
            for sample in 0..<16 { field.drawNoise(sample: sample, generator: &generator) }
            field.smooth()
            for sample in 0..<16 {
                for axis in 0..<2 {
                    let base = field.offset(sample: sample, axis: axis)
                    let reference = Self.referenceField(generator: &referenceGenerator, taps: taps, alpha: 34)
                    for p in 0..<784 {
                        new[p].append(Double(field.fields[base + (p / 28) * field.rowStride + p % 28]))
                        old[p].append(Double(reference[p]))
                    }
                }
            }
        }
        func deviation(_ values: [Double]) -> Double {
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        }
        // Theory at the centre: alpha · sqrt(1/3) · Σ g² (both axes' taps all inside the image).
        let squares = Double(taps.map { $0 * $0 }.reduce(0, +))
        let theory = 34 * (1.0 / 3).squareRoot() * squares
        for (name, pixel) in [("centre", 14 * 28 + 14), ("corner", 0), ("edge", 14 * 28)] {
            let (a, b) = (deviation(new[pixel]), deviation(old[pixel]))
            #expect(abs(a - b) / b < 0.15, "\(name): displacement std \(a) batched vs \(b) reference")
            if name == "centre" { #expect(abs(a - theory) / theory < 0.1, "centre std \(a), theory \(theory)") }
        }
        let (allNew, allOld) = (new.flatMap { $0 }, old.flatMap { $0 })
        let (a, b) = (deviation(allNew), deviation(allOld))
        #expect(abs(a - b) / b < 0.05, "displacement std over all pixels \(a) batched vs \(b) reference")
        #expect(abs(allNew.reduce(0, +) / Double(allNew.count)) < 0.05 * a, "mean displacement near zero")
    }

    @Test func samplesDoNotDependOnHowTheBatchIsSplit() {
        let count = 40
        let batch = Tensor(shape: [count, 2, 28, 28], elements: (0..<(count * 1568)).map { Float(($0 &* 31) % 101) / 100 })
        let plan = SamplePlan(Augmentation([.rotate(degrees: 10), .elastic(alpha: 34, sigma: 4), .erase(probability: 0.5)]),
                              channels: 2, height: 28, width: 28)
        var whole = [Float](repeating: 0, count: count * 1568), pieces = whole
        var source = batch.elements
        source.withUnsafeMutableBufferPointer { source in
            whole.withUnsafeMutableBufferPointer { plan.transform(samples: 0..<count, from: source.baseAddress!, into: $0.baseAddress!, length: 1568, seed: 9, batchCount: count) }
            pieces.withUnsafeMutableBufferPointer { target in
                for range in [0..<7, 7..<23, 23..<24, 24..<40] {
                    plan.transform(samples: range, from: source.baseAddress!, into: target.baseAddress!, length: 1568, seed: 9, batchCount: count)
                }
            }
        }
        #expect(whole == pieces)
        let augmentation = Augmentation([.elastic(alpha: 34, sigma: 4)])
        #expect(augmentation.apply(to: batch, seed: 3) == augmentation.apply(to: batch, seed: 3), "same seed, same bits")
        #expect(augmentation.apply(to: batch, seed: 3) != augmentation.apply(to: batch, seed: 4))
    }
}
