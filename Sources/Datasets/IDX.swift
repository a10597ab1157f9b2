import Foundation

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
}

public enum IDX {
    /// Magic number of an IDX image file (unsigned bytes, 3 dimensions).
    public static let imagesMagic: UInt32 = 2051
    /// Magic number of an IDX label file (unsigned bytes, 1 dimension).
    public static let labelsMagic: UInt32 = 2049

    /// Reads an IDX file, raw or gzip (detected by content), checking its magic against `expectedMagic`.
    public static func read(_ path: String, expectedMagic: UInt32? = nil) throws -> IDXFile {
        try parse(FileIO.readMaybeGzipped(path), path: path, expectedMagic: expectedMagic)
    }

    /// Parses IDX bytes. Truncated data, trailing bytes and a wrong magic are errors naming `path`.
    public static func parse(_ data: Data, path: String, expectedMagic: UInt32? = nil) throws -> IDXFile {
        guard !data.isEmpty else { throw DatasetError.emptyFile(path: path) }
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> IDXFile in
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
            let expected = headerSize + dimensions.reduce(1, *)
            if raw.count < expected { throw DatasetError.truncated(path: path, expectedBytes: expected, foundBytes: raw.count) }
            if raw.count > expected { throw DatasetError.trailingBytes(path: path, expectedBytes: expected, foundBytes: raw.count) }
            let bytes = [UInt8](raw[headerSize..<expected])
            return IDXFile(magic: magic, dimensions: dimensions, bytes: bytes)
        }
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
