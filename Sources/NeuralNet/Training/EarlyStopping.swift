/// Stops training when the monitored loss (validation loss, or training loss without
/// validation data) has not improved by more than `minimumDelta` for `patience` epochs,
/// like Keras' `EarlyStopping(min_delta, patience, restore_best_weights)`.
///
/// An epoch improves when `loss < best - minimumDelta`. With `restoreBest`, the model ends
/// with the weights of the best epoch.
public struct EarlyStopping: Sendable, Equatable, Codable {
    public var patience: Int
    public var minimumDelta: Double
    public var restoreBest: Bool

    public init(patience: Int = 2, minimumDelta: Double = 0, restoreBest: Bool = true) {
        precondition(patience >= 0 && minimumDelta >= 0, "patience and minimumDelta must be >= 0")
        self.patience = patience
        self.minimumDelta = minimumDelta
        self.restoreBest = restoreBest
    }

    /// The running decision over the epochs of one `fit`.
    struct Monitor {
        let rule: EarlyStopping
        private(set) var best = Double.infinity
        private(set) var bestEpoch = 0
        private(set) var epochsWithoutImprovement = 0

        init(_ rule: EarlyStopping) { self.rule = rule }

        /// Records an epoch's loss; returns (improved, shouldStop).
        mutating func observe(epoch: Int, loss: Double) -> (improved: Bool, stop: Bool) {
            if loss < best - rule.minimumDelta {
                best = loss
                bestEpoch = epoch
                epochsWithoutImprovement = 0
                return (true, false)
            }
            epochsWithoutImprovement += 1
            return (false, epochsWithoutImprovement > rule.patience)
        }
    }
}
