import Foundation
import Studies
import StudyStorageSupport
import StudyStorages
import TestSupport
import Testing

/// Round trips with the real Optuna 5.1 and optuna-dashboard (`ATELIER_TEST_PYTHON`): what
/// Atelier writes, Optuna and the dashboard read exactly; what Optuna writes, Atelier reads and
/// continues; both work on one study at once.
@Suite("Optuna interop", .enabled(if: TestEnvironment.runsPython, "ATELIER_TEST_PYTHON is unset: Optuna interop tests skipped"))
struct OptunaInteropTests {
    static let float = Distribution.float(try! FloatDistribution(low: -10, high: 10))
    static let stepFloat = Distribution.float(try! FloatDistribution(low: 0, high: 1, step: 0.25))
    static let logFloat = Distribution.float(try! FloatDistribution(low: 1e-5, high: 1e-1, log: true))
    static let integer = Distribution.int(try! IntDistribution(low: 16, high: 256, step: 16))
    static let logInteger = Distribution.int(try! IntDistribution(low: 1, high: 1024, log: true))
    static let choice = Distribution.categorical(try! CategoricalDistribution([.string("adam"), .null, .int(3), .double(2.5), .bool(true)]))

    /// The storages the interop tests run on: SQLite, and PostgreSQL when configured.
    static var kinds: [StorageKind] {
        TestEnvironment.runsPython ? StorageKind.shared : []
    }

    /// Optuna's URL for the same database (psycopg2 for PostgreSQL, as Optuna users write it).
    func optunaURL(_ url: String) -> String {
        url.hasPrefix("postgresql://") ? "postgresql+psycopg2://" + url.dropFirst("postgresql://".count) : url
    }

    /// A study with every kind of parameter, value, state and attribute Optuna knows.
    func writeRichStudy(_ storage: any StudyStorage, name: String) throws -> [FrozenTrial] {
        let study = try storage.createStudy(name: name, directions: [.minimize])
        try storage.setStudyUserAttribute(studyID: study, key: "dataset", value: .string("mnist"))
        let states: [TrialState] = [.complete, .complete, .pruned, .fail, .complete, .running, .complete]
        for (i, state) in states.enumerated() {
            let (id, _) = try storage.createTrial(studyID: study, template: nil)
            let x = Double(i) * 1.375 - 4
            try storage.setTrialParameter(trialID: id, name: "x", internalValue: x, distribution: Self.float)
            try storage.setTrialParameter(trialID: id, name: "lr", internalValue: 1e-5 * pow(3.7, Double(i)), distribution: Self.logFloat)
            try storage.setTrialParameter(trialID: id, name: "frac", internalValue: Double(i % 5) * 0.25, distribution: Self.stepFloat)
            try storage.setTrialParameter(trialID: id, name: "units", internalValue: Double(16 * (i + 1)), distribution: Self.integer)
            try storage.setTrialParameter(trialID: id, name: "width", internalValue: Double(1 << i), distribution: Self.logInteger)
            try storage.setTrialParameter(trialID: id, name: "optimizer", internalValue: Double(i % 5), distribution: Self.choice)
            for step in 0..<3 {
                let value: Double = i == 2 && step == 1 ? .nan : (i == 4 && step == 2 ? .infinity : x * x + Double(step) / 3)
                try storage.setTrialIntermediateValue(trialID: id, step: step, value: value)
            }
            try storage.setTrialUserAttribute(trialID: id, key: "note", value: .object(["i": .number(Double(i)), "tags": .array([.string("a"), .bool(true)])]))
            if state != .running {
                let value: Double = i == 1 ? .infinity : (i == 6 ? -.infinity : x * x)
                try storage.setTrialState(trialID: id, state: state, values: state == .complete ? [value] : nil)
            }
        }
        _ = try storage.createTrial(studyID: study, template: FrozenTrial(
            id: 0, number: 0, state: .waiting, params: ["x": 0.5], distributions: ["x": Self.float]))
        return try storage.trials(studyID: study)
    }

    /// A float the Python side printed as its repr ("0.1", "inf", "nan"), or an int.
    func pythonNumber(_ value: Any?) -> Double? {
        if let text = value as? String { return Double(text) }
        return (value as? NSNumber)?.doubleValue
    }

    func same(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a == b || (a.isNaN && b.isNaN)
    }

