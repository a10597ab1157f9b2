/// The architecture of a layer as a value: what a checkpoint stores to rebuild a model.
///
/// Encoded as JSON inside the checkpoint, so it stays readable with any JSON tool.
public indirect enum LayerSpecification: Codable, Equatable, Sendable {
    case linear(inputs: Int, outputs: Int)
    case conv1D(inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int, padding: Int)
    case conv2D(inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int, padding: Int)
    case maxPool1D(kernel: Int, stride: Int)
    case maxPool2D(kernel: Int, stride: Int)
    case flatten
    case reshape([Int])
    case dropout(probability: Double)
    case dropout2D(probability: Double)
    case batchNorm1D(features: Int, momentum: Double, epsilon: Double)
    case batchNorm2D(channels: Int, momentum: Double, epsilon: Double)
    case avgPool2D(kernel: Int, stride: Int)
    case globalAvgPool2D
    case leakyReLU(slope: Double)
    case gelu
    case standardize(channels: Int)
    case relu, tanh, sigmoid, softmax, logSoftmax
    case sequential(name: String?, layers: [LayerSpecification])

    /// A freshly initialised layer of this architecture.
    public func makeLayer() -> any Layer {
        switch self {
        case let .linear(inputs, outputs): return Linear(inputs, outputs)
        case let .conv1D(i, o, k, s, p): return Conv1D(i, o, kernel: k, stride: s, padding: p)
        case let .conv2D(i, o, k, s, p): return Conv2D(i, o, kernel: k, stride: s, padding: p)
        case let .maxPool1D(k, s): return MaxPool1D(k, stride: s)
        case let .maxPool2D(k, s): return MaxPool2D(k, stride: s)
        case .flatten: return Flatten()
        case let .reshape(shape): return Reshape(shape)
        case let .dropout(p): return Dropout(p)
        case let .dropout2D(p): return Dropout2D(p)
        case let .batchNorm1D(f, m, e): return BatchNorm1D(f, momentum: m, epsilon: e)
        case let .batchNorm2D(c, m, e): return BatchNorm2D(c, momentum: m, epsilon: e)
        case let .avgPool2D(k, s): return AvgPool2D(k, stride: s)
        case .globalAvgPool2D: return GlobalAvgPool2D()
        case let .leakyReLU(slope): return LeakyReLU(slope: slope)
        case .gelu: return GELU()
        case let .standardize(c): return Standardize(channels: c)
        case .relu: return ReLU()
        case .tanh: return Tanh()
        case .sigmoid: return Sigmoid()
        case .softmax: return Softmax()
        case .logSoftmax: return LogSoftmax()
        case let .sequential(name, layers): return Sequential(name: name, layers: layers.map { $0.makeLayer() })
        }
    }

    /// Number of trainable scalars this architecture holds, computed without building it (so a
    /// damaged checkpoint cannot make the loader allocate a huge model first).
    var parameterCount: Int {
        switch self {
        case let .linear(i, o): return i * o + o
        case let .conv1D(i, o, k, _, _): return o * i * k + o
        case let .conv2D(i, o, k, _, _): return o * i * k * k + o
        case let .batchNorm1D(f, _, _): return 2 * f
        case let .batchNorm2D(c, _, _): return 2 * c
        case let .sequential(_, layers): return layers.reduce(0) { $0 + $1.parameterCount }
        default: return 0
        }
    }

    /// Number of buffer scalars (running statistics) this architecture holds.
    var bufferCount: Int {
        switch self {
        case let .batchNorm1D(f, _, _): return 2 * f
        case let .batchNorm2D(c, _, _): return 2 * c
        case let .standardize(c): return 2 * c
        case let .sequential(_, layers): return layers.reduce(0) { $0 + $1.bufferCount }
        default: return 0
        }
    }

    /// Checks the hyper-parameters (a checkpoint's JSON may say anything).
    func validate() throws {
        func positive(_ values: Int..., what: String) throws {
            // 2^20 bounds every size so that products of them cannot overflow.
            if values.contains(where: { $0 <= 0 || $0 > 1 << 20 }) {
                throw NeuralNetError.invalidArgument("\(what): sizes must be in 1...\(1 << 20) in \(self)")
            }
        }
        switch self {
        case let .linear(i, o): try positive(i, o, what: "Linear")
        case let .conv1D(i, o, k, s, p), let .conv2D(i, o, k, s, p):
            try positive(i, o, k, s, what: "convolution")
            if p < 0 { throw NeuralNetError.invalidArgument("convolution padding must be >= 0 in \(self)") }
        case let .maxPool1D(k, s), let .maxPool2D(k, s): try positive(k, s, what: "max pooling")
        case let .reshape(shape): if shape.isEmpty || shape.contains(where: { $0 <= 0 }) { throw NeuralNetError.invalidArgument("Reshape needs positive sizes, got \(shape)") }
        case let .dropout(p), let .dropout2D(p):
            if !(p >= 0 && p < 1) { throw NeuralNetError.invalidArgument("Dropout probability must be in [0, 1), got \(p)") }
        case let .batchNorm1D(n, m, e), let .batchNorm2D(n, m, e):
            try positive(n, what: "batch normalization")
            if !(m >= 0 && m <= 1 && e > 0 && e.isFinite) { throw NeuralNetError.invalidArgument("batch normalization needs momentum in [0, 1] and epsilon > 0 in \(self)") }
        case let .avgPool2D(k, s): try positive(k, s, what: "average pooling")
        case let .leakyReLU(slope): if !slope.isFinite { throw NeuralNetError.invalidArgument("LeakyReLU slope must be finite in \(self)") }
        case let .standardize(c): try positive(c, what: "Standardize")
        case let .sequential(_, layers): for layer in layers { try layer.validate() }
        default: break
        }
    }
}
