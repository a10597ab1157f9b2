import Foundation
import TestSupport
import Testing

/// `atelier study plot KIND` end to end: a study made with `study create/ask/tell`, one written by
/// Optuna 5.1 itself (`ATELIER_TEST_PYTHON`), and the usage and data errors.
@Suite("atelier study plot")
struct StudyPlotCommandTests {
    let runner = StudyCommandTests()
    static let space = #"{"x": {"type": "float", "low": 0.001, "high": 10, "log": true}, "n": {"type": "int", "low": 1, "high": 4}, "kind": ["a", "b"]}"#

    /// A study of 6 told trials in `folder`/studies.db.
    func makeStudy(in folder: URL) throws {
        _ = try TestSupport.writeFile(Self.space, named: "space.json", in: folder)
        #expect(try runner.atelier(["study", "create", "--study", "p", "--space", "space.json", "--sampler", "random"], in: folder).status == 0)
        for index in 0..<6 {
            let asked = try runner.json(try runner.atelier(["study", "ask", "--study", "p", "--json"], in: folder).stdout)
            let number = try #require(asked["number"] as? Int)
            #expect(try runner.atelier(["study", "tell", "--study", "p", "--trial", "\(number)", "--value", "\(Double(index) / 10)"], in: folder).status == 0)
        }
    }

    @Test func drawsEachFormatAndReportsJSON() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study-plot")
        try makeStudy(in: folder)
        let history = try runner.atelier(["study", "plot", "history", "--study", "p", "--out", "figs/history.png", "--json"], in: folder)
        #expect(history.status == 0, "\(history.stderr)")
        let report = try runner.json(history.stdout)
        #expect(report["study"] as? String == "p" && report["kind"] as? String == "history" && report["trials"] as? Int == 6)
        #expect(report["files"] as? [String] == ["figs/history.png"])
        let png = try Data(contentsOf: folder.appendingPathComponent("figs/history.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let contour = try runner.atelier(["study", "plot", "contour", "--study", "p", "--params", "x,n", "--out", "contour.svg"], in: folder)
        #expect(contour.status == 0, "\(contour.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent("contour.svg"), encoding: .utf8).contains("<svg"))
        let parallel = try runner.atelier(["study", "plot", "parallel", "--study", "p", "--min-value", "0.25", "--out", "parallel.pdf"], in: folder)
        #expect(parallel.status == 0, "\(parallel.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("parallel.pdf")).starts(with: Array("%PDF".utf8)))
    }

    @Test func usageAndDataErrors() throws {
        let folder = TestSupport.temporaryDirectory("atelier-study-plot-errors")
        try makeStudy(in: folder)
        let usage: [[String]] = [
            ["study", "plot", "pie", "--study", "p", "--out", "a.png"],
            ["study", "plot", "history", "--study", "p", "--out", "a.txt"],
            ["study", "plot", "contour", "--study", "p", "--params", "x", "--out", "a.png"],
            ["study", "plot", "slice", "--study", "p", "--min-value", "2", "--max-value", "1", "--out", "a.png"],
        ]
        for arguments in usage {
            let result = try runner.atelier(arguments, in: folder)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
        let unknown = try runner.atelier(["study", "plot", "slice", "--study", "p", "--params", "x,lr", "--out", "a.png"], in: folder)
        #expect(unknown.status == 1 && unknown.stderr.contains("no parameter named 'lr' in the study; its parameters are kind, n, x"), "\(unknown.stderr)")
        let filtered = try runner.atelier(["study", "plot", "slice", "--study", "p", "--min-value", "5", "--out", "a.png"], in: folder)
        #expect(filtered.status == 1 && filtered.stderr.contains("needs at least one completed trial with a finite value where value ≥ 5"), "\(filtered.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("a.png").path))
    }

    @Test func plotsEveryKindOfAStudyThatOptunaWrote() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["ATELIER_TEST_PYTHON"], !python.isEmpty else {
            #expect(environment["CI"] != "true", "CI=true but ATELIER_TEST_PYTHON is unset (scripts/test.sh sets it up)")
            print("note: ATELIER_TEST_PYTHON unset; plotting a study that Optuna wrote is skipped")
            return
        }
        let folder = TestSupport.temporaryDirectory("atelier-study-plot-optuna")
        let database = folder.appendingPathComponent("optuna.db").path
        let script = """
        import math, sys, optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        def objective(trial):
            lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
            units = trial.suggest_int("units", 16, 256)
            opt = trial.suggest_categorical("optimizer", ["adam", "sgd"])
            value = 0.99 - 0.02 * (math.log10(lr) + 3) ** 2 - 0.001 * units / 256 - (0.003 if opt == "sgd" else 0)
            for step in range(1, 5):
                trial.report(value - 0.2 * 0.5 ** step, step)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            return value
        study = optuna.create_study(study_name="written-by-optuna", storage="sqlite:///" + sys.argv[1], direction="maximize",
                                    sampler=optuna.samplers.RandomSampler(seed=3), pruner=optuna.pruners.MedianPruner(n_startup_trials=5))
        study.optimize(objective, n_trials=40)
        print(sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, database]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "optuna failed: \(errors)")
        #expect((Int(printed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0, "the Optuna study has pruned trials: \(printed)")
        for kind in ["history", "parallel", "slice", "contour", "importance", "correlation", "duration", "intermediate", "states"] {
            let result = try runner.atelier(["study", "plot", kind, "--storage", "sqlite:///" + database, "--study", "written-by-optuna",
                                             "--out", "\(kind).png", "--json"], in: folder)
            #expect(result.status == 0, "\(kind): \(result.stderr)")
            #expect((try? runner.json(result.stdout))?["trials"] as? Int == 40, "\(kind): \(result.stdout)")
            let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("\(kind).png").path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(kind).png is \(size) bytes")
        }
    }
}
