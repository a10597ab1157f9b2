import Foundation
import Studies
import TensorCore
import Testing

@Suite("Study and Trial: ask, tell, optimize")
struct StudyTests {
    static func quadratic(_ trial: Trial) throws -> Double {
        let x = try trial.suggestFloat("x", in: -10...10)
        return (x - 2) * (x - 2)
    }

    @Test func optimizeRunsTheTrialBudgetAndFindsTheBest() throws {
        let study = try Study.create(name: "q", sampler: RandomSampler(seed: 1))
        try study.optimize(trials: 30, objective: Self.quadratic)
        let trials = try study.trials
        #expect(trials.count == 30)
        #expect(trials.map(\.number) == Array(0..<30))
        #expect(trials.allSatisfy { $0.state == .complete && $0.start != nil && $0.complete != nil })
        let best = try #require(try study.bestTrial)
        #expect(best.value == trials.compactMap(\.value).min())
        #expect(try study.bestValue == best.value)
        #expect(try study.bestParams?["x"] == best.externalParams["x"])
    }

    @Test func timeoutAndTrialsEndWhicheverFirst() throws {
        let study = try Study.create(name: "t", sampler: RandomSampler())
        try study.optimize(trials: 5, timeout: 3600, objective: Self.quadratic)
        #expect(try study.trials.count == 5)
        try study.optimize(timeout: 0, objective: Self.quadratic)   // no trial starts after the timeout
        #expect(try study.trials.count == 5)
        try study.optimize(trials: 8, budget: .study, objective: Self.quadratic)   // tops the study up to 8
        #expect(try study.trials.count == 8)
    }

    @Test func askTellByNumberAndTheErrorsOfTelling() throws {
        let study = try Study.create(name: "at", direction: .maximize, sampler: RandomSampler())
        let a = try study.ask(), b = try study.ask(), c = try study.ask()
        #expect([a.number, b.number, c.number] == [Int](0..<3))
        _ = try a.suggestInt("n", in: 1...5)
        try study.tell(a, value: 1)
        #expect(throws: StudyError.trialFinished("trial 0 is COMPLETE already")) { try study.tell(a, value: 2) }
        #expect(throws: StudyError.self) { try study.tell(trialNumber: 1, value: .nan) }
        #expect(try study.trials[1].state == .fail)
        try study.tell(trialNumber: 2, state: .pruned)
        #expect(try study.trials[2].state == .pruned)
        #expect(throws: StudyError.unknownTrial("trial 7")) { try study.tell(trialNumber: 7, value: 1) }
        #expect(try study.bestTrial?.number == 0)
    }

    @Test func nanFromTheObjectiveFailsTheTrialAndTheRunGoesOn() throws {
        let study = try Study.create(name: "nan", sampler: RandomSampler())
        try study.optimize(trials: 4) { trial in trial.number == 1 ? .nan : try Self.quadratic(trial) }
        #expect(try study.trials.map(\.state) == [.complete, .fail, .complete, .complete])
    }

    @Test func objectiveErrorsFailTheTrialAndRethrowUnlessCaught() throws {
        struct Boom: Error {}
        let study = try Study.create(name: "err", sampler: RandomSampler())
        #expect(throws: Boom.self) { try study.optimize(trials: 5) { _ in throw Boom() } }
        #expect(try study.trials.map(\.state) == [.fail])
        #expect(try study.trials[0].systemAttributes["fail_reason"] != nil)
        try study.optimize(trials: 3, catchingErrors: true) { _ in throw Boom() }
        #expect(try study.trials.count == 4)
    }

    @Test func sameNameReturnsTheSameValueAndDependentParametersWork() throws {
        let study = try Study.create(name: "dep", sampler: TPESampler(seed: 3, startupTrials: 5))
        try study.optimize(trials: 25) { trial in
            let layers = try trial.suggestInt("layers", in: 1...3)
            var total = 0.0
            for i in 0..<layers { total += Double(try trial.suggestInt("units_\(i)", in: 16...512, log: true)) }
            #expect(try trial.suggestInt("layers", in: 1...3) == layers)
            return total / 100 + Double(layers)
        }
        for trial in try study.trials {
            let layers = try #require(trial.externalParams["layers"]?.intValue)
            #expect(Set(trial.params.keys) == Set(["layers"] + (0..<layers).map { "units_\($0)" }))
        }
        let other = try study.ask()
        #expect(throws: StudyError.self) { _ = try other.suggestFloat("layers", in: 0...1) }
    }

