import Foundation
import Testing
import TestSupport
@testable import Datasets

/// Every bad-input case of the issue, on files the tests generate: the right error case, and a
/// message that names the file and says what was expected and found.
@Suite("Bad input files")
struct BadInputTests {
    let directory = TestSupport.temporaryDirectory("atelier-bad-input")

    /// A valid image file of `count` 2x3 images (IDX bytes, not yet compressed).
    func imageBytes(count: Int) -> [UInt8] {
        [UInt8](IDX.encode(IDXFile(magic: IDX.imagesMagic, dimensions: [count, 2, 3], bytes: (0..<(count * 6)).map { UInt8($0 % 256) })))
    }

    func labelBytes(count: Int) -> [UInt8] {
        [UInt8](IDX.encode(IDXFile(magic: IDX.labelsMagic, dimensions: [count], bytes: (0..<count).map { UInt8($0 % 10) })))
    }

    /// Runs `body`, requires a `DatasetError`, checks the message names `path`, returns the error.
    func expectError(naming path: String, _ body: () throws -> Void) -> DatasetError? {
        do {
            try body()
            Issue.record("expected an error for \(path)")
            return nil
        } catch let error as DatasetError {
            #expect(error.description.contains(path), "message does not name the file: \(error)")
            return error
        } catch {
            Issue.record("expected a DatasetError, got \(error)")
            return nil
        }
    }

    @Test("missing file")
    func missing() {
        let path = directory.appendingPathComponent("nowhere.idx").path
        let error = expectError(naming: path) { _ = try IDX.read(path) }
        #expect(error == .fileNotFound(path: path))
    }

    @Test("empty file, raw and as an empty gzip stream")
    func empty() throws {
        let path = try TestSupport.writeFile([UInt8](), named: "empty.idx", in: directory)
        #expect(expectError(naming: path) { _ = try IDX.read(path) } == .emptyFile(path: path))
        let gzipped = try TestSupport.writeFile([UInt8](try Gzip.compress(Data())), named: "empty.idx.gz", in: directory)
        #expect(expectError(naming: gzipped) { _ = try IDX.read(gzipped) } == .emptyFile(path: gzipped))
        let csv = try TestSupport.writeFile([UInt8](), named: "empty.csv", in: directory)
        #expect(expectError(naming: csv) { _ = try CSV.readNumeric(csv) } == .emptyFile(path: csv))
    }

    @Test("wrong magic number: a label file where images are expected, and garbage")
    func wrongMagic() throws {
        let path = try TestSupport.writeFile(labelBytes(count: 4), named: "labels-as-images.idx", in: directory)
        let error = expectError(naming: path) { _ = try IDX.read(path, expectedMagic: IDX.imagesMagic) }
        #expect(error == .badMagic(path: path, expected: "2051 (IDX images)", found: 2049))
        #expect(error?.description.contains("expected 2051") == true && error?.description.contains("found 2049") == true)
        let garbage = try TestSupport.writeFile(Array("hello world, not IDX".utf8), named: "garbage.idx", in: directory)
        guard case .badMagic? = expectError(naming: garbage, { _ = try IDX.read(garbage) }) else {
            Issue.record("expected badMagic"); return
        }
    }

