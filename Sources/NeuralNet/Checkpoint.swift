import Datasets
import Foundation
import TensorCore

/// A trained model on disk: architecture, per-sample input shape, free-form metadata and every
/// parameter, in one binary file written atomically.
///
/// Format, version 1 (all integers little-endian):
/// ```
/// offset 0   8 bytes   magic "ATNNCKPT"
/// offset 8   UInt32    format version (1)
/// offset 12  UInt32    header length H in bytes
/// offset 16  H bytes   header, UTF-8 JSON: {"architecture": LayerSpecification,
///                      "inputShape": [Int], "metadata": {String: String},
///                      "parameters": [{"path": "3.weight", "shape": [120, 256]}, ...]}
/// 16 + H     Float32   the parameters' elements, in header order, row-major, concatenated,
///                      then the buffers' elements (see below)
/// end - 8    UInt64    FNV-1a 64-bit hash of every byte before it
/// ```
/// Buffers (BatchNorm's running statistics, a `Standardize` layer's mean and deviation) are
/// listed under the optional header key `"buffers"` (same entry form) and stored after the
/// parameters. A file without the key is a model without buffers, so every checkpoint written
/// before buffers existed loads unchanged; the version stays 1.
/// Loading verifies magic, version, lengths and the hash (a flipped byte is reported, not
/// silently loaded), rebuilds the architecture and checks every parameter's shape, naming the
/// layer on a mismatch.
public struct Checkpoint {
    public static let magic = Array("ATNNCKPT".utf8)
    public static let version: UInt32 = 1

    /// The rebuilt model, with its input shape.
    public var model: Sequential
    /// Free-form facts saved with the model (model name, dataset, class names, epochs...).
    public var metadata: [String: String]

    public init(model: Sequential, metadata: [String: String] = [:]) {
        self.model = model
        self.metadata = metadata
    }

    struct Header: Codable {
        var architecture: LayerSpecification
        var inputShape: [Int]?
        var metadata: [String: String]
        var parameters: [Entry]
        var buffers: [Entry]?
        struct Entry: Codable { var path: String; var shape: [Int] }
    }