    /// Compares an external parameter value with what Python printed (and its Python type).
    func matches(_ value: ParameterValue, _ python: Any?, type: String?) -> Bool {
        switch value {
        case .null: return python is NSNull && type == "NoneType"
        case .string(let s): return python as? String == s && type == "str"
        case .bool(let b): return (python as? NSNumber)?.boolValue == b && type == "bool"
        case .int(let i): return (python as? NSNumber)?.intValue == i && type == "int"
        case .double(let d): return pythonNumber(python) == d && type == "float"
        }
    }

    func formatLocal(_ date: Date?, timeZone: String) -> String? {
        guard let date else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: timeZone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let micros = Int((date.timeIntervalSince1970 * 1_000_000).rounded()) % 1_000_000
        let base = formatter.string(from: date)
        return micros == 0 ? base : base + String(format: ".%06d", micros)
    }

    @Test("Atelier writes, optuna.load_study reads every trial exactly", arguments: kinds)
    func optunaReadsAtelier(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let name = uniqueStudyName("to-optuna")
        let written = try writeRichStudy(try kind.open(url), name: name)
        // Optuna shows datetimes in local time: a zone far from UTC proves they were stored as UTC.
        let zone = "Asia/Tokyo"
        let dump = try ChildProcess.python(["dump", optunaURL(url), name], environment: ["TZ": zone])
        #expect(dump["directions"] as? [String] == ["MINIMIZE"])
        let trials = try #require(dump["trials"] as? [[String: Any]])
        try #require(trials.count == written.count)
        for (ours, theirs) in zip(written, trials) {
            #expect(theirs["number"] as? Int == ours.number)
            #expect(theirs["state"] as? String == ours.state.rawValue)
            let values = (theirs["values"] as? [Any])?.map(pythonNumber) ?? []
            #expect(values.count == ours.values.count && zip(values, ours.values).allSatisfy { same($0, $1) }, "trial \(ours.number): \(values) vs \(ours.values)")
            let params = theirs["params"] as? [String: Any] ?? [:]
            let types = theirs["paramTypes"] as? [String: String] ?? [:]
            #expect(Set(params.keys) == Set(ours.params.keys))
            for (key, value) in ours.externalParams {
                #expect(matches(value, params[key], type: types[key]), "trial \(ours.number) \(key): \(value) vs \(String(describing: params[key])) (\(types[key] ?? "?"))")
            }
            let distributions = theirs["distributions"] as? [String: String] ?? [:]
            for (key, distribution) in ours.distributions {
                #expect(distributions[key] == distribution.optunaJSON, "\(key)")
            }
            let intermediate = theirs["intermediate"] as? [String: Any] ?? [:]
            #expect(intermediate.count == ours.intermediateValues.count)
            for (step, value) in ours.intermediateValues {
                #expect(same(pythonNumber(intermediate[String(step)]), value), "trial \(ours.number) step \(step)")
            }
            let attributes = try JSONSerialization.data(withJSONObject: theirs["userAttrs"] ?? [:], options: [.sortedKeys])
            #expect(try AttributeValue(jsonText: String(decoding: attributes, as: UTF8.self)) == .object(ours.userAttributes))
            #expect(theirs["start"] as? String == formatLocal(ours.start, timeZone: zone), "trial \(ours.number) start")
            #expect(theirs["complete"] as? String == formatLocal(ours.complete, timeZone: zone), "trial \(ours.number) complete")
        }
    }

    @Test("optuna-dashboard opens a study Atelier wrote", arguments: kinds)
    func dashboardOpensAtelierStudy(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let name = uniqueStudyName("dashboard")
        let written = try writeRichStudy(try kind.open(url), name: name)
        let answer = try ChildProcess.python(["dashboard", optunaURL(url), name])
        #expect((answer["studies"] as? [String])?.contains(name) == true)
        let details = try #require((answer["details"] as? [String: Any])?[name] as? [String: Any])
        let trials = try #require(details["trials"] as? [[String: Any]])
        #expect(trials.map { $0["number"] as? Int } == written.map(\.number))
        #expect(trials.map { ($0["state"] as? String)?.uppercased() } == written.map(\.state.rawValue))
        let first = try #require(trials.first?["params"] as? [String: String])
        #expect(first["optimizer"] == "adam" && first["units"] == "16")
        #expect(Set(first.keys) == ["x", "lr", "frac", "units", "width", "optimizer"])
        #expect((trials[0]["intermediate"] as? [String: Any])?.count == 3)
    }

