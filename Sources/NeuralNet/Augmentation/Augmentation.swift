import Foundation
import TensorCore

/// Random transformations of training images, drawn afresh for every sample of every batch.
///
/// ```swift
/// let augmentation = try Augmentation(parsing: "shift:2,rotate:10")
/// let trainer = Trainer(...); trainer.augmentation = augmentation
/// ```
/// Applied by `Trainer` to each gathered batch `[n, channels, height, width]` before the
/// forward pass, on raw pixels (so a shifted-in border is black, before any `Standardize`
/// layer). Every sample draws its parameters from a generator seeded by the batch's seed and
/// its position in the batch, so the result does not depend on how the batch is split over the
/// cores, and a run is repeatable from its seed.
///
/// The geometric transforms (shift, rotation, scale, shear, translation, elastic field, flip)
/// are composed into one map from output to source pixel and sampled once, bilinearly, with
/// zeros outside the image; a pure shift/flip takes an integer copy path. Random erasing runs
/// last.
public struct Augmentation: Codable, Equatable, Sendable {
    /// One kind of random change.
    public enum Transform: Codable, Equatable, Sendable {
        /// Translation by a whole number of pixels in -pixels...pixels on each axis, the uncovered
        /// border zero: a random crop of the image padded by `pixels` (`crop:N` is the same).
        case shift(pixels: Int)
        /// Rotation by an angle uniform in ±degrees about the centre.
        case rotate(degrees: Double)
        /// Zoom by a factor uniform in 1 ± fraction.
        case scale(fraction: Double)
        /// Horizontal shear by an angle uniform in ±degrees.
        case shear(degrees: Double)
        /// Sub-pixel translation uniform in ±fraction of the width and height.
        case translate(fraction: Double)
        /// Elastic distortion (Simard, Steinkraus & Platt 2003): a displacement field of uniform
        /// noise in ±1 per pixel, smoothed by a Gaussian of `sigma` pixels, scaled by `alpha`
        /// (the paper's MNIST values: alpha 34, sigma 4).
        case elastic(alpha: Double, sigma: Double)
        /// Mirror left-right with probability 1/2. Never for digits (a mirrored 2 is no digit).
        case flip
        /// Random erasing (Zhong et al. 2020) with probability p: a rectangle of 2-33 % of the
        /// area with aspect ratio 0.3-3.3 set to 0, as torchvision's `RandomErasing`.
        case erase(probability: Double)
    }

    public var transforms: [Transform]

    public init(_ transforms: [Transform]) { self.transforms = transforms }

    /// The command-line names of the transforms.
    public static let names = ["shift", "crop", "rotate", "scale", "shear", "translate", "elastic", "flip", "erase"]

    /// Parses `shift:2,rotate:10,scale:0.1,shear:10,translate:0.1,elastic:34:4,flip,erase:0.5`.
    /// - Throws: `NeuralNetError.invalidArgument` naming the item that is not understood.
    public init(parsing text: String) throws {
        var transforms: [Transform] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let name = parts[0].lowercased()
            let values = parts.dropFirst().map { Double($0) }
            func fail(_ expected: String) -> NeuralNetError {
                .invalidArgument("--augment: '\(item)' is not understood; expected \(expected)")
            }
            func one(_ range: ClosedRange<Double>, _ expected: String) throws -> Double {
                guard values.count == 1, let v = values[0], range.contains(v) else { throw fail(expected) }
                return v
            }
            switch name {
            case "shift", "crop":
                let v = try one(1...64, "\(name):N with N whole pixels in 1...64")
                guard v == v.rounded() else { throw fail("\(name):N with N a whole number of pixels") }
                transforms.append(.shift(pixels: Int(v)))
            case "rotate": transforms.append(.rotate(degrees: try one(0...180, "rotate:DEGREES in 0...180")))
            case "scale": transforms.append(.scale(fraction: try one(0...0.9, "scale:FRACTION in 0...0.9, e.g. scale:0.1")))
            case "shear": transforms.append(.shear(degrees: try one(0...60, "shear:DEGREES in 0...60")))
            case "translate": transforms.append(.translate(fraction: try one(0...0.5, "translate:FRACTION in 0...0.5")))
            case "elastic":
                guard (1...2).contains(values.count), let alpha = values[0], alpha > 0,
                      let sigma = values.count == 2 ? values[1] : 4, sigma > 0, sigma <= 16 else {
                    throw fail("elastic:ALPHA or elastic:ALPHA:SIGMA with positive values (e.g. elastic:34:4)")
                }
                transforms.append(.elastic(alpha: alpha, sigma: sigma))
            case "flip":
                guard values.isEmpty else { throw fail("flip without a value") }
                transforms.append(.flip)
            case "erase": transforms.append(.erase(probability: try one(0...1, "erase:PROBABILITY in 0...1")))
            default: throw fail("one of \(Augmentation.names.joined(separator: ", ")) (e.g. shift:2,rotate:10)")
            }
        }
        guard !transforms.isEmpty else { throw NeuralNetError.invalidArgument("--augment needs at least one transform, e.g. shift:2") }
        self.init(transforms)
    }

    /// The text `init(parsing:)` reads back.
    public var summary: String {
        transforms.map { transform -> String in
            switch transform {
            case let .shift(p): return "shift:\(p)"
            case let .rotate(d): return "rotate:\(d.shortText)"
            case let .scale(f): return "scale:\(f.shortText)"
            case let .shear(d): return "shear:\(d.shortText)"
            case let .translate(f): return "translate:\(f.shortText)"
            case let .elastic(a, s): return "elastic:\(a.shortText):\(s.shortText)"
            case .flip: return "flip"
            case let .erase(p): return "erase:\(p.shortText)"
            }
        }.joined(separator: ",")
    }

    /// True when the transforms include a horizontal flip.
    public var flips: Bool { transforms.contains(.flip) }

    /// Checks that samples are images `[channels, height, width]`.
    public func validate(sampleShape: [Int]) throws {
        guard sampleShape.count == 3, sampleShape.allSatisfy({ $0 > 0 }) else {
            throw NeuralNetError.invalidArgument("augmentation needs image samples [channels, height, width], the model takes \(sampleShape); drop --augment for tables and flat inputs")
        }
    }

    /// A new batch with every sample transformed; `seed` identifies the batch.
    public func apply(to batch: Tensor, seed: UInt64) -> Tensor {
        precondition(batch.shape.count == 4, "augmentation expects [n, channels, height, width], got \(batch.shape)")
        let plan = SamplePlan(self, channels: batch.shape[1], height: batch.shape[2], width: batch.shape[3])
        let count = batch.shape[0], length = batch.rowLength
        return Tensor.filled(batch.shape) { target in
            batch.withUnsafeBufferPointer { source in
                let (from, to) = (SendablePointer(UnsafeMutablePointer(mutating: source.baseAddress!)), SendablePointer(target))
                HotWorkers.shared.forEachChunk(count) { range in
                    plan.transform(samples: range, from: from.base, into: to.base, length: length, seed: seed, batchCount: count)
                }
            }
        }
    }
}

extension Double {
    /// "10" rather than "10.0", for summaries.
    fileprivate var shortText: String { self == rounded() && abs(self) < 1e9 ? String(Int(self)) : String(self) }
}
