import Foundation
@testable import Reports
import Studies
import StudiesSQLite
import TestSupport
import Testing

/// The studies report's content in the `tiny` run every report test shares.
@Suite("Reports: studies (tiny profile)")
struct StudiesReportTests {
    static let environment = ProcessInfo.processInfo.environment
    static let python = environment["ATELIER_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    static let runsPython = python != nil || environment["CI"] == "true"

    var folder: String { get throws { (try TinyRun.output().root as NSString).appendingPathComponent("studies") } }

    @Test func studiesAreStoredAndCountedAsThePageSays() throws {
        let output = try TinyRun.output()
        let metrics = try #require(output.metrics["studies"])
        let sizes = StudiesReport.sizes(.tiny)
        let storage = try SQLiteStudyStorage(path: (try folder as NSString).appendingPathComponent("studies.db"))
        // The grid ran each combination exactly once.
        let grid = try Study.load(name: "grid", storage: storage).trials
        #expect(grid.count == sizes.gridBatches.count * sizes.gridHidden.count * sizes.gridRates.count)
        #expect(Set(grid.map { $0.externalParams }).count == grid.count)
        #expect(metrics["grid"]?["trials"] == .number(Double(grid.count)))
        for model in ["shallow", "mlp"] {
            let trials = try Study.load(name: "\(model)-tpe", storage: storage).trials
            let recorded = try #require(metrics["\(model)Tpe"])
            #expect(recorded["trials"] == .number(Double(trials.count)))
            #expect(trials.count >= 1 && trials.count <= (model == "mlp" ? sizes.mlpTrials : sizes.shallowTrials))
            let counted = ["complete", "pruned", "failed"].compactMap { recorded[$0]?.number }.reduce(0, +)
            #expect(counted == Double(trials.filter { $0.state != .running && $0.state != .waiting }.count))
            // Every trial reported a validation accuracy per epoch, as the pruner needs.
            for trial in trials where trial.state == .complete {
                #expect(!trial.intermediateValues.isEmpty && trial.intermediateValues.values.allSatisfy { (0...1).contains($0) })
            }
            // Retrained and scored once on the test split; the page shows the same number. (No
            // floor: the tiny studies' four random trials may pick a learning rate of 1e-5.)
            let retrained = try #require(metrics["\(model)Retrained"]?["testAccuracy"]?.number)
            #expect((0...1).contains(retrained))
            let html = try TinyRun.read((try folder as NSString).appendingPathComponent("index.html"))
            #expect(html.contains(ReportFormat.percent(retrained)))
        }
        guard case let .array(earlyStopping)? = metrics["earlyStopping"] else { Issue.record("no earlyStopping metrics"); return }
        #expect(earlyStopping.count == 1 + sizes.stoppingRules.count)
    }

    @Test func linkedFilesAreWrittenAndTheTraceIsTheGrid() throws {
        let html = try TinyRun.read((try folder as NSString).appendingPathComponent("index.html"))
        for file in ["studies.db", "grid.csv", "shallow-tpe.csv", "mlp-tpe.csv"] {
            #expect(html.contains("href=\"\(file)\""))
            #expect(FileManager.default.fileExists(atPath: (try folder as NSString).appendingPathComponent(file)))
        }
        let csv = try TinyRun.read((try folder as NSString).appendingPathComponent("grid.csv"))
        let lines = csv.split(separator: "\n")
        #expect(lines.first?.contains("batchSize") == true && lines.first?.contains("learningRate") == true)
        let sizes = StudiesReport.sizes(.tiny)
        #expect(lines.count - 1 == sizes.gridBatches.count * sizes.gridHidden.count * sizes.gridRates.count)
        #expect(html.contains("This tiny-profile run took"))
    }

    @Test(.enabled(if: runsPython, "ATELIER_TEST_PYTHON is unset: Optuna reading the report's studies.db skipped"))
    func optunaReadsTheReportsStudies() throws {
        let python = try #require(Self.python, "CI=true but ATELIER_TEST_PYTHON is unset (scripts/test.sh sets it up)")
        let database = (try folder as NSString).appendingPathComponent("studies.db")
        let script = """
        import json, sys, optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        url = "sqlite:///" + sys.argv[1]
        out = {}
        for name in ["grid", "shallow-tpe", "mlp-tpe"]:
            study = optuna.load_study(study_name=name, storage=url)
            out[name] = {"trials": len(study.trials), "best": study.best_value,
                         "states": sorted({t.state.name for t in study.trials})}
        print(json.dumps(out))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, database]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        struct Read: Decodable { var trials: Int; var best: Double; var states: [String] }
        // JSONDecoder, not JSONSerialization: the latter's doubles may differ in the last bit on Linux.
        let decoded = try JSONDecoder().decode([String: Read].self, from: data)
        let storage = try SQLiteStudyStorage(path: database)
        for name in ["grid", "shallow-tpe", "mlp-tpe"] {
            let study = try Study.load(name: name, storage: storage)
            #expect(decoded[name]?.trials == (try study.trials.count))
            #expect(decoded[name]?.best == (try study.bestValue))
        }
    }
}