    @Test func enqueuedParametersComeFirst() throws {
        let study = try Study.create(name: "enq", sampler: RandomSampler())
        try study.enqueue(params: ["x": .double(2), "opt": .string("sgd")])
        try study.optimize(trials: 2) { trial in
            let x = try trial.suggestFloat("x", in: -10...10)
            let opt = try trial.suggestCategorical("opt", ["adam", "sgd"])
            _ = try trial.suggestFloat("free", in: 0...1)
            return abs(x - 2) + (opt == "sgd" ? 0 : 1)
        }
        let first = try study.trials[0]
        #expect(first.externalParams["x"] == .double(2) && first.externalParams["opt"] == .string("sgd"))
        #expect(first.params["free"] != nil)
        #expect(try study.bestTrial?.number == 0)
    }

    @Test func createLoadAndDuplicateNames() throws {
        let storage = InMemoryStorage()
        _ = try Study.create(name: "s", storage: storage)
        #expect(throws: StudyError.duplicateStudy("s")) { try Study.create(name: "s", storage: storage) }
        #expect(try Study.create(name: "s", storage: storage, loadIfExists: true).name == "s")
        #expect(throws: StudyError.unknownStudy("nope")) { try Study.load(name: "nope", storage: storage) }
    }

    @Test func prunedTrialsKeepTheirLastIntermediateValue() throws {
        struct AlwaysPrune: Pruner { func shouldPrune(_ context: PruningContext) throws -> Bool { true } }
        let study = try Study.create(name: "p", sampler: RandomSampler(), pruner: AlwaysPrune())
        try study.optimize(trials: 2) { trial in
            try trial.report(5, step: 0)
            try trial.report(3, step: 1)
            try trial.report(9, step: 1)   // a step reported twice keeps its first value
            try trial.pruneIfNeeded()
            return 0
        }
        for trial in try study.trials {
            #expect(trial.state == .pruned && trial.values == [3] && trial.intermediateValues == [0: 5, 1: 3])
        }
        #expect(try study.bestTrial == nil)
    }

    @Test func staleTrialsFailAndAreRetriedWithTheirParameters() throws {
        let storage = InMemoryStorage()
        let study = try Study.create(name: "hb", storage: storage, sampler: RandomSampler(),
                                     heartbeat: Heartbeat(interval: 0.01, gracePeriod: 0.02, retries: 1))
        let dead = try study.ask()
        let x = try dead.suggestFloat("x", in: 0...1)
        try storage.recordHeartbeat(trialID: dead.id)
        Thread.sleep(forTimeInterval: 0.05)
        let next = try study.ask()   // fails trial 0 and queues it again; takes the retry
        #expect(try study.trials[0].state == .fail)
        #expect(next.number == 1)
        #expect(try next.suggestFloat("x", in: 0...1) == x)
        #expect(next.snapshot.systemAttributes["failed_trial"] == .number(0))
    }
}

@Suite("Study: workers and budgets")
struct StudyWorkerTests {
    @Test func workersShareOneTrialBudget() throws {
        let study = try Study.create(name: "w", sampler: TPESampler(seed: 5, startupTrials: 4))
        try study.optimize(trials: 24, workers: 3) { trial in
            let x = try trial.suggestFloat("x", in: -3...3)
            let n = try trial.suggestInt("n", in: 1...8)
            try trial.report(x * x, step: 1)
            if x > 2.5 { throw StudyError.pruned(step: 1) }
            return x * x + Double(n)
        }
        let trials = try study.trials
        #expect(trials.count == 24)
        #expect(trials.map(\.number) == Array(0..<24))
        #expect(trials.allSatisfy { $0.state == .complete || $0.state == .pruned })
    }

    @Test func stopEndsTheRunAfterTheCurrentTrial() throws {
        let study = try Study.create(name: "stop", sampler: RandomSampler())
        try study.optimize(trials: 50, callback: { study, trial in if trial.number == 6 { study.stop() } }) { trial in
            try trial.suggestFloat("x", in: 0...1)
        }
        #expect(try study.trials.count == 7)
    }

    @Test func aTrialFailedByAnotherWorkerIsSkipped() throws {
        let study = try Study.create(name: "skip", sampler: RandomSampler())
        try study.optimize(trials: 5) { trial in
            // As if another worker had judged this trial stale and failed it meanwhile.
            let x = try trial.suggestFloat("x", in: 0...1)
            if trial.number == 1 { try study.storage.setTrialState(trialID: trial.id, state: .fail, values: nil) }
            if trial.number == 3 {
                try study.storage.setTrialState(trialID: trial.id, state: .fail, values: nil)
                try trial.report(x, step: 0)   // the objective's own write now fails too
            }
            return x
        }
        #expect(try study.trials.map(\.state) == [.complete, .fail, .complete, .fail, .complete])
    }

    @Test func progressLineDurations() {
        #expect(ProgressLine.duration(42) == "42s")
        #expect(ProgressLine.duration(185) == "3m05s")
        #expect(ProgressLine.duration(3725) == "1h02m")
    }
}

