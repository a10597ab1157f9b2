import Foundation

/// Why a data file could not be read. Every case names the file and says what was expected
/// and what was found, so that the message alone tells a user what to fix.
public enum DatasetError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    case badMagic(path: String, expected: String, found: UInt32)
    case truncated(path: String, expectedBytes: Int, foundBytes: Int)
    case trailingBytes(path: String, expectedBytes: Int, foundBytes: Int)
    case corruptGzip(path: String, offset: Int, reason: String)
    case lengthMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    case malformed(path: String, line: Int, column: Int?, reason: String)
    /// A binary header (NPY, CIFAR record) that cannot be right, at byte `offset` of the file.
    case invalidHeader(path: String, offset: Int, reason: String)
    case invalidArgument(String)
    /// A file read as text (CSV) that holds binary data: a NUL byte at `offset`.
    case binaryData(path: String, offset: Int, expected: String)
    /// A CSV whose header has no `expected` delimiter but another one (`found`).
    case wrongDelimiter(path: String, expected: String, found: String)
    /// A CSV with a header row and nothing else.
    case noDataRows(path: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .unreadable(path, reason):
            return "\(path): cannot be read (\(reason))"
        case let .emptyFile(path):
            return "\(path): the file is empty"
        case let .badMagic(path, expected, found):
            return "\(path): wrong magic number at offset 0: expected \(expected), found \(found) (0x\(String(found, radix: 16, uppercase: true)))"
        case let .truncated(path, expected, found):
            return "\(path): truncated: the header announces \(expected) bytes but the data holds \(found)"
        case let .trailingBytes(path, expected, found):
            return "\(path): \(found - expected) unexpected trailing bytes after offset \(expected) (the header announces \(expected) bytes, the data holds \(found))"
        case let .corruptGzip(path, offset, reason):
            return "\(path): corrupt gzip stream near compressed offset \(offset): \(reason)"
        case let .lengthMismatch(images, imageCount, labels, labelCount):
            return "\(images) holds \(imageCount) images but \(labels) holds \(labelCount) labels; expected equal counts"
        case let .malformed(path, line, column, reason):
            if let column { return "\(path):\(line): column \(column): \(reason)" }
            return "\(path):\(line): \(reason)"
        case let .invalidHeader(path, offset, reason):
            return "\(path): at byte offset \(offset): \(reason)"
        case let .invalidArgument(message):
            return message
        case let .binaryData(path, offset, expected):
            return "\(path): binary data (a NUL byte at offset \(offset)), expected \(expected)"
        case let .wrongDelimiter(path, expected, found):
            return "\(path):1: expected \(CSV.delimiterName(expected))-separated values, found \(CSV.delimiterName(found)) (set --delimiter \(CSV.delimiterFlagValue(found)))"
        case let .noDataRows(path):
            return "\(path): a header row but no data rows; expected at least one row of values"
        }
    }

    public var errorDescription: String? { description }
}
