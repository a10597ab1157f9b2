import Foundation
import TensorCore

extension Toy {
    /// A small circle inside a large one, as scikit-learn's `make_circles`: `samples / 2` points
    /// (rounded down) evenly spaced on the unit circle (label 0) and the rest on the circle of radius
    /// `factor` (label 1), angles `2πk/m` without the end point, then Gaussian jitter of standard
    /// deviation `noise`. Rows are shuffled.
    public static func circles(samples: Int = 100, noise: Double = 0, factor: Double = 0.8, seed: UInt64 = 0) throws -> ToyDataset {
        try check(samples: samples, minimum: 2, noise: noise, "circles")
        guard factor >= 0, factor < 1 else { throw DatasetError.invalidArgument("circles: factor must be in [0, 1), got \(factor)") }
        var generator = RandomGenerator(seed: seed)
        let outer = samples / 2, inner = samples - outer
        var xy: [Double] = [], labels: [Int] = []
        for (count, radius, label) in [(outer, 1.0, 0), (inner, factor, 1)] {
            for k in 0..<count {
                let angle = 2 * Double.pi * Double(k) / Double(count)
                xy += [radius * cos(angle), radius * sin(angle)]
                labels.append(label)
            }
        }
        return ToyDataset(name: "circles", features: points(xy, noise: noise, generator: &generator), labels: labels).shuffled(&generator)
    }
}
