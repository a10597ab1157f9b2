import Foundation
import TensorCore

/// The Tree-structured Parzen Estimator with Optuna 5.1's defaults (`optuna.samplers.TPESampler`).
///
/// After `startupTrials` finished trials (random until then), each proposal splits the trials
/// into the best `gamma(n)` ("below") and the rest ("above"), fits a `ParzenEstimator` to each,
/// draws `candidateCount` candidates from the below estimator and keeps the one with the largest
/// log l(x) − log g(x). As in Optuna 5.1:
/// - multivariate: the parameters every finished trial shares (`IntersectionSearchSpace`) are
///   modelled jointly; parameters outside it (dependent or new ones) one at a time.
/// - constant liar: RUNNING trials join the "above" group with the parameters they have (and
///   the joint proposal they were given, shared through the system attribute
///   `tpe:relative_params:0` as Optuna shares it), so parallel workers spread out.
/// - gamma(n) = min(ceil(0.1 n), 25) over the finished trials; weights `default_weights`; prior
///   weight 1; magic clip on; endpoints off.
/// - PRUNED trials count after the COMPLETE ones, ranked by their last step (later is better),
///   then by the value reported at it (Optuna's `_get_pruned_trial_score`).
///
/// Randomness: Optuna's two streams (TPE's and its startup random sampler's), positioned per trial
/// from the study's history (`SamplerStreams`), so a seeded study run one trial at a time proposes
/// what Optuna's `TPESampler(seed=…)` proposes, resumes where it stopped, and concurrent workers
/// never share draws. (`group` mode draws from per-trial streams; Optuna has no equal for them.)
public struct TPESampler: Sampler {
    public var seed: UInt64
    public var startupTrials: Int
    public var candidateCount: Int
    public var multivariate: Bool
    public var constantLiar: Bool
    public var priorWeight: Double
    /// Optuna's `group=True` (off by default there too): model jointly each group of parameters
    /// that always appear together, rather than only the parameters every trial has, so that a
    /// dependent space (layer widths that exist only with enough layers) is modelled jointly
    /// group by group instead of one parameter at a time.
    public var group: Bool
    /// The size of the "below" group for n finished trials.
    public var gamma: @Sendable (Int) -> Int

    public init(seed: UInt64 = 0, startupTrials: Int = 10, candidateCount: Int = 24, multivariate: Bool = true,
                constantLiar: Bool = true, priorWeight: Double = 1, group: Bool = false,
                gamma: @escaping @Sendable (Int) -> Int = TPESampler.defaultGamma) {
        self.group = group
        self.seed = seed
        self.startupTrials = startupTrials
        self.candidateCount = candidateCount
        self.multivariate = multivariate
        self.constantLiar = constantLiar
        self.priorWeight = priorWeight
        self.gamma = gamma
    }

    /// Optuna's `default_gamma`: min(ceil(0.1 n), 25).
    public static func defaultGamma(_ n: Int) -> Int { min((n + 9) / 10, 25) }

    static let relativeParamsKey = "tpe:relative_params"

    /// Remembered observations and search spaces (see `TPEObservationCache`).
    let cache = TPEObservationCache()
    /// Where the draws come from (shared by copies of this value, like `cache`).
    let streams = SamplerStreams()

    var plan: SamplerStreams.Plan {
        SamplerStreams.Plan(startupTrials: startupTrials, candidateCount: candidateCount, multivariate: multivariate)
    }

    public func relativeSearchSpace(_ context: SamplingContext) throws -> [String: Distribution] {
        guard multivariate else { return [:] }
        if group {
            var union: [String: Distribution] = [:]
            for part in try Self.groups(context.trials(states: [.complete, .pruned])) {
                union.merge(part) { first, _ in first }
            }
            return union
        }
        let all = try context.allTrials()
        let visible = context.study.pruner.trialsForSampler(all, trial: context.trial, study: context.study)
        if visible.count != all.count { return IntersectionSearchSpace.calculate(visible) }
        let key = TPEObservationCache.StudyKey(storage: ObjectIdentifier(context.study.storage), study: context.study.id)
        return cache.intersection(of: all, key: key)
    }

    private static func finishedCount(_ trials: [FrozenTrial]) -> Int {
        var count = 0
        for index in trials.indices where trials[index].state == .complete || trials[index].state == .pruned { count += 1 }
        return count
    }

