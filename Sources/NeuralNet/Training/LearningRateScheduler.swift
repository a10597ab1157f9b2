import Foundation

/// The running state of a `LearningRateSchedule` over one training run: what the learning rate
/// (and, for one-cycle, β₁) is at each batch.
///
/// The trainer asks `learningRate(epoch:batch:)` before every optimizer step and reports each
/// finished epoch's monitored loss to `endEpoch(monitoredLoss:)` (only reduce-on-plateau uses it).
/// Epochs and batches are 0-based here, as PyTorch counts scheduler steps.
public struct LearningRateScheduler: Sendable {
    public let schedule: LearningRateSchedule
    public let baseLearningRate: Double
    public let epochs: Int
    public let batchesPerEpoch: Int
    // Reduce-on-plateau state.
    private var plateauRate: Double
    private var best = Double.infinity
    private var badEpochs = 0

    /// - Throws: `NeuralNetError.invalidArgument` when the schedule does not fit the run.
    public init(_ schedule: LearningRateSchedule, baseLearningRate: Double, epochs: Int, batchesPerEpoch: Int) throws {
        try schedule.validate(epochs: epochs)
        guard batchesPerEpoch > 0 else { throw NeuralNetError.invalidArgument("a schedule needs at least one batch per epoch") }
        self.schedule = schedule
        self.baseLearningRate = baseLearningRate
        self.epochs = epochs
        self.batchesPerEpoch = batchesPerEpoch
        plateauRate = baseLearningRate
    }

    /// The learning rate of batch `batch` of epoch `epoch`.
    public func learningRate(epoch: Int, batch: Int) -> Double {
        let base = baseLearningRate
        switch schedule {
        case .constant: return base
        case let .step(every, factor): return base * Foundation.pow(factor, Double(epoch / every))
        case let .multiStep(milestones, factor): return base * Foundation.pow(factor, Double(milestones.filter { $0 <= epoch }.count))
        case let .exponential(factor): return base * Foundation.pow(factor, Double(epoch))
        case let .cosine(warmupEpochs, minimum):
            let step = epoch * batchesPerEpoch + batch
            let warmup = warmupEpochs * batchesPerEpoch
            if step < warmup { return base * Double(step + 1) / Double(warmup) }
            let span = Double(epochs * batchesPerEpoch - warmup)
            return minimum + (base - minimum) * (1 + Foundation.cos(Double.pi * Double(step - warmup) / span)) / 2
        case let .oneCycle(maximum, fraction, initialDivisor, finalDivisor):
            let initial = maximum / initialDivisor
            return oneCyclePhase(epoch: epoch, batch: batch, fraction: fraction,
                                 values: (initial, maximum, initial / finalDivisor))
        case .reduceOnPlateau: return plateauRate
        }
    }

    /// β₁ for Adam-family optimizers at this batch (one-cycle only; nil keeps the optimizer's).
    public func momentum(epoch: Int, batch: Int) -> Double? {
        guard case let .oneCycle(_, fraction, _, _) = schedule else { return nil }
        return oneCyclePhase(epoch: epoch, batch: batch, fraction: fraction, values: (0.95, 0.85, 0.95))
    }

    /// PyTorch's two-phase one-cycle: cosine from `start` to `peak` over steps
    /// `0...fraction·T - 1`, then from `peak` to `end` over the rest up to `T - 1`.
    private func oneCyclePhase(epoch: Int, batch: Int, fraction: Double, values: (start: Double, peak: Double, end: Double)) -> Double {
        let step = Double(epoch * batchesPerEpoch + batch)
        let total = Double(epochs * batchesPerEpoch)
        let firstEnd = fraction * total - 1, lastEnd = total - 1
        func anneal(_ from: Double, _ to: Double, _ share: Double) -> Double { to + (from - to) / 2 * (Foundation.cos(Double.pi * share) + 1) }
        if step <= firstEnd { return anneal(values.start, values.peak, step / firstEnd) }
        return anneal(values.peak, values.end, Swift.min(1, (step - firstEnd) / (lastEnd - firstEnd)))
    }

    /// Records a finished epoch's monitored loss (validation loss, else training loss).
    public mutating func endEpoch(monitoredLoss loss: Double) {
        guard case let .reduceOnPlateau(factor, patience, threshold, minimum) = schedule else { return }
        if loss < best * (1 - threshold) {
            best = loss
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if badEpochs > patience {
            plateauRate = Swift.max(plateauRate * factor, minimum)
            badEpochs = 0
        }
    }
}
