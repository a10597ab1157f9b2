import Foundation
import TensorCore

/// The IDX format of the MNIST files: a big-endian header (magic, then one UInt32 per
/// dimension) followed by the unsigned bytes in row-major order.
///
/// The magic's third byte is the element type (0x08: unsigned byte, the only one MNIST uses) and
/// its fourth the number of dimensions: images are 0x00000803 (2051), labels 0x00000801 (2049).
public struct IDXFile: Sendable, Equatable {
    /// The magic number, e.g. 2051 for images.
    public var magic: UInt32
    /// Extent of each dimension, e.g. `[60000, 28, 28]`.
    public var dimensions: [Int]
    /// The elements, row-major.
    public var bytes: [UInt8]

    public init(magic: UInt32, dimensions: [Int], bytes: [UInt8]) {
        self.magic = magic
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// The elements as a Float32 tensor of shape `dimensions`, divided by 255 when `scaled` so
    /// that pixels land in [0, 1]. Conversion is split over the cores.
    public func tensor(scaled: Bool = true) -> Tensor {
        Tensor(shape: dimensions, elements: ByteConversion.floats(bytes, divisor: scaled ? 255 : 1))
    }
}

public enum IDX {
    /// Magic number of an IDX image file (unsigned bytes, 3 dimensions).
    public static let imagesMagic: UInt32 = 2051
    /// Magic number of an IDX label file (unsigned bytes, 1 dimension).
    public static let labelsMagic: UInt32 = 2049

    /// Reads an IDX file, raw or gzip (detected by content), checking its magic against `expectedMagic`.
    public static func read(_ path: String, expectedMagic: UInt32? = nil) throws -> IDXFile {
        let raw = try FileIO.read(path)
        guard Gzip.isGzip(raw) else { return try parse(raw, path: path, expectedMagic: expectedMagic) }
        var bytes = try Gzip.decompressBytes(raw, path: path)
        let header = try bytes.withUnsafeBytes { try parseHeader($0, path: path, expectedMagic: expectedMagic) }
        bytes.removeFirst(header.size)  // an in-place move, no second 47 MB buffer
        return IDXFile(magic: header.magic, dimensions: header.dimensions, bytes: bytes)
    }

    /// Reads an IDX file straight into a Float32 tensor of shape `dimensions`, divided by 255 when
    /// `scaled`: the fastest way from `train-images-idx3-ubyte.gz` to `[60000, 28, 28]` in [0, 1]
    /// (inflated once by libdeflate, then converted over the cores without another byte copy).
    public static func readTensor(_ path: String, expectedMagic: UInt32? = nil, scaled: Bool = true) throws -> Tensor {
        let raw = try FileIO.read(path)
        let bytes = Gzip.isGzip(raw) ? try Gzip.decompressBytes(raw, path: path) : [UInt8](raw)
        return try bytes.withUnsafeBufferPointer { buffer in
            let header = try parseHeader(UnsafeRawBufferPointer(buffer), path: path, expectedMagic: expectedMagic)
            let elements = ByteConversion.floats(UnsafeBufferPointer(rebasing: buffer[header.size...]), divisor: scaled ? 255 : 1)
            return Tensor(shape: header.dimensions, elements: elements)
        }
    }

    /// Parses IDX bytes. Truncated data, trailing bytes and a wrong magic are errors naming `path`.
    public static func parse(_ data: Data, path: String, expectedMagic: UInt32? = nil) throws -> IDXFile {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> IDXFile in
            let header = try parseHeader(raw, path: path, expectedMagic: expectedMagic)
            let bytes = [UInt8](UnsafeRawBufferPointer(rebasing: raw[header.size...]))
            return IDXFile(magic: header.magic, dimensions: header.dimensions, bytes: bytes)
        }
    }

    /// Checks the header of a whole IDX file in `raw` against its length and returns the magic,
    /// the dimensions and the header size in bytes.
    static func parseHeader(_ raw: UnsafeRawBufferPointer, path: String,
                            expectedMagic: UInt32?) throws -> (magic: UInt32, dimensions: [Int], size: Int) {
        guard !raw.isEmpty else { throw DatasetError.emptyFile(path: path) }
        func word(_ index: Int) -> UInt32 { UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)) }
        guard raw.count >= 4 else {
            throw DatasetError.truncated(path: path, expectedBytes: 4, foundBytes: raw.count)
        }
        let magic = word(0)
        if let expectedMagic, magic != expectedMagic {
            let what = expectedMagic == imagesMagic ? "2051 (IDX images)" : expectedMagic == labelsMagic ? "2049 (IDX labels)" : "\(expectedMagic)"
            throw DatasetError.badMagic(path: path, expected: what, found: magic)
        }
        let typeCode = (magic >> 8) & 0xff
        let rank = Int(magic & 0xff)
        guard magic >> 16 == 0, typeCode == 0x08, (1...4).contains(rank) else {
            throw DatasetError.badMagic(path: path, expected: "an unsigned-byte IDX magic such as 2051 (images) or 2049 (labels)", found: magic)
        }
        let headerSize = 4 + 4 * rank
        guard raw.count >= headerSize else {
            throw DatasetError.truncated(path: path, expectedBytes: headerSize, foundBytes: raw.count)
        }
        let dimensions = (1...rank).map { Int(word($0)) }
        var elementCount = 1
        for extent in dimensions {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: extent)
            guard !overflow, product < Int(UInt32.max) * 256 else {
                throw DatasetError.invalidHeader(path: path, offset: 4, reason: "dimensions \(dimensions) announce more data than any IDX file holds")
            }
            elementCount = product
        }
        let expected = headerSize + elementCount
        if raw.count < expected { throw DatasetError.truncated(path: path, expectedBytes: expected, foundBytes: raw.count) }
        if raw.count > expected { throw DatasetError.trailingBytes(path: path, expectedBytes: expected, foundBytes: raw.count) }
        return (magic, dimensions, headerSize)
    }

    /// Encodes an unsigned-byte IDX file.
    public static func encode(_ file: IDXFile) -> Data {
        var data = Data(capacity: 4 + 4 * file.dimensions.count + file.bytes.count)
        func append(_ value: UInt32) { withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) } }
        append(file.magic)
        for d in file.dimensions { append(UInt32(d)) }
        data.append(contentsOf: file.bytes)
        return data
    }

    /// Writes an IDX file atomically, gzip-compressed when `gzip` is true.
    public static func write(_ file: IDXFile, to path: String, gzip: Bool = false) throws {
        let data = encode(file)
        try FileIO.writeAtomically(gzip ? try Gzip.compress(data) : data, to: path)
    }
}
