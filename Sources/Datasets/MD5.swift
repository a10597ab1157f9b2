import Foundation

/// MD5 message digest (RFC 1321), to check data files against published checksums such as the
/// uncompressed MNIST MD5s in `datasets/mnist/README.md`.
///
/// MD5 is broken for security purposes; here it only detects corrupted or substituted downloads,
/// which is what dataset providers publish it for.
public enum MD5 {
    /// The 32-character lowercase hexadecimal digest of `bytes`.
    public static func hexDigest<Bytes: ContiguousBytes>(of bytes: Bytes) -> String {
        digest(of: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The 16-byte digest of `bytes`.
    public static func digest<Bytes: ContiguousBytes>(of bytes: Bytes) -> [UInt8] {
        bytes.withUnsafeBytes { digest(buffer: $0) }
    }

    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    /// `floor(abs(sin(i + 1)) * 2^32)`, the RFC's table T.
    private static let constants: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296)) }

    private static func digest(buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
        let fullBlocks = buffer.count / 64
        shifts.withUnsafeBufferPointer { s in
            constants.withUnsafeBufferPointer { k in
                for block in 0..<fullBlocks {
                    compress(&state, UnsafeRawBufferPointer(rebasing: buffer[(block * 64)..<(block * 64 + 64)]), s, k)
                }
                // Padding: 0x80, zeros, then the bit length as a little-endian UInt64.
                var tail = [UInt8](buffer[(fullBlocks * 64)...])
                tail.append(0x80)
                while tail.count % 64 != 56 { tail.append(0) }
                let bitLength = UInt64(buffer.count) &* 8
                for i in 0..<8 { tail.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
                tail.withUnsafeBytes { t in
                    for block in 0..<(t.count / 64) {
                        compress(&state, UnsafeRawBufferPointer(rebasing: t[(block * 64)..<(block * 64 + 64)]), s, k)
                    }
                }
            }
        }
        var result: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for i in 0..<4 { result.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
        }
        return result
    }

    @inline(__always)
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer,
                                 _ s: UnsafeBufferPointer<UInt32>, _ k: UnsafeBufferPointer<UInt32>) {
        var (a, b, c, d) = state
        for i in 0..<64 {
            var f: UInt32
            let g: Int
            switch i {
            case 0..<16: f = (b & c) | (~b & d); g = i
            case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
            case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * i) % 16
            }
            let word = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: g * 4, as: UInt32.self))
            f = f &+ a &+ k[i] &+ word
            a = d
            d = c
            c = b
            b = b &+ ((f << s[i]) | (f >> (32 - s[i])))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
