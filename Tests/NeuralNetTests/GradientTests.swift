import Foundation
import NeuralNet
import TensorCore
import Testing

@Suite("Finite-difference gradients of every layer and loss")
struct GradientTests {
    func expectMatches(_ layer: any Layer, _ input: Tensor, checkInput: Bool = true,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        var generator = RandomGenerator(seed: 3)
        layer.resetParameters(using: &generator)
        let mismatches = GradientCheck.check(layer, input: input, checkInput: checkInput)
        #expect(mismatches.isEmpty, "\(layer.description): \(mismatches.prefix(5))", sourceLocation: sourceLocation)
    }

    @Test func linear() {
        expectMatches(Linear(5, 4), GradientCheck.separatedInput([3, 5]))
    }

    @Test func conv2DPlain() {
        expectMatches(Conv2D(2, 3, kernel: 3), GradientCheck.separatedInput([2, 2, 5, 5]))
    }

    @Test func conv2DStrideAndPadding() {
        expectMatches(Conv2D(2, 2, kernel: 3, stride: 2, padding: 1), GradientCheck.separatedInput([2, 2, 6, 5]))
    }

    @Test func conv1DStrideAndPadding() {
        expectMatches(Conv1D(2, 3, kernel: 3, stride: 2, padding: 1), GradientCheck.separatedInput([2, 2, 9]))
        expectMatches(Conv1D(1, 2, kernel: 4), GradientCheck.separatedInput([3, 1, 10]))
    }

    @Test func pooling() {
        expectMatches(MaxPool2D(2), GradientCheck.separatedInput([2, 3, 4, 5]))
        expectMatches(MaxPool2D(3, stride: 2), GradientCheck.separatedInput([1, 2, 7, 7]))
        expectMatches(MaxPool1D(3), GradientCheck.separatedInput([2, 2, 10]))
    }

    @Test func activations() {
        let input = GradientCheck.separatedInput([3, 6])
        for layer: any Layer in [ReLU(), Tanh(), Sigmoid(), Softmax(), LogSoftmax()] {
            expectMatches(layer, input)
        }
    }

    @Test func shaping() {
        expectMatches(Flatten(), GradientCheck.separatedInput([2, 2, 3, 3]))
        expectMatches(Reshape([2, 6]), GradientCheck.separatedInput([2, 12]))
    }

    @Test func smallNetworkEndToEnd() {
        let model = Sequential(inputShape: [1, 8, 8], seed: 5) {
            Conv2D(1, 2, kernel: 3, padding: 1); Tanh(); MaxPool2D(2)
            Conv2D(2, 3, kernel: 3); Sigmoid()
            Flatten(); Linear(12, 4); Tanh(); Linear(4, 3); LogSoftmax()
        }
        let mismatches = GradientCheck.check(model, input: GradientCheck.separatedInput([2, 1, 8, 8]))
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func losses() {
        let prediction = GradientCheck.separatedInput([4, 3], margin: 0.1)
        let classes = Tensor(classIndices: [0, 2, 1, 2])
        #expect(GradientCheck.checkLoss(CrossEntropy(), prediction: prediction, target: classes).isEmpty)
        #expect(GradientCheck.checkLoss(CrossEntropy(classWeights: [1, 3, 0.5]), prediction: prediction, target: classes).isEmpty)
        let values = Tensor(shape: [4, 3], elements: (0..<12).map { Float($0 % 5) / 4 })
        #expect(GradientCheck.checkLoss(MeanSquaredError(), prediction: prediction, target: values).isEmpty)
        let binary = Tensor(shape: [4, 3], elements: (0..<12).map { Float($0 % 2) })
        #expect(GradientCheck.checkLoss(BinaryCrossEntropy(), prediction: prediction, target: binary).isEmpty)
        #expect(GradientCheck.checkLoss(BinaryCrossEntropy(classWeights: [0.2, 5]), prediction: prediction, target: binary).isEmpty)
    }

    @Test func lossValuesWorkedByHand() {
        // Equal logits over two classes: -log(1/2) = log 2, whatever the label.
        let ce = CrossEntropy().evaluate(Tensor(shape: [1, 2], elements: [0, 0]), Tensor(classIndices: [1]))
        #expect(abs(ce.value - log(2)) < 1e-6)
        #expect(ce.gradient.elements == [0.5, -0.5])
        // Logits [ln 1, ln 3]: p = [1/4, 3/4]; label 0 -> -log(1/4).
        let ce2 = CrossEntropy().evaluate(Tensor(shape: [1, 2], elements: [0, Float(log(3.0))]), Tensor(classIndices: [0]))
        #expect(abs(ce2.value - log(4)) < 1e-6)
        // Weighted mean: weights 1 and 3 on losses log 2 and log 2 -> still log 2.
        let weighted = CrossEntropy(classWeights: [1, 3]).evaluate(Tensor(shape: [2, 2], elements: [0, 0, 0, 0]), Tensor(classIndices: [0, 1]))
        #expect(abs(weighted.value - log(2)) < 1e-6)
        // BCE of logit 0 is log 2; of a huge logit with target 1 is ~0 and finite.
        let bce = BinaryCrossEntropy().evaluate(Tensor(shape: [2, 1], elements: [0, 100]), Tensor(shape: [2, 1], elements: [0, 1]))
        #expect(abs(bce.value - log(2) / 2) < 1e-6)
        let mse = MeanSquaredError().evaluate(Tensor(shape: [2], elements: [1, 3]), Tensor(shape: [2], elements: [0, 0]))
        #expect(mse.value == 5)
        #expect(mse.gradient.elements == [1, 3])
    }

    @Test func extremeLogitsStayFinite() {
        let logits = Tensor(shape: [1, 3], elements: [1000, -1000, 0])
        let result = CrossEntropy().evaluate(logits, Tensor(classIndices: [1]))
        #expect(result.value.isFinite && abs(result.value - 2000) < 1e-3)
        let softmax = Softmax()(logits)
        #expect(softmax.isFinite && abs(softmax.elements[0] - 1) < 1e-6)
        let logSoftmax = LogSoftmax()(logits)
        #expect(logSoftmax.elements[1] == -2000)
    }
}
