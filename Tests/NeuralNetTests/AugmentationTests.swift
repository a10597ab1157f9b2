import Foundation
import NeuralNet
import TensorCore
import Testing

@Suite("Augmentation: seeded, per sample, what each transform does")
struct AugmentationTests {
    /// One 1x9x9 image with a single bright pixel at (row 4, column 2), repeated `count` times.
    static func dots(_ count: Int, channels: Int = 1) -> Tensor {
        var pixels = [Float](repeating: 0, count: count * channels * 81)
        for sample in 0..<count { for c in 0..<channels { pixels[(sample * channels + c) * 81 + 4 * 9 + 2] = 1 } }
        return Tensor(shape: [count, channels, 9, 9], elements: pixels)
    }

    @Test func parsingAndItsErrors() throws {
        let parsed = try Augmentation(parsing: "shift:2,rotate:10,scale:0.1,shear:5,translate:0.1,elastic:34:4,flip,erase:0.5")
        #expect(parsed.transforms.count == 8)
        #expect(try Augmentation(parsing: parsed.summary) == parsed)
        #expect(try Augmentation(parsing: "crop:4").transforms == [.shift(pixels: 4)])
        for bad in ["shift", "shift:1.5", "rotate:400", "blur:2", "flip:1", "", "elastic:-1"] {
            #expect(throws: NeuralNetError.self, "\(bad)") { try Augmentation(parsing: bad) }
        }
    }

    @Test func shiftsMoveWholePixelsAndAreSeeded() {
        let batch = Self.dots(40)
        let augmentation = Augmentation([.shift(pixels: 2)])
        let once = augmentation.apply(to: batch, seed: 7)
        #expect(once == augmentation.apply(to: batch, seed: 7), "same seed, same batch")
        #expect(once != augmentation.apply(to: batch, seed: 8))
        var offsets = Set<[Int]>()
        for sample in 0..<40 {
            let image = Array(once.elements[(sample * 81)..<((sample + 1) * 81)])
            #expect(image.reduce(0, +) == 1, "a shift of at most 2 keeps the dot inside")
            let position = image.firstIndex(of: 1)!
            let (dy, dx) = (position / 9 - 4, position % 9 - 2)
            #expect(abs(dx) <= 2 && abs(dy) <= 2)
            offsets.insert([dx, dy])
        }
        #expect(offsets.count > 10, "samples draw their own offsets")
    }

    @Test func flipsMirrorAboutHalfTheSamples() {
        let flipped = Augmentation([.flip]).apply(to: Self.dots(100), seed: 3)
        var mirrored = 0
        for sample in 0..<100 {
            let image = flipped.elements[(sample * 81)..<((sample + 1) * 81)]
            if image[sample * 81 + 4 * 9 + 6] == 1 { mirrored += 1 } else { #expect(image[sample * 81 + 4 * 9 + 2] == 1) }
        }
        #expect(mirrored > 30 && mirrored < 70)
    }

    @Test func affineAndElasticKeepTheImageRoughlyInPlace() {
        let batch = Self.dots(20, channels: 3)
        for augmentation in [Augmentation([.rotate(degrees: 15), .scale(fraction: 0.1), .shear(degrees: 10), .translate(fraction: 0.05)]),
                             Augmentation([.elastic(alpha: 4, sigma: 2)])] {
            let result = augmentation.apply(to: batch, seed: 1)
            #expect(result.shape == batch.shape)
            for plane in 0..<60 {
                let image = Array(result.elements[(plane * 81)..<((plane + 1) * 81)])
                let mass = image.reduce(0, +)
                #expect(mass > 0.3 && mass < 2, "bilinear resampling spreads the dot, it does not lose it")
                let centreX = zip(image.indices, image).reduce(Float(0)) { $0 + Float($1.0 % 9) * $1.1 } / mass
                #expect(abs(centreX - 2) < 2.5)
            }
            // The three channels of a sample move together.
            for sample in 0..<20 {
                let base = sample * 243
                #expect(Array(result.elements[base..<(base + 81)]) == Array(result.elements[(base + 81)..<(base + 162)]))
            }
        }
    }

    @Test func erasingBlanksARectangleInEveryChannel() {
        let ones = Tensor(shape: [50, 2, 10, 10], elements: [Float](repeating: 1, count: 10_000))
        let erased = Augmentation([.erase(probability: 1)]).apply(to: ones, seed: 2)
        for sample in 0..<50 {
            let first = Array(erased.elements[(sample * 200)..<(sample * 200 + 100)])
            let zeros = first.filter { $0 == 0 }.count
            #expect(zeros >= 2 && zeros <= 40, "2-33 % of the area, rounded")
            #expect(first == Array(erased.elements[(sample * 200 + 100)..<(sample * 200 + 200)]))
        }
    }

    @Test func nonImagesAreRefused() {
        #expect(throws: NeuralNetError.self) { try Augmentation([.shift(pixels: 1)]).validate(sampleShape: [784]) }
    }
}
