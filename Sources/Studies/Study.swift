import Foundation

/// An optimization study: a named, directed series of trials in a storage, with the sampler that
/// proposes parameters and the pruner that stops unpromising trials. Modelled on `optuna.Study`.
///
/// A `Study` is a handle: several handles (threads, processes, machines) may work on one stored
/// study at once. Everything lasting lives in the storage; the handle holds only the sampler, the
/// pruner, the heartbeat settings and a stop flag.
///
/// ```swift
/// let study = try Study.create(name: "lr", direction: .minimize, sampler: TPESampler(seed: 0))
/// try study.optimize(trials: 100) { trial in
///     let x = try trial.suggestFloat("x", in: -10...10)
///     return (x - 2) * (x - 2)
/// }
/// print(try study.bestValue ?? .nan)
/// ```
public final class Study: @unchecked Sendable {
    public let name: String
    public let id: Int64
    public let storage: any StudyStorage
    public let direction: StudyDirection
    public let sampler: any Sampler
    public let pruner: any Pruner
    /// Heartbeats of running trials, or `nil` for none (Optuna's `heartbeat_interval=None`).
    public let heartbeat: Heartbeat?

    private let stopLock = NSLock()
    private static let limitedAskLock = NSLock()
    private var stopRequested = false

    private init(summary: StudySummary, storage: any StudyStorage, sampler: any Sampler, pruner: any Pruner,
                 heartbeat: Heartbeat?) {
        name = summary.name
        id = summary.id
        self.storage = storage
        direction = summary.directions.first ?? .minimize
        self.sampler = sampler
        self.pruner = pruner
        self.heartbeat = heartbeat
    }

    /// Creates a study in `storage` (or joins it, when `loadIfExists` and it exists).
    ///
    /// The defaults are Optuna's: minimize, a TPE sampler, no pruning. Note one difference: the
    /// default sampler is seeded (seed 0) so runs repeat; it proposes what Optuna's
    /// `TPESampler(seed=0)` proposes, and workers sharing one study still propose different points
    /// (see `SamplerStreams`).
    public static func create(name: String, storage: any StudyStorage = InMemoryStorage(),
                              direction: StudyDirection = .minimize, sampler: (any Sampler)? = nil,
                              pruner: (any Pruner)? = nil, loadIfExists: Bool = false,
                              heartbeat: Heartbeat? = nil) throws -> Study {
        let id: Int64
        do {
            id = try storage.createStudy(name: name, directions: [direction])
        } catch StudyError.duplicateStudy(let taken) {
            guard loadIfExists else { throw StudyError.duplicateStudy(taken) }
            let study = try load(name: name, storage: storage, sampler: sampler, pruner: pruner, heartbeat: heartbeat)
            guard study.direction == direction else {
                throw StudyError.invalidValue("study \"\(name)\" exists with direction \(study.direction.rawValue.lowercased()), not \(direction.rawValue.lowercased())")
            }
            return study
        }
        return Study(summary: try storage.study(id: id), storage: storage, sampler: sampler ?? TPESampler(),
                     pruner: pruner ?? NopPruner(), heartbeat: heartbeat)
    }

    /// Opens the study named `name`; throws `.unknownStudy` when there is none.
    public static func load(name: String, storage: any StudyStorage, sampler: (any Sampler)? = nil,
                            pruner: (any Pruner)? = nil, heartbeat: Heartbeat? = nil) throws -> Study {
        let summary = try storage.study(id: try storage.studyID(named: name))
        guard summary.directions.count == 1 else {
            throw StudyError.invalidValue("study \"\(name)\" has \(summary.directions.count) objectives; Atelier studies have one")
        }
        return Study(summary: summary, storage: storage, sampler: sampler ?? TPESampler(),
                     pruner: pruner ?? NopPruner(), heartbeat: heartbeat)
    }

    // MARK: Reading

    /// Every trial, ordered by number.
    public var trials: [FrozenTrial] { get throws { try storage.trials(studyID: id, states: nil) } }

    /// The trials in `states`, ordered by number.
    public func trials(states: Set<TrialState>) throws -> [FrozenTrial] {
        try storage.trials(studyID: id, states: states)
    }

    /// The COMPLETE trial with the best value (the earliest among equals), or `nil` when no trial
    /// has completed. (Optuna raises instead; an optional says the same without a throw.)
    public var bestTrial: FrozenTrial? {
        get throws { Self.best(of: try trials(states: [.complete]), direction: direction) }
    }

    /// The best COMPLETE trial among `trials`, by the rule of `bestTrial`: shared with the progress
    /// line, which already holds every trial.
    static func best(of trials: [FrozenTrial], direction: StudyDirection) -> FrozenTrial? {
        var best: FrozenTrial?
        for trial in trials where trial.state == .complete {
            guard let value = trial.value, !value.isNaN else { continue }
            if let current = best?.value, !direction.isBetter(value, than: current) { continue }
            best = trial
        }
        return best
    }