    public func sampleRelative(_ context: SamplingContext, in space: [String: Distribution]) throws -> [String: Double] {
        if space.isEmpty { return [:] }
        let trials = try context.trials()
        guard Self.finishedCount(trials) >= startupTrials else { return [:] }
        var values: [String: Double] = [:]
        if group {
            // Each group on its own, as Optuna's `sample_relative` with `group=True`.
            for part in Self.groups(trials.filter { $0.state == .complete || $0.state == .pruned }) {
                let subspace = part.filter { space[$0.key] != nil }
                if subspace.isEmpty { continue }
                let salt = subspace.keys.sorted().joined(separator: ",")
                values.merge(try sample(context, trials: trials, space: subspace, joint: true, salt: salt)) { first, _ in first }
            }
        } else {
            values = try sample(context, trials: trials, space: space, joint: true, salt: nil)
        }
        if constantLiar && !values.isEmpty {
            // Share the proposal with other workers before the objective reads it, as Optuna does.
            var external: [String: ParameterValue] = [:]
            for (name, value) in values { external[name] = space[name]!.toExternal(value) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let text = String(decoding: try encoder.encode(external), as: UTF8.self)
            // Optuna splits the text in chunks of 2045 characters (an RDB column limit).
            var chunk = 0
            var rest = Substring(text)
            repeat {
                let piece = rest.prefix(2045)
                rest = rest.dropFirst(piece.count)
                try context.study.storage.setTrialSystemAttribute(
                    trialID: context.trial.id, key: "\(Self.relativeParamsKey):\(chunk)", value: .string(String(piece)))
                chunk += 1
            } while !rest.isEmpty
        }
        return values
    }

    public func sampleIndependent(_ context: SamplingContext, name: String, distribution: Distribution) throws -> Double {
        let trials = try context.trials()
        if Self.finishedCount(trials) < startupTrials {
            return try RandomSampler(seed: seed, streams: streams, plan: plan)
                .sampleIndependent(context, name: name, distribution: distribution)
        }
        return try sample(context, trials: trials, space: [name: distribution], joint: false, salt: group ? name : nil)[name]!
    }

    /// Optuna's `_GroupDecomposedSearchSpace(include_pruned=True)`: the coarsest partition of the
    /// parameter names such that each finished trial's parameters are a union of parts (each part
    /// keeps the first distribution seen for its names); one-point distributions are left out.
    static func groups(_ finished: [FrozenTrial]) -> [[String: Distribution]] {
        var parts: [[String: Distribution]] = []
        for trial in finished {
            var remaining = Set(trial.distributions.keys)
            var next: [[String: Distribution]] = []
            for part in parts {
                let names = Set(part.keys)
                next.append(part.filter { remaining.contains($0.key) })
                next.append(part.filter { !remaining.contains($0.key) })
                remaining.subtract(names)
            }
            next.append(trial.distributions.filter { remaining.contains($0.key) })
            parts = next.filter { !$0.isEmpty }
        }
        return parts.map { $0.filter { !$0.value.isSingle } }.filter { !$0.isEmpty }
    }

    /// Optuna's `TPESampler._sample`.
    private func sample(_ context: SamplingContext, trials: [FrozenTrial], space: [String: Distribution],
                        joint: Bool, salt: String?) throws -> [String: Double] {
        let names = space.keys.sorted()
        let distributions = names.map { space[$0]! }
        let key = TPEObservationCache.SpaceKey(storage: ObjectIdentifier(context.study.storage), study: context.study.id,
                                               names: names, distributions: distributions)
        // One light record per trial the split sees, in trial-number order.
        var records: [SplitRecord] = []
        records.reserveCapacity(trials.count)
        var rows: [[Double]] = []
        rows.reserveCapacity(trials.count)
        cache.withRows(key: key) { finishedRow in
            for index in trials.indices {
                let state = trials[index].state
                guard state == .complete || state == .pruned || (constantLiar && state == .running) else { continue }
                let trial = trials[index]
                guard trial.number != context.trial.number else { continue }
                let row: [Double]
                if state == .running {
                    var params = trial.params
                    if multivariate { Self.addRelativeParams(of: trial, to: &params, space: space) }
                    row = names.allSatisfy({ params[$0] != nil }) ? names.map { params[$0]! } : []
                } else {
                    row = finishedRow(trial)
                }
                records.append(SplitRecord(trial, direction: context.study.direction))
                rows.append(row)
            }
        }
        let finished = records.reduce(0) { $0 + ($1.state == .running ? 0 : 1) }
        let isBelow = Self.split(records, belowCount: gamma(finished))
        var belowColumns = Array(repeating: [Double](), count: names.count)
        var aboveColumns = Array(repeating: [Double](), count: names.count)
        for (r, row) in rows.enumerated() where !row.isEmpty {
            if isBelow[r] {
                for p in names.indices { belowColumns[p].append(row[p]) }
            } else {
                for p in names.indices { aboveColumns[p].append(row[p]) }
            }
        }
        let belowEstimator = ParzenEstimator(observations: belowColumns, distributions: distributions, priorWeight: priorWeight)
        let aboveEstimator = ParzenEstimator(observations: aboveColumns, distributions: distributions, priorWeight: priorWeight)
        var generator = try streams.generator(.tpe, seed: seed, plan: plan, context: context, joint: joint,
                                              salt: salt.map { "tpe:" + $0 })
        let candidates = belowEstimator.sample(count: candidateCount, using: &generator)
        let l = belowEstimator.logDensity(candidates)
        let g = aboveEstimator.logDensity(candidates)
        // numpy.argmax: the first maximum (NaN scores never win).
        var best = 0
        var bestScore = -Double.infinity
        for i in candidates.indices where l[i] - g[i] > bestScore {
            bestScore = l[i] - g[i]
            best = i
        }
        var result: [String: Double] = [:]
        for (p, name) in names.enumerated() { result[name] = candidates[best][p] }
        return result
    }

    private static func addRelativeParams(of trial: FrozenTrial, to params: inout [String: Double], space: [String: Distribution]) {
        var text = ""
        var chunk = 0
        while case .string(let piece)? = trial.systemAttributes["\(relativeParamsKey):\(chunk)"] {
            text += piece
            chunk += 1
        }
        guard !text.isEmpty,
              let proposal = try? JSONDecoder().decode([String: ParameterValue].self, from: Data(text.utf8)) else { return }
        for (name, value) in proposal where params[name] == nil {
            if let distribution = space[name], let internalValue = try? distribution.toInternal(value) {
                params[name] = internalValue
            }
        }
    }

    /// What the split needs of a trial.
    struct SplitRecord {
        var number: Int
        var state: TrialState
        /// The value to sort COMPLETE trials by (negated when maximizing).
        var loss: Double
        var prunedScore: PrunedScore

        init(_ trial: FrozenTrial, direction: StudyDirection) {
            number = trial.number
            state = trial.state
            let value = trial.values.first ?? .nan
            loss = direction == .minimize ? value : -value
            prunedScore = trial.state == .pruned ? TPESampler.prunedScore(trial, direction) : PrunedScore(step: 0, value: 0)
        }
    }

    /// Optuna's `_split_trials` for one objective: the best `belowCount` COMPLETE trials, then (if
    /// fewer completed) the best PRUNED ones, are "below"; everything else, RUNNING trials
    /// included, is "above". Returns, per record, whether it is below. Ties keep trial order, as
    /// Python's stable `sorted` keeps them (also when maximizing, where Optuna sorts with
    /// `reverse=True`, which is stable too).
    static func split(_ records: [SplitRecord], belowCount: Int) -> [Bool] {
        var isBelow = [Bool](repeating: false, count: records.count)
        let complete = records.indices.filter { records[$0].state == .complete }
        let pruned = records.indices.filter { records[$0].state == .pruned }
        let completeBelow = min(belowCount, complete.count)
        if completeBelow > 0 {
            // NaN never reaches a COMPLETE trial (tell refuses it), so `<` is a total order here.
            // The best `completeBelow` by (loss, position): a bounded insertion list, since at
            // most 25 are kept out of thousands.
            var best: [Int] = []
            best.reserveCapacity(completeBelow + 1)
            for index in complete {
                let loss = records[index].loss
                if best.count == completeBelow, let last = best.last, !(loss < records[last].loss) { continue }
                var position = best.count
                while position > 0 && loss < records[best[position - 1]].loss { position -= 1 }
                best.insert(index, at: position)
                if best.count > completeBelow { best.removeLast() }
            }
            for index in best { isBelow[index] = true }
        }
        let prunedBelow = min(max(0, belowCount - completeBelow), pruned.count)
        if prunedBelow > 0 {
            let sorted = pruned.sorted {
                let a = records[$0].prunedScore, b = records[$1].prunedScore
                return a < b || (a == b && $0 < $1)
            }
            for index in sorted.prefix(prunedBelow) { isBelow[index] = true }
        }
        return isBelow
    }

    /// Optuna's `_get_pruned_trial_score`: (−last step, value at it), NaN ranking last, and
    /// (1, 0) for a trial that reported nothing.
    static func prunedScore(_ trial: FrozenTrial, _ direction: StudyDirection) -> PrunedScore {
        guard let step = trial.lastStep, let value = trial.intermediateValues[step] else { return PrunedScore(step: 1, value: 0) }
        if value.isNaN { return PrunedScore(step: -step, value: .infinity) }
        return PrunedScore(step: -step, value: direction == .minimize ? value : -value)
    }

    struct PrunedScore: Comparable {
        var step: Int
        var value: Double
        static func < (a: PrunedScore, b: PrunedScore) -> Bool { (a.step, a.value) < (b.step, b.value) }
    }
}
