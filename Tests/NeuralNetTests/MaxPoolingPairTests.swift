import NeuralNet
import TensorCore
import Testing

/// The 2×2/2 max pooling fast path (`PairWindows`: eight or four windows at a time, branch-free,
/// the last run of a row overlapping the one before) against a nested-loop
/// reference written here: outputs, and the gradient routed to the first maximum of each window
/// (top-left, top-right, bottom-left, bottom-right) with zeros elsewhere, including the last row
/// and column of odd-sized inputs that no window covers. Inputs drawn from a few integers make
/// ties frequent.
@Suite("Max pooling 2x2 fast path")
struct MaxPoolingPairTests {
    @Test(arguments: [[2, 3, 28, 28], [2, 2, 14, 14], [1, 1, 9, 8], [2, 2, 7, 7], [1, 2, 32, 35], [3, 1, 5, 18], [1, 1, 2, 2]])
    func matchesNestedLoops(_ shape: [Int]) {
        var generator = RandomGenerator(seed: UInt64(shape.reduce(0, +)))
        for ties in [false, true] {
            let count = shape.reduce(1, *)
            let input = Tensor(shape: shape, elements: (0..<count).map { _ in
                ties ? Float(Int(generator.uniform(0, 3))) : generator.uniform(-1, 1)
            })
            let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
            let (outputHeight, outputWidth) = (height / 2, width / 2)
            let upstream = (0..<(planes * outputHeight * outputWidth)).map { _ in generator.uniform(-1, 1) }
            var expectedOutput = [Float](), expectedGradient = [Float](repeating: 0, count: count)
            for plane in 0..<planes {
                for oh in 0..<outputHeight {
                    for ow in 0..<outputWidth {
                        var bestIndex = plane * height * width + 2 * oh * width + 2 * ow
                        for (i, j) in [(0, 1), (1, 0), (1, 1)] {
                            let index = plane * height * width + (2 * oh + i) * width + 2 * ow + j
                            if input.elements[index] > input.elements[bestIndex] { bestIndex = index }
                        }
                        expectedOutput.append(input.elements[bestIndex])
                        expectedGradient[bestIndex] += upstream[(plane * outputHeight + oh) * outputWidth + ow]
                    }
                }
            }
            let pool = MaxPool2D(2)
            let output = pool.forward(input, training: true)
            #expect(output.shape == [shape[0], shape[1], outputHeight, outputWidth])
            #expect(output.elements == expectedOutput, "\(shape), ties \(ties)")
            let gradient = pool.backward(Tensor(shape: output.shape, elements: upstream))
            #expect(gradient.shape == shape)
            #expect(gradient.elements == expectedGradient, "\(shape), ties \(ties)")
        }
    }
}
