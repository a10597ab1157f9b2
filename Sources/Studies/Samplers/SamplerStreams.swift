import Foundation
import TensorCore

/// Where the random and TPE samplers draw their numbers, chosen so that a seeded Atelier study
/// proposes exactly what Optuna proposes with the same seed, while staying repeatable across
/// processes and safe for concurrent workers.
///
/// Optuna's `RandomSampler(seed=s)` and `TPESampler(seed=s)` each draw from a process-local
/// `numpy.random.RandomState(s)` (TPE keeps two: its own, and its startup `RandomSampler`'s),
/// consumed in call order. Atelier reproduces those streams (`MersenneTwister`) but does not
/// keep them in a process: a trial's position in each stream is computed from the study's history,
/// as the number of draws the trials before it consumed when sampled one after another. So:
/// - **One trial at a time** (every other trial finished when this one samples, the usual
///   `optimize` loop, and `ask`/`tell` in turn from separate processes): the trial draws exactly
///   the numbers Optuna's sampler draws at that point, and a study resumed in a new process goes
///   on where the stream stood (Optuna would restart it and repeat its first proposals).
/// - **Trials that overlap** (several workers), or a pruner that shows the sampler only part of
///   the study (Hyperband's brackets): the trial draws from a stream of its own seeded by (seed,
///   trial number, stream), so concurrent workers never share draws, and the study still repeats
///   for a seed whichever worker runs which trial.
///
/// One known difference: where two observations of a parameter are equal (integers, steps),
/// Optuna's kernel widths depend on how `numpy.argsort` orders the tie, which is not stable on
/// AVX-512 machines (so Optuna itself proposes differently from one machine to another); Atelier
/// keeps trial order. Continuous parameters never tie, and there the trials are Optuna's.
///
/// The draws a trial consumes are fixed by what it sampled: at random, one uniform per numerical
/// parameter and one per choice of a categorical one; by TPE, `candidates` for the kernel choice
/// plus `candidates` per parameter of a joint proposal, and `2 × candidates` per parameter
/// sampled alone.
final class SamplerStreams: @unchecked Sendable {
    enum Kind: UInt64 { case random = 1, tpe = 2 }

    /// How the sampler that owns the streams consumes them.
    struct Plan: Hashable {
        /// Finished trials before TPE takes over from random sampling (`Int.max`: always random).
        var startupTrials: Int
        var candidateCount: Int
        var multivariate: Bool
    }

    /// Stream positions after the first `walked` trials (in number order), all finished.
    private struct Walk {
        var walked = 0
        var lastID: Int64 = -1
        var finished = 0
        /// The intersection search space of the finished trials so far (nil: none yet).
        var space: [String: Distribution]?
        var random = 0
        var tpe = 0
        /// The storage walked, held weakly: a new storage object at a freed one's address (the
        /// same `ObjectIdentifier`, the same study and trial ids) must not inherit its walk.
        var owner = Owner()
    }

    private final class Owner {
        weak var storage: AnyObject?
    }

    private struct WalkKey: Hashable {
        var storage: ObjectIdentifier
        var study: Int64
        var plan: Plan
    }

    private let lock = NSLock()
    private var walks: [WalkKey: Walk] = [:]
    /// The last generator handed out per (seed, stream): a pure function of seed and position,
    /// so any study may continue from it.
    private var generators: [GeneratorKey: (position: Int, generator: MersenneTwister)] = [:]

    private struct GeneratorKey: Hashable {
        var seed: UInt64
        var kind: Kind
    }

    init() {}

