import Foundation
import TensorCore

/// What a study run's progress line says, as a value apart from the loops that gather it, so that
/// `optimize` and `atelier study run --workers` print one text and tests can read it without a
/// terminal or a clock.
public struct StudyProgress: Sendable, Equatable {
    /// The states that count as finished.
    public static let finishedStates: Set<TrialState> = [.complete, .pruned, .fail]

    /// Trials finished (COMPLETE, PRUNED or FAIL), over the whole study for a study-wide budget, so
    /// a resumed study starts where it stopped. (The budget also counts RUNNING trials, which are
    /// shown apart as `running`.)
    public var finished: Int
    public var pruned: Int
    public var failed: Int
    /// Shown only when some are: other threads or processes on the study.
    public var running: Int
    public var best: Double?
    /// The trial budget `finished` counts against, if any.
    public var budget: Int?
    public var timeout: TimeInterval?
    /// Seconds since this run started.
    public var elapsed: TimeInterval
    /// Trials finished since this run started: the pace of the estimate, since earlier runs' trials
    /// took time that `elapsed` does not hold.
    public var finishedHere: Int
    /// Worker processes, named at the front of the line; `nil` for one process.
    public var workers: Int?

    public init(finished: Int, pruned: Int, failed: Int, running: Int = 0, best: Double?, budget: Int?,
                timeout: TimeInterval?, elapsed: TimeInterval, finishedHere: Int, workers: Int? = nil) {
        self.finished = finished
        self.pruned = pruned
        self.failed = failed
        self.running = running
        self.best = best
        self.budget = budget
        self.timeout = timeout
        self.elapsed = elapsed
        self.finishedHere = finishedHere
        self.workers = workers
    }

    /// The progress of a study holding `trials` (all of them, as storage returns them), for a run
    /// that started `elapsed` seconds ago when `finishedBefore` of them had finished.
    public init(trials: [FrozenTrial], direction: StudyDirection, finishedBefore: Int, budget: Int?,
                timeout: TimeInterval?, elapsed: TimeInterval, workers: Int? = nil) {
        var count: [TrialState: Int] = [:]
        for trial in trials { count[trial.state, default: 0] += 1 }
        let finished = Self.finishedStates.reduce(0) { $0 + count[$1, default: 0] }
        self.init(finished: finished, pruned: count[.pruned, default: 0], failed: count[.fail, default: 0],
                  running: count[.running, default: 0], best: Study.best(of: trials, direction: direction)?.value,
                  budget: budget, timeout: timeout, elapsed: elapsed,
                  finishedHere: max(0, finished - finishedBefore), workers: workers)
    }

    /// The smaller of the timeout's rest and the trial budget's estimate (this run's seconds per
    /// finished trial times the trials still to finish); `nil` while neither is known.
    public var secondsLeft: TimeInterval? {
        var left: [TimeInterval] = []
        if let timeout { left.append(max(0, timeout - elapsed)) }
        if let budget {
            let rest = max(0, budget - finished)
            if rest == 0 {
                left.append(0)
            } else if finishedHere > 0 {
                left.append(elapsed / Double(finishedHere) * Double(rest))
            }
        }
        return left.min()
    }

    /// The line: `trials 30/40  pruned 3  failed 1  best 0.9812  left 4m10s`.
    public var text: String {
        var parts: [String] = []
        if let workers { parts.append("\(workers) workers") }
        parts.append("trials \(finished)" + (budget.map { "/\($0)" } ?? ""))
        parts.append("pruned \(pruned)")
        parts.append("failed \(failed)")
        if running > 0 { parts.append("running \(running)") }
        if let best { parts.append("best " + String(format: "%.6g", best)) }
        if let left = secondsLeft {
            parts.append("left " + ProgressLine.duration(left))
        } else if budget != nil {
            parts.append("left ?")
        }
        return parts.joined(separator: "  ")
    }
}
