import Foundation
import TensorCore

/// An n-dimensional array as NumPy stores it in a `.npy` file: a shape and typed elements in
/// C (row-major) order.
public struct NPYArray: Sendable, Equatable {
    /// The element storage; the case is the NumPy dtype.
    public enum Storage: Sendable, Equatable {
        case float32([Float])
        case float64([Double])
        case uint8([UInt8])
        case int32([Int32])
        case int64([Int64])

        var count: Int {
            switch self {
            case .float32(let v): return v.count
            case .float64(let v): return v.count
            case .uint8(let v): return v.count
            case .int32(let v): return v.count
            case .int64(let v): return v.count
            }
        }
    }

    /// Extent of each dimension; `[]` for a NumPy scalar (one element).
    public var shape: [Int]
    public var storage: Storage

    /// - Precondition: the element count matches the shape.
    public init(shape: [Int], storage: Storage) {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == storage.count,
                     "shape \(shape) does not hold \(storage.count) elements")
        self.shape = shape
        self.storage = storage
    }

    /// A float32 array holding a tensor's shape and elements.
    public init(_ tensor: Tensor) {
        self.init(shape: tensor.shape, storage: .float32(tensor.elements))
    }

    /// The NumPy dtype string written to the header, e.g. `<f4`.
    public var dtype: String {
        switch storage {
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .uint8: return "|u1"
        case .int32: return "<i4"
        case .int64: return "<i8"
        }
    }

    /// Number of elements.
    public var count: Int { storage.count }

    /// The elements converted to a Float32 tensor of the same shape (float64 and integers round
    /// to the nearest Float). A 0-d array becomes a tensor of shape `[]`.
    public func tensor() -> Tensor {
        switch storage {
        case .float32(let v): return Tensor(shape: shape, elements: v)
        case .float64(let v): return Tensor(shape: shape, elements: v.map { Float($0) })
        case .uint8(let v): return Tensor(shape: shape, elements: v.map { Float($0) })
        case .int32(let v): return Tensor(shape: shape, elements: v.map { Float($0) })
        case .int64(let v): return Tensor(shape: shape, elements: v.map { Float($0) })
        }
    }
}

