import Foundation
import NeuralNet
import TensorCore
import Testing

/// The same small network, weights, inputs and three Adam steps as `Benchmarks/python/torch_oracle.py`
/// (PyTorch 2.15, float64). Finite differences prove each layer's gradient consistent with
/// its own forward; this proves the conventions match PyTorch's (NCHW layout, cross-correlation
/// orientation, flatten order, weight shapes, loss reduction, Adam's bias correction).
@Suite("Oracle: PyTorch on a small CNN")
struct PyTorchOracleTests {
    @Test func threeAdamStepsMatchPyTorch() {
        let model = Sequential(inputShape: [1, 6, 6], seed: 0) {
            Conv2D(1, 2, kernel: 3, padding: 1); ReLU(); MaxPool2D(2)
            Conv2D(2, 3, kernel: 2); Tanh()
            Flatten(); Linear(12, 4)
        }
        for (k, parameter) in model.parameters.enumerated() {
            parameter.value.elements = (0..<parameter.value.count).map { Float(sin(0.7 * Double($0) + Double(k)) * 0.4) }
        }
        let x = Tensor(shape: [2, 1, 6, 6], elements: (0..<72).map { Float(cos(0.3 * Double($0))) })
        let y = Tensor(classIndices: [1, 3])
        let optimizer = Adam(learningRate: 0.01)
        var losses: [Double] = []
        for _ in 0..<3 {
            let (loss, gradient) = CrossEntropy().evaluate(model.forward(x, training: true), y)
            losses.append(loss)
            _ = model.backward(gradient, needsInputGradient: false)
            optimizer.step(model.parameters)
        }
        let expectedLosses = [1.408535009, 1.266076104, 1.13646728]
        for (ours, theirs) in zip(losses, expectedLosses) { #expect(abs(ours - theirs) < 2e-5, "loss \(ours) vs \(theirs)") }
        let expectedFirstValues: [[Double]] = [
            [-0.03003226, 0.22769834, 0.36415316, 0.31529229], [0.30657383, 0.42391027],
            [0.36685275, 0.20019558, -0.07232198, -0.29738387], [0.08618731, -0.24116057, -0.41048236],
            [-0.27362527, -0.37099064, -0.28007007, -0.04376951], [-0.41337806, -0.1904753, 0.01668615, 0.32161842],
        ]
        for (parameter, expected) in zip(model.parameters, expectedFirstValues) {
            for (i, value) in expected.enumerated() {
                #expect(abs(Double(parameter.value.elements[i]) - value) < 2e-5, "\(parameter.name)[\(i)]")
            }
        }
        let expectedOutput = [-0.55076944, 0.19158854, -0.39298961, 0.46848428, -0.43224769, 0.00717465, -0.34365685, 0.6116312]
        let output = model(x).elements
        for (ours, theirs) in zip(output, expectedOutput) { #expect(abs(Double(ours) - theirs) < 5e-5) }
    }
}