/// A storage that counts heartbeats and can let "another process" create a trial at the worst
/// moment, around the in-memory one.
final class CountingStorage: StudyStorage, @unchecked Sendable {
    let base = InMemoryStorage()
    private let lock = NSLock()
    private var beats = 0
    var heartbeatCount: Int { lock.withLock { beats } }

    func createStudy(name: String, directions: [StudyDirection]) throws -> Int64 { try base.createStudy(name: name, directions: directions) }
    func deleteStudy(id: Int64) throws { try base.deleteStudy(id: id) }
    func studyID(named name: String) throws -> Int64 { try base.studyID(named: name) }
    func allStudies() throws -> [StudySummary] { try base.allStudies() }
    func study(id: Int64) throws -> StudySummary { try base.study(id: id) }
    func setStudyUserAttribute(studyID: Int64, key: String, value: AttributeValue) throws { try base.setStudyUserAttribute(studyID: studyID, key: key, value: value) }
    func setStudySystemAttribute(studyID: Int64, key: String, value: AttributeValue) throws { try base.setStudySystemAttribute(studyID: studyID, key: key, value: value) }
    /// Runs once before the next `createTrial`, as another process creating a trial in between.
    var beforeNextCreate: (() throws -> Void)?
    func createTrial(studyID: Int64, template: FrozenTrial?) throws -> (id: Int64, number: Int) {
        let hook = lock.withLock { () -> (() throws -> Void)? in
            defer { beforeNextCreate = nil }
            return beforeNextCreate
        }
        try hook?()
        return try base.createTrial(studyID: studyID, template: template)
    }
    func popWaitingTrial(studyID: Int64) throws -> Int64? { try base.popWaitingTrial(studyID: studyID) }
    func setTrialParameter(trialID: Int64, name: String, internalValue: Double, distribution: Distribution) throws {
        try base.setTrialParameter(trialID: trialID, name: name, internalValue: internalValue, distribution: distribution)
    }
    func setTrialState(trialID: Int64, state: TrialState, values: [Double]?) throws -> Bool { try base.setTrialState(trialID: trialID, state: state, values: values) }
    func setTrialIntermediateValue(trialID: Int64, step: Int, value: Double) throws { try base.setTrialIntermediateValue(trialID: trialID, step: step, value: value) }
    func setTrialUserAttribute(trialID: Int64, key: String, value: AttributeValue) throws { try base.setTrialUserAttribute(trialID: trialID, key: key, value: value) }
    func setTrialSystemAttribute(trialID: Int64, key: String, value: AttributeValue) throws { try base.setTrialSystemAttribute(trialID: trialID, key: key, value: value) }
    func trial(id: Int64) throws -> FrozenTrial { try base.trial(id: id) }
    func trials(studyID: Int64, states: Set<TrialState>?) throws -> [FrozenTrial] { try base.trials(studyID: studyID, states: states) }
    func recordHeartbeat(trialID: Int64) throws {
        lock.withLock { beats += 1 }
        try base.recordHeartbeat(trialID: trialID)
    }
    func failStaleTrials(studyID: Int64, gracePeriod: TimeInterval) throws -> [FrozenTrial] { try base.failStaleTrials(studyID: studyID, gracePeriod: gracePeriod) }
}

@Suite("Study: heartbeats while optimizing")
struct HeartbeatTests {
    @Test func optimizeBeatsWhileATrialRuns() throws {
        let storage = CountingStorage()
        let study = try Study.create(name: "beat", storage: storage, sampler: RandomSampler(),
                                     heartbeat: Heartbeat(interval: 0.005, gracePeriod: 60))
        try study.optimize(trials: 1) { trial in
            // Wait for the background timer (no time is asserted: the wait ends on the event).
            let deadline = Date().addingTimeInterval(30)
            while storage.heartbeatCount < 3 && Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
            return 1
        }
        #expect(storage.heartbeatCount >= 3)
        #expect(try study.trials.map(\.state) == [.complete])
    }
}

@Suite("Grid: a race with another process")
struct GridRaceTests {
    @Test func aTrialCreatedPastTheGridIsFailedNotRepeated() throws {
        let storage = CountingStorage()
        let grid = try GridSampler(space: ["x": [.int(0), .int(1)]])
        let study = try Study.create(name: "race", storage: storage, sampler: grid)
        _ = try study.ask()   // trial 0: point order[0]
        // Between this worker's count (1 < 2) and its creation, another process takes trial 1.
        storage.beforeNextCreate = { _ = try storage.base.createTrial(studyID: study.id, template: nil) }
        #expect(throws: StudyError.self) { try study.ask() }
        let trials = try study.trials
        #expect(trials.map(\.state) == [.running, .running, .fail])
        #expect(trials[2].systemAttributes["fail_reason"] == .string("grid exhausted"))
    }
}
