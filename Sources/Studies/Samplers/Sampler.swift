import Foundation
import TensorCore

/// Proposes parameter values, as Optuna's `BaseSampler`: a joint ("relative") proposal for the
/// parameters every trial shares, and a proposal for one parameter at a time for the rest
/// (dependent parameters, or parameters a study has not seen yet).
///
/// Values are exchanged in internal form (`Distribution.toInternal`: the number itself, or the
/// index of a categorical choice). Samplers are values: the random and TPE samplers draw from
/// Optuna's own NumPy streams, positioned per trial from the study's history (`SamplerStreams`),
/// so a seeded study repeats, proposes what Optuna proposes, and workers that share a study never
/// draw the same numbers.
public protocol Sampler: Sendable {
    /// The parameters to sample jointly for this trial (empty: all independently).
    func relativeSearchSpace(_ context: SamplingContext) throws -> [String: Distribution]
    /// Joint values for (a subset of) `space`; names left out are sampled independently.
    func sampleRelative(_ context: SamplingContext, in space: [String: Distribution]) throws -> [String: Double]
    /// A value for one parameter.
    func sampleIndependent(_ context: SamplingContext, name: String, distribution: Distribution) throws -> Double
    /// The number of trials after which the sampler has nothing new to propose (a grid's size),
    /// or `nil` for samplers that never run out.
    var trialLimit: Int? { get }
}

extension Sampler {
    public func relativeSearchSpace(_ context: SamplingContext) throws -> [String: Distribution] { [:] }
    public func sampleRelative(_ context: SamplingContext, in space: [String: Distribution]) throws -> [String: Double] { [:] }
    public var trialLimit: Int? { nil }
}

/// What a sampler sees while it samples for one trial: the study and the trial as it stands.
public struct SamplingContext: Sendable {
    public let study: Study
    /// The trial being sampled (RUNNING), with the parameters it has so far.
    public let trial: FrozenTrial
    private let snapshot: TrialsSnapshot

    /// - Parameter snapshot: the study's trials as read for this trial's first proposal; one
    ///   read serves all of a trial's proposals, as Optuna's per-trial trial cache does (a
    ///   database storage reads thousands of rows per read).
    public init(study: Study, trial: FrozenTrial, snapshot: TrialsSnapshot = TrialsSnapshot()) {
        self.study = study
        self.trial = trial
        self.snapshot = snapshot
    }

    /// Whether this trial's proposals have read the study's trials already.
    var hasReadTrials: Bool { snapshot.isFilled }

    /// All the study's trials, ordered by number, read once per trial (see `init`).
    public func allTrials() throws -> [FrozenTrial] {
        try snapshot.trials { try study.storage.trials(studyID: study.id, states: nil) }
    }

    /// The study's trials in `states`, ordered by number, as the sampler may learn from them:
    /// the pruner may narrow them (Hyperband shows a sampler only the trial's bracket, as Optuna's
    /// `_filter_study` does).
    public func trials(states: Set<TrialState>? = nil) throws -> [FrozenTrial] {
        var all = try allTrials()
        if let states { all = all.filter { states.contains($0.state) } }
        return study.pruner.trialsForSampler(all, trial: trial, study: study)
    }

    /// FNV-1a over the UTF-8 bytes: Swift's `Hasher` is seeded per process, this is not.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        var x = a &* 0x9E37_79B9_7F4A_7C15
        x ^= (b &+ 0x632B_E59B_D9B4_E019) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 29)) &* 0x94D0_49BB_1331_11EB
        x ^= c
        return x ^ (x >> 32)
    }
}

/// The study's trials as read once for one trial's proposals (shared by its `SamplingContext`s).
public final class TrialsSnapshot: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [FrozenTrial]?

    public init() {}

    var isFilled: Bool { lock.withLock { stored != nil } }

    func trials(_ read: () throws -> [FrozenTrial]) rethrows -> [FrozenTrial] {
        try lock.withLock {
            if let stored { return stored }
            let fresh = try read()
            stored = fresh
            return fresh
        }
    }
}

/// Optuna's `IntersectionSearchSpace(include_pruned=True)`: the parameters that every finished
/// (COMPLETE or PRUNED) trial has, each with one same distribution. One-point distributions are
/// left out (nothing to sample). This is the space multivariate TPE samples jointly.
public enum IntersectionSearchSpace {
    public static func calculate(_ trials: [FrozenTrial]) -> [String: Distribution] {
        var space: [String: Distribution]?
        for trial in trials {
            space = narrowed(space, by: trial)
            if space?.isEmpty == true { break }
        }
        return (space ?? [:]).filter { !$0.value.isSingle }
    }

    /// One step of `calculate`: `space` (nil before the first finished trial) narrowed to the
    /// parameters `trial` has with the same distribution, when `trial` is COMPLETE or PRUNED.
    /// One-point distributions are kept here and left out by the caller.
    static func narrowed(_ space: [String: Distribution]?, by trial: FrozenTrial) -> [String: Distribution]? {
        guard trial.state == .complete || trial.state == .pruned else { return space }
        guard let space else { return trial.distributions }
        // Most trials share the whole space: check before building a new dictionary.
        if space.allSatisfy({ trial.distributions[$0.key] == $0.value }) { return space }
        return space.filter { trial.distributions[$0.key] == $0.value }
    }
}
