import Foundation

/// Decides whether a running trial should stop early, from its intermediate values and those of
/// the study's other trials, as Optuna's `BasePruner.prune`.
public protocol Pruner: Sendable {
    func shouldPrune(_ context: PruningContext) throws -> Bool
    /// The trials a sampler may learn from when it samples for `trial`. All of them, except for
    /// Hyperband, which shows each trial only its own bracket (Optuna's `_filter_study`).
    func trialsForSampler(_ trials: [FrozenTrial], trial: FrozenTrial, study: Study) -> [FrozenTrial]
}

extension Pruner {
    public func trialsForSampler(_ trials: [FrozenTrial], trial: FrozenTrial, study: Study) -> [FrozenTrial] { trials }
}

/// What a pruner sees: the study and the trial as it stands.
public struct PruningContext: Sendable {
    public let study: Study
    public let trial: FrozenTrial

    public init(study: Study, trial: FrozenTrial) {
        self.study = study
        self.trial = trial
    }

    /// The study's trials in `states`, ordered by number.
    public func trials(states: Set<TrialState>? = nil) throws -> [FrozenTrial] {
        try study.storage.trials(studyID: study.id, states: states)
    }

    public var direction: StudyDirection { study.direction }
}
