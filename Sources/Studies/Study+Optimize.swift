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

/// The shared state of one `optimize` call: budgets, counters, the progress line.
private final class OptimizeRun: @unchecked Sendable {
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

    init(study: Study, trials: Int?, timeout: TimeInterval?, budget: TrialBudget, showsProgress: Bool?) throws {
        if let trials, trials < 0 { throw StudyError.invalidValue("trials must be at least 0, got \(trials)") }
        if let timeout, !(timeout >= 0) { throw StudyError.invalidValue("timeout must be at least 0 s, got \(timeout)") }
        self.study = study
        trialBudget = trials
        self.timeout = timeout
        deadline = timeout.map { Date().addingTimeInterval($0) }
        self.budget = budget
        progress = ProgressLine(enabled: showsProgress)
        study.clearStop()
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
            guard progress.isEnabled else { return }
            let done = counts.values.reduce(0, +)
            var text = "trials \(done)\(trialBudget.map { "/\($0)" } ?? "")"
            if let pruned = counts[.pruned] { text += "  pruned \(pruned)" }
            if let failed = counts[.fail] { text += "  failed \(failed)" }
            if let best = try? study.bestValue { text += "  best \(String(format: "%.6g", best))" }
            let elapsed = Date().timeIntervalSince(started)
            var left: [TimeInterval] = []
            if let timeout { left.append(max(0, timeout - elapsed)) }
            if let trialBudget, budget == .thisCall, done > 0 {
                left.append(elapsed / Double(done) * Double(max(0, trialBudget - done)))
            }
            if let soonest = left.min() { text += "  left \(ProgressLine.duration(soonest))" }
            progress.update(text)
        }
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
