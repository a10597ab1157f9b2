/// Never prunes: the default, as in Optuna (`NopPruner`).
public struct NopPruner: Pruner {
    public init() {}
    public func shouldPrune(_ context: PruningContext) throws -> Bool { false }
}
