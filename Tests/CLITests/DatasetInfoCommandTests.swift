import Foundation
import Testing
import TestSupport

/// End-to-end tests of `atelier dataset info`: the built binary run as a user runs it.
///
/// The binary is `.build/debug/atelier` next to this package (built by `swift build --build-tests`);
/// when it is missing the suite is skipped rather than failed.
@Suite("atelier dataset info", .enabled(if: AtelierBinary.exists, "build the atelier executable first (swift build)"))
struct DatasetInfoCommandTests {
    let directory = TestSupport.temporaryDirectory("atelier-cli")
    let mnist = TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist")

    @Test("describes the shipped MNIST labels as JSON: format, records, histogram")
    func json() throws {
        let labels = mnist.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path
        let result = try AtelierBinary.run(["dataset", "info", labels, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let decoded = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        let summary = try #require((decoded?["summaries"] as? [[String: Any]])?.first)
        #expect(summary["format"] as? String == "idx-labels+gzip")
        #expect(summary["records"] as? Int == 10_000)
        let histogram = try #require(summary["labelHistogram"] as? [String: Int])
        #expect(histogram["1"] == 1135 && histogram["5"] == 892)
    }

    @Test("text output for a CSV with a label column")
    func csvText() throws {
        let path = try TestSupport.writeFile("\"Time\",\"Amount\",\"Class\"\n0,1.5,0\n1,20,1\n2,3,0\n", named: "small.csv", in: directory)
        let result = try AtelierBinary.run(["dataset", "info", path, "--label-column", "Class"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("format: csv"))
        #expect(result.standardOutput.contains("records: 3"))
        #expect(result.standardOutput.contains("labels: 0: 2, 1: 1"))
        #expect(result.standardOutput.contains("value range: 0 .. 20"))
    }

    /// Each bad file of the issue: exit status 1, nothing on stdout, one message on stderr that
    /// names the file and says what is wrong.
    @Test("every bad input exits 1 with a message naming the file", arguments: [
        ("missing", "no such file"),
        ("empty", "the file is empty"),
        ("magic", "wrong magic number"),
        ("truncated", "truncated"),
        ("trailing", "trailing bytes"),
        ("gzip-cut", "cut short"),
        ("csv-cells", "expected 3 cells (as in the header), found 2"),
        ("csv-text", "'abc' in column 'b' is not a number"),
    ])
    func badInput(kind: String, expectedText: String) throws {
        let path = try badFile(kind)
        let result = try AtelierBinary.run(["dataset", "info", path])
        #expect(result.status == 1, "\(kind): status \(result.status)")
        #expect(!result.crashed, "\(kind): killed by a signal")
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.contains(path), "\(kind): \(result.standardError)")
        #expect(result.standardError.contains(expectedText), "\(kind): \(result.standardError)")
    }

    @Test("a usage error exits 64")
    func usage() throws {
        let result = try AtelierBinary.run(["dataset", "info", "--no-such-option"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("no-such-option"))
    }

    func badFile(_ kind: String) throws -> String {
        let labelHeader: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 4]
        switch kind {
        case "missing": return directory.appendingPathComponent("absent.idx").path
        case "empty": return try TestSupport.writeFile([UInt8](), named: "empty.idx", in: directory)
        case "magic": return try TestSupport.writeFile([0, 0, 9, 9, 0, 0, 0, 1, 5], named: "magic.idx", in: directory)
        case "truncated": return try TestSupport.writeFile(labelHeader + [1, 2], named: "truncated.idx", in: directory)
        case "trailing": return try TestSupport.writeFile(labelHeader + [1, 2, 3, 4, 5], named: "trailing.idx", in: directory)
        case "gzip-cut":
            let whole = try Data(contentsOf: mnist.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
            return try TestSupport.writeFile([UInt8](whole.prefix(whole.count / 2)), named: "cut.gz", in: directory)
        case "csv-cells": return try TestSupport.writeFile("a,b,c\n1,2,3\n4,5\n", named: "cells.csv", in: directory)
        default: return try TestSupport.writeFile("a,b\n1,abc\n", named: "text.csv", in: directory)
        }
    }
}

/// Finds and runs the built `atelier` executable.
enum AtelierBinary {
    static var url: URL { TestSupport.repositoryRoot.appendingPathComponent(".build/debug/atelier") }
    static var exists: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    struct Result {
        var status: Int32
        var crashed: Bool
        var standardOutput: String
        var standardError: String
    }

    /// Runs the binary with `arguments` in `directory` (the repository unless given);
    /// `environment` entries are added to (or override) this process's, and `removing` are unset.
    static func run(_ arguments: [String], environment: [String: String] = [:], removing: [String] = [],
                    in directory: URL = TestSupport.repositoryRoot) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if !environment.isEmpty || !removing.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter { !removing.contains($0.key) }
        }
        process.currentDirectoryURL = directory
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes before waiting so a large output cannot block the child.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = error.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        return Result(status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal,
                      standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorData, as: UTF8.self))
    }
}
