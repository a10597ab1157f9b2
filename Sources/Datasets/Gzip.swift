import CDeflate
import CZlib
import Foundation
import TensorCore

/// gzip decoding, detected by content (the 0x1f 0x8b magic), not by file name.
///
/// A single-member file inflates in one call to libdeflate (2-3x faster than zlib, whole-buffer
/// only) into a buffer sized from the ISIZE trailer. Anything else (several members, a size
/// field that cannot be right, a corrupt or cut-short stream) goes through zlib's streaming
/// `inflate`, which also produces the precise error messages.
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Inflates a whole gzip file (all members) into memory.
    ///
    /// The output buffer is presized from the ISIZE trailer (uncompressed size mod 2^32), so a
    /// single-member file inflates without reallocation. A stream cut short, a bad CRC or garbage
    /// after the last member are reported with the compressed offset where zlib stopped.
    public static func decompress(_ data: Data, path: String) throws -> Data {
        if let whole = inflateSingleMember(data) { return whole }
        return try inflateStreaming(data, path: path)
    }

    /// Inflates a whole gzip file into a byte array (what the IDX and CIFAR readers parse).
    ///
    /// Same contract and errors as `decompress(_:path:)`; the fast path writes straight into the
    /// array's uninitialised storage, so the 47 MB of MNIST train images are written once.
    public static func decompressBytes(_ data: Data, path: String) throws -> [UInt8] {
        if let expectedSize = plausibleSize(data), let decompressor = libdeflate_alloc_decompressor() {
            defer { libdeflate_free_decompressor(decompressor) }
            var succeeded = false
            let output = data.withUnsafeBytes { input in
                [UInt8](unsafeUninitializedCapacity: expectedSize) { buffer, initialized in
                    Memory.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
                    var consumed = 0
                    var produced = 0
                    let status = libdeflate_gzip_decompress_ex(decompressor, input.baseAddress, input.count,
                                                               buffer.baseAddress, expectedSize, &consumed, &produced)
                    succeeded = status == LIBDEFLATE_SUCCESS && consumed == input.count && produced == expectedSize
                    initialized = succeeded ? produced : 0
                }
            }
            if succeeded { return output }
        }
        return [UInt8](try inflateStreaming(data, path: path))
    }

    /// The ISIZE trailer when it can be the size of a single member's content, else nil.
    static func plausibleSize(_ data: Data) -> Int? {
        guard data.count >= 18 else { return nil }
        let size = data.suffix(4).withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        return size > 0 && size <= data.count * maximumExpansion ? size : nil
    }

    /// DEFLATE can expand at most about 1032:1, so an ISIZE above this is not a real size.
    private static let maximumExpansion = 1032

    /// The libdeflate fast path: succeeds only for exactly one gzip member whose inflated size
    /// equals its ISIZE trailer; returns nil otherwise (the caller then streams with zlib).
    static func inflateSingleMember(_ data: Data) -> Data? {
        guard let expectedSize = plausibleSize(data), let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var output = Data(count: expectedSize)
        var consumed = 0
        var produced = 0
        let status = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                libdeflate_gzip_decompress_ex(decompressor, input.baseAddress, input.count,
                                              out.baseAddress, expectedSize, &consumed, &produced)
            }
        }
        guard status == LIBDEFLATE_SUCCESS, consumed == data.count, produced == expectedSize else { return nil }
        return output
    }

    /// zlib's streaming inflate: every member, with errors that say where and why it failed.
    static func inflateStreaming(_ data: Data, path: String) throws -> Data {
        guard data.count >= 18 else {
            throw DatasetError.corruptGzip(path: path, offset: data.count, reason: "only \(data.count) bytes; a gzip member needs at least 18")
        }
        // A cut-short file's last four bytes are not a size: trust them only when plausible.
        var capacity = max(plausibleSize(data) ?? 0, data.count * 2, 1024)
        var output = Data(count: capacity)
        var produced = 0
        var consumed = 0
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip wrapper.
        guard atelier_inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK else {
            throw DatasetError.corruptGzip(path: path, offset: 0, reason: "zlib could not initialise")
        }
        defer { inflateEnd(&stream) }
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            let base = input.bindMemory(to: UInt8.self).baseAddress!
            while true {
                if produced == capacity {
                    capacity *= 2
                    output.count = capacity
                }
                let status: Int32 = output.withUnsafeMutableBytes { out in
                    stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                    stream.avail_in = UInt32(min(input.count - consumed, Int(UInt32.max)))
                    stream.next_out = out.bindMemory(to: UInt8.self).baseAddress! + produced
                    stream.avail_out = UInt32(min(capacity - produced, Int(UInt32.max)))
                    let before = (Int(stream.avail_in), Int(stream.avail_out))
                    let status = inflate(&stream, Z_NO_FLUSH)
                    consumed += before.0 - Int(stream.avail_in)
                    produced += before.1 - Int(stream.avail_out)
                    return status
                }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    if consumed == input.count { return }
                    // Another gzip member may follow (concatenated gzip files are valid).
                    if input.count - consumed >= 2 && base[consumed] == 0x1f && base[consumed + 1] == 0x8b {
                        inflateReset(&stream)
                        continue
                    }
                    throw DatasetError.corruptGzip(path: path, offset: consumed,
                                                   reason: "\(input.count - consumed) bytes of trailing garbage after the gzip stream")
                case Z_BUF_ERROR where consumed == input.count:
                    throw DatasetError.corruptGzip(path: path, offset: consumed,
                                                   reason: "the stream is cut short (inflated \(produced) bytes before the data ended)")
                case Z_BUF_ERROR:
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DatasetError.corruptGzip(path: path, offset: consumed, reason: message)
                }
            }
        }
        output.count = produced
        return output
    }

    /// Compresses `data` as a single gzip member (used to write test fixtures and IDX.gz files).
    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        guard atelier_deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
            throw DatasetError.invalidArgument("zlib deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(data.count))) + 32
        var output = Data(count: bound)
        var produced = 0
        let status: Int32 = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.bindMemory(to: UInt8.self).baseAddress
                stream.avail_out = UInt32(bound)
                let status = deflate(&stream, Z_FINISH)
                produced = bound - Int(stream.avail_out)
                return status
            }
        }
        guard status == Z_STREAM_END else { throw DatasetError.invalidArgument("zlib deflate failed with status \(status)") }
        output.count = produced
        return output
    }
}
