import Foundation
@testable import NeuralNet
import TensorCore
import Testing

/// The fast paths of the dense training loop: Adam over all parameters in one parallel pass
/// with packed square roots, the one-pass MSE, and the shared input/target batch of an
/// autoencoder. Each is checked against a plain scalar formula written here independently.
@Suite("Dense training fast paths")
struct DenseSpeedPathTests {
    /// PyTorch's Adam written out in scalars, one parameter element at a time.
    struct ScalarAdam {
        var m: [[Float]], v: [[Float]], t = 0
        let learningRate: Float, decay: Float

        mutating func step(_ values: inout [[Float]], _ gradients: [[Float]]) {
            // The constants as `Adam` forms them from its Float hyper-parameters.
            let (b1, b2, epsilon): (Float, Float, Float) = (0.9, 0.999, 1e-8)
            t += 1
            let c1 = Float(1 - pow(Double(b1), Double(t)))
            let c2Root = Float((1 - pow(Double(b2), Double(t))).squareRoot())
            for p in values.indices {
                for i in values[p].indices {
                    let g = gradients[p][i] + decay * values[p][i]
                    m[p][i] = b1 * m[p][i] + (1 - b1) * g
                    v[p][i] = b2 * v[p][i] + (1 - b2) * g * g
                    values[p][i] -= (learningRate / c1) * m[p][i] / (v[p][i].squareRoot() / c2Root + epsilon)
                }
            }
        }
    }

    /// Tensors of sizes that cross the one-pass split (more than 2^15 elements in all, a
    /// tensor straddling the cut, tails not a multiple of eight lanes).
    func parameters(_ generator: inout RandomGenerator) -> [Parameter] {
        [40_003, 7, 30_000, 1].enumerated().map { index, size in
            Parameter(name: "p\(index)", value: Tensor.normal([size], generator: &generator))
        }
    }

    @Test(arguments: [Float(0), 0.01])
    func adamEqualsTheScalarFormulaBitForBit(decay: Float) {
        var generator = RandomGenerator(seed: 7)
        let list = parameters(&generator)
        var reference = list.map(\.value.elements)
        var scalar = ScalarAdam(m: reference.map { [Float](repeating: 0, count: $0.count) },
                                v: reference.map { [Float](repeating: 0, count: $0.count) },
                                learningRate: 1e-3, decay: decay)
        let adam = Adam(learningRate: 1e-3, weightDecay: decay)
        for _ in 0..<3 {
            let gradients = list.map { Tensor.normal($0.value.shape, standardDeviation: 0.1, generator: &generator) }
            for (parameter, gradient) in zip(list, gradients) { parameter.gradient = gradient }
            adam.step(list)
            scalar.step(&reference, gradients.map(\.elements))
        }
        for (parameter, expected) in zip(list, reference) {
            let differing = zip(parameter.value.elements, expected).filter { $0 != $1 }.count
            #expect(differing == 0, "\(parameter.name): \(differing) of \(expected.count) elements differ from the scalar update")
        }
    }

    @Test func adamWithAParameterListedTwiceUpdatesItTwice() {
        // The same one-element parameter twice: two updates in one step, each with its own
        // moment buffers, so both are "first steps": 1 → 0.9 → 0.8 (each moves lr · sign(g)).
        let p = Parameter(name: "shared", value: Tensor(shape: [1], elements: [1]))
        p.gradient = Tensor(shape: [1], elements: [0.5])
        Adam(learningRate: 0.1).step([p, p])
        #expect(abs(p.value.elements[0] - 0.8) < 1e-6)
    }

    @Test func squareRootsOfTheAdamUpdateAreExact() {
        // v̂ = 4 exactly after the first step with g = 2 (m̂ = 2, v̂ = 4): p -= lr · 2 / (2 + ε).
        let p = Parameter(name: "p", value: Tensor(shape: [16], repeating: 1))
        p.gradient = Tensor(shape: [16], repeating: 2)
        Adam(learningRate: 0.5).step([p])
        let denominator: Float = 2 + 1e-8
        let expected: Float = 1 - 0.5 * 2 / denominator
        #expect(p.value.elements.allSatisfy { $0 == expected })
    }

    @Test func meanSquaredErrorAgainstDoubleSums() {
        // 3 x 1,001 elements: several 1,024-element blocks, a tail shorter than eight lanes.
        var generator = RandomGenerator(seed: 3)
        let prediction = Tensor.uniform([3, 1001], generator: &generator)
        let target = Tensor.uniform([3, 1001], generator: &generator)
        let (value, gradient) = MeanSquaredError().evaluate(prediction, target)
        var exact = 0.0
        let scale = 2 / Float(prediction.count)
        for i in 0..<prediction.count {
            let d = prediction.elements[i] - target.elements[i]
            exact += Double(d) * Double(d)
            #expect(gradient.elements[i] == scale * d)
        }
        exact /= Double(prediction.count)
        #expect(abs(value - exact) <= 1e-6 * exact)
        // Hand-worked: predictions (1, 2, 3), targets (0, 0, 0) → (1 + 4 + 9) / 3.
        let small = MeanSquaredError().evaluate(Tensor(shape: [1, 3], elements: [1, 2, 3]), Tensor.zeros([1, 3]))
        #expect(abs(small.value - 14.0 / 3) < 1e-12)
        let expectedGradient: [Float] = [Float(2) / 3, Float(4) / 3, 2]
        #expect(small.gradient.elements == expectedGradient)
    }

