import Foundation
import NeuralNet
import TensorCore
import Testing

/// Finite differences for the recipe's layers (see `GradientCheck`).
@Suite("Finite-difference gradients of the recipe's layers")
struct RecipeLayerGradientTests {
    func expectMatches(_ layer: any Layer, _ input: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
        let mismatches = GradientCheck.check(layer, input: input)
        #expect(mismatches.isEmpty, "\(layer.description): \(mismatches.prefix(5))", sourceLocation: sourceLocation)
    }

    /// Redraws the same dropout mask before every forward pass, so the finite differences see
    /// one fixed function (a dropout layer in training draws a new mask per call).
    final class FixedMask: Layer {
        let inner: any Layer
        init(_ inner: any Layer) { self.inner = inner }
        var kind: String { inner.kind }
        var description: String { inner.description }
        var specification: LayerSpecification { inner.specification }
        func outputShape(for inputShape: [Int]) throws -> [Int] { try inner.outputShape(for: inputShape) }
        func forward(_ input: Tensor, training: Bool) -> Tensor {
            var generator = RandomGenerator(seed: 11)
            inner.resetParameters(using: &generator)
            return inner.forward(input, training: training)
        }
        func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
            inner.backward(outputGradient, needsInputGradient: needsInputGradient)
        }
    }

    @Test func batchNormInTrainingMode() {
        // Batch statistics make every input influence every output of its channel: the check
        // covers that coupling, and γ, β.
        let norm2D = BatchNorm2D(3)
        norm2D.weight.value.elements = [1, 1.5, 0.7]
        norm2D.bias.value.elements = [0.1, -0.2, 0.3]
        expectMatches(norm2D, GradientCheck.separatedInput([2, 3, 3, 2]))
        let norm1D = BatchNorm1D(4)
        norm1D.weight.value.elements = [1, 1.2, 0.8, 2]
        expectMatches(norm1D, GradientCheck.separatedInput([5, 4]))
    }

    @Test func poolingAndActivations() {
        expectMatches(AvgPool2D(2), GradientCheck.separatedInput([2, 2, 4, 5]))
        expectMatches(AvgPool2D(3, stride: 2), GradientCheck.separatedInput([1, 2, 7, 6]))
        expectMatches(GlobalAvgPool2D(), GradientCheck.separatedInput([2, 3, 3, 4]))
        expectMatches(LeakyReLU(slope: 0.1), GradientCheck.separatedInput([3, 6]))
        expectMatches(GELU(), GradientCheck.separatedInput([3, 6]))
        let standardize = Standardize(fittedTo: GradientCheck.separatedInput([4, 2, 3, 3], seed: 2))
        expectMatches(standardize, GradientCheck.separatedInput([2, 2, 3, 3]))
    }

    @Test func dropoutWithAFixedMask() {
        expectMatches(FixedMask(Dropout(0.3)), GradientCheck.separatedInput([4, 6]))
        expectMatches(FixedMask(Dropout2D(0.5)), GradientCheck.separatedInput([3, 4, 2, 2]))
    }

    @Test func recipeNetworkEndToEnd() {
        let model = Sequential(inputShape: [1, 6, 6], seed: 4) {
            Conv2D(1, 3, kernel: 3, padding: 1); BatchNorm2D(3); GELU(); AvgPool2D(2)
            Conv2D(3, 4, kernel: 2); Tanh(); GlobalAvgPool2D()
            Linear(4, 5); BatchNorm1D(5); Tanh(); Linear(5, 3)
        }
        let mismatches = GradientCheck.check(model, input: GradientCheck.separatedInput([3, 1, 6, 6]))
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func dropoutScalesKeptElementsAndIsTheIdentityInEvaluation() {
        let input = Tensor(shape: [50, 40], elements: (0..<2000).map { Float($0 % 7) + 1 })
        for layer: any Layer in [Dropout(0.25), Dropout2D(0.25)] {
            var generator = RandomGenerator(seed: 9)
            layer.resetParameters(using: &generator)
            let x = layer is Dropout2D ? input.reshaped([50, 10, 2, 2]) : input
            let output = layer.forward(x, training: true).elements
            var dropped = 0
            for (o, v) in zip(output, x.elements) {
                if o == 0 { dropped += 1 } else { #expect(abs(o - v / 0.75) < 1e-5) }
            }
            #expect(abs(Double(dropped) / 2000 - 0.25) < 0.05, "\(layer): dropped \(dropped) of 2000")
            #expect(layer.forward(x, training: false).elements == x.elements)
        }
        let channelwise = Dropout2D(0.5)
        let maps = channelwise.forward(input.reshaped([50, 10, 2, 2]), training: true).elements
        for map in 0..<500 {
            let values = maps[(map * 4)..<(map * 4 + 4)]
            #expect(values.allSatisfy { $0 == 0 } || values.allSatisfy { $0 != 0 }, "Dropout2D drops whole channel maps")
        }
    }
}
