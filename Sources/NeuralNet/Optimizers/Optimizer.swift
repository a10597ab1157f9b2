import TensorCore

/// Updates parameters from their gradients. Optimizers keep per-parameter state (momentum,
/// moment estimates) keyed by the parameter's position, so one optimizer serves one model.
public protocol Optimizer: AnyObject {
    /// Step size.
    var learningRate: Float { get set }
    /// One update of every parameter from its current gradient.
    func step(_ parameters: [Parameter])
    /// Short name for reports.
    var name: String { get }
}

/// Per-parameter state buffers, created on first use with the parameters' sizes.
struct StateBuffers {
    private(set) var buffers: [[Float]] = []

    mutating func prepare(_ parameters: [Parameter]) {
        if buffers.count != parameters.count || zip(buffers, parameters).contains(where: { $0.count != $1.value.count }) {
            buffers = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        }
    }

    mutating func withBuffer<R>(_ index: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        buffers[index].withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}

/// Creating an optimizer from its command-line name.
public enum Optimizers {
    /// `sgd`, `momentum` (SGD with 0.9), `nesterov`, `rmsprop` or `adam`.
    public static func named(_ name: String, learningRate: Float, weightDecay: Float = 0) throws -> any Optimizer {
        switch name.lowercased() {
        case "sgd": return SGD(learningRate: learningRate, weightDecay: weightDecay)
        case "momentum": return SGD(learningRate: learningRate, momentum: 0.9, weightDecay: weightDecay)
        case "nesterov": return SGD(learningRate: learningRate, momentum: 0.9, nesterov: true, weightDecay: weightDecay)
        case "rmsprop": return RMSprop(learningRate: learningRate, weightDecay: weightDecay)
        case "adam": return Adam(learningRate: learningRate, weightDecay: weightDecay)
        default: throw NeuralNetError.invalidArgument("unknown optimizer '\(name)'; expected sgd, momentum, nesterov, rmsprop or adam")
        }
    }
}