    /// The generator for `context.trial`'s next draw from stream `kind`; `joint` for the joint
    /// (relative) proposal, which is a trial's first TPE draw.
    ///
    /// A `salt` asks for a stream of the trial's own for that salt instead (TPE's `group` mode,
    /// whose joint draws per group have no Optuna-equal position).
    func generator(_ kind: Kind, seed: UInt64, plan: Plan, context: SamplingContext, joint: Bool = false,
                   salt: String? = nil) throws -> MersenneTwister {
        let trial = context.trial
        if let salt {
            return Self.ownStream(seed: seed, trial: trial.number, kind: kind, salt: SamplingContext.stableHash(salt))
        }
        func offset(_ walk: Walk) -> (random: Int, tpe: Int) {
            joint ? (random: 0, tpe: 0) : Self.cost(of: trial, before: walk, plan: plan, current: true)
        }
        if !context.hasReadTrials {
            lock.lock()
            defer { lock.unlock() }
            if let walk = try shortWalk(context, plan: plan) {
                let within = offset(walk)
                return positioned(kind, seed: seed, at: kind == .random ? walk.random + within.random : walk.tpe + within.tpe)
            }
        }
        let all = try context.allTrials()
        // One pass, no copies (an ask at 3000 trials must stay well under a millisecond): is
        // every other trial finished and older, and where does the current one sit?
        var overlapping = false
        var end = all.count
        for index in all.indices {
            let other = all[index]
            if other.number == trial.number {
                end = min(end, index)
            } else if !other.state.isFinished || other.number > trial.number {
                overlapping = true
                break
            }
        }
        // A pruner that shows the sampler only part of the study (Hyperband: the trial's bracket)
        // decides its phase from that part, so the history's positions do not apply either.
        // (Random draws never depend on what the sampler sees: the random plan keeps one stream.)
        let visible = plan.startupTrials == .max ? all : try context.trials()
        let ownStream = overlapping || (visible.count != all.count && plan.startupTrials != .max)
        lock.lock()
        defer { lock.unlock() }
        let walk = ownStream ? Self.current(visible, excluding: trial.number)
                             : advance(over: all[..<end], context: context, plan: plan)
        let within = offset(walk)
        if ownStream {
            var generator = Self.ownStream(seed: seed, trial: trial.number, kind: kind, salt: 0)
            generator.skipSamples(kind == .random ? within.random : within.tpe)
            return generator
        }
        return positioned(kind, seed: seed, at: kind == .random ? walk.random + within.random : walk.tpe + within.tpe)
    }

    /// Seed `seed`'s stream after `position` samples (from the cached generator when it is not
    /// past that point). Call with the lock held.
    private func positioned(_ kind: Kind, seed: UInt64, at position: Int) -> MersenneTwister {
        let key = GeneratorKey(seed: seed, kind: kind)
        var generator: MersenneTwister
        var from = 0
        if let cached = generators[key], cached.position <= position {
            (from, generator) = cached
        } else {
            generator = MersenneTwister(seed: Self.numpySeed(seed))
        }
        generator.skipSamples(position - from)
        if generators.count > 64 { generators.removeAll() }
        generators[key] = (position, generator)
        return generator
    }

    /// The walk up to the current trial from the cached one, when that covers every trial but
    /// the last one or two and nothing overlaps: a few indexed questions to the storage instead of
    /// reading the whole study (a random sampler needs nothing else from it). Call with the lock
    /// held.
    private func shortWalk(_ context: SamplingContext, plan: Plan) throws -> Walk? {
        let number = context.trial.number
        let key = WalkKey(storage: ObjectIdentifier(context.study.storage), study: context.study.id, plan: plan)
        guard var walk = walks[key], walk.owner.storage === context.study.storage, walk.walked > 0,
              walk.walked == number || walk.walked == number - 1 else { return nil }
        let storage = context.study.storage, study = context.study.id
        // The walked trials were finished when walked, and a finished trial stays so: only the
        // one after them and any newer than this one can overlap.
        guard try storage.trialCount(studyID: study, states: nil) == number + 1,
              try storage.trialID(studyID: study, number: walk.walked - 1) == walk.lastID else { return nil }
        if walk.walked == number - 1 {
            let previous = try storage.trial(studyID: study, number: number - 1)
            guard previous.state.isFinished else { return nil }
            Self.step(&walk, over: previous, plan: plan)
            walks[key] = walk
        }
        return walk
    }

