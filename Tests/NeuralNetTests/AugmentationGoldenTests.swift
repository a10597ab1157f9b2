import Foundation
import NeuralNet
import TensorCore
import Testing

/// The reports' recipes augment with `shift` and `flip` (and `erase`); their outputs are frozen
/// here as checksums of the exact bits, taken with the code of ec8ef33 (before the elastic and
/// affine paths were batched and vectorised), so a speed change to the interpolating paths
/// cannot move a report's numbers.
@Suite("Augmentation: shift, flip and erase give the frozen bits")
struct AugmentationGoldenTests {
    /// A deterministic 28x28 batch with every pixel distinct enough to show a moved copy.
    static func batch(_ count: Int, channels: Int) -> Tensor {
        let total = count * channels * 28 * 28
        return Tensor(shape: [count, channels, 28, 28], elements: (0..<total).map { Float(($0 &* 7919) % 257) / 256 })
    }

    /// FNV-1a over the elements' bit patterns.
    static func checksum(_ tensor: Tensor) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for element in tensor.elements {
            hash ^= UInt64(element.bitPattern)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    @Test(arguments: [
        ("shift:2", 1, UInt64(12201015157883519781)),
        ("shift:2,flip", 3, UInt64(852067412047758117)),
        ("flip", 3, UInt64(17842474759324304165)),
        ("shift:2,erase:0.5", 1, UInt64(3988674008133976869)),
        ("shift:4,flip,erase:0.5", 3, UInt64(2801759334548964133)),
    ])
    func integerPathsKeepTheirBits(spec: String, channels: Int, expected: UInt64) throws {
        let augmentation = try Augmentation(parsing: spec)
        let result = augmentation.apply(to: Self.batch(128, channels: channels), seed: 12_345)
        #expect(Self.checksum(result) == expected, "\(spec)")
    }
}
