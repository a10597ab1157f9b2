import Foundation
import NeuralNet
import TensorCore
import Testing

@Suite("Models: zoo shapes, summary, initialisation, dropout")
struct ModelTests {
    @Test func zooOutputShapesAndParameterCounts() throws {
        let expected: [String: (input: [Int], parameters: Int)] = [
            "perceptron": ([784], 7_850),
            "shallow": ([784], 784 * 300 + 300 + 300 * 10 + 10),
            "mlp": ([784], 784 * 977 + 977 + 977 * 878 + 878 + 878 * 10 + 10),
            "lenet5": ([1, 28, 28], 156 + 2_416 + 30_840 + 10_164 + 850),
            "cnn3": ([1, 28, 28], 320 + 18_496 + 73_856 + 1152 * 128 + 128 + 1_290),
            "autoencoder": ([784], (784 * 128 + 128) + (128 * 32 + 32) + (32 * 128 + 128) + (128 * 784 + 784)),
            "conv1d": ([1, 784], 96 + 2_592 + 1504 * 64 + 64 + 650),
        ]
        for name in ModelZoo.names {
            let model = try ModelZoo.make(name, seed: 0)
            let (input, parameters) = expected[name]!
            #expect(model.inputShape == input, "\(name)")
            #expect(model.parameterCount == parameters, "\(name)")
            let output = try model.outputShape(for: input)
            #expect(output == (name == "autoencoder" ? [784] : [10]), "\(name)")
        }
        #expect(throws: NeuralNetError.self) { try ModelZoo.make("resnet") }
        #expect(try ModelZoo.make("mlp", hidden: [32, 16, 8]).parameterCount == 784 * 32 + 32 + 32 * 16 + 16 + 16 * 8 + 8 + 90)
        #expect(try ModelZoo.make("autoencoder", latent: 2).submodel(named: "encoder")!.outputShape(for: [784]) == [2])
    }

    @Test func summaryShowsShapesAndCounts() throws {
        let text = "\(try ModelZoo.make("lenet5"))"
        #expect(text.contains("Conv2D(1 -> 6, kernel 5)"))
        #expect(text.contains("[-1, 6, 24, 24]"))
        #expect(text.contains("[-1, 16, 4, 4]"))
        #expect(text.contains("[-1, 256]"))
        #expect(text.contains("Total parameters: 44,426"))
        let autoencoder = "\(try ModelZoo.make("autoencoder"))"
        #expect(autoencoder.contains("encoder (Sequential)"))
        #expect(autoencoder.contains("[-1, 32]"))
    }

    @Test func shapeMismatchNamesTheLayer() throws {
        let model = try ModelZoo.make("lenet5")
        do {
            _ = try model.outputShape(for: [3, 28, 28])
            Issue.record("expected a shape mismatch")
        } catch let NeuralNetError.shapeMismatch(layer, _, found) {
            #expect(layer.contains("Conv2D(1 -> 6"))
            #expect(found == [3, 28, 28])
        }
    }

    @Test func pytorchDefaultInitialisationIsSeeded() {
        let a = Linear(400, 50), b = Linear(400, 50)
        var g1 = RandomGenerator(seed: 9), g2 = RandomGenerator(seed: 9)
        a.resetParameters(using: &g1)
        b.resetParameters(using: &g2)
        #expect(a.weight.value == b.weight.value)
        // Kaiming-uniform(a = √5) on fan-in 400: U(-1/20, 1/20), variance 1/1200.
        let w = a.weight.value.elements
        #expect(w.allSatisfy { abs($0) <= 0.05 })
        let variance = w.reduce(0.0) { $0 + Double($1 * $1) } / Double(w.count)
        #expect(abs(variance - 1.0 / 1200) < 0.1 / 1200)
        #expect(a.bias.value.elements.allSatisfy { abs($0) <= 0.05 })
        let conv = Conv2D(6, 16, kernel: 5)
        #expect(conv.weight.value.elements.allSatisfy { abs($0) <= 1 / Float(150).squareRoot() })
    }

