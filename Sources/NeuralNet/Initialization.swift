import TensorCore

/// PyTorch's default initialisation of `nn.Linear` and `nn.ConvNd`.
///
/// Weights: `kaiming_uniform_(a: sqrt(5))`, i.e. uniform in ±gain·sqrt(3 / fanIn) with
/// gain = sqrt(2 / (1 + a²)) = sqrt(1/3), which simplifies to ±1/sqrt(fanIn).
/// Biases: uniform in ±1/sqrt(fanIn). `fanIn` is input features (Linear) or
/// input channels × kernel area (convolutions).
enum Initialization {
    static func bound(fanIn: Int) -> Float { fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0 }

    static func kaimingUniform(_ shape: [Int], fanIn: Int, generator: inout RandomGenerator) -> Tensor {
        let limit = bound(fanIn: fanIn)
        return Tensor.uniform(shape, low: -limit, high: limit, generator: &generator)
    }
}
