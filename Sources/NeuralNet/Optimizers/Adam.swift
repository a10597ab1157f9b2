import Foundation
import TensorCore

/// Adam (Kingma & Ba) as PyTorch's `optim.Adam` (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, L2 weight decay
/// added to the gradient): `m = β₁m + (1-β₁)g; v = β₂v + (1-β₂)g²;
/// p -= lr · (m / (1-β₁ᵗ)) / (√(v / (1-β₂ᵗ)) + ε)`.
public final class Adam: Optimizer {
    public var learningRate: Float
    /// β₁; a one-cycle schedule moves it between 0.85 and 0.95 as PyTorch's `OneCycleLR` does.
    public var beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// The factor every value is multiplied by before the Adam step: `1 - lr·λ` for AdamW's
    /// decoupled weight decay, 1 (an exact no-op) for Adam.
    var shrink: Float = 1
    private var firstMoments = StateBuffers()
    private var secondMoments = StateBuffers()
    /// Steps taken so far (t in the bias corrections).
    public private(set) var stepCount = 0

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public var name: String { "adam" }

    public func step(_ parameters: [Parameter]) {
        firstMoments.prepare(parameters)
        secondMoments.prepare(parameters)
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = Float(1 - Foundation.pow(Double(beta1), t))
        let correction2Root = Float((1 - Foundation.pow(Double(beta2), t)).squareRoot())
        // PyTorch's form: p -= (lr / c1) · m / (√v / √c2 + ε)
        let constants = Constants(beta1: beta1, beta2: beta2, epsilon: epsilon, decay: weightDecay,
                                  stepSize: learningRate / correction1, correction2Root: correction2Root, shrink: shrink)
        // A parameter listed twice (a layer used twice) cannot be borrowed mutably twice at once:
        // update such lists one tensor after the other.
        let distinct = Set(parameters.map(ObjectIdentifier.init)).count == parameters.count
        if distinct {
            withSlots(parameters, from: 0, collected: []) { slots in Adam.update(slots, constants) }
        } else {
            for index in parameters.indices {
                withSlots([parameters[index]], from: 0, collected: [], offset: index) { slots in Adam.update(slots, constants) }
            }
        }
    }

    /// The per-step scalars of the update.
    struct Constants {
        let beta1, beta2, epsilon, decay, stepSize, correction2Root, shrink: Float
    }

    /// Pointers to one parameter's gradient, value and moment estimates.
    struct Slot: @unchecked Sendable {
        let gradient: UnsafePointer<Float>
        let value, first, second: UnsafeMutablePointer<Float>
        let count: Int
    }

    /// Borrows every parameter's storage at once (nested closures) and calls `body` with them.
    private func withSlots(_ parameters: [Parameter], from index: Int, collected: [Slot], offset: Int = 0,
                           _ body: ([Slot]) -> Void) {
        guard index < parameters.count else { body(collected); return }
        let parameter = parameters[index]
        let state = offset + index
        let first = firstMoments.pointer(state), second = secondMoments.pointer(state)
        parameter.gradient.withUnsafeBufferPointer { gradient in
            parameter.value.withUnsafeMutableBufferPointer { value in
                precondition(gradient.count == value.count, "Adam: gradient and value of '\(parameter.name)' differ in size")
                guard let g = gradient.baseAddress, let p = value.baseAddress else {
                    withSlots(parameters, from: index + 1, collected: collected, offset: offset, body)
                    return
                }
                withSlots(parameters, from: index + 1,
                          collected: collected + [Slot(gradient: g, value: p, first: first, second: second, count: value.count)],
                          offset: offset, body)
            }
        }
    }

    /// Updates every slot. The work is element-wise and memory-bound, so all parameters are
    /// laid end to end and cut into one contiguous range per core: one dispatch per step
    /// instead of one per large tensor, and the small bias vectors no longer run on one core
    /// while the other waits.
    static func update(_ slots: [Slot], _ constants: Constants) {
        let total = slots.reduce(0) { $0 + $1.count }
        HotWorkers.shared.forEachChunk(total, minimumChunk: 1 << 15) { range in
            var base = 0
            for slot in slots {
                defer { base += slot.count }
                let lower = Swift.max(range.lowerBound, base), upper = Swift.min(range.upperBound, base + slot.count)
                guard lower < upper else { continue }
                Adam.update((lower - base)..<(upper - base), gradient: UnsafeMutablePointer(mutating: slot.gradient),
                            value: slot.value, first: slot.first, second: slot.second,
                            beta1: constants.beta1, beta2: constants.beta2, epsilon: constants.epsilon,
                            decay: constants.decay, stepSize: constants.stepSize,
                            correction2Root: constants.correction2Root, shrink: constants.shrink)
            }
        }
    }

    @inline(__always)
    static func update(_ range: Range<Int>, gradient: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>,
                       first m: UnsafeMutablePointer<Float>, second v: UnsafeMutablePointer<Float>,
                       beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, decay: Float,
                       stepSize: Float, correction2Root: Float, shrink: Float) {
        let (oneMinusB1, oneMinusB2) = (1 - b1, 1 - b2)
        // Eight lanes at a time with explicit SIMD (the compiler left the four-pointer loop
        // scalar); the same IEEE operations in the same order as the scalar tail, so every lane
        // gets the bits the scalar loop would give (`laneSquareRoot` is the packed IEEE root).
        typealias Lanes = SIMD8<Float>
        let width = Lanes.scalarCount
        var i = range.lowerBound
        while i + width <= range.upperBound {
            let offset = i &* MemoryLayout<Float>.stride
            let gi = UnsafeRawPointer(gradient).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            let pi = UnsafeRawPointer(value).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            let g = gi + decay * pi
            let mi = b1 * UnsafeRawPointer(m).loadUnaligned(fromByteOffset: offset, as: Lanes.self) + oneMinusB1 * g
            let vi = b2 * UnsafeRawPointer(v).loadUnaligned(fromByteOffset: offset, as: Lanes.self) + oneMinusB2 * g * g
            UnsafeMutableRawPointer(m).storeBytes(of: mi, toByteOffset: offset, as: Lanes.self)
            UnsafeMutableRawPointer(v).storeBytes(of: vi, toByteOffset: offset, as: Lanes.self)
            let updated = pi * shrink - stepSize * mi / (laneSquareRoot(vi) / correction2Root + eps)
            UnsafeMutableRawPointer(value).storeBytes(of: updated, toByteOffset: offset, as: Lanes.self)
            i &+= width
        }
        while i < range.upperBound {
            let g = gradient[i] + decay * value[i]
            let mi = b1 * m[i] + oneMinusB1 * g
            let vi = b2 * v[i] + oneMinusB2 * g * g
            m[i] = mi
            v[i] = vi
            value[i] = value[i] * shrink - stepSize * mi / (vi.squareRoot() / correction2Root + eps)
            i &+= 1
        }
    }
}