/// NumPy's `.npy` format (version 1.0 written; 1.0, 2.0 and 3.0 read), so arrays move between
/// Atelier and Python (`np.load` / `np.save`) without conversion scripts.
///
/// Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length
/// (little-endian UInt16 for 1.0, UInt32 for 2.0 and 3.0), then a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }` padded with spaces and
/// a newline so that the data starts at a multiple of 64 bytes, then the raw elements.
/// Reading accepts little- and big-endian `f4 f8 u1 b1 i4 i8` in C order; anything else is an
/// error naming the file, the offset and what was found.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] // \x93NUMPY

    /// Reads a `.npy` file.
    public static func read(_ path: String) throws -> NPYArray {
        try parse(FileIO.read(path), path: path)
    }

    /// Reads a `.npy` file as a Float32 tensor (converting other dtypes).
    public static func readTensor(_ path: String) throws -> Tensor {
        try read(path).tensor()
    }

    /// Writes `array` as a version 1.0 `.npy` file, atomically.
    public static func write(_ array: NPYArray, to path: String) throws {
        try FileIO.writeAtomically(encode(array), to: path)
    }

    /// Writes a tensor as a float32 `.npy` file, atomically.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try write(NPYArray(tensor), to: path)
    }

    /// The bytes of a version 1.0 `.npy` file holding `array`.
    public static func encode(_ array: NPYArray) -> Data {
        let shapeText: String
        switch array.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(array.shape[0]),)"
        default: shapeText = "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(array.dtype)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad with spaces so that magic (6) + version (2) + length (2) + header + "\n" is a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        func append<T>(_ values: [T]) { values.withUnsafeBytes { data.append(contentsOf: $0) } }
        switch array.storage {
        case .float32(let v): append(v.map { $0.bitPattern.littleEndian })
        case .float64(let v): append(v.map { $0.bitPattern.littleEndian })
        case .uint8(let v): data.append(contentsOf: v)
        case .int32(let v): append(v.map { $0.littleEndian })
        case .int64(let v): append(v.map { $0.littleEndian })
        }
        return data
    }

    /// Parses `.npy` bytes; `path` names the source in errors.
    public static func parse(_ data: Data, path: String) throws -> NPYArray {
        let bytes = [UInt8](data)
        guard !bytes.isEmpty else { throw DatasetError.emptyFile(path: path) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            let found = bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            throw DatasetError.badMagic(path: path, expected: "\\x93NUMPY (a NumPy .npy file)", found: found)
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw DatasetError.truncated(path: path, expectedBytes: 12, foundBytes: bytes.count) }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw DatasetError.invalidHeader(path: path, offset: 6, reason: "unsupported .npy version \(major).\(bytes[7]); expected 1.0, 2.0 or 3.0")
        }
        let dataStart = headerStart + headerLength
        guard bytes.count >= dataStart else {
            throw DatasetError.truncated(path: path, expectedBytes: dataStart, foundBytes: bytes.count)
        }
        let header = String(decoding: bytes[headerStart..<dataStart], as: UTF8.self)
        let fields = try parseHeader(header, path: path, offset: headerStart)
        if fields.fortranOrder {
            throw DatasetError.invalidHeader(path: path, offset: headerStart,
                                             reason: "fortran_order is True; expected C order (save with np.ascontiguousarray)")
        }
        var count = 1
        for extent in fields.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= Int(Int32.max) * 64 else {
                throw DatasetError.invalidHeader(path: path, offset: headerStart, reason: "shape \(fields.shape) is too large to be real")
            }
            count = product
        }
        let expected = dataStart + count * fields.itemSize
        if bytes.count < expected { throw DatasetError.truncated(path: path, expectedBytes: expected, foundBytes: bytes.count) }
        if bytes.count > expected { throw DatasetError.trailingBytes(path: path, expectedBytes: expected, foundBytes: bytes.count) }
        let payload = bytes[dataStart..<expected]
        let storage: NPYArray.Storage
        switch fields.kind {
        case "f4": storage = .float32(load(payload, count, UInt32.self, fields.bigEndian).map { Float(bitPattern: $0) })
        case "f8": storage = .float64(load(payload, count, UInt64.self, fields.bigEndian).map { Double(bitPattern: $0) })
        case "u1", "b1": storage = .uint8(Array(payload))
        case "i4": storage = .int32(load(payload, count, UInt32.self, fields.bigEndian).map { Int32(bitPattern: $0) })
        default: storage = .int64(load(payload, count, UInt64.self, fields.bigEndian).map { Int64(bitPattern: $0) })
        }
        return NPYArray(shape: fields.shape, storage: storage)
    }

    private static func load<T: FixedWidthInteger>(_ payload: ArraySlice<UInt8>, _ count: Int, _ type: T.Type, _ bigEndian: Bool) -> [T] {
        var values = [T](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            payload.withUnsafeBytes { source in target.copyMemory(from: source) }
        }
        return values.map { bigEndian ? T(bigEndian: $0) : T(littleEndian: $0) }
    }

    struct HeaderFields {
        var kind: String
        var itemSize: Int
        var bigEndian: Bool
        var fortranOrder: Bool
        var shape: [Int]
    }

    static let itemSizes = ["f4": 4, "f8": 8, "u1": 1, "b1": 1, "i4": 4, "i8": 8]

    /// Reads the three keys of the header dict. The dict is Python literal syntax; NumPy always
    /// writes these keys with single quotes, but double quotes are accepted too.
    static func parseHeader(_ header: String, path: String, offset: Int) throws -> HeaderFields {
        func fail(_ reason: String) -> DatasetError {
            .invalidHeader(path: path, offset: offset, reason: "\(reason) in header \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        func value(after key: String) throws -> Substring {
            for quote in ["'", "\""] {
                if let range = header.range(of: "\(quote)\(key)\(quote)") {
                    let rest = header[range.upperBound...].drop { $0 == " " }
                    guard rest.first == ":" else { throw fail("no ':' after '\(key)'") }
                    return rest.dropFirst().drop { $0 == " " }
                }
            }
            throw fail("missing key '\(key)'")
        }
        // descr: a quoted string such as '<f4'.
        let descrText = try value(after: "descr")
        guard let quote = descrText.first, quote == "'" || quote == "\"",
              let close = descrText.dropFirst().firstIndex(of: quote) else { throw fail("descr is not a quoted dtype string") }
        let descr = String(descrText[descrText.index(after: descrText.startIndex)..<close])
        guard descr.count == 3, let order = descr.first, "<>|=".contains(order) else { throw fail("unsupported dtype '\(descr)'") }
        let kind = String(descr.dropFirst())
        guard let itemSize = itemSizes[kind] else {
            throw fail("unsupported dtype '\(descr)'; expected one of <f4 <f8 |u1 |b1 <i4 <i8 (or big-endian)")
        }
        let fortranText = try value(after: "fortran_order")
        let fortranOrder: Bool
        if fortranText.hasPrefix("False") { fortranOrder = false } else if fortranText.hasPrefix("True") { fortranOrder = true } else {
            throw fail("fortran_order is neither True nor False")
        }
        let shapeText = try value(after: "shape")
        guard shapeText.first == "(", let closing = shapeText.firstIndex(of: ")") else { throw fail("shape is not a tuple") }
        var shape: [Int] = []
        for part in shapeText[shapeText.index(after: shapeText.startIndex)..<closing].split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if trimmed.isEmpty { continue }
            guard let extent = Int(trimmed), extent >= 0 else { throw fail("shape entry '\(trimmed)' is not a non-negative integer") }
            shape.append(extent)
        }
        return HeaderFields(kind: kind, itemSize: itemSize, bigEndian: order == ">", fortranOrder: fortranOrder, shape: shape)
    }
}
