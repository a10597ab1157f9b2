import Foundation
import TestSupport
import Testing

/// End-to-end runs of `atelier study …` on SQLite files in temporary folders, from a working
/// directory outside the repository.
@Suite("atelier study")
struct StudyCommandTests {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("atelier")
    }

    static var mnist: String { TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist").path }

    func atelier(_ arguments: [String], in directory: URL) throws -> Run {
        try run(Self.binary, arguments, in: directory,
                environment: ProcessInfo.processInfo.environment.filter { $0.key != "ATELIER_DATA_DIR" })
    }

    /// Starts `atelier` without waiting for it (a test that kills it or reads it as it goes);
    /// output and errors go to the given pipes or are discarded.
    func startAtelier(_ arguments: [String], in directory: URL, output: Pipe? = nil, errors: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = errors ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs a program to its end and collects its output; stderr is read on another thread so
    /// that neither pipe can fill up and stall the child.
    func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
             environment: [String: String]? = nil) throws -> Run {
        let process = Process()
        if let environment { process.environment = environment }
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errors = Collected<Data>()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errors.append(err.fileHandleForReading.readDataToEndOfFile())
            drained.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errors.items.first ?? Data(), as: UTF8.self))
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    static let space = #"{"x": {"type": "float", "low": -5, "high": 5}, "n": {"type": "int", "low": 1, "high": 4}, "kind": ["a", "b"]}"#

    @Test func createAskTellShowBestExport() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study")
        let spacePath = try TestSupport.writeFile(Self.space, named: "space.json", in: folder)
        let create = try atelier(["study", "create", "--study", "quad", "--space", spacePath, "--direction", "minimize",
                                  "--sampler", "random", "--seed", "3", "--json"], in: folder)
        #expect(create.status == 0, "\(create.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("studies.db").path), "SQLite file in the current folder by default")
        var values: [Int: Double] = [:]
        for _ in 0..<5 {
            let ask = try atelier(["study", "ask", "--study", "quad"], in: folder)
            #expect(ask.status == 0, "\(ask.stderr)")
            let answer = try json(ask.stdout)
            let number = try #require(answer["number"] as? Int)
            let params = try #require(answer["params"] as? [String: Any])
            let x = try #require(params["x"] as? Double)
            let n = try #require(params["n"] as? Int)
            #expect((-5...5).contains(x) && (1...4).contains(n) && ["a", "b"].contains(params["kind"] as? String ?? ""))
            values[number] = x * x + Double(n)
        }
        #expect(values.keys.sorted() == [0, 1, 2, 3, 4])
        for (number, value) in values where number < 4 {
            let tell = try atelier(["study", "tell", "--study", "quad", "--trial", "\(number)", "--value", "\(value)", "--json"], in: folder)
            #expect(tell.status == 0, "\(tell.stderr)")
            #expect(try json(tell.stdout)["state"] as? String == "COMPLETE")
        }
        let prune = try atelier(["study", "tell", "--study", "quad", "--trial", "4", "--state", "pruned", "--report", "1=9.5"], in: folder)
        #expect(prune.status == 0, "\(prune.stderr)")

        let again = try atelier(["study", "tell", "--study", "quad", "--trial", "2", "--value", "1"], in: folder)
        #expect(again.status == 1)
        #expect(again.stderr.contains("trial 2") && again.stderr.contains("COMPLETE"), "\(again.stderr)")

        let show = try json(try atelier(["study", "show", "--study", "quad", "--json"], in: folder).stdout)
        let counts = try #require(show["counts"] as? [String: Int])
        #expect(counts["complete"] == 4 && counts["pruned"] == 1 && show["trials"] as? Int == 5)

        let best = try json(try atelier(["study", "best", "--study", "quad", "--json"], in: folder).stdout)
        let bestValue = values.filter { $0.key < 4 }.values.min()!
        #expect(abs((best["value"] as? Double ?? .nan) - bestValue) < 1e-12)

        let csvPath = folder.appendingPathComponent("trials.csv").path
        let export = try atelier(["study", "export", "--study", "quad", "--out", csvPath, "--json"], in: folder)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try json(export.stdout)["files"] as? [String] == [csvPath])
        let lines = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "number,state,value,start,complete,durationSeconds,lastStep,kind,n,x")
        #expect(lines.count == 6)
        #expect(lines[5].hasPrefix("4,PRUNED,9.5,"), "a pruned trial keeps its last intermediate value, as Optuna stores it")

        let delete = try atelier(["study", "delete", "--study", "quad", "--json"], in: folder)
        #expect(try json(delete.stdout)["deletedTrials"] as? Int == 5)
        let gone = try atelier(["study", "show", "--study", "quad"], in: folder)
        #expect(gone.status == 1 && gone.stderr.contains("quad"))
    }

    @Test func concurrentAskTellProcessesNeverRepeatANumber() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study-concurrent")
        let spacePath = try TestSupport.writeFile(Self.space, named: "space.json", in: folder)
        let storage = "sqlite:///" + folder.appendingPathComponent("shared.db").path
        #expect(try atelier(["study", "create", "--storage", storage, "--study", "c", "--space", spacePath], in: folder).status == 0)
        let numbers = Collected<Int>()
        let failures = Collected<String>()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<4 {
                do {
                    let ask = try atelier(["study", "ask", "--storage", storage, "--study", "c"], in: folder)
                    guard ask.status == 0, let number = try json(ask.stdout)["number"] as? Int else {
                        failures.append(ask.stderr); continue
                    }
                    let tell = try atelier(["study", "tell", "--storage", storage, "--study", "c", "--trial", "\(number)", "--value", "1"], in: folder)
                    if tell.status != 0 { failures.append(tell.stderr) }
                    numbers.append(number)
                } catch { failures.append("\(error)") }
            }
        }
        #expect(failures.items.isEmpty, "\(failures.items)")
        #expect(numbers.items.sorted() == Array(0..<16))
    }

    @Test func gridRunsEachCombinationOnceThenStops() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study-grid")
        let spacePath = try TestSupport.writeFile(#"{"a": [1, 2], "b": ["x", "y"]}"#, named: "grid.json", in: folder)
        #expect(try atelier(["study", "create", "--study", "g", "--space", spacePath, "--sampler", "grid"], in: folder).status == 0)
        var seen: Set<String> = []
        for _ in 0..<4 {
            let ask = try atelier(["study", "ask", "--study", "g"], in: folder)
            #expect(ask.status == 0, "\(ask.stderr)")
            let params = try #require(try json(ask.stdout)["params"] as? [String: Any])
            seen.insert("\(params["a"] ?? "")-\(params["b"] ?? "")")
        }
        #expect(seen == ["1-x", "1-y", "2-x", "2-y"])
        let fifth = try atelier(["study", "ask", "--study", "g"], in: folder)
        #expect(fifth.status == 1 && fifth.stderr.contains("grid"), "\(fifth.stderr)")
        let continuous = try TestSupport.writeFile(#"{"x": {"type": "float", "low": 0, "high": 1}}"#, named: "c.json", in: folder)
        let refused = try atelier(["study", "create", "--study", "c", "--space", continuous, "--sampler", "grid"], in: folder)
        #expect(refused.status != 0 && refused.stderr.contains("step"), "\(refused.stderr)")
    }

    /// `--sampler-startup-trials` and `--sampler-candidates` are stored with the study and used by
    /// every later `ask`. Observable from outside: TPE's startup draws are the random sampler's
    /// (same seed, same trial number), so with 2 startup trials the third point leaves the random
    /// stream, and with one candidate it is the first of the 24 candidates the default scores.
    @Test func samplerSettingsAreStoredAndUsed() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study-tpe-settings")
        let spacePath = try TestSupport.writeFile(Self.space, named: "space.json", in: folder)
        let variants: [(study: String, flags: [String])] = [
            ("random", ["--sampler", "random"]), ("tpe", []), ("tpe2", ["--sampler-startup-trials", "2"]),
            ("tpe2one", ["--sampler-startup-trials", "2", "--sampler-candidates", "1"])]
        var thirdPoints: [String: [String: Double]] = [:]
        for variant in variants {
            let create = try atelier(["study", "create", "--study", variant.study, "--space", spacePath, "--direction", "minimize",
                                      "--seed", "7"] + variant.flags, in: folder)
            #expect(create.status == 0, "\(create.stderr)")
            for number in 0..<3 {
                let ask = try atelier(["study", "ask", "--study", variant.study], in: folder)
                #expect(ask.status == 0, "\(ask.stderr)")
                let params = try #require(try json(ask.stdout)["params"] as? [String: Any])
                let x = try #require(params["x"] as? Double), n = try #require(params["n"] as? Int)
                if number == 2 { thirdPoints[variant.study] = ["x": x, "n": Double(n)] }
                let tell = try atelier(["study", "tell", "--study", variant.study, "--trial", "\(number)", "--value", "\(x * x + Double(n))"], in: folder)
                #expect(tell.status == 0, "\(tell.stderr)")
            }
        }
        #expect(thirdPoints["tpe"] == thirdPoints["random"], "within 10 startup trials TPE draws as the random sampler")
        #expect(thirdPoints["tpe2"] != thirdPoints["random"], "after 2 startup trials TPE models the study")
        #expect(thirdPoints["tpe2one"] != thirdPoints["tpe2"], "one candidate is not the best of 24")

        let wrongSampler = try atelier(["study", "create", "--study", "r", "--sampler", "random", "--sampler-candidates", "48"], in: folder)
        #expect(wrongSampler.status == 64 && wrongSampler.stderr.contains("--sampler-candidates applies to the tpe sampler"), "\(wrongSampler.stderr)")
        let unknownModel = try atelier(["study", "create", "--study", "m", "--model", "resnet"], in: folder)
        #expect(unknownModel.status == 64 && unknownModel.stderr.contains("--model must be one of"), "\(unknownModel.stderr)")
        let zero = try atelier(["study", "create", "--study", "z", "--sampler-candidates", "0"], in: folder)
        #expect(zero.status == 64 && zero.stderr.contains("--sampler-candidates must be at least 1, got 0"), "\(zero.stderr)")
    }

    /// A `run` worker killed with SIGKILL mid-trial: its heartbeats stop, so the next `run` on the
    /// study (after the grace period) marks the trial FAIL and retries it with the same parameters.
    @Test func killedRunWorkerIsFailedAndRetriedWithItsParameters() throws {
        let (folder, spacePath, storage, common) = try killableStudy("atelier-study-killed", study: "k")
        let worker = try startAtelier(common + ["--trials", "1", "--model", "shallow", "--space", spacePath,
                                                "--limit", "6000", "--epochs", "4", "--patience", "0"], in: folder)
        // Wait until the trial has its parameters and has reported an epoch (so its heartbeats
        // are being written), then kill the worker without warning, epochs before it would end.
        let running = try waitForRunningTrials(1, storage: storage, study: "k", in: folder, while: worker)
        let killed = try #require(running?.first, "the worker's trial was never seen RUNNING")
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        Thread.sleep(forTimeInterval: 2.5)

        // The study holds one trial; asking for two makes the next run look, fail it and retry it.
        let resumed = try atelier(common + ["--trials", "2", "--json"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let final = try #require(try exportedTrials(storage: storage, study: "k", in: folder))
        #expect(final.map { $0["state"] } == ["FAIL", "COMPLETE"], "\(final)")
        #expect(final.map { $0["learningRate"] } == [killed["learningRate"], killed["learningRate"]],
                "retried with the killed trial's learning rate: \(final)")
    }

    /// One of two `run --workers 2` workers killed with SIGKILL mid-trial: the parent names the
    /// worker and the signal and exits 1 once the other worker has finished the budget; the study
    /// holds each trial once (numbers gapless), the killed one RUNNING until the next run fails it
    /// after the grace period and retries it with the same parameters.
    @Test func killedWorkerOfTwoIsNamedAndItsTrialRetried() throws {
        let (folder, spacePath, storage, common) = try killableStudy("atelier-study-killed-of-two", study: "w")
        let errors = Pipe()
        let parent = try startAtelier(common + ["--trials", "2", "--workers", "2", "--model", "shallow", "--space", spacePath,
                                                "--limit", "6000", "--epochs", "4", "--patience", "0"], in: folder, errors: errors)
        let stderr = Collected<String>()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            stderr.append(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            drained.signal()
        }
        // Both workers are mid-trial (each trial has reported an epoch): the budget of 2 is taken.
        let running = try waitForRunningTrials(2, storage: storage, study: "w", in: folder, while: parent)
        #expect(running?.count == 2, "two trials were never seen RUNNING at once")
        let workers = Self.children(of: parent.processIdentifier)
        let victim = try #require(workers.last, "no worker process found under \(parent.processIdentifier)")
        #expect(workers.count == 2, "\(workers)")
        kill(victim, SIGKILL)

        let deadline = Date().addingTimeInterval(300)
        while parent.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        if parent.isRunning {
            Issue.record("the parent still runs 300 s after its worker was killed")
            kill(parent.processIdentifier, SIGKILL)
            for pid in Self.children(of: parent.processIdentifier) { kill(pid, SIGKILL) }
        }
        parent.waitUntilExit()
        drained.wait()
        let message = stderr.items.joined()
        #expect(parent.terminationReason == .exit && parent.terminationStatus == 1, "\(message)")
        #expect(message.contains("(pid \(victim)) was killed by signal 9 (SIGKILL); the other worker goes on"), "\(message)")
        #expect(message.contains("atelier: error: 1 of 2 worker processes failed: worker ")
                && message.contains("(pid \(victim)) was killed by signal 9 (SIGKILL)."), "\(message)")
        #expect(message.contains("over 2 s old") && message.contains("retried with the same parameters"), "\(message)")

        let after = try #require(try exportedTrials(storage: storage, study: "w", in: folder))
        #expect(after.map { $0["number"] } == ["0", "1"], "each trial once, numbers gapless: \(after)")
        #expect(after.map { $0["state"] ?? "" }.sorted() == ["COMPLETE", "RUNNING"], "the other worker finished its trial: \(after)")
        let killed = try #require(after.first { $0["state"] == "RUNNING" })

        // After the grace period, the next run (one more trial) fails the killed trial and retries it.
        Thread.sleep(forTimeInterval: 2.5)
        let resumed = try atelier(common + ["--trials", "3", "--json"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let final = try #require(try exportedTrials(storage: storage, study: "w", in: folder))
        #expect(final.map { $0["number"] } == ["0", "1", "2"], "\(final)")
        #expect(final.first { $0["number"] == killed["number"] }?["state"] == "FAIL", "\(final)")
        #expect(final.last?["state"] == "COMPLETE" && final.last?["learningRate"] == killed["learningRate"],
                "trial 2 retried the killed trial's learning rate: \(final)")
    }

    /// The SQLite file deleted while `run` trains: the run stops at the trial's next write with an
    /// error naming the file, exit 1, and the path stays deleted (no success reported, nothing
    /// written on into the unlinked file).
    @Test func deletedDatabaseStopsARunWithAnErrorNamingIt() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study-deleted")
        let database = folder.appendingPathComponent("deleted.db").path
        let storage = "sqlite:///" + database
        let out = Pipe(), err = Pipe()
        let run = try startAtelier(["study", "run", "--storage", storage, "--study", "d", "--data-dir", Self.mnist, "--model", "shallow",
                                    "--limit", "6000", "--epochs", "4", "--patience", "0", "--trials", "3", "--heartbeat-interval", "1"],
                                   in: folder, output: out, errors: err)
        let output = Collected<String>()
        let drained = DispatchSemaphore(value: 0)
        for pipe in [out, err] {
            DispatchQueue.global().async {
                output.append(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
                drained.signal()
            }
        }
        let running = try waitForRunningTrials(1, storage: storage, study: "d", in: folder, while: run)
        #expect(running != nil, "the trial was never seen RUNNING")
        try FileManager.default.removeItem(atPath: database)
        let deadline = Date().addingTimeInterval(120)
        while run.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        if run.isRunning {
            Issue.record("the run still trains 120 s after its database was deleted")
            kill(run.processIdentifier, SIGKILL)
        }
        run.waitUntilExit()
        drained.wait()
        drained.wait()
        let text = output.items.joined()
        #expect(run.terminationReason == .exit && run.terminationStatus == 1, "\(text)")
        #expect(text.contains("atelier: error: storage error: \(database) was deleted while the study was open"), "\(text)")
        #expect(!text.contains("trials ("), "no summary of a study that is gone: \(text)")
        #expect(!FileManager.default.fileExists(atPath: database), "the run did not put a file back at the path")
    }

    /// `--timeout` ends a run between trials once the time is up, whatever `--trials` allows.
    @Test func timeoutEndsARun() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study-timeout")
        let started = Date()
        let run = try atelier(["study", "run", "--storage", "memory", "--study", "t", "--model", "perceptron", "--limit", "200",
                               "--epochs", "1", "--trials", "100000", "--timeout", "2s", "--data-dir", Self.mnist, "--json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let trials = try #require(try json(run.stdout)["trials"] as? Int)
        #expect(trials >= 1 && trials < 100_000)
        #expect(Date().timeIntervalSince(started) < 60, "stopped soon after the 2 s budget")
        let bad = try atelier(["study", "run", "--study", "t", "--model", "shallow", "--timeout", "3 weeks"], in: folder)
        #expect(bad.status == 64 && bad.stderr.contains("--timeout"), "\(bad.stderr)")
    }

    @Test func badInputGetsClearErrors() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study-bad")
        let broken = try TestSupport.writeFile(#"{"x": {"type": "float", "low": 1"#, named: "broken.json", in: folder)
        let r1 = try atelier(["study", "create", "--study", "s", "--space", broken], in: folder)
        #expect(r1.status == 1 && r1.stderr.contains("broken.json") && r1.stderr.contains("not valid JSON"), "\(r1.stderr)")
        let r2 = try atelier(["study", "ask", "--study", "nobody"], in: folder)
        #expect(r2.status == 1 && r2.stderr.contains("nobody"), "\(r2.stderr)")
        let r3 = try atelier(["study", "show", "--storage", "mysql://x/y", "--study", "s"], in: folder)
        #expect(r3.status != 0 && r3.stderr.contains("sqlite:///"), "the error lists the accepted forms: \(r3.stderr)")
        let r4 = try atelier(["study", "tell", "--study", "s", "--trial", "0", "--value", "nan"], in: folder)
        #expect(r4.status == 64 && r4.stderr.contains("NaN"), "\(r4.stderr)")
        let r5 = try atelier(["study", "show", "--storage", "postgresql://nobody@127.0.0.1:1/none", "--study", "s"], in: folder)
        #expect(r5.status == 1 && r5.stderr.contains("127.0.0.1:1"), "\(r5.stderr)")
        let notSQLite = try TestSupport.writeFile("this is not a database, just text\n" + String(repeating: "x", count: 200), named: "text.db", in: folder)
        let r6 = try atelier(["study", "show", "--storage", "sqlite:///" + notSQLite, "--study", "s"], in: folder)
        #expect(r6.status == 1 && r6.stderr.contains("text.db"), "\(r6.stderr)")
        let r7 = try atelier(["study", "run", "--study", "s", "--model", "shallow", "--trials", "-2"], in: folder)
        #expect(r7.status == 64 && r7.stderr.contains("--trials"), "\(r7.stderr)")
    }

    @Test func runTrainsPrunesAndResumes() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study-run")
        let storage = "sqlite:///" + folder.appendingPathComponent("run.db").path
        let common = ["study", "run", "--storage", storage, "--study", "shallow", "--data-dir", Self.mnist, "--json"]
        let first = try atelier(common + ["--model", "shallow", "--limit", "400", "--epochs", "3", "--trials", "3",
                                          "--sampler", "random", "--pruner", "median", "--pruner-startup-trials", "1"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try json(first.stdout)
        #expect(report["trials"] as? Int == 3)
        #expect(report["metric"] as? String == "validation accuracy")
        let best = try #require(report["best"] as? [String: Any])
        // Chance is 0.1. These random trials are SGD at small rates, 3 epochs on 360 digits: the
        // best scored 0.205 with the objective's old per-epoch reshuffling seeds and 0.179 since
        // it runs through TrainingRun (one shuffle stream, as `atelier train`).
        #expect((best["value"] as? Double ?? 0) > 0.15, "a shallow net beats chance on 400 digits")
        let params = try #require(best["params"] as? [String: Any])
        #expect(Set(params.keys) == ["batchSize", "hidden", "learningRate", "optimizer"])

        // A second run joins the study and continues it to 5 trials in all.
        let second = try atelier(common + ["--trials", "5", "--workers", "2"], in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        let resumed = try json(second.stdout)
        let counts = try #require(resumed["counts"] as? [String: Int])
        #expect((counts["complete"] ?? 0) + (counts["pruned"] ?? 0) + (counts["fail"] ?? 0) >= 5)
        #expect((resumed["trials"] as? Int ?? 0) <= 6, "two workers overshoot by at most one trial")

        // Joining keeps the stored sampler: asking for another one is an error, not ignored.
        let otherSampler = try atelier(common + ["--trials", "6", "--sampler", "tpe"], in: folder)
        #expect(otherSampler.status == 1 && otherSampler.stderr.contains("--sampler tpe (the study has random)"), "\(otherSampler.stderr)")
        let otherSeed = try atelier(common + ["--trials", "6", "--seed", "3"], in: folder)
        #expect(otherSeed.status == 1 && otherSeed.stderr.contains("--seed 3 (the study has 0)"), "\(otherSeed.stderr)")
        let notTPE = try atelier(common + ["--trials", "6", "--sampler-candidates", "48"], in: folder)
        #expect(notTPE.status == 1 && notTPE.stderr.contains("--sampler-candidates (the study's sampler is random"), "\(notTPE.stderr)")
        let sameFlags = try atelier(common + ["--trials", "5", "--sampler", "random", "--pruner", "median", "--pruner-startup-trials", "1"], in: folder)
        #expect(sameFlags.status == 0, "joining with the flags the study was made with: \(sameFlags.stderr)")

        let bestText = try atelier(["study", "best", "--storage", storage, "--study", "shallow"], in: folder)
        #expect(bestText.stdout.contains("retrain: atelier train --model shallow --dataset mnist"), "\(bestText.stdout)")

        try checkWithOptuna(storage: storage, study: "shallow", atelierExport: folder)

        let other = try atelier(common + ["--model", "mlp", "--trials", "6"], in: folder)
        #expect(other.status == 1 && other.stderr.contains("trains shallow"), "\(other.stderr)")
    }
}

extension StudyCommandTests {
    /// A folder, a space in which only the learning rate varies, a SQLite study URL and the
    /// `study run` arguments with a 1-second heartbeat and a 2-second grace period: the set-up of
    /// the tests that kill a worker mid-trial.
    func killableStudy(_ name: String, study: String) throws -> (folder: URL, space: String, storage: String, common: [String]) {
        let folder = TestSupport.temporaryDirectory(name)
        let space = try TestSupport.writeFile(
            #"{"learningRate": {"type": "float", "low": 0.001, "high": 0.01, "log": true}, "batchSize": [64], "hidden": [100], "optimizer": ["adam"]}"#,
            named: "space.json", in: folder)
        let storage = "sqlite:///" + folder.appendingPathComponent("\(study).db").path
        let common = ["study", "run", "--storage", storage, "--study", study, "--data-dir", Self.mnist,
                      "--heartbeat-interval", "1", "--grace-period", "2"]
        return (folder, space, storage, common)
    }

    /// The study's trials as `study export` writes them, one dictionary per CSV row, or nil while
    /// the export fails (the study is not created yet).
    func exportedTrials(storage: String, study: String, in folder: URL) throws -> [[String: String]]? {
        let table = folder.appendingPathComponent("trials-\(study).csv").path
        guard try atelier(["study", "export", "--storage", storage, "--study", study, "--out", table], in: folder).status == 0 else {
            return nil
        }
        let lines = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    /// Waits (at most 180 s, and while `process` runs) until `count` trials are RUNNING with their
    /// learning rate drawn and an epoch reported, so their heartbeats are being written; returns
    /// their rows, or nil when that was never seen.
    func waitForRunningTrials(_ count: Int, storage: String, study: String, in folder: URL,
                              while process: Process) throws -> [[String: String]]? {
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline && process.isRunning {
            let running = try exportedTrials(storage: storage, study: study, in: folder)?.filter {
                $0["state"] == "RUNNING" && !($0["learningRate"] ?? "").isEmpty && !($0["lastStep"] ?? "").isEmpty
            }
            if let running, running.count >= count { return running }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return nil
    }

    /// The pids of `parent`'s child processes (Linux: the fourth field of /proc/PID/stat).
    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let name = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: name)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent
        }.sorted()
    }

    /// Opens the study with the real Optuna 5.1 (`ATELIER_TEST_PYTHON`, set up by scripts/test.sh;
    /// required when CI=true) and compares what it reads with Atelier's own export.
    func checkWithOptuna(storage: String, study: String, atelierExport folder: URL) throws {
        guard let python = Self.testPython(skipping: "the Optuna check of atelier study run") else { return }
        let script = """
        import json, sys, optuna
        s = optuna.load_study(study_name=sys.argv[2], storage=sys.argv[1])
        print(json.dumps({"direction": s.direction.name, "states": [t.state.name for t in s.trials],
                          "numbers": [t.number for t in s.trials], "best": s.best_value, "bestNumber": s.best_trial.number,
                          "params": sorted(s.best_params), "steps": [sorted(t.intermediate_values) for t in s.trials]}))
        """
        let loaded = try run(python: python, script, [storage, study])
        #expect(loaded.status == 0, "optuna.load_study failed: \(loaded.stderr)")
        let optuna = try json(loaded.stdout)
        let mine = try json(try atelier(["study", "best", "--storage", storage, "--study", study, "--json"], in: folder).stdout)
        let shown = try json(try atelier(["study", "show", "--storage", storage, "--study", study, "--json"], in: folder).stdout)
        #expect(optuna["direction"] as? String == "MAXIMIZE")
        #expect((optuna["numbers"] as? [Int]) == Array(0..<(shown["trials"] as? Int ?? -1)))
        #expect(optuna["bestNumber"] as? Int == mine["number"] as? Int)
        #expect(optuna["best"] as? Double == mine["value"] as? Double)
        #expect(optuna["params"] as? [String] == (mine["params"] as? [String: Any])?.keys.sorted())
        let steps = try #require(optuna["steps"] as? [[Int]])
        #expect(steps.allSatisfy { !$0.isEmpty && $0.first == 1 }, "every trial reported epoch 1 onwards: \(steps)")
    }
}

/// Values appended from several threads.
final class Collected<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [T] = []
    func append(_ value: T) { lock.withLock { stored.append(value) } }
    var items: [T] { lock.withLock { stored } }
}

extension StudyCommandTests {
    /// `ask` and `tell`, each a new process, on one SQLite study: the trials are those of Optuna's
    /// `TPESampler(seed=11)` in one Python process on the same objective (startup and TPE trials
    /// alike), because each trial's place in Optuna's streams comes from the stored history.
    /// `ask` suggests the space's parameters in name order, so the Python objective does too.
    @Test func askAndTellProcessesProposeOptunasTrials() throws {
        guard let python = Self.testPython(skipping: "the ask/tell comparison with Optuna") else { return }
        let folder = TestSupport.temporaryDirectory("atelier-study-seeded")
        let space = #"{"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}, "x": {"type": "float", "low": -5, "high": 5}, "opt": ["adam", "sgd", "rmsprop"]}"#
        let spacePath = try TestSupport.writeFile(space, named: "space.json", in: folder)
        let create = try atelier(["study", "create", "--study", "s", "--space", spacePath, "--seed", "11", "--json"], in: folder)
        #expect(create.status == 0, "\(create.stderr)")
        func objective(_ lr: Double, _ opt: String, _ x: Double) -> Double {
            let a = log10(lr) + 3
            return a * a + (x - 1) * (x - 1) + 0.5 * Double(["adam", "sgd", "rmsprop"].firstIndex(of: opt)!)
        }
        var ours: [[String]] = []
        for _ in 0..<14 {
            let ask = try atelier(["study", "ask", "--study", "s"], in: folder)
            #expect(ask.status == 0, "\(ask.stderr)")
            let answer = try json(ask.stdout)
            let number = try #require(answer["number"] as? Int)
            let params = try #require(answer["params"] as? [String: Any])
            let lr = try #require(params["lr"] as? Double), x = try #require(params["x"] as? Double)
            let opt = try #require(params["opt"] as? String)
            ours.append([lr.description, opt, x.description])
            let tell = try atelier(["study", "tell", "--study", "s", "--trial", "\(number)", "--value", "\(objective(lr, opt, x))"], in: folder)
            #expect(tell.status == 0, "\(tell.stderr)")
        }
        let script = """
        import json, math, optuna
        optuna.logging.set_verbosity(optuna.logging.ERROR)
        def f(t):
            lr = t.suggest_float("lr", 1e-5, 0.1, log=True); opt = t.suggest_categorical("opt", ["adam", "sgd", "rmsprop"])
            x = t.suggest_float("x", -5, 5)
            return (math.log10(lr) + 3) ** 2 + (x - 1) ** 2 + 0.5 * ["adam", "sgd", "rmsprop"].index(opt)
        s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=11)); s.optimize(f, n_trials=14)
        print(json.dumps([[t.params["lr"], t.params["opt"], t.params["x"]] for t in s.trials]))
        """
        let optuna = try run(python: python, script, [])
        #expect(optuna.status == 0, "Optuna's run failed: \(optuna.stderr)")
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(optuna.stdout.utf8)) as? [[Any]])
        #expect(theirs.count == 14)
        for (number, (mine, optuna)) in zip(ours, theirs).enumerated() {
            let lr = optuna[0] as? Double ?? .nan, opt = optuna[1] as? String ?? "", x = optuna[2] as? Double ?? .nan
            let same = abs(Double(mine[0])! - lr) <= 1e-12 * lr && mine[1] == opt && abs(Double(mine[2])! - x) <= 1e-12
            #expect(same, "trial \(number): \(mine) against Optuna's \(optuna)")
        }
    }
}

extension StudyCommandTests {
    /// The test venv's Python with Optuna 5.1 (`ATELIER_TEST_PYTHON`, set up by scripts/test.sh),
    /// or nil with a note when it is unset; unset under CI=true is a failure.
    static func testPython(skipping what: String) -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let python = environment["ATELIER_TEST_PYTHON"], !python.isEmpty { return python }
        #expect(environment["CI"] != "true", "CI=true but ATELIER_TEST_PYTHON is unset (scripts/test.sh sets it up)")
        print("note: ATELIER_TEST_PYTHON unset; \(what) is skipped")
        return nil
    }

    /// Runs `python -c script arguments…` and collects its output.
    func run(python: String, _ script: String, _ arguments: [String]) throws -> Run {
        try run(URL(fileURLWithPath: python), ["-c", script] + arguments)
    }
}
