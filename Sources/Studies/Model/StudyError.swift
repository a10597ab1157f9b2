import Foundation

/// What can go wrong with a study, each case saying what was expected.
public enum StudyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A search space or distribution breaks Optuna's rules.
    case invalidSpace(String)
    /// A parameter value or objective value that cannot be stored (NaN objective, unknown choice).
    case invalidValue(String)
    /// No study of that name in the storage.
    case unknownStudy(String)
    /// A study of that name exists already.
    case duplicateStudy(String)
    /// No trial with that number or id.
    case unknownTrial(String)
    /// The trial is finished (COMPLETE, PRUNED, FAIL): it cannot be changed again.
    case trialFinished(String)
    /// A parameter was suggested again with another distribution.
    case incompatibleDistribution(String)
    /// A storage URL that no driver understands.
    case invalidStorageURL(String)
    /// The database is unreachable, refused the query, or holds what Optuna would not write.
    case storage(String)
    /// The objective asked for the trial to be pruned (thrown by `Trial.pruneIfNeeded()`).
    case pruned(step: Int)
    /// The sampler has no point left to propose: every point of a grid has a trial. `optimize`
    /// ends quietly on it; `ask` throws it. (Added by the engine: Optuna's `GridSampler` calls
    /// `study.stop()` instead, which an `ask`-only client such as the CLI could not see.)
    case searchSpaceExhausted(String)

    public var description: String {
        switch self {
        case .invalidSpace(let m): "invalid search space: \(m)"
        case .invalidValue(let m): "invalid value: \(m)"
        case .unknownStudy(let m): "no study named \"\(m)\" in this storage"
        case .duplicateStudy(let m): "a study named \"\(m)\" exists already"
        case .unknownTrial(let m): "no such trial: \(m)"
        case .trialFinished(let m): "trial already finished: \(m)"
        case .incompatibleDistribution(let m): "incompatible distribution: \(m)"
        case .invalidStorageURL(let m): "invalid storage URL: \(m)"
        case .storage(let m): "storage error: \(m)"
        case .pruned(let step): "trial pruned at step \(step)"
        case .searchSpaceExhausted(let m): "search space exhausted: \(m)"
        }
    }
}

extension StudyError: LocalizedError {
    public var errorDescription: String? { description }
}
