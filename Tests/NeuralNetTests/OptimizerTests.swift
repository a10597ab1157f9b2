import NeuralNet
import TensorCore
import Testing

@Suite("Optimizer steps against values worked out by hand")
struct OptimizerTests {
    /// A one-element parameter with the given value, and a function to set its gradient.
    func scalar(_ value: Float) -> Parameter { Parameter(name: "p", value: Tensor(shape: [1], elements: [value])) }

    func run(_ optimizer: any Optimizer, start: Float, gradients: [Float]) -> [Float] {
        let p = scalar(start)
        var values: [Float] = []
        for g in gradients {
            p.gradient = Tensor(shape: [1], elements: [g])
            optimizer.step([p])
            values.append(p.value.elements[0])
        }
        return values
    }

    func close(_ a: [Float], _ b: [Double], _ tolerance: Double = 1e-6) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs(Double($0) - $1) <= tolerance }
    }

    @Test func plainSGD() {
        // p = 1 - 0.1 · 0.5
        #expect(close(run(SGD(learningRate: 0.1), start: 1, gradients: [0.5]), [0.95]))
    }

    @Test func sgdWeightDecay() {
        // g = 0 + 0.1 · 2 = 0.2; p = 2 - 0.5 · 0.2 = 1.9
        #expect(close(run(SGD(learningRate: 0.5, weightDecay: 0.1), start: 2, gradients: [0]), [1.9]))
    }

    @Test func sgdMomentum() {
        // b₁ = 1 → p = 0.9; b₂ = 0.9 + 1 = 1.9 → p = 0.9 - 0.19 = 0.71
        #expect(close(run(SGD(learningRate: 0.1, momentum: 0.9), start: 1, gradients: [1, 1]), [0.9, 0.71]))
    }

    @Test func sgdNesterov() {
        // b₁ = 1, step g + 0.9 b = 1.9 → 0.81; b₂ = 1.9, step 1 + 0.9 · 1.9 = 2.71 → 0.539
        #expect(close(run(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), start: 1, gradients: [1, 1]), [0.81, 0.539]))
    }

    @Test func rmsprop() {
        // v = 0.01 · 0.25 = 0.0025, √v = 0.05; p = 1 - 0.01 · 0.5 / 0.05 = 0.9
        // v₂ = 0.99 · 0.0025 + 0.01 · 0.25 = 0.004975; p = 0.9 - 0.01 · 0.5 / 0.0705337 = 0.829112 (Double: 0.8291119)
        #expect(close(run(RMSprop(learningRate: 0.01), start: 1, gradients: [0.5, 0.5]), [0.9, 0.8291119], 2e-6))
    }

    @Test func adam() {
        // Step 1: m̂ = g, v̂ = g², so the step is lr · sign(g): 1 → 0.9.
        // Step 2 (g = -1): m = 0.045 - 0.1 = -0.055, m̂ = -0.289474; v = 0.00124975, v̂ = 0.625188;
        // p = 0.9 + 0.1 · 0.289474 / 0.790688 = 0.936610 (worked in Double).
        #expect(close(run(Adam(learningRate: 0.1), start: 1, gradients: [0.5, -1]), [0.9, 0.93661035], 2e-6))
    }

    @Test func namedOptimizers() throws {
        #expect(try Optimizers.named("adam", learningRate: 1e-3) is Adam)
        #expect(try Optimizers.named("nesterov", learningRate: 1e-3).name == "sgd-nesterov")
        #expect(throws: NeuralNetError.self) { try Optimizers.named("adagrad", learningRate: 1) }
    }
}
