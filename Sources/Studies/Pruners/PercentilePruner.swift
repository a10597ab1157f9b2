import Foundation

/// Prunes a trial whose best intermediate value so far is worse than the given percentile of the
/// COMPLETE trials' values at the same step, as Optuna's `PercentilePruner`:
/// - nothing is pruned before `startupTrials` trials have completed, before step
///   `warmupSteps`, or at steps other than the first one reported in each `intervalSteps`-wide
///   interval after the warm-up;
/// - a trial whose intermediate values are all NaN is pruned;
/// - fewer than `minimumTrials` completed trials reporting this step (or all NaN there) prunes
///   nothing.
/// The percentile interpolates linearly between order statistics (`numpy.nanpercentile`); when
/// maximizing it is taken at 100 − `percentile`.
public struct PercentilePruner: Pruner {
    public let percentile: Double
    public let startupTrials: Int
    public let warmupSteps: Int
    public let intervalSteps: Int
    public let minimumTrials: Int

    public init(percentile: Double, startupTrials: Int = 5, warmupSteps: Int = 0, intervalSteps: Int = 1,
                minimumTrials: Int = 1) throws {
        guard (0...100).contains(percentile) else { throw StudyError.invalidValue("percentile must be in 0...100, got \(percentile)") }
        guard startupTrials >= 0 else { throw StudyError.invalidValue("startupTrials must be at least 0, got \(startupTrials)") }
        guard warmupSteps >= 0 else { throw StudyError.invalidValue("warmupSteps must be at least 0, got \(warmupSteps)") }
        guard intervalSteps >= 1 else { throw StudyError.invalidValue("intervalSteps must be at least 1, got \(intervalSteps)") }
        guard minimumTrials >= 1 else { throw StudyError.invalidValue("minimumTrials must be at least 1, got \(minimumTrials)") }
        self.percentile = percentile
        self.startupTrials = startupTrials
        self.warmupSteps = warmupSteps
        self.intervalSteps = intervalSteps
        self.minimumTrials = minimumTrials
    }

    public func shouldPrune(_ context: PruningContext) throws -> Bool {
        let trial = context.trial
        guard let step = trial.lastStep, step >= warmupSteps else { return false }
        guard Self.isFirstInInterval(step: step, steps: trial.intermediateValues.keys, warmupSteps: warmupSteps,
                                     intervalSteps: intervalSteps) else { return false }
        let completed = try context.trials(states: [.complete])
        guard !completed.isEmpty, completed.count >= startupTrials else { return false }
        let direction = context.direction
        let best = Self.bestIntermediateValue(trial, direction)
        if best.isNaN { return true }
        let reference = Self.percentileAtStep(completed, step: step, direction: direction,
                                              percentile: percentile, minimumTrials: minimumTrials)
        if reference.isNaN { return false }
        return direction == .maximize ? best < reference : best > reference
    }

    /// Optuna's `_is_first_in_interval_step`: no earlier reported step lies at or after the last
    /// pruning step (warm-up + a multiple of the interval) at or below `step`.
    static func isFirstInInterval(step: Int, steps: Dictionary<Int, Double>.Keys, warmupSteps: Int, intervalSteps: Int) -> Bool {
        let nearestPruningStep = (step - warmupSteps) / intervalSteps * intervalSteps + warmupSteps
        let secondLast = steps.filter { $0 != step }.max() ?? -1
        return secondLast < nearestPruningStep
    }

    /// The best of a trial's intermediate values, ignoring NaN (NaN when all are).
    static func bestIntermediateValue(_ trial: FrozenTrial, _ direction: StudyDirection) -> Double {
        let values = trial.intermediateValues.values.filter { !$0.isNaN }
        guard let best = direction == .maximize ? values.max() : values.min() else { return .nan }
        return best
    }

    static func percentileAtStep(_ completed: [FrozenTrial], step: Int, direction: StudyDirection,
                                 percentile: Double, minimumTrials: Int) -> Double {
        let all = completed.compactMap { $0.intermediateValues[step] }
        let values = all.filter { !$0.isNaN }.sorted()
        guard all.count >= minimumTrials, !values.isEmpty else { return .nan }
        let q = direction == .maximize ? 100 - percentile : percentile
        // numpy's "linear" method: position q/100 * (n - 1) between order statistics.
        let position = q / 100 * Double(values.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, values.count - 1)
        let fraction = position - Double(lower)
        return values[lower] + (values[upper] - values[lower]) * fraction
    }
}