    @Test func convolutionAgainstHandWorkedValues() {
        // 1 channel 3x3 image 1...9, kernel 2x2 of ones, bias 0.5: sums of 2x2 windows.
        let conv = Conv2D(1, 1, kernel: 2)
        conv.weight.value = Tensor(shape: [1, 1, 2, 2], elements: [1, 1, 1, 1])
        conv.bias.value = Tensor(shape: [1], elements: [0.5])
        let image = Tensor(shape: [1, 1, 3, 3], elements: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(conv(image).elements == [12.5, 16.5, 24.5, 28.5])
        // Padding 1, stride 2 with a centre-only kernel returns the strided pixels.
        let centre = Conv2D(1, 1, kernel: 3, stride: 2, padding: 1)
        centre.weight.value = Tensor(shape: [1, 1, 3, 3], elements: [0, 0, 0, 0, 1, 0, 0, 0, 0])
        centre.bias.value = Tensor.zeros([1])
        #expect(centre(image).elements == [1, 3, 7, 9])
        let pool = MaxPool2D(2)
        #expect(pool(Tensor(shape: [1, 1, 2, 4], elements: [1, 5, 2, 0, 3, 4, 8, 7])).elements == [5, 8])
        let conv1 = Conv1D(1, 1, kernel: 2)
        conv1.weight.value = Tensor(shape: [1, 1, 2], elements: [1, -1])
        conv1.bias.value = Tensor.zeros([1])
        #expect(conv1(Tensor(shape: [1, 1, 4], elements: [1, 4, 9, 16])).elements == [-3, -5, -7])
    }

    @Test func dropoutTrainingAndInference() {
        let dropout = Dropout(0.25)
        var generator = RandomGenerator(seed: 1)
        dropout.resetParameters(using: &generator)
        let x = Tensor.ones([100, 40])
        #expect(dropout(x) == x)
        let y = dropout.forward(x, training: true)
        let kept = y.elements.filter { $0 != 0 }
        #expect(kept.allSatisfy { abs($0 - 4.0 / 3.0) < 1e-6 })
        let droppedFraction = 1 - Double(kept.count) / Double(y.count)
        #expect(abs(droppedFraction - 0.25) < 0.03)
        // The gradient passes exactly where the output did, with the same scale.
        let g = dropout.backward(Tensor.ones([100, 40]))
        #expect(g == y)
    }
}

@Suite("Convolution at inference")
struct ConvolutionInferenceTests {
    @Test func inferenceEqualsTrainingForward() {
        // Training and inference take the same (blocked) path; inference keeps nothing for
        // backward and must give the same outputs.
        var generator = RandomGenerator(seed: 11)
        let x = Tensor.uniform([130, 2, 6, 6], low: -1, high: 1, generator: &generator)
        let conv = Conv2D(2, 3, kernel: 3, padding: 1)
        let whole = conv.forward(x, training: true)
        let blocked = conv.forward(x, training: false)
        #expect(whole == blocked)
        let conv1 = Conv1D(2, 4, kernel: 3, stride: 2)
        let sequence = x.reshaped([130, 2, 36])
        #expect(conv1.forward(sequence, training: true) == conv1.forward(sequence, training: false))
    }
}

@Suite("Model zoo options")
struct ModelZooOptionTests {
    @Test func hiddenSizesOnlyWhereTheyApply() throws {
        #expect(throws: NeuralNetError.self) { try ModelZoo.make("lenet5", hidden: [10]) }
        #expect(throws: NeuralNetError.self) { try ModelZoo.make("shallow", hidden: [10, 20]) }
        #expect(throws: NeuralNetError.self) { try ModelZoo.make("mlp", hidden: [0]) }
        #expect(try ModelZoo.make("autoencoder", hidden: [64], latent: 8).submodel(named: "decoder")!.outputShape(for: [8]) == [784])
    }
}

@Suite("Products split over the cores")
struct SplitProductTests {
    @Test func linearEqualsNaiveSumsWhenSplit() {
        // The layers split large products in halves along the longer side (OpenBLAS runs on
        // one thread); every output must still be the plain dot product.
        var generator = RandomGenerator(seed: 21)
        let layer = Linear(300, 70)
        layer.resetParameters(using: &generator)
        for batch in [640, 7] {   // forward split by rows (640 > 70), then by columns (70 > 7)
            let x = Tensor.uniform([batch, 300], low: -1, high: 1, generator: &generator)
            let y = layer.forward(x, training: true)
            var worst = 0.0
            for r in 0..<batch {
                for o in 0..<70 {
                    var sum = Double(layer.bias.value.elements[o])
                    for i in 0..<300 { sum += Double(x.elements[r * 300 + i]) * Double(layer.weight.value.elements[o * 300 + i]) }
                    worst = max(worst, abs(sum - Double(y.elements[r * 70 + o])))
                }
            }
            #expect(worst < 1e-4)
            // dW = dYᵀ X is [70, 300]: split along its 300 columns.
            let dy = Tensor.uniform([batch, 70], low: -1, high: 1, generator: &generator)
            _ = layer.backward(dy)
            var worstGradient = 0.0
            for o in 0..<70 {
                for i in 0..<300 {
                    var sum = 0.0
                    for r in 0..<batch { sum += Double(dy.elements[r * 70 + o]) * Double(x.elements[r * 300 + i]) }
                    worstGradient = max(worstGradient, abs(sum - Double(layer.weight.gradient.elements[o * 300 + i])))
                }
            }
            #expect(worstGradient < 1e-4)
        }
    }
}
