import Foundation

/// Studies kept in this process's memory, as Optuna's `InMemoryStorage`: the fastest storage and
/// the one tests and benchmarks use. Threads of one process may share it (every call takes one
/// lock, so each call is atomic and trial numbers stay gapless); other processes cannot see it.
///
/// Heartbeats are kept per trial as the time of the last `recordHeartbeat`; as in Optuna's RDB
/// storage (`_get_stale_trial_ids` joins `trial_heartbeats`), only a trial that has beaten can go
/// stale, so a worker running without heartbeats is never judged dead.
public final class InMemoryStorage: StudyStorage, @unchecked Sendable {
    private struct StoredStudy {
        var summary: StudySummary
        /// Trials in number order: the array index is the trial number.
        var trials: [FrozenTrial] = []
        /// The first distribution each parameter name was used with (Optuna's compatibility rule).
        var distributions: [String: Distribution] = [:]
        /// Numbers of the WAITING trials, oldest first.
        var waiting: [Int] = []
    }

    private let lock = NSLock()
    private var studies: [Int64: StoredStudy] = [:]
    /// trial id -> (study id, number), so a trial is found without scanning.
    private var trialIndex: [Int64: (study: Int64, number: Int)] = [:]
    private var heartbeats: [Int64: Date] = [:]
    private var nextStudyID: Int64 = 1
    private var nextTrialID: Int64 = 1

    public init() {}

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Studies

    public func createStudy(name: String, directions: [StudyDirection]) throws -> Int64 {
        try locked {
            if studies.values.contains(where: { $0.summary.name == name }) { throw StudyError.duplicateStudy(name) }
            guard !directions.isEmpty else { throw StudyError.invalidValue("a study needs at least one direction") }
            let id = nextStudyID
            nextStudyID += 1
            studies[id] = StoredStudy(summary: StudySummary(id: id, name: name, directions: directions))
            return id
        }
    }

    public func deleteStudy(id: Int64) throws {
        try locked {
            guard let study = studies.removeValue(forKey: id) else { throw StudyError.unknownStudy("id \(id)") }
            for trial in study.trials {
                trialIndex[trial.id] = nil
                heartbeats[trial.id] = nil
            }
        }
    }

    public func studyID(named name: String) throws -> Int64 {
        try locked {
            guard let study = studies.values.first(where: { $0.summary.name == name }) else {
                throw StudyError.unknownStudy(name)
            }
            return study.summary.id
        }
    }

    public func allStudies() throws -> [StudySummary] {
        locked { studies.values.map(\.summary).sorted { $0.id < $1.id } }
    }

    public func study(id: Int64) throws -> StudySummary {
        try locked {
            guard let study = studies[id] else { throw StudyError.unknownStudy("id \(id)") }
            return study.summary
        }
    }

    public func setStudyUserAttribute(studyID: Int64, key: String, value: AttributeValue) throws {
        try locked {
            guard studies[studyID] != nil else { throw StudyError.unknownStudy("id \(studyID)") }
            studies[studyID]!.summary.userAttributes[key] = value
        }
    }

    public func setStudySystemAttribute(studyID: Int64, key: String, value: AttributeValue) throws {
        try locked {
            guard studies[studyID] != nil else { throw StudyError.unknownStudy("id \(studyID)") }
            studies[studyID]!.summary.systemAttributes[key] = value
        }
    }

    // MARK: Trials

    public func createTrial(studyID: Int64, template: FrozenTrial?) throws -> (id: Int64, number: Int) {
        try locked {
            guard studies[studyID] != nil else { throw StudyError.unknownStudy("id \(studyID)") }
            let id = nextTrialID
            nextTrialID += 1
            let number = studies[studyID]!.trials.count
            var trial: FrozenTrial
            if var template {
                template.id = id
                template.number = number
                if template.state == .running && template.start == nil { template.start = Date() }
                trial = template
            } else {
                trial = FrozenTrial(id: id, number: number, state: .running, start: Date())
            }
            trial.id = id
            for (name, distribution) in trial.distributions where studies[studyID]!.distributions[name] == nil {
                studies[studyID]!.distributions[name] = distribution
            }
            studies[studyID]!.trials.append(trial)
            if trial.state == .waiting { studies[studyID]!.waiting.append(number) }
            trialIndex[id] = (studyID, number)
            return (id, number)
        }
    }

    public func popWaitingTrial(studyID: Int64) throws -> Int64? {
        try locked {
            guard studies[studyID] != nil else { throw StudyError.unknownStudy("id \(studyID)") }
            while let number = studies[studyID]!.waiting.first {
                studies[studyID]!.waiting.removeFirst()
                guard studies[studyID]!.trials[number].state == .waiting else { continue }
                studies[studyID]!.trials[number].state = .running
                studies[studyID]!.trials[number].start = Date()
                return studies[studyID]!.trials[number].id
            }
            return nil
        }
    }

    /// Runs `body` on the stored trial, under the lock; throws `.unknownTrial` for a missing id.
    private func updateTrial<T>(_ trialID: Int64, _ body: (inout FrozenTrial) throws -> T) throws -> T {
        try locked {
            guard let (studyID, number) = trialIndex[trialID] else { throw StudyError.unknownTrial("id \(trialID)") }
            return try body(&studies[studyID]!.trials[number])
        }
    }

