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

    /// Index of the column called `name` in the table read from `path`; the error names the file,
    /// the flag that asked for the column, and the columns there are.
    public func columnIndex(_ name: String, in path: String, flag: String) throws -> Int {
        guard let index = columnNames.firstIndex(of: name) else {
            throw DatasetError.invalidArgument("\(path): no column named '\(name)' (\(flag)); the columns are \(columnNames.joined(separator: ", "))")
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

    /// Checks that the named columns have no missing value (an empty cell or NaN): the
    /// pandas-like rule that a table may have gaps, but not in the columns a computation uses.
    /// - Throws: `DatasetError.malformed` naming `path`, the line and the column of the first gap
    ///   (the line is found by re-reading `path` when it is a file, else counted as header + row).
    public func requireComplete(_ names: [String], path: String) throws {
        let columns = columnCount
        for name in names {
            let index = try columnIndex(name)
            let row: Int? = values.withUnsafeBufferPointer { p in (0..<rowCount).first { p[$0 * columns + index].isNaN } }
            guard let row else { continue }
            let line = (try? FileIO.readMaybeGzipped(path)).map { CSV.lineNumber(ofDataRow: row, in: $0) } ?? row + 2
            throw DatasetError.malformed(path: path, line: line, column: index + 1,
                                         reason: "missing value (empty cell or NaN) in column '\(name)'; expected a number in every row of a column that is used")
        }
    }

    /// The rows at `indices`.
    public func rows<C: Collection>(at indices: C) -> NumericTable where C.Element == Int {
        NumericTable(columnNames: columnNames, values: values.rows(at: indices))
    }
}

/// Reading and writing numeric CSV files with a header row.
///
/// Cells are numbers (integers, decimals, exponents, `nan`/`inf` spelled out); header names may
/// be quoted (`"V1"`), and so may cells. As in pandas, an empty cell is a missing value (NaN):
/// a column only has to be complete where a command uses it (`NumericTable.requireComplete`).
/// A row with the wrong number of cells or a non-numeric cell is an error naming the file, the
/// line and the column; so is a binary file, a header in another delimiter (with the flag to
/// set) and a header without data rows. The body is parsed in chunks over the cores.
public enum CSV {
    /// Reads a numeric CSV file whose cells are separated by `delimiter` (one ASCII character).
    public static func readNumeric(_ path: String, delimiter: Character = ",") throws -> NumericTable {
        try parseNumeric(FileIO.readMaybeGzipped(path), path: path, delimiter: delimiter)
    }

    /// How a delimiter is named in messages: "comma", "semicolon", "tab", or the character quoted.
    public static func delimiterName(_ delimiter: String) -> String {
        switch delimiter {
        case ",": return "comma"
        case ";": return "semicolon"
        case "\t": return "tab"
        case "|": return "pipe"
        default: return "'\(delimiter)'"
        }
    }

    /// How a delimiter is written after `--delimiter` in a shell: `';'`, `tab`.
    public static func delimiterFlagValue(_ delimiter: String) -> String {
        delimiter == "\t" ? "tab" : "'\(delimiter)'"
    }

    /// The delimiter a `--delimiter` value names: one ASCII character, or `tab`, `comma`, `semicolon`, `pipe`.
    public static func delimiter(named text: String) -> Character? {
        switch text.lowercased() {
        case "tab", "\\t", "\t": return "\t"
        case "comma": return ","
        case "semicolon": return ";"
        case "pipe": return "|"
        default:
            guard text.count == 1, let c = text.first, c.isASCII, !c.isNumber, !c.isLetter, c != "\"", c != "." , c != "-", c != "\n" else { return nil }
            return c
        }
    }

    /// Bytes examined for a NUL when deciding whether a file is text.
    static let binaryProbeLength = 8192

    /// Fails unless `data` could be a text CSV separated by `delimiter`: no NUL byte near the start
    /// (a PNG, a checkpoint), and a header that is not one column holding another delimiter.
    /// Readers with their own header handling (the credit-card schema) call it first so these
    /// two mistakes get the same message everywhere.
    public static func checkLooksLikeCSV(_ data: Data, path: String, delimiter: Character = ",") throws {
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            try checkText(bytes, path: path)
            var end = 0
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let header = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
            if splitHeader(header, delimiter: delimiter).count == 1,
               let other = [",", ";", "\t", "|"].first(where: { $0 != String(delimiter) && header.contains($0) }) {
                throw DatasetError.wrongDelimiter(path: path, expected: String(delimiter), found: other)
            }
        }
    }

    /// A PNG, a gzip member inside a tar, a checkpoint: a NUL byte never occurs in a text CSV.
    static func checkText(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws {
        if let nul = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, binaryProbeLength)]).firstIndex(of: 0) {
            throw DatasetError.binaryData(path: path, offset: nul, expected: "a text CSV")
        }
    }

    /// Parses numeric CSV bytes; `path` only names the source in errors.
    public static func parseNumeric(_ data: Data, path: String, delimiter: Character = ",") throws -> NumericTable {
        guard let separator = delimiter.asciiValue else {
            throw DatasetError.invalidArgument("--delimiter must be one ASCII character, got '\(delimiter)'")
        }
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> NumericTable in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard !bytes.isEmpty else { throw DatasetError.emptyFile(path: path) }
            try checkText(bytes, path: path)
            var headerEnd = 0
            while headerEnd < bytes.count && bytes[headerEnd] != 0x0A { headerEnd += 1 }
            var headerText = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<headerEnd]), as: UTF8.self)
            if headerText.hasPrefix("\u{FEFF}") { headerText.removeFirst() }
            if headerText.hasSuffix("\r") { headerText.removeLast() }
            let names = splitHeader(headerText, delimiter: delimiter)
            guard !names.isEmpty, !(names.count == 1 && names[0].isEmpty) else {
                throw DatasetError.malformed(path: path, line: 1, column: nil, reason: "the header row is empty; expected column names")
            }
            if names.count == 1, let other = [",", ";", "\t", "|"].first(where: { $0 != String(delimiter) && headerText.contains($0) }) {
                throw DatasetError.wrongDelimiter(path: path, expected: String(delimiter), found: other)
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
            let byteCount = bytes.count
            // Pass 1: a chunk holds at most as many rows as newlines (+1 for a last line without one),
            // so every chunk gets a fixed slot of the final storage and writes its cells in place.
            let bounds = ChunkResults(count: chunkCount)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
                let pointer = base.base.assumingMemoryBound(to: UInt8.self)
                // memchr is vectorised by the C library: one call per line.
                var newlines = 0
                var position = pointer + chunkBounds[c]
                let chunkEnd = pointer + chunkBounds[c + 1]
                while position < chunkEnd, let found = memchr(position, 0x0A, chunkEnd - position) {
                    newlines += 1
                    position = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
                }
                bounds.set(c, ChunkResult(written: 0, lines: newlines + (c == chunkCount - 1 ? 1 : 0), failure: nil))
            }
            var offsets = [0]
            for c in 0..<chunkCount { offsets.append(offsets[c] + bounds.get(c).lines * columns) }
            let capacity = offsets[chunkCount]
            let slotOffsets = offsets
            // Pass 2: parse the chunks concurrently, each into its slot.
            let results = ChunkResults(count: chunkCount)
            var failure: DatasetError?
            let values = [Float](unsafeUninitializedCapacity: capacity) { target, initialized in
                initialized = 0
                guard let targetBase = target.baseAddress else { return }
                let output = SendablePointer(targetBase)
                DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
                    results.set(c, parseChunk(base.base.assumingMemoryBound(to: UInt8.self), from: chunkBounds[c], to: chunkBounds[c + 1],
                                              columns: columns, delimiter: separator, into: output.base + slotOffsets[c],
                                              capacity: slotOffsets[c + 1] - slotOffsets[c], limit: byteCount))
                }
                // Line numbers: count the lines of earlier chunks to report errors exactly. Slots
                // left partly empty by blank lines are closed up.
                var lineOffset = 1
                var total = 0
                for c in 0..<chunkCount {
                    let result = results.get(c)
                    if let chunkFailure = result.failure {
                        failure = DatasetError.malformed(path: path, line: lineOffset + chunkFailure.line, column: chunkFailure.column,
                                                         reason: chunkFailure.reason(names))
                        return
                    }
                    if total != slotOffsets[c] { (targetBase + total).update(from: targetBase + slotOffsets[c], count: result.written) }
                    total += result.written
                    lineOffset += result.lines
                }
                initialized = total
            }
            if let failure { throw failure }
            if values.isEmpty { throw DatasetError.noDataRows(path: path) }
            return NumericTable(columnNames: names, values: Tensor(shape: [values.count / columns, columns], elements: values))
        }
    }

    /// The 1-based file line of data row `row` (0-based), skipping blank lines as the reader does.
    public static func lineNumber(ofDataRow row: Int, in data: Data) -> Int {
        data.withUnsafeBytes { raw -> Int in
            let bytes = raw.bindMemory(to: UInt8.self)
            var line = 1, position = 0, dataRow = -1
            while position < bytes.count {
                var end = position
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                let blank = end == position || (end == position + 1 && bytes[position] == 0x0D)
                if line > 1 && !blank { dataRow += 1; if dataRow == row { return line } }
                line += 1
                position = end + 1
            }
            return line
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

    static func splitHeader(_ line: String, delimiter: Character = ",") -> [String] {
        var names: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let ch = iterator.next() {
            if quoted {
                if ch == "\"" { quoted = false } else { current.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == delimiter {
                names.append(current.trimmingCharacters(in: .whitespaces)); current = ""
            } else {
                current.append(ch)
            }
        }
        names.append(current.trimmingCharacters(in: .whitespaces))
        return names
    }

    struct Failure: Sendable {
        enum Kind: Sendable { case cellCount(Int), notNumeric(String) }
        var line: Int
        var column: Int?
        var kind: Kind
        func reason(_ names: [String]) -> String {
            switch kind {
            case .cellCount(let found): return "expected \(names.count) cells (as in the header), found \(found)"
            case .notNumeric(let text): return "'\(text)' in column '\(names[(column ?? 1) - 1])' is not a number"
            }
        }
    }

    struct ChunkResult: Sendable {
        /// Cells written into the chunk's slot.
        var written = 0
        var lines = 0
        var failure: Failure?
    }

    final class ChunkResults: @unchecked Sendable {
        private var storage: [ChunkResult]
        private let lock = NSLock()
        init(count: Int) { storage = Array(repeating: ChunkResult(), count: count) }
        func set(_ i: Int, _ r: ChunkResult) { lock.lock(); storage[i] = r; lock.unlock() }
        func get(_ i: Int) -> ChunkResult { lock.lock(); defer { lock.unlock() }; return storage[i] }
    }

    /// Parses lines in `start..<end` in one pass over the bytes, writing cells straight into the
    /// chunk's storage. Line numbers in a failure are relative to the chunk (1-based).
    ///
    /// Fast path per cell: optional surrounding spaces and quotes, sign, up to 18 significant
    /// digits (Int64, whose conversion to Double is one instruction), a fraction, an exponent; the value is computed in Double and rounded to Float (see
    /// `makeFloat`). Anything else (empty cells, `nan`/`inf` words, text) takes a slow path that
    /// finds the cell's end and either parses a special value or reports the cell.
    static func parseChunk(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, columns: Int, delimiter: UInt8 = 0x2C,
                           into out: UnsafeMutablePointer<Float>, capacity: Int, limit: Int) -> ChunkResult {
        var result = ChunkResult()
        var failure: Failure?
        var line = 0
        do {
            var written = 0
            var i = start
            powersOfTen.withUnsafeBufferPointer { powers in
                rows: while i < end {
                    line += 1
                    if bytes[i] == 0x0A { i += 1; continue }   // blank lines (e.g. a final newline) are skipped
                    if bytes[i] == 0x0D && (i + 1 == end || bytes[i + 1] == 0x0A) { i += 2; continue }
                    let rowStart = i
                    var cell = 0
                    while true {
                        while i < end && (bytes[i] == 0x20 || bytes[i] == 0x22) { i += 1 }
                        let cellStart = i
                        var negative = false
                        if i < end && (bytes[i] == 0x2D || bytes[i] == 0x2B) { negative = bytes[i] == 0x2D; i += 1 }
                        // Digits accumulate without per-digit bookkeeping; more than 18 of them
                        // (leading zeros included) could overflow Int64 and go to strtof below.
                        var mantissa: Int64 = 0
                        var exponent = 0
                        var digits = scanDigits(bytes, &i, end: end, limit: limit, into: &mantissa)
                        if i < end && bytes[i] == 0x2E {
                            i += 1
                            let fractionDigits = scanDigits(bytes, &i, end: end, limit: limit, into: &mantissa)
                            exponent = -fractionDigits
                            digits += fractionDigits
                        }
                        let sawDigit = digits > 0
                        let tooManyDigits = digits > 18
                        var valid = sawDigit
                        if valid && i < end && (bytes[i] | 0x20) == 0x65 {
                            i += 1
                            var exponentNegative = false
                            if i < end && (bytes[i] == 0x2D || bytes[i] == 0x2B) { exponentNegative = bytes[i] == 0x2D; i += 1 }
                            var e = 0
                            var sawExponentDigit = false
                            while i < end, bytes[i] &- 0x30 < 10 { e = min(e * 10 + Int(bytes[i] &- 0x30), 100_000); sawExponentDigit = true; i += 1 }
                            valid = sawExponentDigit
                            exponent += exponentNegative ? -e : e
                        }
                        let numberEnd = i
                        while i < end && (bytes[i] == 0x20 || bytes[i] == 0x22) { i += 1 }
                        var terminator: UInt8 = i < end ? bytes[i] : 0x0A
                        let atCellEnd = terminator == delimiter || terminator == 0x0A || (terminator == 0x0D && (i + 1 >= end || bytes[i + 1] == 0x0A))
                        var value: Float = 0
                        if valid && atCellEnd {
                            value = (tooManyDigits ? nil : makeFloat(mantissa: mantissa, exponent: exponent, negative: negative, powers: powers))
                                ?? parseWithStrtof(bytes, cellStart, numberEnd) ?? .nan
                        } else {
                            // Slow path: the whole cell, trimmed.
                            var j = cellStart
                            while j < end && bytes[j] != delimiter && bytes[j] != 0x0A { j += 1 }
                            var b = j
                            while b > cellStart && (bytes[b - 1] == 0x20 || bytes[b - 1] == 0x22 || bytes[b - 1] == 0x0D) { b -= 1 }
                            // An empty cell is a missing value, as pandas reads it.
                            guard let special = b == cellStart ? Float.nan : parseSpecial(UnsafeBufferPointer(start: bytes, count: end), cellStart, b) else {
                                let text = String(decoding: UnsafeBufferPointer(start: bytes + cellStart, count: min(b - cellStart, 40)), as: UTF8.self)
                                failure = Failure(line: line, column: cell + 1, kind: .notNumeric(text))
                                break rows
                            }
                            value = special
                            i = j
                            terminator = i < end ? bytes[i] : 0x0A
                        }
                        cell += 1
                        if cell <= columns && written < capacity { out[written] = value; written += 1 }
                        if terminator == delimiter { i += 1; continue }
                        if i < end && bytes[i] == 0x0D { i += 1 }
                        if i < end && bytes[i] == 0x0A { i += 1 }
                        break
                    }
                    if cell != columns {
                        var found = 1
                        var k = rowStart
                        while k < end && bytes[k] != 0x0A { if bytes[k] == delimiter { found += 1 }; k += 1 }
                        failure = Failure(line: line, column: nil, kind: .cellCount(found))
                        break rows
                    }
                }
            }
            result.written = written
        }
        result.lines = line
        result.failure = failure
        return result
    }

    /// Powers of ten as Int64, `10^0 ... 10^8`, for appending a block of digits to a mantissa.
    private static let integerPowersOfTen: [Int64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// Appends the decimal digits at `i` to `mantissa` (wrapping on overflow; callers treat more
    /// than 18 digits separately) and returns how many there were. Eight bytes are examined at a
    /// time (SWAR) while `i + 8 <= limit`, the end of the whole buffer, so the load never leaves
    /// it; digits never run past a chunk's `end` because chunks end after a newline.
    ///
    /// A byte is a digit iff `b - '0'` is below 10: `x - 0x30...` has the high bit set for bytes
    /// below '0' and `x - 0x30... + 0x76...` for bytes above '9'; borrows and carries only start at
    /// a non-digit, so the bytes before the first one are exact. The leading digits are shifted to
    /// the top of the word and combined pairwise (the multiply-shift steps of simdjson's
    /// `parse_eight_digits_unrolled`).
    @inline(__always)
    static func scanDigits(_ bytes: UnsafePointer<UInt8>, _ i: inout Int, end: Int, limit: Int, into mantissa: inout Int64) -> Int {
        var count = 0
        while i + 8 <= limit {
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self))
            let shifted = word &- 0x3030_3030_3030_3030
            let nonDigit = (shifted | (shifted &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080
            let n = nonDigit == 0 ? 8 : nonDigit.trailingZeroBitCount >> 3
            if n == 0 { return count }
            var v = n == 8 ? shifted : shifted &<< UInt64(64 - 8 * n)
            v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
            v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
            v = ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
            mantissa = mantissa &* integerPowersOfTen[n] &+ Int64(truncatingIfNeeded: v)
            i += n
            count += n
            if n < 8 { return count }
        }
        while i < end {
            let d = bytes[i] &- 0x30
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ Int64(d)
            i += 1
            count += 1
        }
        return count
    }

    /// `10^k` for k in 0...22 (exact in Double) followed by `10^-k` for k in 1...22 (rounded).
    private static let powersOfTen: [Double] = (0...22).map { Foundation.pow(10, Double($0)) } + (1...22).map { Foundation.pow(10, -Double($0)) }

    /// `(-1)^negative * mantissa * 10^exponent` rounded to Float, or nil when the fast path cannot
    /// guarantee the correctly rounded result.
    ///
    /// The value is formed in Double with one multiplication (at most about 1.5 Double ulps from
    /// the true value: the mantissa's rounding beyond 2^53, the power's and the product's) and
    /// then rounded to Float. That is the correctly rounded Float unless the Double lies within a
    /// few Double ulps of a midpoint between two Floats, which shows in its bit pattern: rounding
    /// to Float drops the low 29 mantissa bits, and a midpoint has them equal to `1 << 28`.
    /// Those rare cells (about 1 in 10^8), and exponents beyond 10^±22, go to `strtof`.
    @inline(__always)
    static func makeFloat(mantissa: Int64, exponent: Int, negative: Bool, powers: UnsafeBufferPointer<Double>) -> Float? {
        guard exponent >= -22 && exponent <= 22 else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0 }
        let d = Double(mantissa) * powers[exponent >= 0 ? exponent : 22 - exponent]
        // Within 4 Double ulps of a Float midpoint (the range is normal for Float: 1e-22 <= d).
        if (d.bitPattern & 0x1FFF_FFFF) &- 0x0FFF_FFFC < 8 { return nil }
        let f = Float(d)
        guard f.isFinite else { return nil }
        return negative ? -f : f
    }

    /// Parses a decimal number (used outside the chunk parser).
    static func parseFloat(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        return Float(text) ?? parseSpecial(bytes, start, end)
    }

    /// Correctly rounded Float of the bytes `start..<end` by C's `strtof`, nil unless they are one number.
    static func parseWithStrtof(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { text -> Float? in
            for k in 0..<length { text[k] = CChar(bitPattern: bytes[start + k]) }
            text[length] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtof(text.baseAddress!, &endPointer)
            guard let endPointer, endPointer - text.baseAddress! == length else { return nil }
            return value
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
