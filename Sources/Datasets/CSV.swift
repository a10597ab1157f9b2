import Foundation
import TensorCore

/// A numeric table read from CSV: named columns over a `[rows, columns]` Float32 matrix.
public struct NumericTable: Sendable, Equatable {
    /// Column names from the header, quotes removed.
    public var columnNames: [String]
    /// The cells, `[rowCount, columnNames.count]`, row-major.
    public var values: Tensor

    public init(columnNames: [String], values: Tensor) {
        precondition(values.rank == 2 && values.shape[1] == columnNames.count, "values \(values.shape) vs \(columnNames.count) names")
        self.columnNames = columnNames
        self.values = values
    }

    public var rowCount: Int { values.shape[0] }
    public var columnCount: Int { columnNames.count }

    /// Index of the column called `name`, or an error listing the columns there are.
    public func columnIndex(_ name: String) throws -> Int {
        guard let index = columnNames.firstIndex(of: name) else {
            throw DatasetError.invalidArgument("no column named '\(name)'; the columns are \(columnNames.joined(separator: ", "))")
        }
        return index
    }

    /// The values of one column.
    public func column(_ name: String) throws -> [Float] {
        let index = try columnIndex(name)
        return column(at: index)
    }

    /// The values of the column at `index`.
    public func column(at index: Int) -> [Float] {
        let columns = columnCount
        return values.withUnsafeBufferPointer { p in (0..<rowCount).map { p[$0 * columns + index] } }
    }

    /// A table of the named columns only, in the order given.
    public func selecting(_ names: [String]) throws -> NumericTable {
        let indices = try names.map(columnIndex)
        let columns = columnCount
        var result = [Float](repeating: 0, count: rowCount * indices.count)
        values.withUnsafeBufferPointer { p in
            for r in 0..<rowCount {
                for (j, c) in indices.enumerated() { result[r * indices.count + j] = p[r * columns + c] }
            }
        }
        return NumericTable(columnNames: names, values: Tensor(shape: [rowCount, indices.count], elements: result))
    }

    /// Every column except the named ones.
    public func excluding(_ names: [String]) throws -> NumericTable {
        for name in names { _ = try columnIndex(name) }
        return try selecting(columnNames.filter { !names.contains($0) })
    }

    /// The rows at `indices`.
    public func rows<C: Collection>(at indices: C) -> NumericTable where C.Element == Int {
        NumericTable(columnNames: columnNames, values: values.rows(at: indices))
    }
}

/// Reading and writing numeric CSV files with a header row.
///
/// Cells are numbers (integers, decimals, exponents, `nan`/`inf` spelled out); header names may
/// be quoted (`"V1"`), and so may cells. A row with the wrong number of cells, an empty cell or a
/// non-numeric one is an error naming the file, the line and the column. The body is parsed in
/// chunks over the cores.
public enum CSV {
    /// Reads a numeric CSV file.
    public static func readNumeric(_ path: String) throws -> NumericTable {
        try parseNumeric(FileIO.readMaybeGzipped(path), path: path)
    }

