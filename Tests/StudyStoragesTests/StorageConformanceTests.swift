import Foundation
import Studies
import StudyStorageSupport
import StudyStorages
import TestSupport
import Testing

/// One conformance suite, every driver: the `StudyStorage` contract as the engine relies on it
/// (Optuna's `pytest_storages.py` plays the same part there).
@Suite("Storage conformance")
struct StorageConformanceTests {
    static let float = Distribution.float(try! FloatDistribution(low: -10, high: 10))
    static let logFloat = Distribution.float(try! FloatDistribution(low: 1e-5, high: 1e-1, log: true))
    static let integer = Distribution.int(try! IntDistribution(low: 16, high: 256, step: 16))
    static let choice = Distribution.categorical(try! CategoricalDistribution([.string("adam"), .null, .int(3), .double(2.5), .bool(true)]))

    @Test("studies: create, load, list, attributes, duplicate names, delete", arguments: StorageKind.tested)
    func studies(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let storage = try kind.open(url)
        let name = uniqueStudyName()
        let id = try storage.createStudy(name: name, directions: [.maximize, .minimize])
        #expect(try storage.studyID(named: name) == id)
        #expect(throws: StudyError.duplicateStudy(name)) { try storage.createStudy(name: name, directions: [.minimize]) }
        #expect(throws: StudyError.unknownStudy("\(name)-missing")) { try storage.studyID(named: "\(name)-missing") }

        try storage.setStudyUserAttribute(studyID: id, key: "owner", value: .string("atelier"))
        try storage.setStudyUserAttribute(studyID: id, key: "owner", value: .string("again"))
        try storage.setStudySystemAttribute(studyID: id, key: "grid", value: .array([.number(1), .number(2.5)]))
        let summary = try storage.study(id: id)
        #expect(summary.name == name)
        #expect(summary.directions == [.maximize, .minimize])
        #expect(summary.userAttributes == ["owner": .string("again")])
        #expect(summary.systemAttributes == ["grid": .array([.number(1), .number(2.5)])])
        #expect(try storage.allStudies().contains(summary))

        // Reopened by another instance (another connection): the same study.
        let again = try kind.open(url)
        #expect(try again.study(id: id) == summary)

        let (trialID, _) = try storage.createTrial(studyID: id, template: nil)
        try storage.setTrialParameter(trialID: trialID, name: "x", internalValue: 1, distribution: Self.float)
        try storage.deleteStudy(id: id)
        #expect(throws: StudyError.unknownStudy(name)) { try storage.studyID(named: name) }
        #expect(throws: StudyError.self) { try storage.trial(id: trialID) }
        #expect(!(try storage.allStudies().contains { $0.name == name }))
        // The name is free again.
        _ = try storage.createStudy(name: name, directions: [.minimize])
    }

    @Test("a trial found by number: its own study's, unknown numbers and studies refused", arguments: StorageKind.tested)
    func trialByNumber(kind: StorageKind) throws {
        let storage = try kind.open(try kind.makeURL())
        let first = try storage.createStudy(name: uniqueStudyName(), directions: [.minimize])
        let second = try storage.createStudy(name: uniqueStudyName(), directions: [.minimize])
        var ids: [Int64] = []
        for study in [first, second, first, second, first] { ids.append(try storage.createTrial(studyID: study, template: nil).id) }
        try storage.setTrialState(trialID: ids[2], state: .complete, values: [4.5])
        // The first study's trials 0, 1, 2 are ids[0], ids[2], ids[4]; the second's 0, 1 are ids[1], ids[3].
        #expect(try storage.trialID(studyID: first, number: 1) == ids[2])
        #expect(try storage.trialID(studyID: second, number: 1) == ids[3])
        let trial = try storage.trial(studyID: first, number: 1)
        #expect(trial.id == ids[2] && trial.number == 1 && trial.state == .complete && trial.values == [4.5])
        #expect(try storage.trial(studyID: first, number: 2).id == ids[4])
        #expect(throws: StudyError.self) { try storage.trialID(studyID: second, number: 2) }
        #expect(throws: StudyError.self) { try storage.trialID(studyID: first, number: -1) }
        try storage.deleteStudy(id: second)
        #expect(throws: StudyError.self) { try storage.trialID(studyID: second, number: 0) }
    }

