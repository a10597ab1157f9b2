import TensorCore

/// A fully connected layer: `y = x Wᵀ + b`, with `W` of shape `[outputs, inputs]` as in PyTorch.
///
/// Forward and backward are three `sgemm` calls on the whole batch; products of 2^20
/// multiply-adds and more are split over the cores on `HotWorkers` (see `SplitGEMM`; OpenBLAS
/// itself runs on one thread). The bias gradient is a column sum.
public final class Linear: Layer {
    public let inputDimensions: Int
    public let outputDimensions: Int
    public let weight: Parameter
    public let bias: Parameter
    private var input = Tensor.empty

    public init(_ inputDimensions: Int, _ outputDimensions: Int) {
        precondition(inputDimensions > 0 && outputDimensions > 0, "Linear sizes must be positive")
        self.inputDimensions = inputDimensions
        self.outputDimensions = outputDimensions
        weight = Parameter(name: "weight", value: Tensor.zeros([outputDimensions, inputDimensions]))
        bias = Parameter(name: "bias", value: Tensor.zeros([outputDimensions]))
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    public convenience init(inputDimensions: Int, outputDimensions: Int) {
        self.init(inputDimensions, outputDimensions)
    }

    public var kind: String { "Linear" }
    public var description: String { "Linear(\(inputDimensions) -> \(outputDimensions))" }
    public var parameters: [Parameter] { [weight, bias] }
    public var specification: LayerSpecification { .linear(inputs: inputDimensions, outputs: outputDimensions) }

    public func resetParameters(using generator: inout RandomGenerator) {
        weight.value = Initialization.kaimingUniform([outputDimensions, inputDimensions], fanIn: inputDimensions, generator: &generator)
        bias.value = Initialization.kaimingUniform([outputDimensions], fanIn: inputDimensions, generator: &generator)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.reduce(1, *) == inputDimensions else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "[\(inputDimensions)]", found: inputShape)
        }
        return [outputDimensions]
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        precondition(input.rowLength == inputDimensions, "\(description): input shape \(input.shape)")
        self.input = input
        let batch = input.rowCount
        let (inputs, outputs) = (inputDimensions, outputDimensions)
        return Tensor.filled([batch, outputs]) { out in
            bias.value.withUnsafeBufferPointer { b in
                input.withUnsafeBufferPointer { x in
                    weight.value.withUnsafeBufferPointer { w in
                        // Each core writes the bias into its own block of the output just before
                        // its product adds into it (still in cache), rather than one core filling
                        // the whole output first.
                        SplitGEMM.sgemm(transposeA: false, transposeB: true, m: batch, n: outputs, k: inputs,
                                   a: x.baseAddress!, leadingA: inputs, b: w.baseAddress!, leadingB: inputs,
                                   rowBias: b.baseAddress!, c: out, leadingC: outputs, hot: true)
                    }
                }
            }
        }
    }

    /// `sums[j] = Σ_row matrix[row, j]`, rows added in order starting from 0 (so the same bits
    /// as the plain double loop), streaming through the matrix row by row, eight columns at a
    /// time. The plain loop stayed scalar (the compiler could not rule out `sums` aliasing
    /// `matrix`); it was ~2 % of an autoencoder epoch.
    static func columnSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
        typealias Lanes = SIMD8<Float>
        let width = Lanes.scalarCount, stride = MemoryLayout<Float>.stride
        let vectorColumns = columns - columns % width
        sums.update(repeating: 0, count: columns)
        let target = UnsafeMutableRawPointer(sums)
        for row in 0..<rows {
            let source = UnsafeRawPointer(matrix + row &* columns)
            var column = 0
            while column < vectorColumns {
                let offset = column &* stride
                let total = target.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                    + source.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                target.storeBytes(of: total, toByteOffset: offset, as: Lanes.self)
                column &+= width
            }
            while column < columns {
                sums[column] += matrix[row &* columns &+ column]
                column &+= 1
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        let batch = input.rowCount
        let (inputs, outputs) = (inputDimensions, outputDimensions)
        precondition(outputGradient.count == batch * outputs, "\(description): gradient shape \(outputGradient.shape)")
        outputGradient.withUnsafeBufferPointer { dy in
            input.withUnsafeBufferPointer { x in
                // dW = dYᵀ X
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    SplitGEMM.sgemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: batch,
                               a: dy.baseAddress!, leadingA: outputs, b: x.baseAddress!, leadingB: inputs,
                               c: dw.baseAddress!, leadingC: inputs, hot: true)
                }
            }
            // db = column sums of dY
            bias.gradient.withUnsafeMutableBufferPointer { db in
                Linear.columnSums(dy.baseAddress!, rows: batch, columns: outputs, into: db.baseAddress!)
            }
        }
        guard needsInputGradient else { return .empty }
        // dX = dY W
        return Tensor.filled(input.shape) { dx in
            outputGradient.withUnsafeBufferPointer { dy in
                weight.value.withUnsafeBufferPointer { w in
                    SplitGEMM.sgemm(transposeA: false, transposeB: false, m: batch, n: inputs, k: outputs,
                               a: dy.baseAddress!, leadingA: outputs, b: w.baseAddress!, leadingB: inputs,
                               c: dx, leadingC: inputs, hot: true)
                }
            }
        }
    }
}