    @Test("Optuna writes, Atelier reads and continues the study", arguments: kinds)
    func atelierContinuesOptuna(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let name = uniqueStudyName("from-optuna")
        // The SQLite file is created by Optuna (rollback journal): Atelier must open it as it is.
        _ = try ChildProcess.python(["write", optunaURL(url), name, "8"])
        let before = try ChildProcess.python(["dump", optunaURL(url), name], environment: ["TZ": "UTC"])
        let storage = try kind.open(url)
        let study = try storage.studyID(named: name)
        #expect(try storage.study(id: study).userAttributes["owner"] == .string("optuna"))
        let trials = try storage.trials(studyID: study)
        let theirs = try #require(before["trials"] as? [[String: Any]])
        #expect(trials.count == 9 && theirs.count == 9)
        for (ours, python) in zip(trials, theirs) {
            #expect(ours.number == python["number"] as? Int)
            #expect(ours.state.rawValue == python["state"] as? String)
            let params = python["params"] as? [String: Any] ?? [:]
            let types = python["paramTypes"] as? [String: String] ?? [:]
            for (key, value) in ours.externalParams {
                #expect(matches(value, params[key], type: types[key]), "trial \(ours.number) \(key): \(value) vs \(String(describing: params[key]))")
            }
            #expect(ours.intermediateValues.count == (python["intermediate"] as? [String: Any])?.count)
            #expect(theirs.count == trials.count)
            #expect(python["start"] as? String == formatLocal(ours.start, timeZone: "UTC"))
        }
        #expect(trials.contains { $0.state == .pruned })

        // Continue: the enqueued trial first (Optuna keeps its parameters in the system attribute
        // "fixed_params" until a worker suggests them), then new numbers.
        let waiting = try #require(try storage.popWaitingTrial(studyID: study))
        let fixed = try storage.trial(id: waiting).systemAttributes["fixed_params"]
        #expect(fixed == .object(["x": .number(1.25), "lr": .number(0.001), "units": .number(64), "optimizer": .string("sgd")]))
        try storage.setTrialState(trialID: waiting, state: .complete, values: [1.5])
        let (id, number) = try storage.createTrial(studyID: study, template: nil)
        #expect(number == 9)
        let existing = try #require(trials.first { !$0.distributions.isEmpty })
        for (key, distribution) in existing.distributions {
            try storage.setTrialParameter(trialID: id, name: key, internalValue: existing.params[key]!, distribution: distribution)
        }
        try storage.setTrialState(trialID: id, state: .complete, values: [0.25])
        let after = try ChildProcess.python(["dump", optunaURL(url), name])
        let numbers = (after["trials"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? Int }
        #expect(numbers == Array(0..<10))
        // And Optuna continues after Atelier.
        let more = try ChildProcess.python(["work", optunaURL(url), name, "2", "rich"])
        #expect(integers(more["numbers"]) == [10, 11])
    }

    /// `seeded_objective` of optuna_interop.py (continuous numbers and a categorical; see there).
    static func seededObjective(_ trial: Trial) throws -> Double {
        let lr = try trial.suggestFloat("lr", in: 1e-5...1e-1, log: true)
        let width = try trial.suggestFloat("width", in: 1...100_000, log: true)
        let optimizer = try trial.suggestCategorical("optimizer", ["adam", "sgd", "rmsprop"])
        let drop = try trial.suggestFloat("drop", in: 0...10)
        let momentum = try trial.suggestFloat("momentum", in: 0...1)
        let a = log10(lr) + 3, b = log2(width) - 8
        return a * a + 0.1 * (b * b) + 0.5 * Double(["adam", "sgd", "rmsprop"].firstIndex(of: optimizer)!)
            + (drop - 2.5) * (drop - 2.5) / 10 + (momentum - 0.9) * (momentum - 0.9)
    }

    @Test("same seed, same trials: Atelier's TPE proposes Optuna's, and continues Optuna's study as Optuna would", arguments: kinds)
    func seededTrialsEqualOptunas(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let whole = uniqueStudyName("optuna-whole"), part = uniqueStudyName("optuna-part"), ours = uniqueStudyName("atelier")
        _ = try ChildProcess.python(["seeded", optunaURL(url), whole, "7", "30"])
        _ = try ChildProcess.python(["seeded", optunaURL(url), part, "7", "18"])
        let storage = try kind.open(url)
        let study = try Study.create(name: ours, storage: storage, sampler: TPESampler(seed: 7))
        try study.optimize(trials: 30, objective: Self.seededObjective)
        let continued = try Study.load(name: part, storage: storage, sampler: TPESampler(seed: 7))
        try continued.optimize(trials: 12, objective: Self.seededObjective)

        func params(_ name: String) throws -> [[String: Double]] {
            try storage.trials(studyID: try storage.studyID(named: name)).map(\.params)
        }
        let expected = try params(whole)
        #expect(expected.count == 30)
        for name in [ours, part] {
            let got = try params(name)
            #expect(got.count == 30)
            for (number, (a, b)) in zip(got, expected).enumerated() {
                #expect(a.keys == b.keys && a.allSatisfy { abs($0.value - b[$0.key]!) <= 1e-12 * max(1, abs($0.value)) },
                        "\(name) trial \(number): \(a) against Optuna's \(b)")
            }
        }
    }