    @Test("a trial's life: params, intermediate values (NaN, ±inf), attributes, values, then immutable", arguments: StorageKind.tested)
    func trialLifecycle(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let storage = try kind.open(url)
        let study = try storage.createStudy(name: uniqueStudyName(), directions: [.minimize])
        let before = Date().addingTimeInterval(-1)
        let (id, number) = try storage.createTrial(studyID: study, template: nil)
        #expect(number == 0)
        try storage.setTrialParameter(trialID: id, name: "x", internalValue: -2.5, distribution: Self.float)
        try storage.setTrialParameter(trialID: id, name: "lr", internalValue: 3.0e-4, distribution: Self.logFloat)
        try storage.setTrialParameter(trialID: id, name: "units", internalValue: 64, distribution: Self.integer)
        try storage.setTrialParameter(trialID: id, name: "optimizer", internalValue: 1, distribution: Self.choice)
        for (step, value) in [(0, 1.5), (1, Double.nan), (2, .infinity), (3, -.infinity), (4, 0.125)] {
            try storage.setTrialIntermediateValue(trialID: id, step: step, value: value)
        }
        try storage.setTrialIntermediateValue(trialID: id, step: 4, value: 0.25)  // reported again: replaced
        try storage.setTrialUserAttribute(trialID: id, key: "note", value: .object(["a": .array([.bool(true), .null])]))
        try storage.setTrialSystemAttribute(trialID: id, key: "fixed", value: .number(3))
        try storage.recordHeartbeat(trialID: id)

        var trial = try storage.trial(id: id)
        #expect(trial.state == .running)
        #expect(trial.params == ["x": -2.5, "lr": 3.0e-4, "units": 64, "optimizer": 1])
        #expect(trial.distributions == ["x": Self.float, "lr": Self.logFloat, "units": Self.integer, "optimizer": Self.choice])
        #expect(trial.externalParams["optimizer"] == .null)
        #expect(trial.intermediateValues[1]!.isNaN)
        #expect(trial.intermediateValues[2] == .infinity && trial.intermediateValues[3] == -.infinity)
        #expect(trial.intermediateValues[4] == 0.25 && trial.intermediateValues[0] == 1.5)
        #expect(trial.userAttributes == ["note": .object(["a": .array([.bool(true), .null])])])
        #expect(trial.systemAttributes == ["fixed": .number(3)])
        #expect(trial.complete == nil)
        let start = try #require(trial.start)
        #expect(start > before && start < Date().addingTimeInterval(1))

        #expect(try storage.setTrialState(trialID: id, state: .complete, values: [-.infinity]))
        trial = try storage.trial(id: id)
        #expect(trial.state == .complete && trial.values == [-.infinity])
        #expect(trial.complete != nil && trial.complete! >= start)

        // Finished: nothing changes any more.
        #expect(try storage.setTrialState(trialID: id, state: .fail, values: nil) == false)
        #expect(try storage.setTrialState(trialID: id, state: .running, values: nil) == false)
        #expect(throws: StudyError.self) { try storage.setTrialParameter(trialID: id, name: "y", internalValue: 1, distribution: Self.float) }
        #expect(throws: StudyError.self) { try storage.setTrialIntermediateValue(trialID: id, step: 9, value: 1) }
        #expect(throws: StudyError.self) { try storage.setTrialUserAttribute(trialID: id, key: "k", value: .null) }
        #expect(try storage.trial(id: id) == trial)
        let fresh = try kind.open(url)
        #expect(try fresh.trials(studyID: study).map(comparable) == [comparable(trial)])

        // +inf objective, PRUNED and FAIL trials, and the states filter.
        let (second, n1) = try storage.createTrial(studyID: study, template: nil)
        #expect(try storage.setTrialState(trialID: second, state: .complete, values: [.infinity]))
        let (third, n2) = try storage.createTrial(studyID: study, template: nil)
        #expect(try storage.setTrialState(trialID: third, state: .pruned, values: nil))
        let (fourth, n3) = try storage.createTrial(studyID: study, template: nil)
        #expect([n1, n2, n3] as [Int] == [1, 2, 3])
        #expect(try storage.trial(id: second).values == [.infinity])
        #expect(try storage.trials(studyID: study, states: [.complete]).map(\.number) == [0, 1])
        #expect(try storage.trials(studyID: study, states: [.pruned, .running]).map(\.number) == [2, 3])
        #expect(try storage.setTrialState(trialID: fourth, state: .fail, values: nil))
        #expect(try storage.trialCount(studyID: study, states: nil) == 4)
        #expect(try fresh.trialCount(studyID: study, states: [.complete, .pruned]) == 3)
        #expect(try storage.trialCount(studyID: study, states: [.running]) == 0)
        #expect(try storage.trialCount(studyID: study, states: []) == 0)
        #expect(throws: StudyError.self) { try storage.trialCount(studyID: 987_654_321, states: nil) }
        #expect(try fresh.trials(studyID: study).map(\.state) == [.complete, .complete, .pruned, .fail])
        #expect(throws: StudyError.self) { try storage.trial(id: 987_654_321) }
        #expect(throws: StudyError.self) { try storage.createTrial(studyID: 987_654_321, template: nil) }

        // A NaN objective cannot be stored (Optuna's trial_values has no NaN type; Study.tell fails
        // such trials before they reach a storage): refused, and the trial is left as it was.
        let (nanTrial, _) = try storage.createTrial(studyID: study, template: nil)
        let refusesNaN = { () throws -> Void in
            #expect(throws: StudyError.self) { try storage.setTrialState(trialID: nanTrial, state: .complete, values: [.nan]) }
            #expect(try storage.trial(id: nanTrial).state == .running)
        }
        try refusesNaN()
    }

