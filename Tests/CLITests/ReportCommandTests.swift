import Foundation
import Testing
import TestSupport

/// End-to-end tests of `atelier report`'s argument handling and failure behaviour. The reports'
/// content is checked in ReportsTests (the `tiny` profile, in process).
@Suite("atelier report", .enabled(if: AtelierBinary.exists, "build the atelier executable first (swift build)"))
struct ReportCommandTests {
    let directory = TestSupport.temporaryDirectory("atelier-cli-report")

    @Test("usage errors exit 64 and say what was expected", arguments: [
        (["report", "histogram"], "unknown report 'histogram'"),
        (["report", "all", "--profile", "tiny"], "--profile must be quick or full"),
        (["report", "all", "cnn"], "'all' already names every report"),
    ])
    func usageErrors(arguments: [String], expected: String) throws {
        let result = try AtelierBinary.run(arguments + ["--out", directory.path])
        #expect(result.status == 64, "\(arguments): status \(result.status)")
        #expect(result.standardError.contains(expected), "\(result.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing written")
    }

    @Test("an unreadable --fraud-input exits 1 before any report starts")
    func unreadableFraudInput() throws {
        let result = try AtelierBinary.run(["report", "all", "--fraud-input", "/nonexistent/creditcard.csv", "--out", directory.path])
        #expect(result.status == 1, "status \(result.status)")
        #expect(result.standardError.contains("--fraud-input: cannot read '/nonexistent/creditcard.csv'"), "\(result.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing written")
    }

    @Test("a step that fails exits 1, names the report and step, and leaves the previous report folder intact")
    func failingStepKeepsPreviousFolder() throws {
        let previous = directory.appendingPathComponent("cnn")
        try FileManager.default.createDirectory(at: previous, withIntermediateDirectories: true)
        try TestSupport.writeFile("the previous report", named: "index.html", in: previous)
        let result = try AtelierBinary.run(["report", "cnn", "--out", directory.path],
                                           environment: ["ATELIER_MNIST_DIR": directory.appendingPathComponent("no-mnist-here").path])
        #expect(result.status == 1, "status \(result.status): \(result.standardError)")
        #expect(!result.crashed)
        #expect(result.standardError.contains("report 'cnn' failed at step 'load mnist'"), "\(result.standardError)")
        #expect(result.standardError.contains("no-mnist-here"), "the message names the missing file: \(result.standardError)")
        #expect(try String(contentsOf: previous.appendingPathComponent("index.html"), encoding: .utf8) == "the previous report")
        #expect(result.standardError.contains("the previous cnn/ report folder was left intact"), "\(result.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["cnn", "index.html"], "no staging folder left")
    }

    @Test("a malformed --fraud-input file exits 1 with a message naming the file")
    func badFraudInput() throws {
        let path = try TestSupport.writeFile("\"Time\",\"Amount\"\n0,1.5\n", named: "creditcard.csv", in: directory)
        let result = try AtelierBinary.run(["report", "fraud", "--fraud-input", path, "--out", directory.appendingPathComponent("out").path])
        #expect(result.status == 1, "status \(result.status): \(result.standardError)")
        #expect(!result.crashed)
        #expect(result.standardError.contains("report 'fraud' failed at step 'load data'"), "\(result.standardError)")
        #expect(result.standardError.contains(path), "\(result.standardError)")
    }
}