    private static func checkWritable(_ trial: FrozenTrial) throws {
        if trial.state.isFinished {
            throw StudyError.trialFinished("trial \(trial.number) is \(trial.state.rawValue)")
        }
    }

    public func setTrialParameter(trialID: Int64, name: String, internalValue: Double, distribution: Distribution) throws {
        try locked {
            guard let (studyID, number) = trialIndex[trialID] else { throw StudyError.unknownTrial("id \(trialID)") }
            try Self.checkWritable(studies[studyID]!.trials[number])
            // The study must use one kind of distribution per name (Optuna's compatibility check:
            // same class; categorical choices equal).
            if let earlier = studies[studyID]!.distributions[name] {
                guard Self.compatible(earlier, distribution) else {
                    throw StudyError.incompatibleDistribution("\"\(name)\" is \(earlier) in this study, got \(distribution)")
                }
            } else {
                studies[studyID]!.distributions[name] = distribution
            }
            studies[studyID]!.trials[number].params[name] = internalValue
            studies[studyID]!.trials[number].distributions[name] = distribution
        }
    }

    /// Optuna's `check_distribution_compatibility`: same class, and equal choices for categoricals.
    static func compatible(_ a: Distribution, _ b: Distribution) -> Bool {
        switch (a, b) {
        case (.float, .float), (.int, .int): true
        case (.categorical(let x), .categorical(let y)): x.choices == y.choices
        default: false
        }
    }

    @discardableResult
    public func setTrialState(trialID: Int64, state: TrialState, values: [Double]?) throws -> Bool {
        // Optuna's trial_values cannot hold NaN; refuse it here as the SQL drivers do (Study.tell
        // turns a NaN objective into FAIL before it reaches a storage).
        if let values, values.contains(where: \.isNaN) {
            throw StudyError.invalidValue("a trial's value cannot be NaN (trial id \(trialID))")
        }
        return try updateTrial(trialID) { trial in
            if trial.state.isFinished { return false }
            if state == .running && trial.state != .waiting { return false }
            trial.state = state
            if let values { trial.values = values }
            if state == .running { trial.start = Date() }
            if state.isFinished { trial.complete = Date() }
            return true
        }
    }

    public func setTrialIntermediateValue(trialID: Int64, step: Int, value: Double) throws {
        try updateTrial(trialID) { trial in
            try Self.checkWritable(trial)
            trial.intermediateValues[step] = value
        }
    }

    public func setTrialUserAttribute(trialID: Int64, key: String, value: AttributeValue) throws {
        try updateTrial(trialID) { trial in
            try Self.checkWritable(trial)
            trial.userAttributes[key] = value
        }
    }

    public func setTrialSystemAttribute(trialID: Int64, key: String, value: AttributeValue) throws {
        try updateTrial(trialID) { trial in
            try Self.checkWritable(trial)
            trial.systemAttributes[key] = value
        }
    }

    public func trial(id: Int64) throws -> FrozenTrial {
        try updateTrial(id) { trial in trial }
    }

    public func trials(studyID: Int64, states: Set<TrialState>?) throws -> [FrozenTrial] {
        try locked {
            guard let study = studies[studyID] else { throw StudyError.unknownStudy("id \(studyID)") }
            guard let states else { return study.trials }
            return study.trials.filter { states.contains($0.state) }
        }
    }

    public func trialID(studyID: Int64, number: Int) throws -> Int64 {
        try locked {
            guard let study = studies[studyID] else { throw StudyError.unknownStudy("id \(studyID)") }
            guard study.trials.indices.contains(number) else { throw StudyError.unknownTrial("trial \(number)") }
            return study.trials[number].id
        }
    }

    public func trialCount(studyID: Int64, states: Set<TrialState>?) throws -> Int {
        try locked {
            guard let study = studies[studyID] else { throw StudyError.unknownStudy("id \(studyID)") }
            guard let states else { return study.trials.count }
            return study.trials.reduce(0) { $0 + (states.contains($1.state) ? 1 : 0) }
        }
    }

    // MARK: Heartbeats

    public func recordHeartbeat(trialID: Int64) throws {
        try locked {
            guard trialIndex[trialID] != nil else { throw StudyError.unknownTrial("id \(trialID)") }
            heartbeats[trialID] = Date()
        }
    }

    public func failStaleTrials(studyID: Int64, gracePeriod: TimeInterval) throws -> [FrozenTrial] {
        try locked {
            guard let study = studies[studyID] else { throw StudyError.unknownStudy("id \(studyID)") }
            let now = Date()
            var failed: [FrozenTrial] = []
            for (number, trial) in study.trials.enumerated() where trial.state == .running {
                // Only trials that ever beat can go stale (Optuna's `_get_stale_trial_ids` joins on
                // trial_heartbeats): a worker without heartbeats is never judged dead.
                guard let last = heartbeats[trial.id], now.timeIntervalSince(last) > gracePeriod else { continue }
                studies[studyID]!.trials[number].state = .fail
                studies[studyID]!.trials[number].complete = now
                failed.append(studies[studyID]!.trials[number])
            }
            return failed
        }
    }
}
