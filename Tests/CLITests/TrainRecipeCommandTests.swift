import Foundation
import TestSupport
import Testing

/// `atelier train` with the modern recipe's flags, CIFAR-format folders, tables, and the bad
/// inputs of issue 15 (usage errors exit 64, data errors 1, and no checkpoint either way).
@Suite("atelier train: recipe flags, CIFAR, tables, bad input")
struct TrainRecipeCommandTests {
    static let commands = TrainCommandTests()

    func atelier(_ arguments: [String]) throws -> TrainCommandTests.Run { try Self.commands.atelier(arguments) }

    /// CIFAR-10 records (label byte + 3072 pixels) whose label is the bright channel.
    static func cifarFolder(perFile: Int) throws -> String {
        let folder = TestSupport.temporaryDirectory("atelier-cli-cifar")
        func records(_ count: Int, offset: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            for i in 0..<count {
                let label = (i + offset) % 3
                bytes.append(UInt8(label))
                for channel in 0..<3 { bytes += [UInt8](repeating: channel == label ? 200 : 30, count: 1024) }
            }
            return bytes
        }
        for file in 1...5 { _ = try TestSupport.writeFile(records(perFile, offset: file), named: "data_batch_\(file).bin", in: folder) }
        _ = try TestSupport.writeFile(records(9, offset: 0), named: "test_batch.bin", in: folder)
        return folder.path
    }

