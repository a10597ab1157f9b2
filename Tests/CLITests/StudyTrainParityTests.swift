import Foundation
import TestSupport
import Testing

/// A study trial and `atelier train` run the same recipe through the same entry point
/// (`TrainingRun`), so they measure the same number.
@Suite("study trial = atelier train")
struct StudyTrainParityTests {
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("atelier")
    }

    static var mnist: String { TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist").path }

    func atelier(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "ATELIER_DATA_DIR" }
        process.executableURL = Self.binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    @Test func trialValueIsTrainsLastValidationAccuracy() throws {
        let folder = TestSupport.temporaryDirectory("atelier-parity")
        let space = #"{"learningRate": [0.002], "batchSize": [32], "hidden": [24], "optimizer": ["adam"]}"#
        let spacePath = try TestSupport.writeFile(space, named: "space.json", in: folder)
        let study = try atelier(["study", "run", "--study", "p", "--storage", "memory", "--model", "shallow", "--space", spacePath,
                                 "--data-dir", Self.mnist, "--limit", "300", "--epochs", "3", "--trials", "1", "--seed", "4", "--json"])
        #expect(study.status == 0, "\(study.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(study.stdout.utf8)) as? [String: Any])
        let value = try #require((report["best"] as? [String: Any])?["value"] as? Double)

        let train = try atelier(["train", "--model", "shallow", "--hidden", "24", "--batch", "32", "--lr", "0.002", "--optimizer", "adam",
                                 "--epochs", "3", "--limit", "300", "--validation-fraction", "0.1", "--seed", "4",
                                 "--data-dir", Self.mnist, "--out", folder.appendingPathComponent("run").path, "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as? [String: Any])
        let epochs = try #require(metrics["epochs"] as? [[String: Any]])
        // Same split (stratified 10 %, seed 4), initialization, shuffles and optimizer: the same
        // accuracy, a count of validation images over their number.
        #expect(epochs.count == 3)
        #expect(TestSupport.isClose(try #require(epochs.last?["validationAccuracy"] as? Double), value, tolerance: 1e-12))
    }
}
