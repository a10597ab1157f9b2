import TensorCore

extension Toy {
    /// A linear regression problem, as scikit-learn's `make_regression`: features drawn from the
    /// standard normal, the first `informative` of them weighted by coefficients drawn uniformly
    /// from [0, 100), the others by 0, `target = x · coefficients + bias + noise · N(0, 1)`.
    ///
    /// The coefficients come back in `coefficients`, so a fit can be compared with the truth.
    /// Rows are shuffled (features are not, unlike scikit-learn, so `x1` stays informative).
    /// - Parameters:
    ///   - features: columns (scikit-learn's default is 100; here 1, for a line a reader can see).
    ///   - informative: columns with a non-zero coefficient (default: all).
    public static func regression(samples: Int = 100, features: Int = 1, informative: Int? = nil, bias: Double = 0,
                                  noise: Double = 0, seed: UInt64 = 0) throws -> ToyDataset {
        try check(samples: samples, noise: noise, "linear")
        guard features >= 1 else { throw DatasetError.invalidArgument("linear: the feature count must be at least 1, got \(features)") }
        let informative = min(informative ?? features, features)
        guard informative >= 0 else { throw DatasetError.invalidArgument("linear: the informative count must be >= 0") }
        var generator = RandomGenerator(seed: seed)
        let x = (0..<(samples * features)).map { _ in generator.normal() }
        let coefficients = (0..<features).map { $0 < informative ? 100 * generator.uniformDouble() : 0 }
        let targets = (0..<samples).map { i in
            var y = bias
            for j in 0..<features { y += x[i * features + j] * coefficients[j] }
            return y + (noise > 0 ? noise * generator.normal() : 0)
        }
        let data = ToyDataset(name: "linear", features: Tensor(shape: [samples, features], elements: x.map(Float.init)),
                              targets: targets, coefficients: coefficients)
        return data.shuffled(&generator)
    }
}
