import TensorCore

/// Per-channel standardization `(x - mean) / deviation` as the model's first layer
/// (torchvision's `Normalize`, inside the model rather than in the data pipeline).
///
/// Why a layer: the statistics measured on the training images are saved in the checkpoint as
/// buffers, so `atelier evaluate` and `encode` standardize new data exactly as training did,
/// and augmentation still works on raw pixels (a shifted-in border is black, not "mean").
/// Channels are dimension 1 of `[batch, channels, ...]`; for a table `[batch, features]`
/// every feature is its own channel.
public final class Standardize: Layer {
    public let channels: Int
    public let mean: Parameter
    public let deviation: Parameter
    private var plane = 1

    public init(channels: Int) {
        precondition(channels > 0, "Standardize needs at least one channel")
        self.channels = channels
        mean = Parameter(name: "mean", value: Tensor.zeros([channels]))
        deviation = Parameter(name: "deviation", value: Tensor(shape: [channels], elements: [Float](repeating: 1, count: channels)))
    }

    /// Measures each channel's mean and (population) standard deviation on `inputs`; a channel
    /// that never varies keeps deviation 1 so it is only centred.
    public convenience init(fittedTo inputs: Tensor) {
        let channels = inputs.shape.count > 1 ? inputs.shape[1] : 1
        self.init(channels: channels)
        let batch = inputs.shape[0], plane = inputs.shape.dropFirst(2).reduce(1, *)
        var (sums, squares) = ([Double](repeating: 0, count: channels), [Double](repeating: 0, count: channels))
        inputs.withUnsafeBufferPointer { x in
            for n in 0..<batch {
                for c in 0..<channels {
                    let base = (n * channels + c) * plane
                    for s in base..<(base + plane) { sums[c] += Double(x[s]); squares[c] += Double(x[s]) * Double(x[s]) }
                }
            }
        }
        let count = Double(Swift.max(batch * plane, 1))
        for c in 0..<channels {
            let m = sums[c] / count
            let variance = Swift.max(squares[c] / count - m * m, 0)
            mean.value.elements[c] = Float(m)
            deviation.value.elements[c] = variance > 1e-12 ? Float(variance.squareRoot()) : 1
        }
    }

    public var kind: String { "Standardize" }
    public var description: String {
        func list(_ t: Tensor) -> String { t.elements.prefix(3).map { String(format: "%.4f", $0) }.joined(separator: ", ") + (channels > 3 ? ", …" : "") }
        return "Standardize(mean: [\(list(mean.value))], std: [\(list(deviation.value))])"
    }
    public var specification: LayerSpecification { .standardize(channels: channels) }
    public var buffers: [Parameter] { [mean, deviation] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.first == channels || (channels == 1 && inputShape.count == 1) else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "[\(channels), ...]", found: inputShape)
        }
        return inputShape
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = input.shape[0]
        plane = input.count / Swift.max(batch * channels, 1)
        let (m, d, plane, channels) = (mean.value.elements, deviation.value.elements, self.plane, self.channels)
        return Tensor.filled(input.shape) { out in
            input.withUnsafeBufferPointer { x in
                for group in 0..<(batch * channels) {
                    let c = group % channels
                    let (center, scale) = (m[c], 1 / d[c])
                    for s in (group * plane)..<((group + 1) * plane) { out[s] = (x[s] - center) * scale }
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        let (d, plane, channels) = (deviation.value.elements, self.plane, self.channels)
        return Tensor.filled(outputGradient.shape) { dx in
            outputGradient.withUnsafeBufferPointer { dy in
                for group in 0..<(dy.count / plane) {
                    let scale = 1 / d[group % channels]
                    for s in (group * plane)..<((group + 1) * plane) { dx[s] = dy[s] * scale }
                }
            }
        }
    }
}
