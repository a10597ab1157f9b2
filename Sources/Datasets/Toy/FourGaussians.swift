import TensorCore

extension Toy {
    /// Four Gaussians at `(±center, ±center)` in an XOR layout: class 1 around `(c, c)` and `(-c, -c)`,
    /// class 0 around `(c, -c)` and `(-c, c)`, a quarter of the points each (the first quarters take the
    /// remainder). No single line separates the classes, which is what it is for: one linear unit
    /// stays near 50 % while one hidden layer solves it. The course generator behind seed 004
    /// (`gen_arti(data_type=1)`) uses variance 0.1, i.e. a standard deviation of about 0.3. Rows are shuffled.
    public static func fourGaussians(samples: Int = 400, center: Double = 1, standardDeviation: Double = 0.3,
                                     seed: UInt64 = 0) throws -> ToyDataset {
        try check(samples: samples, minimum: 4, noise: standardDeviation, "four-gaussians")
        var generator = RandomGenerator(seed: seed)
        let quadrants: [(Double, Double, Int)] = [(center, center, 1), (-center, -center, 1), (center, -center, 0), (-center, center, 0)]
        var xy: [Double] = [], labels: [Int] = []
        for (q, (cx, cy, label)) in quadrants.enumerated() {
            let count = samples / 4 + (q < samples % 4 ? 1 : 0)
            for _ in 0..<count {
                xy.append(cx + standardDeviation * generator.normal())
                xy.append(cy + standardDeviation * generator.normal())
                labels.append(label)
            }
        }
        return ToyDataset(name: "four-gaussians", features: points(xy, noise: 0, generator: &generator), labels: labels).shuffled(&generator)
    }
}
