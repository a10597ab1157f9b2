import Foundation

/// A parameter's value as the user sees it: what `suggest…` returns and what a categorical
/// choice can be. Optuna allows `None`, `bool`, `int`, `float` and `str` choices; so do we.
///
/// Encodes to and decodes from plain JSON (`1e-3`, `64`, `"adam"`, `true`, `null`), the form
/// Optuna's `CategoricalDistribution` writes in its `choices` array.
public enum ParameterValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case double(Double)
    case int(Int)
    case string(String)
    case bool(Bool)
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int.self) { self = .int(value); return }
        if let value = try? container.decode(Double.self) { self = .double(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        throw DecodingError.dataCorruptedError(
            in: container, debugDescription: "expected null, a boolean, a number or a string")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .double(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// The value as a number, when it is one (ints widen to `Double`).
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }

    /// The value as an integer, when it is an integer or an integral double.
    public var intValue: Int? {
        switch self {
        case .int(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9e15: Int(value)
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    public var description: String {
        switch self {
        case .double(let value): "\(value)"
        case .int(let value): "\(value)"
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }
}