    /// The file's bytes.
    public func encoded() throws -> Data {
        let parameters = model.namedParameters, buffers = model.namedBuffers
        let named = parameters + buffers
        let header = Header(architecture: model.specification, inputShape: model.inputShape, metadata: metadata,
                            parameters: parameters.map { .init(path: $0.path, shape: $0.parameter.value.shape) },
                            buffers: buffers.isEmpty ? nil : buffers.map { .init(path: $0.path, shape: $0.parameter.value.shape) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        var data = Data()
        data.reserveCapacity(24 + json.count + named.reduce(0) { $0 + $1.parameter.value.count * 4 })
        data.append(contentsOf: Checkpoint.magic)
        Checkpoint.append(Checkpoint.version, to: &data)
        Checkpoint.append(UInt32(json.count), to: &data)
        data.append(json)
        for entry in named {
            entry.parameter.value.withUnsafeBufferPointer { values in
                for v in values { Checkpoint.append(v.bitPattern, to: &data) }
            }
        }
        let hash = data.withUnsafeBytes { Checkpoint.fnv1a($0) }
        Checkpoint.append(hash, to: &data)
        return data
    }

    /// Writes the checkpoint atomically (temporary file + rename).
    public func write(to path: String) throws {
        try FileIO.writeAtomically(try encoded(), to: path)
    }

    /// Reads and verifies a checkpoint, rebuilding its model.
    /// - Throws: `NeuralNetError.corruptCheckpoint` (with the byte offset) or `DatasetError`
    ///   for a missing file.
    public static func load(_ path: String) throws -> Checkpoint {
        try decode(try FileIO.read(path), path: path)
    }

    /// Decodes checkpoint bytes; `path` is used in error messages.
    public static func decode(_ data: Data, path: String) throws -> Checkpoint {
        func corrupt(_ offset: Int, _ reason: String) -> NeuralNetError {
            .corruptCheckpoint(path: path, offset: offset, reason: reason)
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 24 else { throw corrupt(0, "the file has \(bytes.count) bytes, fewer than the 24 of an empty checkpoint") }
        guard Array(bytes[0..<8]) == magic else {
            throw corrupt(0, "expected magic \"ATNNCKPT\", found \(bytes[0..<8].map { String(format: "%02x", $0) }.joined(separator: " "))")
        }
        let version = readUInt32(bytes, 8)
        guard version == Checkpoint.version else { throw corrupt(8, "format version \(version) is not supported (this build reads version \(Checkpoint.version))") }
        let headerLength = Int(readUInt32(bytes, 12))
        guard 16 + headerLength + 8 <= bytes.count else {
            throw corrupt(12, "header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
        }
        let storedHash = readUInt64(bytes, bytes.count - 8)
        let actualHash = bytes.withUnsafeBytes { fnv1a(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 8)])) }
        guard storedHash == actualHash else {
            throw corrupt(bytes.count - 8, "checksum mismatch (stored \(String(storedHash, radix: 16)), computed \(String(actualHash, radix: 16))): the file is damaged or truncated")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]))
        } catch {
            throw corrupt(16, "the header is not valid checkpoint JSON (\(error.localizedDescription))")
        }
        do { try header.architecture.validate() } catch { throw corrupt(16, "bad architecture: \(error)") }
        guard case .sequential = header.architecture else { throw corrupt(16, "the architecture is not a Sequential model") }
        let dataLength = bytes.count - 8 - 16 - headerLength
        var listed = 0, bufferElements = 0
        let bufferEntries = header.buffers ?? []
        for (position, entry) in (header.parameters + bufferEntries).enumerated() {
            guard !entry.shape.isEmpty, entry.shape.allSatisfy({ $0 > 0 && $0 <= dataLength }) else {
                throw corrupt(16, "parameter \(entry.path) has an impossible shape \(entry.shape)")
            }
            let (count, overflow) = entry.shape.reduce((1, false)) { partial, size in
                let (product, over) = partial.0.multipliedReportingOverflow(by: size)
                return (product, partial.1 || over || product > dataLength)
            }
            guard !overflow else { throw corrupt(16, "parameter \(entry.path) of shape \(entry.shape) is larger than the file") }
            if position < header.parameters.count { listed += count } else { bufferElements += count }
        }
        guard (listed + bufferElements) * 4 == dataLength else {
            throw corrupt(16 + headerLength, "the header lists \((listed + bufferElements) * 4) bytes of parameters and buffers, the file holds \(dataLength)")
        }
        guard header.architecture.parameterCount == listed else {
            throw corrupt(16, "the architecture has \(header.architecture.parameterCount) parameters but the file stores \(listed)")
        }
        guard header.architecture.bufferCount == bufferElements else {
            throw corrupt(16, "the architecture has \(header.architecture.bufferCount) buffer values (running statistics) but the file stores \(bufferElements)")
        }
        guard let model = header.architecture.makeLayer() as? Sequential else { throw corrupt(16, "the architecture is not a Sequential model") }
        model.inputShape = header.inputShape
        var offset = 16 + headerLength
        func read(_ entries: [Header.Entry]) -> [(String, Tensor)] {
            entries.map { entry in
                let count = entry.shape.reduce(1, *)
                var elements = [Float](repeating: 0, count: count)
                for i in 0..<count { elements[i] = Float(bitPattern: readUInt32(bytes, offset + 4 * i)) }
                offset += 4 * count
                return (entry.path, Tensor(shape: entry.shape, elements: elements))
            }
        }
        let parameters = read(header.parameters)
        let buffers = read(bufferEntries)
        try assign(parameters, to: model.namedParameters, path: path)
        try assign(buffers, to: model.namedBuffers, path: path)
        return Checkpoint(model: model, metadata: header.metadata)
    }

    /// Loads the parameters of the checkpoint at `path` into an existing `model` of the same
    /// architecture, checking every shape.
    public static func loadParameters(_ path: String, into model: Sequential) throws {
        let checkpoint = try load(path)
        try assign(checkpoint.model.namedParameters.map { ($0.path, $0.parameter.value) }, to: model.namedParameters, path: path)
        try assign(checkpoint.model.namedBuffers.map { ($0.path, $0.parameter.value) }, to: model.namedBuffers, path: path)
    }

    static func assign(_ values: [(String, Tensor)], to named: [(path: String, layer: String, parameter: Parameter)], path: String) throws {
        let stored = Dictionary(values, uniquingKeysWith: { first, _ in first })
        for entry in named {
            guard let value = stored[entry.path] else {
                throw NeuralNetError.checkpointMismatch(path: path, layer: entry.layer, parameter: entry.path,
                                                        expected: entry.parameter.value.shape, found: [])
            }
            guard value.shape == entry.parameter.value.shape else {
                throw NeuralNetError.checkpointMismatch(path: path, layer: entry.layer, parameter: entry.path,
                                                        expected: entry.parameter.value.shape, found: value.shape)
            }
        }
        if values.count != named.count {
            let extra = Set(values.map(\.0)).subtracting(named.map(\.path)).sorted()
            throw NeuralNetError.invalidData("\(path): the checkpoint holds \(values.count) parameters, the model \(named.count) (extra: \(extra.joined(separator: ", ")))")
        }
        for entry in named { entry.parameter.value = stored[entry.path]! }
    }

    static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    static func readUInt64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    /// FNV-1a, 64 bits (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
    static func fnv1a(_ buffer: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in buffer {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
