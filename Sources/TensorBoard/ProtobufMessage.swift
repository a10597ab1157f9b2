/// A protocol-buffers message written field by field: the four wire types the TensorBoard
/// messages need (varint, 64-bit, length-delimited, 32-bit), nothing else.
///
/// Hand-written rather than generated: swift-protobuf needs protoc and its plugin (minutes of
/// build) for five small messages whose field numbers never change. Fields are written in the
/// order they are added; every field asked for is written, including zeros, which proto3
/// parsers accept and which a `oneof` member (a `0.0` number value) needs.
struct ProtobufMessage: Equatable {
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    private(set) var bytes: [UInt8] = []

    private mutating func key(_ field: Int, _ type: WireType) {
        appendVarint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    private mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// `uint64`, and `int64`/`int32`/enums through their two's complement (ten bytes when negative).
    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, .varint)
        appendVarint(value)
    }

    mutating func int64(_ field: Int, _ value: Int64) { varint(field, UInt64(bitPattern: value)) }

    mutating func bool(_ field: Int, _ value: Bool) { varint(field, value ? 1 : 0) }

    /// `double`: the IEEE bits, little-endian.
    mutating func double(_ field: Int, _ value: Double) {
        key(field, .fixed64)
        bytes.append(contentsOf: littleEndianBytes(value.bitPattern))
    }

    /// `float`: the IEEE bits, little-endian.
    mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        bytes.append(contentsOf: littleEndianBytes(value.bitPattern))
    }

    /// `bytes`: the length as a varint, then the bytes.
    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// `string`: UTF-8, length-delimited.
    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    /// An embedded message, length-delimited.
    mutating func message(_ field: Int, _ value: ProtobufMessage) { bytes(field, value.bytes) }
}

/// The bytes of `value`, least significant first.
func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}