    @Test("a Python worker and Atelier workers share one study", arguments: kinds)
    func mixedWorkers(kind: StorageKind) throws {
        try ChildProcess.requireWorker()
        let url = try kind.makeURL()
        let name = uniqueStudyName("mixed")
        let storage = try kind.open(url)
        let study = try storage.createStudy(name: name, directions: [.minimize])
        let python = try ChildProcess(URL(fileURLWithPath: try TestEnvironment.requirePython()),
                                      [ChildProcess.interopScript, "work", optunaURL(url), name, "30", "worker"])
        let atelier = try (0..<2).map { _ in try ChildProcess(ChildProcess.worker, ["trials", url, name, "30"]) }
        var numbers: [Int] = []
        for process in [python] + atelier {
            let output = process.wait()
            #expect(output.status == 0, "\(output.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data((output.stdout.split(separator: "\n").last ?? "").utf8)) as? [String: Any]
            numbers += integers(object?["numbers"])
        }
        #expect(numbers.sorted() == Array(0..<90))
        #expect(try storage.trials(studyID: study).map(\.number) == Array(0..<90))
    }

    @Test("heartbeats across languages: each side fails the other's killed worker", arguments: kinds)
    func heartbeatsAcrossLanguages(kind: StorageKind) throws {
        try ChildProcess.requireWorker()
        let url = try kind.makeURL()
        let name = uniqueStudyName("beats")
        let storage = try kind.open(url)
        let study = try storage.createStudy(name: name, directions: [.minimize])
        let python = try TestEnvironment.requirePython()

        // An Optuna worker (heartbeat every second) killed mid-trial; Atelier fails its trial.
        let optunaWorker = try ChildProcess(URL(fileURLWithPath: python), [ChildProcess.interopScript, "hang", optunaURL(url), name])
        let started = try #require(try JSONSerialization.jsonObject(with: Data(optunaWorker.readLine().utf8)) as? [String: Any])
        let optunaNumber = try #require(started["number"] as? Int)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try storage.failStaleTrials(studyID: study, gracePeriod: 2).isEmpty, "a live Optuna worker was judged dead")
        kill(optunaWorker.process.processIdentifier, SIGKILL)
        _ = optunaWorker.wait()
        Thread.sleep(forTimeInterval: 3.5)
        #expect(try storage.failStaleTrials(studyID: study, gracePeriod: 2).map(\.number) == [optunaNumber])

        // An Atelier worker killed mid-trial; Optuna's fail_stale_trials fails it.
        let atelierWorker = try ChildProcess(ChildProcess.worker, ["hang", url, name, "0.5"])
        let line = atelierWorker.readLine()
        let ours = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "worker said: \(line)")
        let atelierNumber = try #require(ours["number"] as? Int)
        kill(atelierWorker.process.processIdentifier, SIGKILL)
        _ = atelierWorker.wait()
        Thread.sleep(forTimeInterval: 3.5)
        let failed = try ChildProcess.python(["fail-stale", optunaURL(url), name, "2"])
        #expect(integers(failed["numbers"]) == [atelierNumber])
        #expect(try storage.trials(studyID: study).map(\.state) == [.fail, .fail])
    }
}
