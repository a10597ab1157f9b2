import Foundation

/// Asynchronous successive halving (ASHA, Li et al. 2020), as Optuna's `SuccessiveHalvingPruner`.
///
/// Rung r is reached at step `minResource × reductionFactor^(minEarlyStoppingRate + r)`. A trial
/// reaching it records its value there as the system attribute `completed_rung_r` (Optuna's key,
/// so Optuna workers on the same study see the same rungs) and goes on only if the value is among
/// the best 1/`reductionFactor` of every value recorded at that rung so far (the best one while
/// fewer than `reductionFactor` have been recorded). A NaN value is pruned; with
/// `bootstrapCount`, a rung must hold more than that many values before anything is promoted.
///
/// `minResource` nil is Optuna's "auto": once a trial has completed, max(last step / 100, 1) over
/// the completed trials, fixed from then on (per process, as Optuna keeps it on the pruner).
public struct SuccessiveHalvingPruner: Pruner {
    public let reductionFactor: Int
    public let minEarlyStoppingRate: Int
    public let bootstrapCount: Int
    private let minResource: ResolvedOnce

    public init(minResource: Int? = nil, reductionFactor: Int = 4, minEarlyStoppingRate: Int = 0,
                bootstrapCount: Int = 0) throws {
        if let minResource, minResource < 1 { throw StudyError.invalidValue("minResource must be at least 1, got \(minResource)") }
        guard reductionFactor >= 2 else { throw StudyError.invalidValue("reductionFactor must be at least 2, got \(reductionFactor)") }
        guard minEarlyStoppingRate >= 0 else {
            throw StudyError.invalidValue("minEarlyStoppingRate must be at least 0, got \(minEarlyStoppingRate)")
        }
        guard bootstrapCount >= 0 else { throw StudyError.invalidValue("bootstrapCount must be at least 0, got \(bootstrapCount)") }
        if bootstrapCount > 0 && minResource == nil {
            throw StudyError.invalidValue("bootstrapCount > 0 needs a fixed minResource, as in Optuna")
        }
        self.minResource = ResolvedOnce(minResource)
        self.reductionFactor = reductionFactor
        self.minEarlyStoppingRate = minEarlyStoppingRate
        self.bootstrapCount = bootstrapCount
    }

    public func shouldPrune(_ context: PruningContext) throws -> Bool {
        try shouldPrune(context, trials: { try context.trials() })
    }

    /// The decision with the competing trials given (Hyperband passes its bracket's).
    func shouldPrune(_ context: PruningContext, trials fetch: () throws -> [FrozenTrial]) throws -> Bool {
        let trial = context.trial
        guard let step = trial.lastStep, let value = trial.intermediateValues[step] else { return false }
        var rung = 0
        while trial.systemAttributes[Self.rungKey(rung)] != nil { rung += 1 }
        var trials: [FrozenTrial]?
        while true {
            let resource: Int
            if let known = minResource.value {
                resource = known
            } else {
                if trials == nil { trials = try fetch() }
                guard let estimate = Self.estimateMinResource(trials!) else { return false }
                resource = minResource.resolve(estimate)
            }
            let promotionStep = resource * Self.power(reductionFactor, minEarlyStoppingRate + rung)
            if step < promotionStep { return false }
            if value.isNaN { return true }
            if trials == nil { trials = try fetch() }
            let key = Self.rungKey(rung)
            try context.study.storage.setTrialSystemAttribute(trialID: trial.id, key: key, value: .number(value))
            var competing: [Double] = trials!.compactMap {
                guard $0.id != trial.id, case .number(let v)? = $0.systemAttributes[key] else { return nil }
                return v
            }
            competing.append(value)
            if competing.count <= bootstrapCount { return true }
            if !Self.isPromotable(value, competing, reductionFactor: reductionFactor, direction: context.direction) { return true }
            rung += 1
        }
    }

    static func rungKey(_ rung: Int) -> String { "completed_rung_\(rung)" }

    static func power(_ base: Int, _ exponent: Int) -> Int {
        var result = 1
        for _ in 0..<exponent { result = result.multipliedReportingOverflow(by: base).overflow ? Int.max : result * base }
        return result
    }

    /// Optuna's `_estimate_min_resource`: max(last step / 100, 1) over the completed trials.
    static func estimateMinResource(_ trials: [FrozenTrial]) -> Int? {
        let steps = trials.filter { $0.state == .complete }.compactMap(\.lastStep)
        guard let last = steps.max() else { return nil }
        return max(last / 100, 1)
    }

    /// Optuna's `_is_trial_promotable_to_next_rung`: within the best ⌊n / factor⌋ (at least 1).
    static func isPromotable(_ value: Double, _ competing: [Double], reductionFactor: Int, direction: StudyDirection) -> Bool {
        var index = competing.count / reductionFactor - 1
        if index == -1 { index = 0 }
        let sorted = competing.sorted()
        return direction == .maximize ? value >= sorted[sorted.count - 1 - index] : value <= sorted[index]
    }
}

/// A value fixed the first time it is known, shared by the copies of a pruner (Optuna keeps such
/// values on the pruner object; a value type needs a reference to do the same).
final class ResolvedOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int?

    init(_ value: Int?) { stored = value }

    var value: Int? { lock.withLock { stored } }

    /// The stored value, storing `candidate` first if there was none.
    func resolve(_ candidate: Int) -> Int {
        lock.withLock {
            if stored == nil { stored = candidate }
            return stored!
        }
    }
}
