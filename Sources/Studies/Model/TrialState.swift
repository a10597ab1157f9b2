/// The life of a trial, with Optuna's names (the `trials.state` column holds the raw value).
///
/// WAITING trials are queued (enqueued parameters, or a failed trial queued for a retry) and
/// become RUNNING when a worker takes them; the three finished states never change again.
public enum TrialState: String, Hashable, Sendable, Codable, CaseIterable {
    case running = "RUNNING"
    case complete = "COMPLETE"
    case pruned = "PRUNED"
    case fail = "FAIL"
    case waiting = "WAITING"

    /// COMPLETE, PRUNED and FAIL: a finished trial is immutable.
    public var isFinished: Bool { self == .complete || self == .pruned || self == .fail }
}

/// Whether a study looks for the smallest or the largest objective value.
public enum StudyDirection: String, Hashable, Sendable, Codable {
    case minimize = "MINIMIZE"
    case maximize = "MAXIMIZE"

    /// `true` when `a` is strictly better than `b` in this direction.
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        self == .minimize ? a < b : a > b
    }
}
