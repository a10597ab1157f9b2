import Foundation
import TensorCore

/// Uniform sampling, as Optuna's `RandomSampler`, with its arithmetic (`_SearchSpaceTransform`):
/// floats uniform in [low, high) (in log space for log distributions); steps and integers uniform
/// over the range widened by half a step on each side, then rounded to the grid; a categorical
/// choice as the largest of one uniform per choice. With the same seed it proposes Optuna's values
/// (see `SamplerStreams`).
public struct RandomSampler: Sampler {
    public let seed: UInt64
    let streams: SamplerStreams
    /// How the streams are consumed: always at random, or TPE's plan when TPE starts with this.
    let plan: SamplerStreams.Plan

    public init(seed: UInt64 = 0) {
        self.init(seed: seed, streams: SamplerStreams(),
                  plan: SamplerStreams.Plan(startupTrials: .max, candidateCount: 0, multivariate: false))
    }

    init(seed: UInt64, streams: SamplerStreams, plan: SamplerStreams.Plan) {
        self.seed = seed
        self.streams = streams
        self.plan = plan
    }

    public func sampleIndependent(_ context: SamplingContext, name: String, distribution: Distribution) throws -> Double {
        var generator = try streams.generator(.random, seed: seed, plan: plan, context: context)
        return Self.sample(distribution, using: &generator)
    }

    /// One uniform draw from `distribution`, in internal form: `RandomState.uniform` over the
    /// transformed bounds, then Optuna's `_untransform_numerical_param`.
    static func sample(_ distribution: Distribution, using generator: inout MersenneTwister) -> Double {
        func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * generator.randomSample() }
        switch distribution {
        case .float(let d):
            if d.log {
                let value = Foundation.exp(uniform(Foundation.log(d.low), Foundation.log(d.high)))
                return d.low == d.high ? value : min(max(value, d.low), d.high.nextDown)
            }
            if let step = d.step {
                let x = uniform(d.low - 0.5 * step, d.high + 0.5 * step)
                return min(max(((x - d.low) / step).rounded(.toNearestOrEven) * step + d.low, d.low), d.high)
            }
            let x = uniform(d.low, d.high)
            return d.low == d.high ? x : min(x, d.high.nextDown)
        case .int(let d):
            let step = Double(d.step), half = 0.5 * step, low = Double(d.low), high = Double(d.high)
            if d.log {
                let value = Foundation.exp(uniform(Foundation.log(low - half), Foundation.log(high + half))).rounded(.toNearestOrEven)
                return min(max(value, low), high)
            }
            let index = ((uniform(low - half, high + half) - low) / step + 0.5).rounded(.down)
            return min(max(index * step + low, low), high)
        case .categorical(let d):
            // numpy.argmax over one uniform per choice: the first largest.
            var best = 0, largest = -1.0
            for choice in d.choices.indices {
                let u = generator.randomSample()
                if u > largest { (best, largest) = (choice, u) }
            }
            return Double(best)
        }
    }
}
