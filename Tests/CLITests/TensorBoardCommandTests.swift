import Foundation
import TestSupport
import Testing

/// `train --tensorboard` and `study run --tensorboard` on a few hundred MNIST images, read back
/// with TensorBoard's own reader and tbparse (`ATELIER_TEST_PYTHON`).
@Suite("atelier --tensorboard")
struct TensorBoardCommandTests {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("atelier")
    }

    static var mnist: String { TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist").path }

    func atelier(_ arguments: [String]) throws -> Run {
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
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    /// Equal up to the last bits of a double that went through Python's and Foundation's JSON.
    func same(_ value: Any?, _ expected: Double?) -> Bool {
        guard let value = value as? Double, let expected else { return false }
        return TestSupport.isClose(value, expected, tolerance: 1e-12)
    }

    /// The HParams plugin content `tag` of `run`, one level down (`session_start_info`, ...).
    func hparams(_ read: [String: Any], run: String, tag: String, field: String) throws -> [String: Any] {
        let data = try #require(TensorBoardReader.hparams(read, run: run, tag: tag), "\(run): no \(tag)")
        return try #require(data[field] as? [String: Any], "\(run): \(tag) without \(field)")
    }

    @Test(.enabled(if: TensorBoardReader.runs, "ATELIER_TEST_PYTHON is unset: TensorBoard read-back skipped"))
    func trainWritesEpochScalarsAndRecipe() throws {
        let folder = TestSupport.temporaryDirectory("atelier-tensorboard")
        let out = folder.appendingPathComponent("runs/tiny").path
        let logs = folder.appendingPathComponent("tb").path
        let train = try atelier(["train", "--model", "shallow", "--hidden", "16", "--data-dir", Self.mnist, "--limit", "300",
                                 "--epochs", "2", "--batch", "32", "--validation-fraction", "0.2", "--out", out,
                                 "--tensorboard", logs, "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try json(train.stdout)
        let files = try #require(report["files"] as? [String])
        let eventFile = try #require(files.last)
        #expect(eventFile.hasPrefix(logs + "/tiny/events.out.tfevents."), "DIR/<last part of --out>: \(files)")
        let epochs = try #require(report["epochs"] as? [[String: Any]])
        #expect(epochs.count == 2)

        let read = try TensorBoardReader.read(logs)
        #expect(Set((read["runs"] as? [String: Any] ?? [:]).keys) == ["tiny"])
        let fields = ["loss/train": "trainingLoss", "loss/validation": "validationLoss", "accuracy/train": "trainingAccuracy",
                      "accuracy/validation": "validationAccuracy", "learningRate": "learningRate", "seconds": "seconds"]
        for (tag, key) in fields {
            let scalars = TensorBoardReader.scalars(read, run: "tiny", tag: tag)
            #expect(scalars.map(\.step) == [1, 2], "\(tag)")
            // The event file holds 32-bit floats of the numbers metrics.json has (compared as
            // floats: Foundation's JSON parser may be a double ulp off Python's output).
            let expected = epochs.compactMap { ($0[key] as? Double).map { Float($0) } }
            #expect(scalars.map { Float($0.value) } == expected, "\(tag)")
        }
        let tbparse = try #require((read["tbparse"] as? [String: Any])?["scalars"] as? [[String: Any]])
        #expect(tbparse.count == 12 && tbparse.allSatisfy { $0["dir_name"] as? String == "tiny" })

        let start = try hparams(read, run: "tiny", tag: "_hparams_/session_start_info", field: "session_start_info")
        let values = try #require(start["hparams"] as? [String: Any])
        #expect(values["model"] as? String == "shallow")
        #expect(values["hidden"] as? String == "16")
        #expect(values["batchSize"] as? Double == 32)
        #expect(values["epochs"] as? Double == 2)
        #expect(same(values["learningRate"], 0.001))
        #expect(values["optimizer"] as? String == "adam")
        #expect(same(values["validationFraction"], 0.2))
        #expect(values["batchNorm"] as? Bool == false)
        let end = try hparams(read, run: "tiny", tag: "_hparams_/session_end_info", field: "session_end_info")
        #expect(end["status"] as? String == "STATUS_SUCCESS")
    }

    @Test(.enabled(if: TensorBoardReader.runs, "ATELIER_TEST_PYTHON is unset: TensorBoard read-back skipped"))
    func studyRunWritesOneSessionPerTrialAndTheExperiment() throws {
        let folder = TestSupport.temporaryDirectory("atelier-tensorboard-study")
        let logs = folder.appendingPathComponent("tb").path
        let db = folder.appendingPathComponent("studies.db").path
        // A grid of 2 x 2: a learning rate of 1e30 makes the loss overflow (a FAIL trial).
        let space = #"{"learningRate": [0.003, 1e30], "hidden": [16, 24], "optimizer": ["adam"]}"#
        let spacePath = try TestSupport.writeFile(space, named: "space.json", in: folder)
        let run = try atelier(["study", "run", "--study", "tiny", "--storage", "sqlite:///\(db)", "--model", "shallow",
                               "--space", spacePath, "--sampler", "grid", "--data-dir", Self.mnist, "--limit", "200",
                               "--epochs", "2", "--trials", "4", "--tensorboard", logs, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try json(run.stdout)
        let files = try #require(report["files"] as? [String])
        #expect(files.count == 5, "the experiment and one file per trial: \(files)")

        let csvPath = folder.appendingPathComponent("trials.csv").path
        let export = try atelier(["study", "export", "--study", "tiny", "--storage", "sqlite:///\(db)", "--out", csvPath])
        #expect(export.status == 0, "\(export.stderr)")
        let lines = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name), "no \(name) in \(header)") }
        let (number, state, value, rate, hidden) = (try column("number"), try column("state"), try column("value"),
                                                     try column("learningRate"), try column("hidden"))

        let read = try TensorBoardReader.read(logs)
        #expect(Set((read["runs"] as? [String: Any] ?? [:]).keys) == ["", "trial-0", "trial-1", "trial-2", "trial-3"])
        var states: [String] = []
        for row in lines.dropFirst() {
            let name = "trial-\(row[number])"
            states.append(row[state])
            let start = try hparams(read, run: name, tag: "_hparams_/session_start_info", field: "session_start_info")
            let values = try #require(start["hparams"] as? [String: Any])
            #expect(same(values["learningRate"], Double(row[rate])), "\(name)")
            #expect(values["hidden"] as? Double == Double(row[hidden]), "\(name)")
            #expect(values["optimizer"] as? String == "adam", "\(name)")
            let end = try hparams(read, run: name, tag: "_hparams_/session_end_info", field: "session_end_info")
            #expect(end["status"] as? String == (row[state] == "COMPLETE" ? "STATUS_SUCCESS" : "STATUS_FAILURE"), "\(name)")
            if row[state] == "COMPLETE" {
                // The trial's value is its last epoch's validation accuracy, the scalar TensorBoard shows.
                let accuracy = TensorBoardReader.scalars(read, run: name, tag: "accuracy/validation")
                #expect(accuracy.map(\.step) == [1, 2], "\(name)")
                #expect(accuracy.last.map { Float($0.value) } == Double(row[value]).map { Float($0) }, "\(name)")
                for tag in ["loss/train", "loss/validation", "accuracy/train", "learningRate", "seconds"] {
                    #expect(TensorBoardReader.scalars(read, run: name, tag: tag).count == 2, "\(name) \(tag)")
                }
            }
        }
        #expect(states.sorted() == ["COMPLETE", "COMPLETE", "FAIL", "FAIL"], "two diverging trials fail")

        let experiment = try hparams(read, run: "", tag: "_hparams_/experiment", field: "experiment")
        #expect(experiment["name"] as? String == "tiny")
        let infos = try #require(experiment["hparam_infos"] as? [[String: Any]])
        #expect(infos.compactMap { $0["name"] as? String } == ["hidden", "learningRate", "optimizer"], "every parameter of the space")
        let rates = try #require(infos.first { $0["name"] as? String == "learningRate" }?["domain_discrete"] as? [Any])
        #expect(rates.count == 2 && same(rates.first, 0.003) && same(rates.last, 1e30))
        let metrics = try #require(experiment["metric_infos"] as? [[String: Any]])
        let tags = metrics.compactMap { ($0["name"] as? [String: Any])?["tag"] as? String }
        #expect(tags == ["accuracy/validation", "loss/train", "loss/validation", "accuracy/train", "learningRate", "seconds"],
                "the study's metric first")
    }

    @Test func aFileInTheWayIsAnErrorBeforeTraining() throws {
        let folder = TestSupport.temporaryDirectory("atelier-tensorboard-bad")
        let file = try TestSupport.writeFile("not a folder", named: "tb", in: folder)
        let out = folder.appendingPathComponent("run").path
        let started = Date()
        let train = try atelier(["train", "--model", "shallow", "--data-dir", Self.mnist, "--limit", "300", "--epochs", "50",
                                 "--out", out, "--tensorboard", file])
        #expect(train.status == 1, "a data error: found by looking at the file system")
        #expect(train.stderr.hasPrefix("atelier: error: --tensorboard \(file)"), "\(train.stderr)")
        #expect(!FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent("checkpoint.atnn")))
        #expect(Date().timeIntervalSince(started) < 10, "refused before 50 epochs of training")

        let study = try atelier(["study", "run", "--study", "s", "--storage", "memory", "--model", "shallow",
                                 "--data-dir", Self.mnist, "--limit", "200", "--trials", "1", "--tensorboard", file])
        #expect(study.status == 1)
        #expect(study.stderr.hasPrefix("atelier: error: --tensorboard \(file)"), "\(study.stderr)")
    }
}
