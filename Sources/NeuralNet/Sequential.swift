import Foundation
import TensorCore

/// Builds the layer list of a `Sequential` from a block: layers, `if`, `for`.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
    /// A list of layers made by a helper (e.g. "Linear, BatchNorm1D, ReLU" for each width).
    public static func buildExpression(_ layers: [any Layer]) -> [any Layer] { layers }
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
    public static func buildEither(first part: [any Layer]) -> [any Layer] { part }
    public static func buildEither(second part: [any Layer]) -> [any Layer] { part }
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}

/// Layers applied one after the other; itself a `Layer`, so models nest (an autoencoder is
/// `Sequential { encoder; decoder }` and its encoder runs alone).
///
/// ```swift
/// let model = Sequential(inputShape: [1, 28, 28], seed: 0) {
///     Conv2D(1, 6, kernel: 5); ReLU(); MaxPool2D(2)
///     Flatten(); Linear(864, 10)
/// }
/// print(model)   // every layer with its output shape and parameter count
/// ```
/// Parameters are drawn from a `RandomGenerator` seeded with `seed`, layer after layer, so
/// equal seeds give equal models.
public final class Sequential: Layer {
    /// Optional name ("encoder", "decoder"), shown in the summary and used in checkpoints.
    public var name: String?
    public private(set) var layers: [any Layer]
    /// Per-sample input shape (e.g. `[784]` or `[1, 28, 28]`), used by the summary and checks.
    public var inputShape: [Int]?

    public init(name: String? = nil, inputShape: [Int]? = nil, layers: [any Layer]) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
    }

    /// A model from a builder block, initialised from `seed`.
    public convenience init(name: String? = nil, inputShape: [Int]? = nil, seed: UInt64 = 0,
                            @LayerBuilder _ build: () -> [any Layer]) {
        self.init(name: name, inputShape: inputShape, layers: build())
        var generator = RandomGenerator(seed: seed)
        resetParameters(using: &generator)
    }

    public var kind: String { "Sequential" }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public var buffers: [Parameter] { layers.flatMap(\.buffers) }

    /// Every parameter with a dotted path ("encoder.0.weight") and the layer that owns it.
    public var namedParameters: [(path: String, layer: String, parameter: Parameter)] { named(\.parameters) }

    /// Every buffer (running statistics) with a dotted path ("1.runningMean") and its layer.
    public var namedBuffers: [(path: String, layer: String, parameter: Parameter)] { named(\.buffers) }

    private func named(_ tensors: (any Layer) -> [Parameter]) -> [(path: String, layer: String, parameter: Parameter)] {
        var result: [(String, String, Parameter)] = []
        for (index, layer) in layers.enumerated() {
            if let nested = layer as? Sequential {
                let prefix = nested.name ?? String(index)
                for entry in nested.named(tensors) { result.append(("\(prefix).\(entry.path)", entry.layer, entry.parameter)) }
            } else {
                for parameter in tensors(layer) {
                    result.append(("\(index).\(parameter.name)", "layer \(index) (\(layer.description))", parameter))
                }
            }
        }
        return result
    }

    /// The nested `Sequential` with this name, e.g. an autoencoder's "encoder".
    public func submodel(named wanted: String) -> Sequential? {
        for layer in layers {
            if let nested = layer as? Sequential {
                if nested.name == wanted { return nested }
                if let found = nested.submodel(named: wanted) { return found }
            }
        }
        return nil
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        var shape = inputShape
        for layer in layers { shape = try layer.outputShape(for: shape) }
        return shape
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        Sequential.forward(layers, input, training: training)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        Sequential.backward(layers, outputGradient, needsInputGradient: needsInputGradient)
    }

    public func resetParameters(using generator: inout RandomGenerator) {
        for layer in layers { layer.resetParameters(using: &generator) }
    }

    public var specification: LayerSpecification {
        .sequential(name: name, layers: layers.map(\.specification))
    }

    /// Outputs for many samples, `batchSize` at a time, without training behaviour.
    public func predict(_ inputs: Tensor, batchSize: Int = 1000) -> Tensor {
        let count = inputs.rowCount
        guard count > 0 else { return forward(inputs, training: false) }
        var parts: [Tensor] = []
        for start in stride(from: 0, to: count, by: max(1, batchSize)) {
            parts.append(forward(inputs.rows(start..<min(count, start + batchSize)), training: false))
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenatingRows(parts)
    }

    /// Copies of every parameter and buffer value (for "restore best" and weight averages):
    /// the running statistics belong to the weights they were measured with.
    public func snapshot() -> [Tensor] { (parameters + buffers).map(\.value) }

    /// Puts back values from `snapshot()`.
    public func restore(_ values: [Tensor]) {
        for (parameter, value) in zip(parameters + buffers, values) { parameter.value = value }
    }

    /// The Keras-style table: every layer with its output shape and parameter count.
    public var summary: String {
        var rows: [(String, String, String)] = []
        func walk(_ model: Sequential, indent: String, shape: [Int]?) -> [Int]? {
            var current = shape
            for (index, layer) in model.layers.enumerated() {
                if let nested = layer as? Sequential {
                    rows.append((indent + "\(nested.name ?? String(index)) (Sequential)", "", String(nested.parameterCount)))
                    current = walk(nested, indent: indent + "  ", shape: current)
                } else {
                    current = current.flatMap { try? layer.outputShape(for: $0) }
                    let shapeText = current.map { "[-1, " + $0.map(String.init).joined(separator: ", ") + "]" } ?? "?"
                    rows.append((indent + "\(index): \(layer.description)", shapeText, String(layer.parameterCount)))
                }
            }
            return current
        }
        _ = walk(self, indent: "", shape: inputShape)
        let header = ("Layer", "Output shape", "Parameters")
        let widths = [max(header.0.count, rows.map(\.0.count).max() ?? 0),
                      max(header.1.count, rows.map(\.1.count).max() ?? 0),
                      max(header.2.count, rows.map(\.2.count).max() ?? 0)]
        func line(_ row: (String, String, String)) -> String {
            row.0.padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  "
                + row.1.padding(toLength: widths[1], withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: widths[2] - row.2.count) + row.2
        }
        let rule = String(repeating: "=", count: widths.reduce(4, +))
        var text = "\(name.map { "\($0) " } ?? "")Sequential"
        if let inputShape { text += ", input [-1, " + inputShape.map(String.init).joined(separator: ", ") + "]" }
        text += "\n" + rule + "\n" + line(header) + "\n" + String(repeating: "-", count: rule.count) + "\n"
        text += rows.map(line).joined(separator: "\n")
        let total = parameterCount
        text += "\n" + rule + "\nTotal parameters: \(total.formatted()) (\(String(format: "%.2f", Double(total) * 4 / 1_048_576)) MB as Float32)"
        return text
    }

    public var description: String { summary }
}

extension Int {
    /// Thousands separated by commas, independent of locale.
    fileprivate func formatted() -> String {
        let digits = String(self)
        var result = ""
        for (offset, character) in digits.reversed().enumerated() {
            if offset > 0 && offset % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }
}
