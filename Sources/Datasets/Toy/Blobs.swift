import TensorCore

extension Toy {
    /// Isotropic Gaussian clusters, as scikit-learn's `make_blobs`: `centers` centres drawn
    /// uniformly from `centerBox` in every dimension, then `samples` points split evenly among them
    /// (the first clusters take the remainder), each centre plus `clusterStandardDeviation · N(0, I)`.
    /// The label is the cluster index. Rows are shuffled.
    public static func blobs(samples: Int = 100, features: Int = 2, centers: Int = 3, clusterStandardDeviation: Double = 1,
                             centerBox: ClosedRange<Double> = -10...10, seed: UInt64 = 0) throws -> ToyDataset {
        try check(samples: samples, noise: clusterStandardDeviation, "blobs")
        guard features >= 1, centers >= 1 else {
            throw DatasetError.invalidArgument("blobs: features and centers must be at least 1, got \(features) and \(centers)")
        }
        var generator = RandomGenerator(seed: seed)
        let centerValues = (0..<(centers * features)).map { _ in
            centerBox.lowerBound + (centerBox.upperBound - centerBox.lowerBound) * generator.uniformDouble()
        }
        return try blobs(samples: samples, centerValues: centerValues, features: features,
                         clusterStandardDeviation: clusterStandardDeviation, generator: &generator)
    }

    /// Clusters around given centres (scikit-learn's `make_blobs(centers=array)`), e.g. two blobs far
    /// enough apart to be linearly separable: `[[-2, -2], [2, 2]]`.
    public static func blobs(samples: Int = 100, centers: [[Double]], clusterStandardDeviation: Double = 1,
                             seed: UInt64 = 0) throws -> ToyDataset {
        try check(samples: samples, noise: clusterStandardDeviation, "blobs")
        guard let features = centers.first?.count, features >= 1, centers.allSatisfy({ $0.count == features }) else {
            throw DatasetError.invalidArgument("blobs: centres must be non-empty and all of the same length")
        }
        var generator = RandomGenerator(seed: seed)
        return try blobs(samples: samples, centerValues: centers.flatMap { $0 }, features: features,
                         clusterStandardDeviation: clusterStandardDeviation, generator: &generator)
    }

    private static func blobs(samples: Int, centerValues: [Double], features: Int, clusterStandardDeviation: Double,
                              generator: inout RandomGenerator) throws -> ToyDataset {
        let centers = centerValues.count / features
        var x: [Float] = [], labels: [Int] = []
        x.reserveCapacity(samples * features)
        for c in 0..<centers {
            let count = samples / centers + (c < samples % centers ? 1 : 0)
            for _ in 0..<count {
                for j in 0..<features { x.append(Float(centerValues[c * features + j] + clusterStandardDeviation * generator.normal())) }
                labels.append(c)
            }
        }
        return ToyDataset(name: "blobs", features: Tensor(shape: [samples, features], elements: x), labels: labels).shuffled(&generator)
    }
}