    @Test func theRecipeFlagsTrainAndRecordTheLearningRate() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path), "build the atelier product first")
        let out = TestSupport.temporaryDirectory("atelier-recipe").appendingPathComponent("run").path
        let run = try atelier(["train", "--model", "lenet5", "--data-dir", TrainCommandTests.mnist, "--limit", "300",
                               "--batch-norm", "--dropout", "0.25", "--optimizer", "adamw", "--weight-decay", "1e-4",
                               "--schedule", "onecycle", "--max-lr", "3e-3", "--augment", "shift:2,rotate:10",
                               "--label-smoothing", "0.1", "--ema", "0.99", "--clip-norm", "1", "--keep-best",
                               "--epochs", "2", "--batch", "32", "--out", out, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try Self.commands.json(run.stdout)
        #expect(report["epochsRun"] as? Int == 2)
        #expect((28...32).contains(report["validationSamples"] as? Int ?? 0), "--keep-best holds out 10 % (stratified, rounded per class)")
        let recipe = try #require(report["recipe"] as? [String: Any])
        #expect(recipe["batchNorm"] as? Bool == true && recipe["optimizer"] as? String == "adamw")
        #expect((report["files"] as? [String])?.count == 3)
        let history = try String(contentsOfFile: (out as NSString).appendingPathComponent("history.csv"), encoding: .utf8)
        let lines = history.split(separator: "\n")
        #expect(lines.first == "epoch,trainLoss,valLoss,trainAccuracy,valAccuracy,learningRate,seconds,samplesPerSecond")
        #expect(lines.count == 3)
        let lastRate = Double(lines[2].split(separator: ",", omittingEmptySubsequences: false)[5]) ?? -1
        #expect(lastRate > 0 && lastRate < 1e-6, "one-cycle ends at max / 25 / 1e4 = 1.2e-8: \(lastRate)")
        let evaluate = try atelier(["evaluate", "--checkpoint", (out as NSString).appendingPathComponent("checkpoint.atnn"),
                                    "--data-dir", TrainCommandTests.mnist, "--limit", "300", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let measured = try Self.commands.json(evaluate.stdout)
        #expect(abs((measured["accuracy"] as? Double ?? -1) - (report["testAccuracy"] as? Double ?? -2)) < 1e-9,
                "the reloaded BatchNorm statistics reproduce train's test accuracy")
    }

    @Test func timeLimitEndsTheRunAfterTheEpochThatReachesIt() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path), "build the atelier product first")
        let out = TestSupport.temporaryDirectory("atelier-time-limit").appendingPathComponent("run").path
        let run = try atelier(["train", "--model", "shallow", "--data-dir", TrainCommandTests.mnist, "--limit", "300",
                               "--epochs", "4", "--time-limit", "0.000001", "--out", out, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try Self.commands.json(run.stdout)
        #expect(report["epochsRun"] as? Int == 1)
        let refused = try atelier(["train", "--model", "shallow", "--time-limit", "0", "--out", out])
        #expect(refused.status == 64 && refused.stderr.contains("--time-limit"))
    }

    @Test func cifarAndTables() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path), "build the atelier product first")
        let directory = TestSupport.temporaryDirectory("atelier-cli-data")
        let cifar = try atelier(["train", "--model", "cnn3", "--dataset", "cifar10", "--data-dir", try Self.cifarFolder(perFile: 6),
                                 "--augment", "shift:4,flip", "--epochs", "1", "--batch", "10",
                                 "--out", directory.appendingPathComponent("cifar").path, "--json"])
        #expect(cifar.status == 0, "\(cifar.stderr)")
        #expect(try Self.commands.json(cifar.stdout)["testSamples"] as? Int == 9)

        var rows = ["x,y,label"]
        for i in 0..<120 { rows.append("\(Double(i % 12) / 12),\(Double(i % 7)),\(i % 12 < 6 ? 0 : 1)") }
        let csv = try TestSupport.writeFile(rows.joined(separator: "\n") + "\n", named: "table.csv", in: directory)
        let table = try atelier(["train", "--model", "shallow", "--hidden", "8", "--input", csv, "--label-column", "label",
                                 "--epochs", "20", "--batch", "16", "--lr", "1e-2", "--out", directory.appendingPathComponent("table").path, "--json"])
        #expect(table.status == 0, "\(table.stderr)")
        let report = try Self.commands.json(table.stdout)
        #expect(report["task"] as? String == "classification" && report["testSamples"] as? Int == 24)
        #expect((report["testAccuracy"] as? Double ?? 0) > 0.8)
    }

    @Test func badInputIsAClearErrorAndLeavesNoCheckpoint() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path), "build the atelier product first")
        let directory = TestSupport.temporaryDirectory("atelier-cli-bad")
        let out = directory.appendingPathComponent("run").path
        let csv = try TestSupport.writeFile("a,b\n1,2\n", named: "t.csv", in: directory)
        let mnist = ["--data-dir", TrainCommandTests.mnist, "--limit", "100", "--out", out]
        let usage: [([String], String)] = [
            (["--model", "lenet5", "--dropout", "1"] + mnist, "dropout probability must be in [0, 1)"),
            (["--model", "lenet5", "--schedule", "triangle"] + mnist, "unknown schedule 'triangle'"),
            (["--model", "lenet5", "--schedule", "cosine", "--warmup-epochs", "3", "--epochs", "3"] + mnist, "leaves no epoch"),
            (["--model", "lenet5", "--schedule", "multistep", "--milestones", "2,9", "--epochs", "3"] + mnist, "milestone 9"),
            (["--model", "lenet5", "--augment", "flip"] + mnist, "horizontal flips"),
            (["--model", "lenet5", "--augment", "wobble:3"] + mnist, "'wobble:3' is not understood"),
            (["--model", "mlp", "--input", csv, "--augment", "shift:2", "--out", out], "augmentation needs images"),
        ]
        for (arguments, fragment) in usage {
            let run = try atelier(["train"] + arguments)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(fragment), "\(arguments): \(run.stderr)")
        }
        let cifar = try Self.cifarFolder(perFile: 2)
        _ = try TestSupport.writeFile([UInt8](repeating: 1, count: 3073 + 7), named: "test_batch.bin", in: URL(fileURLWithPath: cifar))
        let data: [([String], String)] = [
            (["--model", "lenet5", "--dataset", "cifar10", "--data-dir", cifar, "--out", out], "whole number of 3073-byte"),
            (["--model", "mlp", "--input", csv, "--label-column", "label", "--out", out], "the label column 'label' is not in the table"),
        ]
        for (arguments, fragment) in data {
            let run = try atelier(["train"] + arguments)
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(fragment), "\(arguments): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent("checkpoint.atnn")))
        let blocker = try TestSupport.writeFile("x", named: "blocker", in: directory)
        let blocked = try atelier(["train", "--model", "perceptron", "--data-dir", TrainCommandTests.mnist, "--out", blocker])
        #expect(blocked.status == 1 && blocked.stderr.contains("a file is in the way"), "\(blocked.stderr)")
    }
}