    @Test("a parameter name keeps its kind of distribution across the study", arguments: StorageKind.tested)
    func incompatibleDistribution(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let storage = try kind.open(url)
        let study = try storage.createStudy(name: uniqueStudyName(), directions: [.minimize])
        let (a, _) = try storage.createTrial(studyID: study, template: nil)
        try storage.setTrialParameter(trialID: a, name: "x", internalValue: 1, distribution: Self.float)
        try storage.setTrialParameter(trialID: a, name: "c", internalValue: 0, distribution: Self.choice)
        let (b, _) = try storage.createTrial(studyID: study, template: nil)
        // Another instance, so no cache helps: the check reads the stored distribution.
        let other = try kind.open(url)
        do {
            try other.setTrialParameter(trialID: b, name: "x", internalValue: 1, distribution: Self.integer)
            Issue.record("an int distribution for a float parameter was accepted")
        } catch let error as StudyError {
            guard case .incompatibleDistribution = error else { Issue.record("unexpected \(error)"); return }
        }
        let otherChoices = Distribution.categorical(try CategoricalDistribution([.string("adam"), .string("sgd")]))
        #expect(throws: StudyError.self) { try other.setTrialParameter(trialID: b, name: "c", internalValue: 0, distribution: otherChoices) }
        // Same kind, other bounds: allowed, as in Optuna.
        try other.setTrialParameter(trialID: b, name: "x", internalValue: 50,
                                    distribution: .float(try FloatDistribution(low: 0, high: 100)))
        #expect(try storage.trial(id: b).params == ["x": 50])
    }

    @Test("templates: enqueued WAITING trials are taken once, finished ones imported whole", arguments: StorageKind.tested)
    func templates(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let storage = try kind.open(url)
        let study = try storage.createStudy(name: uniqueStudyName(), directions: [.minimize])
        #expect(try storage.popWaitingTrial(studyID: study) == nil)
        let waiting = FrozenTrial(id: 0, number: 0, state: .waiting, params: ["x": 1.25], distributions: ["x": Self.float],
                                  userAttributes: ["retry": .number(7)])
        let (waitingID, waitingNumber) = try storage.createTrial(studyID: study, template: waiting)
        #expect(waitingNumber == 0)
        var stored = try storage.trial(id: waitingID)
        #expect(stored.state == .waiting && stored.start == nil && stored.params == ["x": 1.25])
        #expect(try storage.popWaitingTrial(studyID: study) == waitingID)
        stored = try storage.trial(id: waitingID)
        #expect(stored.state == .running && stored.start != nil)
        #expect(try storage.popWaitingTrial(studyID: study) == nil)
        // Only a WAITING trial can be made RUNNING.
        #expect(try storage.setTrialState(trialID: waitingID, state: .running, values: nil) == false)

        let start = UTCDateTime.parse("2026-01-02 03:04:05.678901")!
        let finished = FrozenTrial(id: 0, number: 0, state: .complete, values: [0.5], start: start,
                                   complete: start.addingTimeInterval(2.5), params: ["x": -3, "c": 2],
                                   distributions: ["x": Self.float, "c": Self.choice],
                                   userAttributes: ["u": .string("v")], systemAttributes: ["s": .bool(false)],
                                   intermediateValues: [0: 1, 1: .nan])
        let (importedID, importedNumber) = try storage.createTrial(studyID: study, template: finished)
        #expect(importedNumber == 1)
        var expected = finished
        expected.id = importedID
        expected.number = 1
        let imported = try storage.trial(id: importedID)
        #expect(comparable(imported) == comparable(expected))
    }

