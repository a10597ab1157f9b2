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

/// Per-parameter state buffers, created zeroed on first use with the parameters' sizes.
///
/// Each buffer is a fixed allocation owned by a class instance, so its address stays valid
/// while the optimizer lives: `Adam` borrows every buffer at once for one parallel pass.
struct StateBuffers {
    private(set) var buffers: [StateBuffer] = []

    mutating func prepare(_ parameters: [Parameter]) {
        if buffers.count != parameters.count || zip(buffers, parameters).contains(where: { $0.count != $1.value.count }) {
            buffers = parameters.map { StateBuffer(count: $0.value.count) }
        }
    }

    func withBuffer<R>(_ index: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        body(buffers[index].base)
    }

    /// The buffer of parameter `index`, valid until the next `prepare` that resizes.
    func pointer(_ index: Int) -> UnsafeMutablePointer<Float> { buffers[index].base }
}

/// One zero-initialised Float allocation, freed with the instance.
final class StateBuffer {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
        base.initialize(repeating: 0, count: Swift.max(count, 1))
    }

    deinit { base.deallocate() }
}

/// Creating an optimizer from its command-line name.
public enum Optimizers {
    /// The names `named` accepts.
    public static let names = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"]

    /// `sgd`, `momentum` (SGD with 0.9), `nesterov`, `rmsprop`, `adam` (L2 weight decay added to
    /// the gradient) or `adamw` (decoupled weight decay).
    public static func named(_ name: String, learningRate: Float, weightDecay: Float = 0) throws -> any Optimizer {
        switch name.lowercased() {
        case "sgd": return SGD(learningRate: learningRate, weightDecay: weightDecay)
        case "momentum": return SGD(learningRate: learningRate, momentum: 0.9, weightDecay: weightDecay)
        case "nesterov": return SGD(learningRate: learningRate, momentum: 0.9, nesterov: true, weightDecay: weightDecay)
        case "rmsprop": return RMSprop(learningRate: learningRate, weightDecay: weightDecay)
        case "adam": return Adam(learningRate: learningRate, weightDecay: weightDecay)
        case "adamw": return AdamW(learningRate: learningRate, weightDecay: weightDecay)
        default: throw NeuralNetError.invalidArgument("unknown optimizer '\(name)'; expected \(names.joined(separator: ", "))")
        }
    }
}