    public var bestValue: Double? { get throws { try bestTrial?.value } }
    public var bestParams: [String: ParameterValue]? { get throws { try bestTrial?.externalParams } }

    public var userAttributes: [String: AttributeValue] { get throws { try storage.study(id: id).userAttributes } }
    public func setUserAttribute(_ key: String, _ value: AttributeValue) throws {
        try storage.setStudyUserAttribute(studyID: id, key: key, value: value)
    }

    // MARK: Ask and tell

    /// Starts a trial: the oldest WAITING trial (enqueued parameters or a retry) when one waits,
    /// otherwise a new RUNNING trial. Fails stale trials first when heartbeats are on, as Optuna's
    /// `_run_trial` does. Throws `.searchSpaceExhausted` when the sampler has nothing left (a
    /// grid every point of which has a trial).
    public func ask() throws -> Trial {
        if let heartbeat { try failStaleTrials(heartbeat) }
        let frozen: FrozenTrial
        if let waiting = try storage.popWaitingTrial(studyID: id) {
            frozen = try storage.trial(id: waiting)   // its fixed parameters and attributes
        } else {
            let created: (id: Int64, number: Int)
            if let size = sampler.trialLimit {
                // Count and create under one lock, so threads of this process never create a trial
                // past the grid; other processes may (see below).
                created = try Self.limitedAskLock.withLock {
                    if try storage.trialCount(studyID: id, states: nil) >= size {
                        throw StudyError.searchSpaceExhausted("all \(size) points of the grid have a trial")
                    }
                    return try storage.createTrial(studyID: id, template: nil)
                }
            } else {
                created = try storage.createTrial(studyID: id, template: nil)
            }
            // A new trial is known without reading it back (one database round trip less).
            frozen = FrozenTrial(id: created.id, number: created.number, state: .running, start: Date())
        }
        let trialID = frozen.id
        if let size = sampler.trialLimit, frozen.number >= size, frozen.params.isEmpty,
           frozen.systemAttributes[Trial.fixedParamsKey] == nil {
            // Another worker took the last grid point between the count and the creation: this
            // trial has no point left. Close it (FAIL, with the reason) rather than repeat a point.
            try storage.setTrialSystemAttribute(trialID: trialID, key: "fail_reason", value: .string("grid exhausted"))
            try storage.setTrialState(trialID: trialID, state: .fail, values: nil)
            throw StudyError.searchSpaceExhausted("all \(size) points of the grid have a trial")
        }
        return try Trial(study: self, frozen: frozen)
    }

    /// Records the objective's value for a RUNNING trial and makes it COMPLETE.
    ///
    /// A NaN value marks the trial FAIL (as Optuna's `tell` does) and then throws `.invalidValue`
    /// saying so. Telling a finished trial again throws `.trialFinished`.
    @discardableResult
    public func tell(_ trial: Trial, value: Double) throws -> FrozenTrial {
        try finish(trial.snapshot, value: value, state: nil)
    }

    /// `tell` by trial number, for ask/tell across processes (`atelier study tell --trial N`).
    @discardableResult
    public func tell(trialNumber: Int, value: Double) throws -> FrozenTrial {
        try tell(trialID: try storage.trial(studyID: id, number: trialNumber).id, value: value, state: nil)
    }

    /// Finishes a RUNNING trial as PRUNED or FAIL (or COMPLETE, which needs a value). A pruned
    /// trial keeps its last intermediate value as its value, as Optuna's `tell` does.
    @discardableResult
    public func tell(_ trial: Trial, state: TrialState) throws -> FrozenTrial {
        try finish(trial.snapshot, value: nil, state: state)
    }

    @discardableResult
    public func tell(trialNumber: Int, state: TrialState) throws -> FrozenTrial {
        try tell(trialID: try storage.trial(studyID: id, number: trialNumber).id, value: nil, state: state)
    }

    private func tell(trialID: Int64, value: Double?, state: TrialState?) throws -> FrozenTrial {
        try finish(try storage.trial(id: trialID), value: value, state: state)
    }

