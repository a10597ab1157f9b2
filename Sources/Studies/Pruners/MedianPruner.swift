/// Prunes a trial whose best intermediate value is worse than the median of the completed
/// trials' values at the same step: Optuna's `MedianPruner`, a `PercentilePruner` at 50 with its
/// defaults (5 startup trials, no warm-up, every step, 1 trial at least).
public struct MedianPruner: Pruner {
    public let base: PercentilePruner

    public init(startupTrials: Int = 5, warmupSteps: Int = 0, intervalSteps: Int = 1, minimumTrials: Int = 1) throws {
        base = try PercentilePruner(percentile: 50, startupTrials: startupTrials, warmupSteps: warmupSteps,
                                    intervalSteps: intervalSteps, minimumTrials: minimumTrials)
    }

    public func shouldPrune(_ context: PruningContext) throws -> Bool { try base.shouldPrune(context) }
}
