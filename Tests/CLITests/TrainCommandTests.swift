import Foundation
import TestSupport
import Testing

/// End-to-end runs of `atelier train`, `evaluate` and `encode` on a few hundred MNIST images.
@Suite("atelier train / evaluate / encode")
struct TrainCommandTests {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    /// The `atelier` binary built next to this test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("atelier")
    }

    static var mnist: String { TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist").path }

    func atelier(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func trainEvaluateRoundTrip() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the atelier product first")
        let out = TestSupport.temporaryDirectory("atelier-train").appendingPathComponent("run").path
        let train = try atelier(["train", "--model", "perceptron", "--dataset", "mnist", "--data-dir", Self.mnist,
                                 "--epochs", "2", "--batch", "32", "--lr", "1e-2", "--limit", "300", "--out", out, "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try json(train.stdout)
        #expect(report["epochsRun"] as? Int == 2)
        let accuracy = try #require(report["testAccuracy"] as? Double)
        #expect(accuracy > 0.5)
        for file in ["checkpoint.atnn", "history.csv", "metrics.json"] {
            #expect(FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent(file)), "\(file)")
        }
        let history = try String(contentsOfFile: (out as NSString).appendingPathComponent("history.csv"), encoding: .utf8)
        #expect(history.split(separator: "\n").count == 3)
        #expect(!train.stderr.contains("\r"), "no progress line when stderr is not a terminal")

        let evaluate = try atelier(["evaluate", "--checkpoint", (out as NSString).appendingPathComponent("checkpoint.atnn"),
                                    "--data-dir", Self.mnist, "--limit", "300", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let measured = try json(evaluate.stdout)
        // Same model, same 300 test images: the reloaded checkpoint reproduces train's figure.
        #expect(abs((measured["accuracy"] as? Double ?? -1) - accuracy) < 1e-9)
        let matrix = try #require(measured["confusionMatrix"] as? [[Int]])
        #expect(matrix.count == 10 && matrix.flatMap { $0 }.reduce(0, +) == 300)
    }

    @Test func encodeWritesLatentVectors() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the atelier product first")
        let directory = TestSupport.temporaryDirectory("atelier-encode")
        let out = directory.appendingPathComponent("ae").path
        let train = try atelier(["train", "--model", "autoencoder", "--latent", "4", "--data-dir", Self.mnist,
                                 "--epochs", "1", "--batch", "64", "--limit", "200", "--out", out])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("test mse"))
        let csv = directory.appendingPathComponent("latent.csv").path
        let encode = try atelier(["encode", "--checkpoint", (out as NSString).appendingPathComponent("checkpoint.atnn"),
                                  "--data-dir", Self.mnist, "--limit", "20", "--out", csv])
        #expect(encode.status == 0, "\(encode.stderr)")
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "z0,z1,z2,z3,label")
        #expect(lines.count == 21)
        #expect(lines[1].hasSuffix(",7"))   // the first MNIST test image is a 7
    }

    @Test func errorsAreClear() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the atelier product first")
        let usage = try atelier(["train", "--model", "vgg", "--out", "/tmp/never"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("unknown model 'vgg'"))
        let directory = TestSupport.temporaryDirectory("atelier-bad")
        let bad = directory.appendingPathComponent("bad.atnn").path
        try Data("ATNNCKPT garbage".utf8).write(to: URL(fileURLWithPath: bad))
        let corrupt = try atelier(["evaluate", "--checkpoint", bad, "--data-dir", Self.mnist])
        #expect(corrupt.status == 1)
        #expect(corrupt.stderr.contains("not a valid Atelier checkpoint"))
    }
}