    /// Parses numeric CSV bytes; `path` only names the source in errors.
    public static func parseNumeric(_ data: Data, path: String) throws -> NumericTable {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> NumericTable in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard !bytes.isEmpty else { throw DatasetError.emptyFile(path: path) }
            var headerEnd = 0
            while headerEnd < bytes.count && bytes[headerEnd] != 0x0A { headerEnd += 1 }
            var headerText = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<headerEnd]), as: UTF8.self)
            if headerText.hasPrefix("\u{FEFF}") { headerText.removeFirst() }
            if headerText.hasSuffix("\r") { headerText.removeLast() }
            let names = splitHeader(headerText)
            guard !names.isEmpty, !(names.count == 1 && names[0].isEmpty) else {
                throw DatasetError.malformed(path: path, line: 1, column: nil, reason: "the header row is empty; expected column names")
            }
            let columns = names.count
            // Split the body into line-aligned chunks, parse them concurrently, then join.
            let bodyStart = min(headerEnd + 1, bytes.count)
            let bodyLength = bytes.count - bodyStart
            let chunkCount = bodyLength < 1 << 20 ? 1 : Parallel.workerCount * 4
            var boundaries = [bodyStart]
            for c in 1..<chunkCount {
                var position = max(bodyStart + bodyLength * c / chunkCount, boundaries.last!)
                while position < bytes.count && bytes[position] != 0x0A { position += 1 }
                boundaries.append(min(position + 1, bytes.count))
            }
            boundaries.append(bytes.count)
            let chunkBounds = boundaries
            let base = SendableRawPointer(UnsafeRawPointer(bytes.baseAddress!))
            let results = ChunkResults(count: chunkCount)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
                let buffer = UnsafeBufferPointer(start: base.base.assumingMemoryBound(to: UInt8.self), count: chunkBounds[chunkCount])
                results.set(c, parseChunk(buffer, from: chunkBounds[c], to: chunkBounds[c + 1], columns: columns))
            }
            // Line numbers: count the lines of earlier chunks to report errors exactly.
            var values: [Float] = []
            values.reserveCapacity(results.total)
            var lineOffset = 1
            for c in 0..<chunkCount {
                let result = results.get(c)
                if let failure = result.failure {
                    throw DatasetError.malformed(path: path, line: lineOffset + failure.line, column: failure.column,
                                                 reason: failure.reason(names))
                }
                values.append(contentsOf: result.values)
                lineOffset += result.lines
            }
            return NumericTable(columnNames: names, values: Tensor(shape: [values.count / columns, columns], elements: values))
        }
    }

    /// Writes a table as CSV (header, then `%g`-style shortest round-trip numbers), atomically.
    public static func write(_ table: NumericTable, to path: String) throws {
        var text = table.columnNames.map(quoteIfNeeded).joined(separator: ",") + "\n"
        let columns = table.columnCount
        table.values.withUnsafeBufferPointer { p in
            for r in 0..<table.rowCount {
                for c in 0..<columns {
                    if c > 0 { text += "," }
                    text += format(p[r * columns + c])
                }
                text += "\n"
            }
        }
        try FileIO.writeAtomically(text, to: path)
    }

    /// Shortest text that reads back to the same Float (integers without a decimal point).
    public static func format(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return "\(value)"
    }

    static func quoteIfNeeded(_ name: String) -> String {
        name.contains(",") || name.contains("\"") ? "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : name
    }

    static func splitHeader(_ line: String) -> [String] {
        var names: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let ch = iterator.next() {
            if quoted {
                if ch == "\"" { quoted = false } else { current.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                names.append(current.trimmingCharacters(in: .whitespaces)); current = ""
            } else {
                current.append(ch)
            }
        }
        names.append(current.trimmingCharacters(in: .whitespaces))
        return names
    }

    struct Failure: Sendable {
        enum Kind: Sendable { case cellCount(Int), empty, notNumeric(String) }
        var line: Int
        var column: Int?
        var kind: Kind
        func reason(_ names: [String]) -> String {
            switch kind {
            case .cellCount(let found): return "expected \(names.count) cells (as in the header), found \(found)"
            case .empty: return "empty cell in column '\(names[(column ?? 1) - 1])'; expected a number"
            case .notNumeric(let text): return "'\(text)' in column '\(names[(column ?? 1) - 1])' is not a number"
            }
        }
    }

    struct ChunkResult: Sendable {
        var values: [Float] = []
        var lines = 0
        var failure: Failure?
    }

    final class ChunkResults: @unchecked Sendable {
        private var storage: [ChunkResult]
        private let lock = NSLock()
        init(count: Int) { storage = Array(repeating: ChunkResult(), count: count) }
        func set(_ i: Int, _ r: ChunkResult) { lock.lock(); storage[i] = r; lock.unlock() }
        func get(_ i: Int) -> ChunkResult { lock.lock(); defer { lock.unlock() }; return storage[i] }
        var total: Int { lock.lock(); defer { lock.unlock() }; return storage.reduce(0) { $0 + $1.values.count } }
    }

    /// Parses lines in `start..<end`. Line numbers in a failure are relative to the chunk (1-based).
    static func parseChunk(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, columns: Int) -> ChunkResult {
        var result = ChunkResult()
        result.values.reserveCapacity((end - start) / 4)
        var position = start
        var line = 0
        while position < end {
            line += 1
            var lineEnd = position
            while lineEnd < end && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > position && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            defer { position = lineEnd + 1 }
            if contentEnd == position { continue } // blank lines (e.g. a final newline) are skipped
            var cell = 0
            var cellStart = position
            var i = position
            while true {
                if i == contentEnd || bytes[i] == 0x2C {
                    cell += 1
                    if cell > columns { break }
                    var a = cellStart, b = i
                    while a < b && (bytes[a] == 0x20 || bytes[a] == 0x22) { a += 1 }
                    while b > a && (bytes[b - 1] == 0x20 || bytes[b - 1] == 0x22) { b -= 1 }
                    if a == b {
                        result.failure = Failure(line: line, column: cell, kind: .empty)
                        result.lines = line
                        return result
                    }
                    guard let value = parseFloat(bytes, a, b) else {
                        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<min(b, a + 40)]), as: UTF8.self)
                        result.failure = Failure(line: line, column: cell, kind: .notNumeric(text))
                        result.lines = line
                        return result
                    }
                    result.values.append(value)
                    if i == contentEnd { break }
                    cellStart = i + 1
                }
                i += 1
            }
            if cell != columns {
                var found = 1
                for k in position..<contentEnd where bytes[k] == 0x2C { found += 1 }
                result.failure = Failure(line: line, column: nil, kind: .cellCount(found))
                result.lines = line
                return result
            }
        }
        result.lines = line
        return result
    }

    private static let powersOfTen: [Double] = (0...22).map { Foundation.pow(10, Double($0)) }

    /// Parses a decimal number. Up to 15 significant digits with a small exponent are computed
    /// exactly in Double (then rounded once to Float); anything else falls back to `strtod`.
    @inline(__always)
    static func parseFloat(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var i = start
        var negative = false
        if bytes[i] == 0x2D { negative = true; i += 1 } else if bytes[i] == 0x2B { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while i < end, bytes[i] &- 0x30 < 10 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30); if mantissa > 0 { digits += 1 } } else { exponent += 1 }
            sawDigit = true; i += 1
        }
        if i < end && bytes[i] == 0x2E {
            i += 1
            while i < end, bytes[i] &- 0x30 < 10 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30); exponent -= 1; if mantissa > 0 { digits += 1 } }
                sawDigit = true; i += 1
            }
        }
        if !sawDigit { return parseSpecial(bytes, start, end) }
        if i < end && (bytes[i] == 0x65 || bytes[i] == 0x45) {
            i += 1
            var expNegative = false
            if i < end && (bytes[i] == 0x2D || bytes[i] == 0x2B) { expNegative = bytes[i] == 0x2D; i += 1 }
            var e = 0
            var sawExpDigit = false
            while i < end, bytes[i] &- 0x30 < 10 { e = min(e * 10 + Int(bytes[i] &- 0x30), 100_000); sawExpDigit = true; i += 1 }
            if !sawExpDigit { return nil }
            exponent += expNegative ? -e : e
        }
        if i != end { return nil }
        if digits <= 15 && abs(exponent) <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
            return Float(negative ? -value : value)
        }
        return parseWithStrtod(bytes, start, end)
    }

    static func parseWithStrtod(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var text = [CChar](repeating: 0, count: end - start + 1)
        for k in start..<end { text[k - start] = CChar(bitPattern: bytes[k]) }
        return text.withUnsafeBufferPointer { p -> Float? in
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(p.baseAddress!, &endPointer)
            guard let endPointer, endPointer - UnsafeMutablePointer(mutating: p.baseAddress!) == end - start else { return nil }
            return Float(value)
        }
    }

    static func parseSpecial(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).lowercased()
        switch text {
        case "nan", "-nan", "+nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }
}
