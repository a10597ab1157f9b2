import Foundation

/// Writing results for people (text) or programs (`--json`).
enum Output {
    /// Stands in for a non-finite number while encoding; replaced by `null` in the text.
    private static let missing = "\u{1}atelier-missing\u{1}"

    /// `value` as pretty, key-sorted JSON, with NaN and infinities written as `null`
    /// (CONVENTIONS.md: "a missing value is null, never NaN"): JSON has no NaN, and
    /// `JSONEncoder` would otherwise fail on the first one.
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: missing, negativeInfinity: missing, nan: missing)
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        // The sentinel's control characters are escaped by the encoder as \u0001.
        let escaped = "\"\\u0001atelier-missing\\u0001\""
        return Data(text.replacingOccurrences(of: escaped, with: "null").utf8)
    }

    /// Prints `value` as JSON on stdout.
    static func json<T: Encodable>(_ value: T) throws {
        FileHandle.standardOutput.write(try encode(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Prints a line on stderr (progress, notes), keeping stdout for results.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
