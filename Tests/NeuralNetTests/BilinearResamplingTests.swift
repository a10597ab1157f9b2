import Foundation
@testable import NeuralNet
import TensorCore
import Testing

/// The 8-lane resampler against the per-pixel formula of the first implementation, on maps that
/// keep most of the image inside and maps that push much of it outside.
@Suite("Bilinear resampling: 8 lanes equal the per-pixel formula")
struct BilinearResamplingTests {
    @Test(arguments: [(28, 28, 1), (28, 28, 3), (9, 13, 2), (5, 3, 1)])
    func vectorisedEqualsPerPixel(height: Int, width: Int, channels: Int) {
        var generator = RandomGenerator(seed: UInt64(height * 100 + width))
        let plane = height * width
        let image = (0..<(channels * plane)).map { _ in generator.uniform() }
        let fieldStride = width + 3
        for trial in 0..<40 {
            let angle = generator.uniform(-1, 1), zoom = generator.uniform(0.5, 1.5), shear = generator.uniform(-0.5, 0.5)
            let (a, b, c, d) = (cos(angle) * zoom, (cos(angle) * tan(shear) - sin(angle)) * zoom, sin(angle) * zoom, (sin(angle) * tan(shear) + cos(angle)) * zoom)
            let determinant = a * d - b * c
            let spread: Float = trial < 20 ? 2 : Float(width)   // half the trials throw points far outside
            let map = SourceMap(ia: d / determinant, ib: -b / determinant, ic: -c / determinant, id: a / determinant,
                                centreX: Float(width - 1) / 2, centreY: Float(height - 1) / 2,
                                offsetX: generator.uniform(-spread, spread), offsetY: generator.uniform(-spread, spread),
                                mirrored: trial % 2 == 1)
            let hasField = trial % 4 < 2
            let fieldX = (0..<(height * fieldStride + 8)).map { _ in generator.uniform(-3, 3) }
            let fieldY = (0..<(height * fieldStride + 8)).map { _ in generator.uniform(-3, 3) }
            var actual = [Float](repeating: .nan, count: channels * plane)
            image.withUnsafeBufferPointer { source in
                fieldX.withUnsafeBufferPointer { fx in
                    fieldY.withUnsafeBufferPointer { fy in
                        actual.withUnsafeMutableBufferPointer { target in
                            BilinearResampling.resample(source.baseAddress!, into: target.baseAddress!, channels: channels, height: height, width: width,
                                                        map: map, field: hasField ? (fx.baseAddress!, fy.baseAddress!) : nil, fieldStride: fieldStride)
                        }
                    }
                }
            }
            // The first implementation's loop, pixel by pixel.
            var (worst, unequal): (Float, Int) = (0, 0)
            image.withUnsafeBufferPointer { source in
                for y in 0..<height {
                    for x in 0..<width {
                        let outX = map.mirrored ? Float(width - 1 - x) : Float(x)
                        let (px, py) = (outX - map.centreX - map.offsetX, Float(y) - map.centreY - map.offsetY)
                        var sx = map.ia * px + map.ib * py + map.centreX, sy = map.ic * px + map.id * py + map.centreY
                        if hasField { sx += fieldX[y * fieldStride + x]; sy += fieldY[y * fieldStride + x] }
                        for channel in 0..<channels {
                            let expected = BilinearResampling.bilinear(source.baseAddress! + channel * plane, height: height, width: width, sx, sy)
                            let difference = abs(expected - actual[channel * plane + y * width + x])
                            worst = max(worst, difference)
                            if !(difference < 1e-5) { unequal += 1 }   // counts NaN, which max() skips
                        }
                    }
                }
            }
            #expect(unequal == 0, "trial \(trial): \(unequal) pixels differ, largest difference \(worst)")
        }
    }
}