    @Test("header count larger than the data (truncated file), raw and gzip")
    func truncated() throws {
        let bytes = imageBytes(count: 5)
        let path = try TestSupport.writeFile(Array(bytes.dropLast(7)), named: "truncated.idx", in: directory)
        #expect(expectError(naming: path) { _ = try IDX.read(path) }
                == .truncated(path: path, expectedBytes: bytes.count, foundBytes: bytes.count - 7))
        let gzipped = try TestSupport.writeFile([UInt8](try Gzip.compress(Data(bytes.dropLast(7)))), named: "truncated.idx.gz", in: directory)
        #expect(expectError(naming: gzipped) { _ = try IDX.readTensor(gzipped) }
                == .truncated(path: gzipped, expectedBytes: bytes.count, foundBytes: bytes.count - 7))
        let headerOnly = try TestSupport.writeFile(Array(bytes.prefix(6)), named: "header-cut.idx", in: directory)
        #expect(expectError(naming: headerOnly) { _ = try IDX.read(headerOnly) }
                == .truncated(path: headerOnly, expectedBytes: 16, foundBytes: 6))
    }

    @Test("trailing garbage after the announced data")
    func trailing() throws {
        let bytes = imageBytes(count: 3)
        let path = try TestSupport.writeFile(bytes + [1, 2, 3], named: "trailing.idx", in: directory)
        let error = expectError(naming: path) { _ = try IDX.read(path) }
        #expect(error == .trailingBytes(path: path, expectedBytes: bytes.count, foundBytes: bytes.count + 3))
        #expect(error?.description.contains("3 unexpected trailing bytes") == true)
    }

    @Test("gzip stream cut short, and garbage after a gzip stream")
    func gzipCutShort() throws {
        // Incompressible content so that the compressed stream is long enough to cut in the middle.
        var generator = SystemRandomNumberGenerator()
        let content = imageBytes(count: 1) + (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let compressed = [UInt8](try Gzip.compress(Data(content)))
        for cut in [compressed.count / 2, compressed.count - 4, 12] {
            let path = try TestSupport.writeFile(Array(compressed.prefix(cut)), named: "cut-\(cut).gz", in: directory)
            let error = expectError(naming: path) { _ = try IDX.read(path) }
            guard case let .corruptGzip(_, offset, reason)? = error else {
                Issue.record("expected corruptGzip for a cut at \(cut), got \(String(describing: error))"); continue
            }
            #expect(offset <= cut)
            #expect(reason.contains("cut short") || reason.contains("bytes"), "\(reason)")
        }
        let withGarbage = try TestSupport.writeFile(compressed + Array("garbage".utf8), named: "garbage-after.gz", in: directory)
        guard case let .corruptGzip(_, offset, reason)? = expectError(naming: withGarbage, { _ = try IDX.read(withGarbage) }) else {
            Issue.record("expected corruptGzip"); return
        }
        #expect(offset == compressed.count)
        #expect(reason.contains("7 bytes of trailing garbage"))
    }

    @Test("an image file paired with a label file of another length")
    func lengthMismatch() throws {
        let images = try TestSupport.writeFile([UInt8](try Gzip.compress(Data(imageBytes(count: 5)))), named: "images.gz", in: directory)
        let labels = try TestSupport.writeFile(labelBytes(count: 4), named: "labels.idx", in: directory)
        let error = expectError(naming: images) {
            _ = try ImageDataset.load(images: images, labels: labels, name: "t", classNames: Dataset.mnistClassNames)
        }
        #expect(error == .lengthMismatch(images: images, imageCount: 5, labels: labels, labelCount: 4))
        #expect(error?.description.contains(labels) == true)
    }

    @Test("CSV row with the wrong number of cells: line and found count")
    func csvCellCount() throws {
        let path = try TestSupport.writeFile("a,b,c\n1,2,3\n4,5\n", named: "cells.csv", in: directory)
        let error = expectError(naming: path) { _ = try CSV.readNumeric(path) }
        #expect(error == .malformed(path: path, line: 3, column: nil, reason: "expected 3 cells (as in the header), found 2"))
        let tooMany = try TestSupport.writeFile("a,b\n1,2\n3,4\n5,6,7\n", named: "cells2.csv", in: directory)
        guard case let .malformed(_, line, _, reason)? = expectError(naming: tooMany, { _ = try CSV.readNumeric(tooMany) }) else {
            Issue.record("expected malformed"); return
        }
        #expect(line == 4 && reason.contains("found 3"))
    }

    @Test("CSV non-numeric and empty cells: line, column and the text found")
    func csvNonNumeric() throws {
        let path = try TestSupport.writeFile("\"Time\",\"V1\",\"Class\"\n0,1.5,0\n1,abc,1\n", named: "text.csv", in: directory)
        let error = expectError(naming: path) { _ = try CSV.readNumeric(path) }
        #expect(error == .malformed(path: path, line: 3, column: 2, reason: "'abc' in column 'V1' is not a number"))
        #expect(error?.description == "\(path):3: column 2: 'abc' in column 'V1' is not a number")
    }

    @Test("CSV: empty cells are missing values, and only a used column must be complete")
    func csvMissingValues() throws {
        let path = try TestSupport.writeFile("a,b\n1,\n\n2,3\n4,\"\"\n", named: "gaps.csv", in: directory)
        let table = try CSV.readNumeric(path)
        #expect(table.rowCount == 3)
        #expect(try table.column("a") == [1, 2, 4])
        let b = try table.column("b")
        #expect(b[0].isNaN && b[1] == 3 && b[2].isNaN)
        try table.requireComplete(["a"], path: path)
        // Row 0 of the data is on line 2; the blank line 3 is skipped as the reader skips it.
        #expect(expectError(naming: path) { try table.requireComplete(["a", "b"], path: path) }
                == .malformed(path: path, line: 2, column: 2,
                              reason: "missing value (empty cell or NaN) in column 'b'; expected a number in every row of a column that is used"))
    }

    @Test("CSV: binary data, another delimiter and a header without rows are named as such")
    func csvNotACommaTable() throws {
        let png = try TestSupport.writeFile([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], named: "figure.png", in: directory)
        let binary = expectError(naming: png) { _ = try CSV.readNumeric(png) }
        #expect(binary == .binaryData(path: png, offset: 8, expected: "a text CSV"))
        #expect(binary?.description.contains("binary data") == true)
        let semicolons = try TestSupport.writeFile("a;b\n1.5;2\n", named: "european.csv", in: directory)
        let wrong = expectError(naming: semicolons) { _ = try CSV.readNumeric(semicolons) }
        #expect(wrong?.description == "\(semicolons):1: expected comma-separated values, found semicolon (set --delimiter ';')")
        let tabs = try TestSupport.writeFile("a\tb\n1\t2\n", named: "tabs.tsv", in: directory)
        #expect(expectError(naming: tabs) { _ = try CSV.readNumeric(tabs) }?.description.contains("(set --delimiter tab)") == true)
        let read = try CSV.readNumeric(tabs, delimiter: "\t")
        #expect(read.columnNames == ["a", "b"] && read.values.elements == [1, 2])
        #expect(try CSV.readNumeric(semicolons, delimiter: ";").columnNames == ["a", "b"])
        let headerOnly = try TestSupport.writeFile("a,b\n", named: "header-only.csv", in: directory)
        #expect(expectError(naming: headerOnly) { _ = try CSV.readNumeric(headerOnly) } == .noDataRows(path: headerOnly))
        #expect(CSV.delimiter(named: "tab") == "\t" && CSV.delimiter(named: ";") == ";" && CSV.delimiter(named: "ab") == nil)
    }

    @Test("dataset info reports the same errors for every file kind")
    func summaryErrors() throws {
        let path = try TestSupport.writeFile(Array(imageBytes(count: 2).dropLast()), named: "summary.idx", in: directory)
        guard case .truncated? = expectError(naming: path, { _ = try DataFileSummary.describe(path) }) else {
            Issue.record("expected truncated"); return
        }
    }
}