    @Test func parallelGatherEqualsRowsAt() {
        var generator = RandomGenerator(seed: 5)
        let source = Tensor.uniform([500, 3, 7], generator: &generator)
        let order = generator.permutation(500)
        for indices in [order[0..<0], order[0..<1], order[17..<400], order[...]] {
            let gathered = Trainer.gather(source, indices)
            #expect(gathered == source.rows(at: indices), "\(indices.count) rows")
        }
    }

    @Test func columnSumsAddRowsInOrder() {
        // 3 rows x 11 columns (one 8-lane block and a 3-column tail), against a plain loop.
        var generator = RandomGenerator(seed: 9)
        let matrix = Tensor.normal([3, 11], generator: &generator)
        var sums = [Float](repeating: .nan, count: 11)
        matrix.withUnsafeBufferPointer { m in
            sums.withUnsafeMutableBufferPointer { Linear.columnSums(m.baseAddress!, rows: 3, columns: 11, into: $0.baseAddress!) }
        }
        for column in 0..<11 {
            let expected = (matrix.elements[column] + matrix.elements[11 + column]) + matrix.elements[22 + column]
            #expect(sums[column] == expected, "column \(column)")
        }
        // Hand-worked: [[1, 2], [3, 4]] → [4, 6].
        var small = [Float](repeating: 0, count: 2)
        [Float(1), 2, 3, 4].withUnsafeBufferPointer { m in
            small.withUnsafeMutableBufferPointer { Linear.columnSums(m.baseAddress!, rows: 2, columns: 2, into: $0.baseAddress!) }
        }
        #expect(small == [4, 6])
    }

    @Test func linearSplitByColumnsWithBiasEqualsDoubleSums() {
        // A 9 x 200 -> 600 product (1.08 M multiply-adds, above the hot split threshold) is split
        // along its 600 columns and each half writes the bias into its own block before its product.
        var generator = RandomGenerator(seed: 4)
        let layer = Linear(200, 600)
        layer.resetParameters(using: &generator)
        let x = Tensor.uniform([9, 200], low: -1, high: 1, generator: &generator)
        let y = layer.forward(x, training: true)
        var worst = 0.0
        for r in 0..<9 {
            for o in 0..<600 {
                var sum = Double(layer.bias.value.elements[o])
                for i in 0..<200 { sum += Double(x.elements[r * 200 + i]) * Double(layer.weight.value.elements[o * 200 + i]) }
                worst = max(worst, abs(sum - Double(y.elements[r * 600 + o])))
            }
        }
        #expect(worst < 1e-4)
        let dy = Tensor.uniform([9, 600], low: -1, high: 1, generator: &generator)
        _ = layer.backward(dy, needsInputGradient: false)
        var worstBias = 0.0
        for o in 0..<600 {
            var sum = 0.0
            for r in 0..<9 { sum += Double(dy.elements[r * 600 + o]) }
            worstBias = max(worstBias, abs(sum - Double(layer.bias.gradient.elements[o])))
        }
        #expect(worstBias < 1e-5)
    }

    @Test func autoencoderTargetsSharedWithInputsTrainLikeACopy() throws {
        // Targets that are the inputs' own storage take the shared-batch path; a copy of the
        // same values takes the gather path. Both must train to identical weights.
        var generator = RandomGenerator(seed: 11)
        let inputs = Tensor.uniform([300, 12], generator: &generator)
        var copied = inputs
        copied.elements[0] += 0   // a write forces a separate copy of the storage
        copied.elements.withUnsafeBufferPointer { c in
            inputs.elements.withUnsafeBufferPointer { i in #expect(c.baseAddress != i.baseAddress) }
        }
        func trained(_ targets: Tensor) throws -> [Tensor] {
            let model = Sequential(inputShape: [12], seed: 5) { Linear(12, 4); ReLU(); Linear(4, 12); Sigmoid() }
            let trainer = Trainer(epochs: 2, batchSize: 64, loss: MeanSquaredError(), optimizer: Adam(), seed: 1,
                                  showsProgress: false)
            let history = try trainer.fit(model, inputs: inputs, targets: targets)
            #expect(history.records.count == 2)
            return model.snapshot()
        }
        let shared = try trained(inputs.reshaped([300, 12])), separate = try trained(copied)
        #expect(shared.count == separate.count)
        #expect(zip(shared, separate).allSatisfy { $0 == $1 }, "weights differ between the shared and gathered targets")
    }
}