    @Test("trial numbers are gapless under concurrent threads, one instance and several", arguments: StorageKind.tested)
    func concurrentThreads(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let shared = try kind.open(url)
        let study = try shared.createStudy(name: uniqueStudyName(), directions: [.minimize])
        let instances = try (0..<4).map { _ in try kind.open(url) } + [shared]
        let threads = 8, perThread = 15
        let lock = NSLock()
        nonisolated(unsafe) var numbers: [Int] = []
        nonisolated(unsafe) var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let storage = instances[t % instances.count]
            for _ in 0..<perThread {
                do {
                    let (id, number) = try storage.createTrial(studyID: study, template: nil)
                    try storage.setTrialState(trialID: id, state: .complete, values: [Double(number)])
                    lock.lock(); numbers.append(number); lock.unlock()
                } catch {
                    lock.lock(); errors.append("\(error)"); lock.unlock()
                }
            }
        }
        #expect(errors.isEmpty, "\(errors.prefix(3))")
        #expect(numbers.sorted() == Array(0..<(threads * perThread)))
        #expect(try shared.trials(studyID: study).map(\.number) == Array(0..<(threads * perThread)))
        #expect(try shared.trials(studyID: study).allSatisfy { $0.value == Double($0.number) })
    }

    @Test("two workers never take the same WAITING trial", arguments: StorageKind.tested)
    func popRace(kind: StorageKind) throws {
        let url = try kind.makeURL()
        let storage = try kind.open(url)
        let study = try storage.createStudy(name: uniqueStudyName(), directions: [.minimize])
        var enqueued: Set<Int64> = []
        for i in 0..<40 {
            let template = FrozenTrial(id: 0, number: 0, state: .waiting, params: ["x": Double(i) / 10], distributions: ["x": Self.float])
            enqueued.insert(try storage.createTrial(studyID: study, template: template).id)
        }
        let instances = try (0..<4).map { _ in try kind.open(url) }
        let lock = NSLock()
        nonisolated(unsafe) var taken: [Int64] = []
        nonisolated(unsafe) var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            do {
                while let id = try instances[t].popWaitingTrial(studyID: study) {
                    lock.lock(); taken.append(id); lock.unlock()
                }
            } catch {
                lock.lock(); errors.append("\(error)"); lock.unlock()
            }
        }
        #expect(errors.isEmpty, "\(errors.prefix(3))")
        #expect(taken.count == 40)
        #expect(Set(taken) == enqueued)
        #expect(try storage.trials(studyID: study).allSatisfy { $0.state == .running })
    }

    @Test("trial numbers are gapless under concurrent processes", arguments: StorageKind.shared)
    func concurrentProcesses(kind: StorageKind) throws {
        try ChildProcess.requireWorker()
        let url = try kind.makeURL()
        let storage = try kind.open(url)
        let name = uniqueStudyName("procs")
        let study = try storage.createStudy(name: name, directions: [.minimize])
        let workers = try (0..<4).map { _ in try ChildProcess(ChildProcess.worker, ["trials", url, name, "25"]) }
        var numbers: [Int] = []
        for worker in workers {
            let output = worker.wait()
            #expect(output.status == 0, "worker failed: \(output.stderr)")
            #expect(!output.stderr.contains("locked"), "\(output.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
            numbers += integers(object?["numbers"])
        }
        #expect(numbers.sorted() == Array(0..<100))
        let trials = try storage.trials(studyID: study)
        #expect(trials.map(\.number) == Array(0..<100))
        #expect(trials.allSatisfy { $0.state == .complete && $0.params.count == 4 && $0.values.count == 1 })
    }

    @Test("workers killed at random moments leave no half-written trial", arguments: StorageKind.shared)
    func killedWritersLeaveWholeTrials(kind: StorageKind) throws {
        try ChildProcess.requireWorker()
        let url = try kind.makeURL()
        let storage = try kind.open(url)
        let name = uniqueStudyName("kill")
        let study = try storage.createStudy(name: name, directions: [.minimize])
        let survivor = try ChildProcess(ChildProcess.worker, ["trials", url, name, "40"])
        for delay in [0.15, 0.3, 0.45] {
            let victim = try ChildProcess(ChildProcess.worker, ["trials", url, name, "1000"])
            Thread.sleep(forTimeInterval: delay)
            kill(victim.process.processIdentifier, SIGKILL)
            _ = victim.wait()
        }
        let output = survivor.wait()
        #expect(output.status == 0, "the surviving worker failed: \(output.stderr)")
        let trials = try storage.trials(studyID: study)
        #expect(trials.map(\.number) == Array(0..<trials.count), "numbers have gaps")
        for trial in trials {
            switch trial.state {
            // A told trial has all it was told; a running one has some of its parameters.
            case .complete: #expect(trial.params.count == 4 && trial.values.count == 1, "trial \(trial.number) is half written")
            case .running: #expect(trial.params.count <= 4 && trial.values.isEmpty)
            default: Issue.record("trial \(trial.number) is \(trial.state.rawValue)")
            }
        }
        #expect(trials.filter { $0.state == .complete }.count > 40, "the killed workers wrote nothing: nothing was tested")
        // The victims' RUNNING trials are where they stopped; at most one per victim.
        #expect(trials.filter { $0.state == .running }.count <= 3)
    }

    @Test("WAITING trials taken by concurrent processes: each exactly once", arguments: StorageKind.shared)
    func popRaceProcesses(kind: StorageKind) throws {
        try ChildProcess.requireWorker()
        let url = try kind.makeURL()
        let storage = try kind.open(url)
        let name = uniqueStudyName("pop")
        let study = try storage.createStudy(name: name, directions: [.minimize])
        for i in 0..<30 {
            _ = try storage.createTrial(studyID: study, template: FrozenTrial(
                id: 0, number: 0, state: .waiting, params: ["x": Double(i) / 10], distributions: ["x": Self.float]))
        }
        let workers = try (0..<3).map { _ in try ChildProcess(ChildProcess.worker, ["pop", url, name]) }
        var numbers: [Int] = []
        for worker in workers {
            let output = worker.wait()
            #expect(output.status == 0, "worker failed: \(output.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
            numbers += integers(object?["numbers"])
        }
        #expect(numbers.sorted() == Array(0..<30))
        #expect(try storage.trials(studyID: study).allSatisfy { $0.state == .complete })
    }

    @Test("a worker killed mid-trial: its RUNNING trial becomes FAIL once, after the grace period", arguments: StorageKind.shared)
    func heartbeatsAndStaleTrials(kind: StorageKind) throws {
        try ChildProcess.requireWorker()
        let url = try kind.makeURL()
        let storage = try kind.open(url)
        let name = uniqueStudyName("killed")
        let study = try storage.createStudy(name: name, directions: [.minimize])
        // A trial of a live worker without heartbeats is never failed (Optuna skips those too).
        let (quiet, _) = try storage.createTrial(studyID: study, template: nil)

        let worker = try ChildProcess(ChildProcess.worker, ["hang", url, name, "0.2"])
        let line = worker.readLine()
        let started = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "worker said: \(line)")
        let trialID = try #require((started["id"] as? NSNumber)?.int64Value)
        let grace = 1.5
        // Alive and beating: not stale.
        Thread.sleep(forTimeInterval: 2.0)
        #expect(try storage.failStaleTrials(studyID: study, gracePeriod: grace).isEmpty)
        #expect(try storage.trial(id: trialID).state == .running)

        kill(worker.process.processIdentifier, SIGKILL)
        _ = worker.wait()
        #expect(worker.process.terminationReason == .uncaughtSignal)
        #expect(try storage.failStaleTrials(studyID: study, gracePeriod: grace).isEmpty, "failed before the grace period ran out")
        Thread.sleep(forTimeInterval: grace + 0.5)

        // Several workers look at once: exactly one of them fails the trial.
        let lookers = try (0..<3).map { _ in try ChildProcess(ChildProcess.worker, ["fail-stale", url, name, "\(grace)"]) }
        var failed: [Int] = []
        for looker in lookers {
            let output = looker.wait()
            #expect(output.status == 0, "\(output.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
            failed += integers(object?["numbers"])
        }
        let trial = try storage.trial(id: trialID)
        #expect(failed == [trial.number])
        #expect(trial.state == .fail && trial.complete != nil)
        #expect(trial.params == ["x": 1.5])  // kept, so the trial can be retried with the same parameters
        #expect(try storage.failStaleTrials(studyID: study, gracePeriod: grace).isEmpty)
        #expect(try storage.trial(id: quiet).state == .running)

        // The retry: a WAITING copy with the same parameters.
        var retry = trial
        retry.state = .waiting
        retry.start = nil
        retry.complete = nil
        let (retryID, retryNumber) = try storage.createTrial(studyID: study, template: retry)
        #expect(retryNumber == 2)
        #expect(try storage.popWaitingTrial(studyID: study) == retryID)
        #expect(try storage.trial(id: retryID).params == ["x": 1.5])
    }
}

/// A trial with NaN intermediate values replaced by a marker, so that `==` compares them too.
func comparable(_ trial: FrozenTrial) -> FrozenTrial {
    var copy = trial
    copy.intermediateValues = trial.intermediateValues.mapValues { $0.isNaN ? -123_456.789 : $0 }
    return copy
}
