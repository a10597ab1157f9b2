import Foundation
import TensorCore

extension Toy {
    /// Two interleaved spiral arms (labels 0 and 1, half the points each, the first arm taking the
    /// odd one): point `k` of an arm sits at radius `t` and angle `2π · turns · t` (plus π for the
    /// second arm), `t` evenly spaced over (0, 1], then Gaussian jitter of standard deviation `noise`.
    /// Not in scikit-learn; a classic test of how far a network bends its boundary. Rows are shuffled.
    public static func spirals(samples: Int = 200, turns: Double = 1.5, noise: Double = 0, seed: UInt64 = 0) throws -> ToyDataset {
        try check(samples: samples, minimum: 2, noise: noise, "spirals")
        guard turns > 0, turns.isFinite else { throw DatasetError.invalidArgument("spirals: turns must be positive, got \(turns)") }
        var generator = RandomGenerator(seed: seed)
        let first = samples - samples / 2
        var xy: [Double] = [], labels: [Int] = []
        for (arm, count) in [(0, first), (1, samples / 2)] {
            for k in 0..<count {
                let t = Double(k + 1) / Double(count)
                let angle = 2 * Double.pi * turns * t + Double(arm) * Double.pi
                xy += [t * cos(angle), t * sin(angle)]
                labels.append(arm)
            }
        }
        return ToyDataset(name: "spirals", features: points(xy, noise: noise, generator: &generator), labels: labels).shuffled(&generator)
    }
}
