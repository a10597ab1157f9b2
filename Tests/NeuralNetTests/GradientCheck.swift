import Foundation
import NeuralNet
import TensorCore

/// Central finite differences against a layer's analytic gradients.
///
/// The scalar checked is `L = Σ output ⊙ R` for a fixed random `R` (accumulated in Double), so
/// dL/dOutput = R is what `backward` receives. Float32 forces a large step (1e-2); inputs are
/// built to stay away from kinks (ReLU at 0, pooling ties) by more than that step.
enum GradientCheck {
    struct Mismatch: CustomStringConvertible {
        var what: String; var index: Int; var analytic: Double; var numeric: Double
        var description: String { "\(what)[\(index)]: analytic \(analytic), numeric \(numeric)" }
    }

    static func weightedSum(_ output: Tensor, _ weights: Tensor) -> Double {
        var total = 0.0
        for i in 0..<output.count { total += Double(output.elements[i]) * Double(weights.elements[i]) }
        return total
    }

    /// Returns every entry (inputs and parameters) whose gradients disagree.
    static func check(_ layer: any Layer, input: Tensor, seed: UInt64 = 1, step: Float = 1e-2,
                      tolerance: Double = 2e-2, checkInput: Bool = true) -> [Mismatch] {
        var generator = RandomGenerator(seed: seed)
        let output = layer.forward(input, training: true)
        let projection = Tensor.uniform(output.shape, low: -1, high: 1, generator: &generator)
        let inputGradient = layer.backward(projection, needsInputGradient: true)
        let parameterGradients = layer.parameters.map(\.gradient)
        var mismatches: [Mismatch] = []
        func compare(_ what: String, _ index: Int, _ analytic: Float, _ numeric: Double) {
            let a = Double(analytic)
            if abs(a - numeric) > tolerance * max(1, abs(a), abs(numeric)) {
                mismatches.append(Mismatch(what: what, index: index, analytic: a, numeric: numeric))
            }
        }
        func loss(_ x: Tensor) -> Double { weightedSum(layer.forward(x, training: true), projection) }
        if checkInput {
            for i in 0..<input.count {
                var plus = input, minus = input
                plus.elements[i] += step
                minus.elements[i] -= step
                compare("input", i, inputGradient.elements[i], (loss(plus) - loss(minus)) / Double(2 * step))
            }
        }
        for (p, parameter) in layer.parameters.enumerated() {
            for i in 0..<parameter.value.count {
                let original = parameter.value.elements[i]
                parameter.value.elements[i] = original + step
                let up = loss(input)
                parameter.value.elements[i] = original - step
                let down = loss(input)
                parameter.value.elements[i] = original
                compare(parameter.name, i, parameterGradients[p].elements[i], (up - down) / Double(2 * step))
            }
        }
        return mismatches
    }

    /// Values spread over ±1 but at least `margin` away from 0 and from each other's ties:
    /// a shuffled ladder, so max pooling and ReLU have no kink within a finite-difference step.
    static func separatedInput(_ shape: [Int], seed: UInt64 = 7, margin: Float = 0.05) -> Tensor {
        let count = Tensor.count(of: shape)
        var generator = RandomGenerator(seed: seed)
        let order = generator.permutation(count)
        let values = order.map { rank -> Float in
            let v = (Float(rank) + 0.5) / Float(count) * 2 - 1     // in (-1, 1), spacing 2/count
            return v + (v >= 0 ? margin : -margin)
        }
        return Tensor(shape: shape, elements: values)
    }

    /// Checks a loss's gradient with respect to the prediction.
    static func checkLoss(_ loss: any Loss, prediction: Tensor, target: Tensor, step: Float = 1e-2,
                          tolerance: Double = 2e-2) -> [Mismatch] {
        let gradient = loss.evaluate(prediction, target).gradient
        var mismatches: [Mismatch] = []
        for i in 0..<prediction.count {
            var plus = prediction, minus = prediction
            plus.elements[i] += step
            minus.elements[i] -= step
            let numeric = (loss.evaluate(plus, target).value - loss.evaluate(minus, target).value) / Double(2 * step)
            let analytic = Double(gradient.elements[i])
            if abs(analytic - numeric) > tolerance * max(0.05, abs(analytic), abs(numeric)) {
                mismatches.append(Mismatch(what: "prediction", index: i, analytic: analytic, numeric: numeric))
            }
        }
        return mismatches
    }
}
