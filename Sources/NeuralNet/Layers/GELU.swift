import Foundation
import TensorCore

/// The Gaussian error linear unit in its exact form, PyTorch's default `nn.GELU()`:
/// `x · Φ(x) = x/2 · (1 + erf(x/√2))`; derivative `Φ(x) + x · φ(x)`, φ the standard normal
/// density. (Not the tanh approximation, which differs by up to ~1e-3.)
public final class GELU: Layer {
    private var input = Tensor.empty
    public init() {}
    public var kind: String { "GELU" }
    public var description: String { "GELU" }
    public var specification: LayerSpecification { .gelu }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        self.input = input
        return input.map { x in 0.5 * x * (1 + Foundation.erf(x * Float(0.5).squareRoot())) }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        let inverseRootTwoPi = 1 / Float(2 * Double.pi).squareRoot()
        return Tensor.filled(input.shape) { dx in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { dy in
                    for i in 0..<x.count {
                        let v = x[i]
                        let cdf = 0.5 * (1 + Foundation.erf(v * Float(0.5).squareRoot()))
                        let density = inverseRootTwoPi * Foundation.exp(-0.5 * v * v)
                        dx[i] = dy[i] * (cdf + v * density)
                    }
                }
            }
        }
    }
}