    /// Finishes the trial `frozen` describes (read from the storage, or a `Trial`'s own record of
    /// itself, which holds every intermediate value it reported). The storage has the last word
    /// on whether the trial is still RUNNING: `setTrialState` refuses a finished one.
    private func finish(_ frozen: FrozenTrial, value: Double?, state: TrialState?) throws -> FrozenTrial {
        let trialID = frozen.id
        guard frozen.state == .running else {
            if frozen.state.isFinished {
                throw StudyError.trialFinished("trial \(frozen.number) is \(frozen.state.rawValue) already")
            }
            throw StudyError.invalidValue("trial \(frozen.number) is \(frozen.state.rawValue), not RUNNING")
        }
        var finalState = state ?? .complete
        var values: [Double]?
        var nanMessage: String?
        switch finalState {
        case .complete:
            guard let value else { throw StudyError.invalidValue("a COMPLETE trial needs a value (trial \(frozen.number))") }
            if value.isNaN {
                finalState = .fail
                nanMessage = "the objective value of trial \(frozen.number) is NaN; the trial is marked FAIL"
            } else {
                values = [value]
            }
        case .pruned:
            if let step = frozen.lastStep, let last = frozen.intermediateValues[step], !last.isNaN { values = [last] }
        case .fail:
            break
        case .running, .waiting:
            throw StudyError.invalidValue("a trial can be told COMPLETE, PRUNED or FAIL, not \(finalState.rawValue)")
        }
        guard try storage.setTrialState(trialID: trialID, state: finalState, values: values) else {
            let current = try storage.trial(id: trialID)
            if current.state.isFinished {
                throw StudyError.trialFinished("trial \(frozen.number) is \(current.state.rawValue) already")
            }
            throw StudyError.invalidValue("trial \(frozen.number) is \(current.state.rawValue), not RUNNING")
        }
        if let nanMessage { throw StudyError.invalidValue(nanMessage) }
        return try storage.trial(id: trialID)
    }

    /// Queues a trial with fixed parameters: the next `ask` takes it and `suggest…` returns these
    /// values (names not given are sampled). Stored as Optuna stores it (a WAITING trial whose
    /// system attribute `fixed_params` holds the values), so Optuna workers take it too.
    public func enqueue(params: [String: ParameterValue], userAttributes: [String: AttributeValue] = [:]) throws {
        var fixed: [String: AttributeValue] = [:]
        for (name, value) in params {
            switch value {
            case .double(let x):
                guard x.isFinite else { throw StudyError.invalidValue("enqueued \"\(name)\" is \(x)") }
                fixed[name] = .number(x)
            case .int(let x): fixed[name] = .number(Double(x))
            case .string(let x): fixed[name] = .string(x)
            case .bool(let x): fixed[name] = .bool(x)
            case .null: fixed[name] = .null
            }
        }
        let template = FrozenTrial(id: 0, number: 0, state: .waiting, userAttributes: userAttributes,
                                   systemAttributes: [Trial.fixedParamsKey: .object(fixed)])
        _ = try storage.createTrial(studyID: id, template: template)
    }

    /// Asks running `optimize` loops on this handle to stop after their current trials, as
    /// `optuna.Study.stop`.
    public func stop() { stopLock.withLock { stopRequested = true } }

    var isStopRequested: Bool { stopLock.withLock { stopRequested } }
    func clearStop() { stopLock.withLock { stopRequested = false } }

    // MARK: Heartbeats

    /// Fails the stale RUNNING trials, and queues each again when the heartbeat says to retry.
    func failStaleTrials(_ heartbeat: Heartbeat) throws {
        for failed in try storage.failStaleTrials(studyID: id, gracePeriod: heartbeat.gracePeriod) {
            guard let maximum = heartbeat.retries else { continue }
            try retry(failed, maximumRetries: maximum)
        }
    }

    /// Optuna's `RetryFailedTrialCallback`: the failed trial's parameters go back into the queue
    /// as a WAITING trial with system attributes `failed_trial` (the first number of the chain)
    /// and `retry_history` (every number tried), unless `maximumRetries` retries were made.
    func retry(_ failed: FrozenTrial, maximumRetries: Int) throws {
        var system = failed.systemAttributes
        if system["failed_trial"] == nil { system["failed_trial"] = .number(Double(failed.number)) }
        var history: [AttributeValue] = []
        if case .array(let earlier)? = system["retry_history"] { history = earlier }
        history.append(.number(Double(failed.number)))
        guard history.count <= maximumRetries else { return }
        system["retry_history"] = .array(history)
        let template = FrozenTrial(id: 0, number: 0, state: .waiting, params: failed.params,
                                   distributions: failed.distributions, userAttributes: failed.userAttributes,
                                   systemAttributes: system)
        _ = try storage.createTrial(studyID: id, template: template)
    }
}

/// Heartbeats for running trials (Optuna's `heartbeat_interval`, `grace_period` and
/// `RetryFailedTrialCallback`): `optimize` records a beat every `interval` seconds while a trial
/// runs; any `ask` fails RUNNING trials silent for longer than `gracePeriod`.
public struct Heartbeat: Sendable, Hashable {
    public var interval: TimeInterval
    public var gracePeriod: TimeInterval
    /// Retry a stale-failed trial at most this many times (as a new WAITING trial with the same
    /// parameters); `nil` never retries.
    public var retries: Int?

    /// `gracePeriod` defaults to twice the interval, as Optuna's storages do.
    public init(interval: TimeInterval, gracePeriod: TimeInterval? = nil, retries: Int? = nil) {
        self.interval = interval
        self.gracePeriod = gracePeriod ?? 2 * interval
        self.retries = retries
    }
}
