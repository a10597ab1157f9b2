import Dispatch
import Foundation
import TensorCore

/// How `optimize` counts its trial budget.
public enum TrialBudget: Sendable, Hashable {
    /// The trials this call starts, over all its workers (Optuna's `n_trials`).
    case thisCall
    /// The trials the study holds in all (every state but WAITING), from every worker, process and
    /// earlier run (as Optuna's `MaxTrialsCallback`): a stopped or killed run resumes where it
    /// stopped, and processes sharing a study stop together. Processes check the count before they
    /// create a trial, so N processes may overshoot by at most N - 1 trials.
    case study
}

extension Study {
    /// Runs the objective on trials until the first budget ends: `trials` trials (counted as
    /// `budget` says), `timeout` seconds (no trial starts after it), a `stop()`, or a sampler with
    /// nothing left (a finished grid).
    ///
    /// Each trial ends as Optuna's `_run_trial` ends it: the returned value makes it COMPLETE; a
    /// NaN makes it FAIL (and the run goes on); `StudyError.pruned` (from
    /// `trial.pruneIfNeeded()`) makes it PRUNED with its last intermediate value; any other error
    /// makes it FAIL (system attribute `fail_reason`) and is rethrown unless `catchingErrors`.
    /// A trial another worker finished meanwhile (failed as stale) is left as it is and the run
    /// goes on. `callback` sees each finished trial, as Optuna's callbacks do.
    public func optimize(trials: Int? = nil, timeout: TimeInterval? = nil, budget: TrialBudget = .thisCall,
                         catchingErrors: Bool = false, showsProgress: Bool? = false,
                         callback: ((Study, FrozenTrial) -> Void)? = nil,
                         objective: (Trial) throws -> Double) throws {
        let run = try OptimizeRun(study: self, trials: trials, timeout: timeout, budget: budget, showsProgress: showsProgress)
        try withoutActuallyEscaping(objective) { objective in
            try withoutActuallyEscaping(callback ?? { _, _ in }) { callback in
                try run.loop(catchingErrors: catchingErrors, callback: callback, objective: objective)
            }
        }
        run.finish()
    }

    /// `optimize` on `workers` threads of this process sharing this study (Optuna's `n_jobs`).
    /// The trial budget is shared: `trials: 100, workers: 4` runs 100 trials in all.
    public func optimize(trials: Int? = nil, timeout: TimeInterval? = nil, workers: Int,
                         budget: TrialBudget = .thisCall, catchingErrors: Bool = false, showsProgress: Bool? = false,
                         callback: (@Sendable (Study, FrozenTrial) -> Void)? = nil,
                         objective: @escaping @Sendable (Trial) throws -> Double) throws {
        guard workers >= 1 else { throw StudyError.invalidValue("workers must be at least 1, got \(workers)") }
        let run = try OptimizeRun(study: self, trials: trials, timeout: timeout, budget: budget, showsProgress: showsProgress)
        let firstError = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            do {
                try run.loop(catchingErrors: catchingErrors, callback: callback ?? { _, _ in }, objective: objective)
            } catch {
                firstError.set(error)
                run.halt()
            }
        }
        run.finish()
        if let error = firstError.error { throw error }
    }
}

/// The first error of several workers.
private final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: (any Error)? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    private var stored: (any Error)?
    func set(_ error: any Error) { lock.withLock { if stored == nil { stored = error } } }
}

/// The shared state of one `optimize` call: budgets, counters, the progress line. Internal, not
/// private, so tests can watch its progress line.
final class OptimizeRun: @unchecked Sendable {
    let study: Study
    let trialBudget: Int?
    let deadline: Date?
    let timeout: TimeInterval?
    let budget: TrialBudget
    let started = Date()
    private let lock = NSLock()
    private var startedHere = 0
    private var halted = false
    private var counts: [TrialState: Int] = [:]
    private let progress: ProgressLine
    /// Sees every state of the line, terminal or not (tests).
    private let observer: ((StudyProgress) -> Void)?
    /// Finished trials the study held when a study-wide run started: the run's own pace starts there.
    private var finishedBefore = 0

    init(study: Study, trials: Int?, timeout: TimeInterval?, budget: TrialBudget, showsProgress: Bool?,
         observer: ((StudyProgress) -> Void)? = nil) throws {
        if let trials, trials < 0 { throw StudyError.invalidValue("trials must be at least 0, got \(trials)") }
        if let timeout, !(timeout >= 0) { throw StudyError.invalidValue("timeout must be at least 0 s, got \(timeout)") }
        self.study = study
        trialBudget = trials
        self.timeout = timeout
        deadline = timeout.map { Date().addingTimeInterval($0) }
        self.budget = budget
        progress = ProgressLine(enabled: showsProgress)
        self.observer = observer
        study.clearStop()
        if budget == .study, progress.isEnabled || observer != nil {
            finishedBefore = (try? study.storage.trialCount(studyID: study.id, states: StudyProgress.finishedStates)) ?? 0
        }
        lock.withLock { show() }   // a resumed study shows where it stands before its next trial ends
    }