    /// A trial's own stream: keyed by the whole seed, trial number, stream and salt (NumPy's
    /// `init_by_array`), so no two trials of a study share one, however many there are.
    private static func ownStream(seed: UInt64, trial: Int, kind: Kind, salt: UInt64) -> MersenneTwister {
        let number = UInt64(truncatingIfNeeded: trial)
        return MersenneTwister(key: [UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32),
                                     UInt32(truncatingIfNeeded: number), UInt32(truncatingIfNeeded: number >> 32),
                                     UInt32(kind.rawValue), UInt32(truncatingIfNeeded: salt), UInt32(truncatingIfNeeded: salt >> 32)])
    }

    /// NumPy accepts seeds below 2^32; larger ones are folded (they have no Optuna twin).
    static func numpySeed(_ seed: UInt64) -> UInt32 {
        seed <= UInt64(UInt32.max) ? UInt32(seed) : UInt32(truncatingIfNeeded: seed ^ (seed >> 32))
    }

    /// The walk over `previous` (every trial before the current one, all finished), resumed
    /// from the cached one when the study's prefix is unchanged.
    private func advance(over previous: ArraySlice<FrozenTrial>, context: SamplingContext, plan: Plan) -> Walk {
        let key = WalkKey(storage: ObjectIdentifier(context.study.storage), study: context.study.id, plan: plan)
        var walk = walks[key] ?? Walk()
        let first = previous.startIndex
        if walk.owner.storage !== context.study.storage || walk.walked > previous.count
            || (walk.walked > 0 && previous[first + walk.walked - 1].id != walk.lastID) {
            walk = Walk()
            walk.owner.storage = context.study.storage
        }
        while walk.walked < previous.count { Self.step(&walk, over: previous[first + walk.walked], plan: plan) }
        if walks.count > 64 { walks.removeAll() }
        walks[key] = walk
        return walk
    }

    /// Moves `walk` past `trial`, the next trial in number order.
    private static func step(_ walk: inout Walk, over trial: FrozenTrial, plan: Plan) {
        let spent = cost(of: trial, before: walk, plan: plan, current: false)
        walk.random += spent.random
        walk.tpe += spent.tpe
        if trial.state == .complete || trial.state == .pruned { walk.finished += 1 }
        walk.space = IntersectionSearchSpace.narrowed(walk.space, by: trial)
        walk.lastID = trial.id
        walk.walked += 1
    }

    /// The finished count and intersection space of the trials the sampler sees now (for a trial
    /// on its own stream, whose position does not come from a walk but whose phase does matter:
    /// it decides which stream each draw comes from and where in the trial it sits).
    private static func current(_ trials: [FrozenTrial], excluding number: Int) -> Walk {
        var walk = Walk()
        for trial in trials where trial.number != number && (trial.state == .complete || trial.state == .pruned) {
            walk.finished += 1
            walk.space = IntersectionSearchSpace.narrowed(walk.space, by: trial)
        }
        return walk
    }

    /// The draws `trial` consumed (or, for the trial being sampled, has consumed so far) from
    /// each stream, given the study as it stood before it.
    private static func cost(of trial: FrozenTrial, before walk: Walk, plan: Plan, current: Bool) -> (random: Int, tpe: Int) {
        // Fixed (enqueued, or a retry's) values and one-point distributions are never sampled.
        var fixed: Set<String> = []
        if case .object(let values)? = trial.systemAttributes[Trial.fixedParamsKey] { fixed = Set(values.keys) }
        let sampled = trial.distributions.filter { !$0.value.isSingle && !fixed.contains($0.key) }
        if walk.finished < plan.startupTrials {
            return (sampled.values.reduce(0) { $0 + randomDraws($1) }, 0)
        }
        let joint = plan.multivariate ? (walk.space ?? [:]).filter { !$0.value.isSingle } : [:]
        var tpe = 0
        // The joint proposal is drawn at the trial's first sampled suggestion, before any value.
        if !joint.isEmpty && (current || !sampled.isEmpty) {
            tpe += plan.candidateCount * (1 + joint.count)
        }
        for (name, distribution) in sampled where joint[name] != distribution {
            tpe += 2 * plan.candidateCount
        }
        return (0, tpe)
    }

    /// Uniforms one random draw of `distribution` takes (Optuna's one-hot for categoricals).
    static func randomDraws(_ distribution: Distribution) -> Int {
        if case .categorical(let d) = distribution { return d.choices.count }
        return 1
    }
}
