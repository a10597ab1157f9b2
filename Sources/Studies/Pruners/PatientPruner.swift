/// Waits for a trial's curve to stall before asking the wrapped pruner, as Optuna's
/// `PatientPruner`: a trial is only considered when its best value over the last `patience` + 1
/// steps fails to improve on the best before them by more than `minDelta`; then the wrapped
/// pruner decides (or, with none, the trial is pruned).
public struct PatientPruner: Pruner {
    public let wrapped: (any Pruner)?
    public let patience: Int
    public let minDelta: Double

    public init(wrapping wrapped: (any Pruner)?, patience: Int, minDelta: Double = 0) throws {
        guard patience >= 0 else { throw StudyError.invalidValue("patience must be at least 0, got \(patience)") }
        guard minDelta >= 0 else { throw StudyError.invalidValue("minDelta must be at least 0, got \(minDelta)") }
        self.wrapped = wrapped
        self.patience = patience
        self.minDelta = minDelta
    }

    public func shouldPrune(_ context: PruningContext) throws -> Bool {
        let values = context.trial.intermediateValues
        guard values.count > patience + 1 else { return false }
        let steps = values.keys.sorted()
        let before = steps.dropLast(patience + 1).compactMap { values[$0] }.filter { !$0.isNaN }
        let after = steps.suffix(patience + 1).compactMap { values[$0] }.filter { !$0.isNaN }
        // numpy's nanmin/nanmax of an all-NaN slice is NaN, and comparisons with NaN are false.
        let stalled: Bool
        if context.direction == .minimize {
            guard let b = before.min(), let a = after.min() else { return false }
            stalled = b + minDelta < a
        } else {
            guard let b = before.max(), let a = after.max() else { return false }
            stalled = b - minDelta > a
        }
        guard stalled else { return false }
        return try wrapped?.shouldPrune(context) ?? true
    }
}