    func halt() { lock.withLock { halted = true } }

    /// Claims the right to start one more trial, or says the run is over.
    private func claim() throws -> Bool {
        try lock.withLock {
            if halted || study.isStopRequested { return false }
            if let deadline, Date() >= deadline { return false }
            if let trialBudget {
                switch budget {
                case .thisCall:
                    guard startedHere < trialBudget else { return false }
                case .study:
                    let held = try study.storage.trialCount(studyID: study.id, states: [.running, .complete, .pruned, .fail])
                    guard held < trialBudget else { return false }
                }
            }
            startedHere += 1
            return true
        }
    }

    func loop(catchingErrors: Bool, callback: (Study, FrozenTrial) -> Void, objective: (Trial) throws -> Double) throws {
        while try claim() {
            let trial: Trial
            do {
                trial = try study.ask()
            } catch StudyError.searchSpaceExhausted {
                halt()
                return
            }
            let beat = study.heartbeat.map { HeartbeatTimer(storage: study.storage, trialID: trial.id, interval: $0.interval) }
            var objectiveError: (any Error)?
            let outcome: (value: Double?, state: TrialState)
            do {
                let value = try objective(trial)
                outcome = (value, .complete)
            } catch StudyError.pruned {
                outcome = (nil, .pruned)
            } catch {
                try? trial.setSystemAttribute("fail_reason", .string("\(error)"))
                outcome = (nil, .fail)
                objectiveError = error
            }
            beat?.cancel()
            let frozen: FrozenTrial
            do {
                if let value = outcome.value {
                    frozen = try study.tell(trial, value: value)
                } else {
                    frozen = try study.tell(trial, state: outcome.state)
                }
            } catch StudyError.invalidValue where outcome.value?.isNaN == true {
                frozen = try study.storage.trial(id: trial.id)   // FAIL already; Optuna warns and goes on
            } catch StudyError.trialFinished {
                // Another worker failed it as stale meanwhile: Optuna's `_run_trial` tells with
                // `skip_if_finished=True` and goes on.
                frozen = try study.storage.trial(id: trial.id)
                // The objective's own writes (report, suggest) then fail the same way; unlike
                // Optuna, which rethrows that error, the run goes on: the trial is someone
                // else's now, and this worker is alive.
                if case StudyError.trialFinished? = objectiveError as? StudyError { objectiveError = nil }
            }
            record(frozen)
            callback(study, frozen)
            if let objectiveError, !catchingErrors { throw objectiveError }
        }
    }

    private func record(_ trial: FrozenTrial) {
        lock.withLock {
            counts[trial.state, default: 0] += 1
            show()
        }
    }

    /// Writes the line, counted as the budget counts: the whole study (read from storage, so other
    /// workers' and earlier runs' trials are in it) or this call's trials. Call under `lock`.
    private func show() {
        guard progress.isEnabled || observer != nil else { return }
        let elapsed = Date().timeIntervalSince(started)
        let state: StudyProgress
        switch budget {
        case .study:
            guard let trials = try? study.trials else { return }
            state = StudyProgress(trials: trials, direction: study.direction, finishedBefore: finishedBefore,
                                  budget: trialBudget, timeout: timeout, elapsed: elapsed)
        case .thisCall:
            let finished = counts.values.reduce(0, +)
            state = StudyProgress(finished: finished, pruned: counts[.pruned] ?? 0, failed: counts[.fail] ?? 0,
                                  running: max(0, startedHere - finished), best: try? study.bestValue,
                                  budget: trialBudget, timeout: timeout, elapsed: elapsed, finishedHere: finished)
        }
        observer?(state)
        progress.update(state.text)
    }

    func finish() { progress.finish() }
}

/// Records a heartbeat for one running trial every `interval` seconds on a background queue, as
/// Optuna's heartbeat thread does, until cancelled.
private final class HeartbeatTimer: @unchecked Sendable {
    private let timer: DispatchSourceTimer

    init(storage: any StudyStorage, trialID: Int64, interval: TimeInterval) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now(), repeating: interval)
        timer.setEventHandler { try? storage.recordHeartbeat(trialID: trialID) }
        timer.resume()
    }

    func cancel() { timer.cancel() }
    deinit { timer.cancel() }
}
