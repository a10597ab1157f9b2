import Foundation
import TensorCore

/// Uniform sampling, as Optuna's `RandomSampler`: floats uniform in [low, high] (in log space for
/// log distributions), steps rounded to the grid, integers as floats of the widened range
/// [low - step/2, high + step/2] rounded, categoricals uniform over the choices.
public struct RandomSampler: Sampler {
    public let seed: UInt64

    public init(seed: UInt64 = 0) {
        self.seed = seed
    }

    public func sampleIndependent(_ context: SamplingContext, name: String, distribution: Distribution) throws -> Double {
        var generator = context.generator(seed: seed, salt: name)
        return Self.sample(distribution, using: &generator)
    }

    /// One uniform draw from `distribution`, in internal form.
    public static func sample(_ distribution: Distribution, using generator: inout RandomGenerator) -> Double {
        switch distribution {
        case .float(let d):
            if d.log {
                let value = Foundation.exp(Foundation.log(d.low) + generator.uniformDouble() * (Foundation.log(d.high) - Foundation.log(d.low)))
                return min(max(value, d.low), d.high)
            }
            if let step = d.step {
                let count = Int(((d.high - d.low) / step).rounded())
                return min(d.low + Double(generator.integer(below: count + 1)) * step, d.high)
            }
            return d.low + generator.uniformDouble() * (d.high - d.low)
        case .int(let d):
            if d.log {
                // Optuna widens the log range by half a unit on each side, then rounds.
                let low = Foundation.log(Double(d.low) - 0.5), high = Foundation.log(Double(d.high) + 0.5)
                let value = Foundation.exp(low + generator.uniformDouble() * (high - low)).rounded()
                return min(max(value, Double(d.low)), Double(d.high))
            }
            let count = (d.high - d.low) / d.step
            return Double(d.low + generator.integer(below: count + 1) * d.step)
        case .categorical(let d):
            return Double(generator.integer(below: d.choices.count))
        }
    }
}
