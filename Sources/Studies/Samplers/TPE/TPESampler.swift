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
/// Randomness: each trial's draws come from a generator seeded by (seed, trial number), so a
/// seeded study repeats exactly and concurrent workers never share a stream.
public struct TPESampler: Sampler {
    public var seed: UInt64
    public var startupTrials: Int
    public var candidateCount: Int
    public var multivariate: Bool
    public var constantLiar: Bool
    public var priorWeight: Double
    /// The size of the "below" group for n finished trials.
    public var gamma: @Sendable (Int) -> Int

    public init(seed: UInt64 = 0, startupTrials: Int = 10, candidateCount: Int = 24, multivariate: Bool = true,
                constantLiar: Bool = true, priorWeight: Double = 1,
                gamma: @escaping @Sendable (Int) -> Int = TPESampler.defaultGamma) {
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

    public func relativeSearchSpace(_ context: SamplingContext) throws -> [String: Distribution] {
        guard multivariate else { return [:] }
        return IntersectionSearchSpace.calculate(try context.trials(states: [.complete, .pruned]))
    }

    public func sampleRelative(_ context: SamplingContext, in space: [String: Distribution]) throws -> [String: Double] {
        if space.isEmpty { return [:] }
        guard try context.trials(states: [.complete, .pruned]).count >= startupTrials else { return [:] }
        let values = try sample(context, space: space, salt: "")
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
        if try context.trials(states: [.complete, .pruned]).count < startupTrials {
            return try RandomSampler(seed: seed).sampleIndependent(context, name: name, distribution: distribution)
        }
        return try sample(context, space: [name: distribution], salt: name)[name]!
    }

    /// Optuna's `TPESampler._sample`.
    private func sample(_ context: SamplingContext, space: [String: Distribution], salt: String) throws -> [String: Double] {
        let states: Set<TrialState> = constantLiar ? [.complete, .pruned, .running] : [.complete, .pruned]
        let trials = try context.trials(states: states).filter { $0.number != context.trial.number }
        let finished = trials.reduce(0) { $0 + ($1.state == .running ? 0 : 1) }
        let (below, above) = Self.split(trials, belowCount: gamma(finished), direction: context.study.direction)
        let names = space.keys.sorted()
        let distributions = names.map { space[$0]! }
        let belowEstimator = ParzenEstimator(observations: observations(below, names: names, space: space),
                                             distributions: distributions, priorWeight: priorWeight)
        let aboveEstimator = ParzenEstimator(observations: observations(above, names: names, space: space),
                                             distributions: distributions, priorWeight: priorWeight)
        var generator = context.generator(seed: seed, salt: "tpe:" + salt)
        let candidates = belowEstimator.sample(count: candidateCount, using: &generator)
        let l = belowEstimator.logDensity(candidates)
        let g = aboveEstimator.logDensity(candidates)
        var best = 0
        var bestScore = -Double.infinity
        for i in candidates.indices {
            let score = l[i] - g[i]
            if score > bestScore || (bestScore == -.infinity && i == 0) {
                bestScore = score
                best = i
            }
        }
        var result: [String: Double] = [:]
        for (p, name) in names.enumerated() { result[name] = candidates[best][p] }
        return result
    }

    /// Columns of internal values of the trials that have every parameter of the space (Optuna's
    /// `_get_internal_repr`); a RUNNING trial adds the joint proposal it was given.
    private func observations(_ trials: [FrozenTrial], names: [String], space: [String: Distribution]) -> [[Double]] {
        var columns = Array(repeating: [Double](), count: names.count)
        for trial in trials {
            var params = trial.params
            if trial.state == .running && multivariate { Self.addRelativeParams(of: trial, to: &params, space: space) }
            guard names.allSatisfy({ params[$0] != nil }) else { continue }
            for (p, name) in names.enumerated() { columns[p].append(params[name]!) }
        }
        return columns
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

    /// Optuna's `_split_trials` for one objective: the best `belowCount` COMPLETE trials, then (if
    /// fewer completed) the best PRUNED ones, are "below"; everything else, RUNNING trials
    /// included, is "above". Both groups are returned in trial-number order.
    static func split(_ trials: [FrozenTrial], belowCount: Int, direction: StudyDirection) -> (below: [FrozenTrial], above: [FrozenTrial]) {
        var complete: [FrozenTrial] = [], pruned: [FrozenTrial] = [], running: [FrozenTrial] = []
        for trial in trials {
            switch trial.state {
            case .running: running.append(trial)
            case .complete: complete.append(trial)
            case .pruned: pruned.append(trial)
            default: break
            }
        }
        // Stable sorts, as Python's `sorted` (ties keep trial order, also when maximizing).
        let sign = direction == .minimize ? 1.0 : -1.0
        complete = complete.enumerated().sorted {
            let a = sign * ($0.element.value ?? .nan), b = sign * ($1.element.value ?? .nan)
            return a < b || (a == b && $0.offset < $1.offset)
        }.map(\.element)
        let completeBelow = min(belowCount, complete.count)
        let prunedBelow = min(max(0, belowCount - completeBelow), pruned.count)
        pruned = pruned.enumerated().sorted {
            let a = prunedScore($0.element, direction), b = prunedScore($1.element, direction)
            return a < b || (a == b && $0.offset < $1.offset)
        }.map(\.element)
        var below = Array(complete[..<completeBelow]) + pruned[..<prunedBelow]
        var above = Array(complete[completeBelow...]) + pruned[prunedBelow...] + running
        below.sort { $0.number < $1.number }
        above.sort { $0.number < $1.number }
        return (below, above)
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
