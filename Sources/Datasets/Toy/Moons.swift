import Foundation
import TensorCore

extension Toy {
    /// Two interleaving half circles, as scikit-learn's `make_moons`: `samples / 2` points (rounded
    /// down) on the upper unit half circle (label 0) and the rest on a lower half circle shifted to
    /// `(1 - cos t, 0.5 - sin t)` (label 1), `t` evenly spaced over [0, π] end points included, then
    /// Gaussian jitter of standard deviation `noise`. Rows are shuffled.
    public static func moons(samples: Int = 100, noise: Double = 0, seed: UInt64 = 0) throws -> ToyDataset {
        try check(samples: samples, minimum: 2, noise: noise, "moons")
        var generator = RandomGenerator(seed: seed)
        let outer = samples / 2, inner = samples - outer
        func angle(_ k: Int, _ count: Int) -> Double { count > 1 ? Double.pi * Double(k) / Double(count - 1) : 0 }
        var xy: [Double] = [], labels: [Int] = []
        for k in 0..<outer { xy += [cos(angle(k, outer)), sin(angle(k, outer))]; labels.append(0) }
        for k in 0..<inner { xy += [1 - cos(angle(k, inner)), 1 - sin(angle(k, inner)) - 0.5]; labels.append(1) }
        return ToyDataset(name: "moons", features: points(xy, noise: noise, generator: &generator), labels: labels).shuffled(&generator)
    }
}
