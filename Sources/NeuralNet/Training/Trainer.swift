import Dispatch
import Foundation
import TensorCore

/// Mini-batch training of a `Sequential`, configured like a scikit-learn estimator:
/// hyper-parameters in `init`, `fit` returns the `TrainingHistory`.
///
/// ```swift
/// let model = try ModelZoo.make("lenet5", seed: 0)
/// let trainer = Trainer(epochs: 3, batchSize: 64, loss: CrossEntropy(), optimizer: Adam(learningRate: 1e-3))
/// let history = try trainer.fit(model, inputs: images, targets: Tensor(classIndices: labels),
///                               validation: (testImages, Tensor(classIndices: testLabels)))
/// try history.writeCSV(to: "runs/lenet5/history.csv")
/// ```
/// Each epoch visits the samples in a new seeded order; the last partial batch is kept. A NaN
/// or infinite batch loss stops training with `NeuralNetError.nonFiniteLoss` naming the epoch
/// and batch. The layers split their large products over the cores themselves (see `SplitGEMM`;
/// OpenBLAS runs on one thread, so that results never depend on what else the process runs).
public struct Trainer {
    public var epochs: Int
    public var batchSize: Int
    public var loss: any Loss
    public var optimizer: any Optimizer
    /// Seed of the shuffles.
    public var seed: UInt64
    public var earlyStopping: EarlyStopping?
    /// Progress line on stderr: nil shows it when stderr is a terminal.
    public var showsProgress: Bool?
    /// Called after every epoch with its record (e.g. to print a line). An error it throws ends
    /// training at once and leaves `fit` with that error (a study's pruning, a user's stop).
    public var onEpochEnd: ((EpochRecord) throws -> Void)?
    /// How the learning rate moves (nil: the optimizer's rate throughout).
    public var schedule: LearningRateSchedule?
    /// Global gradient-norm clipping before every step (nil: none).
    public var clipNorm: Double?
    /// Decay of an exponential moving average of the weights; when set, validation, the kept
    /// weights and the model returned use the average (nil: none).
    public var weightAverageDecay: Float?
    /// Keeps the weights of the epoch with the best validation accuracy (lowest validation loss
    /// for regression) and ends with them, as the PyTorch recipe does; needs validation data.
    public var keepsBestEpoch = false
    /// Random transformations of each training batch (images only; nil: none).
    public var augmentation: Augmentation?
    /// Stop after the epoch in which this many seconds of training have passed (Lightning's
    /// `max_time`): a budget for runs whose epoch cost is not known in advance (a study's best
    /// configuration retrained on all the data). nil: no limit.
    public var timeLimit: TimeInterval?

    public init(epochs: Int, batchSize: Int, loss: any Loss, optimizer: any Optimizer, seed: UInt64 = 0,
                earlyStopping: EarlyStopping? = nil, showsProgress: Bool? = nil,
                onEpochEnd: ((EpochRecord) throws -> Void)? = nil) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.loss = loss
        self.optimizer = optimizer
        self.seed = seed
        self.earlyStopping = earlyStopping
        self.showsProgress = showsProgress
        self.onEpochEnd = onEpochEnd
    }

    /// Trains `model` in place and returns what every epoch measured.
    /// - Throws: `NeuralNetError` for shapes or targets that do not fit, bad hyper-parameters,
    ///   or a non-finite loss.
    @discardableResult
    public func fit(_ model: Sequential, inputs: Tensor, targets: Tensor,
                    validation: (inputs: Tensor, targets: Tensor)? = nil) throws -> TrainingHistory {
        guard epochs >= 0, batchSize > 0 else {
            throw NeuralNetError.invalidArgument("epochs must be >= 0 and batch size > 0 (got \(epochs), \(batchSize))")
        }
        if let clipNorm, !(clipNorm > 0 && clipNorm.isFinite) { throw NeuralNetError.invalidArgument("the gradient clipping norm must be positive, got \(clipNorm)") }
        if let decay = weightAverageDecay, !(decay > 0 && decay < 1) { throw NeuralNetError.invalidArgument("the weight average's decay must be in (0, 1), got \(decay)") }
        if keepsBestEpoch, validation == nil { throw NeuralNetError.invalidArgument("keeping the best epoch needs validation data") }
        try check(model, inputs: inputs, targets: targets, role: "training")
        AllocatorTuning.keepLargeBlocksInHeap()
        if let validation { try check(model, inputs: validation.inputs, targets: validation.targets, role: "validation") }

        var history = TrainingHistory()
        var monitor = earlyStopping.map(EarlyStopping.Monitor.init)
        var bestWeights: [Tensor]?
        var best: (epoch: Int, score: Double)?
        let sampleShape = Array(inputs.shape.dropFirst())
        if let augmentation { try augmentation.validate(sampleShape: sampleShape) }
        var order = RandomGenerator(seed: seed)
        let progress = ProgressLine(enabled: showsProgress)
        let count = inputs.rowCount
        let batches = (count + batchSize - 1) / batchSize
        let baseRate = Double(optimizer.learningRate)
        var scheduler = try schedule.map { try LearningRateScheduler($0, baseLearningRate: baseRate, epochs: epochs, batchesPerEpoch: batches) }
        var average = weightAverageDecay.map { WeightAverage(of: model, decay: $0) }
        var seedGenerator = RandomGenerator(seed: seed ^ 0x41_7567_6d65_6e74)
        let augmentationSeed = seedGenerator.next()
        // An autoencoder's targets are its inputs (the same storage, reshaped): gather each
        // batch once and use it for both instead of copying the same rows twice.
        let targetsAreInputs = targets.count == inputs.count && targets.rowCount == count
            && inputs.withUnsafeBufferPointer { x in targets.withUnsafeBufferPointer { $0.baseAddress == x.baseAddress } }
        let targetSampleShape = Array(targets.shape.dropFirst())

        let trainingStart = DispatchTime.now().uptimeNanoseconds
        for epoch in 1...max(1, epochs) where epochs > 0 {
            let permutation = order.permutation(count)
            let start = DispatchTime.now().uptimeNanoseconds
            var lossTotal = 0.0
            var correct = 0
            var counted = 0
            var isClassification = true
            for batch in 0..<batches {
                let indices = permutation[(batch * batchSize)..<min(count, (batch + 1) * batchSize)]
                var x = Trainer.gather(inputs, indices)
                if let augmentation { x = augmentation.apply(to: x, seed: augmentationSeed &+ UInt64(epoch) &* 1_000_003 &+ UInt64(batch)) }
                if let scheduler {
                    optimizer.learningRate = Float(scheduler.learningRate(epoch: epoch - 1, batch: batch))
                    if let beta1 = scheduler.momentum(epoch: epoch - 1, batch: batch) { Trainer.setBeta1(optimizer, Float(beta1)) }
                }
                let y = targetsAreInputs ? x.reshaped([indices.count] + targetSampleShape) : Trainer.gather(targets, indices)
                let output = model.forward(x, training: true)
                let (value, gradient) = loss.evaluate(output, y)
                guard value.isFinite else {
                    progress.finishLine()
                    throw NeuralNetError.nonFiniteLoss(epoch: epoch, batch: batch + 1, value: value)
                }
                if let hits = loss.correctCount(output, y) { correct += hits } else { isClassification = false }
                counted += y.count
                lossTotal += value * Double(indices.count)
                _ = model.backward(gradient, needsInputGradient: false)
                if let clipNorm { GradientClipping.clip(model.parameters, maximumNorm: clipNorm) }
                optimizer.step(model.parameters)
                average?.update(from: model)
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let seen = min(count, (batch + 1) * batchSize)
                progress.update(epoch: epoch, epochs: epochs, batch: batch + 1, batches: batches, samples: seen,
                                seconds: elapsed, runningLoss: lossTotal / Double(seen))
            }
            progress.finishLine()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            var record = EpochRecord(epoch: epoch, trainingLoss: lossTotal / Double(max(count, 1)),
                                     trainingAccuracy: isClassification ? Double(correct) / Double(max(counted, 1)) : nil,
                                     validationLoss: nil, validationAccuracy: nil,
                                     seconds: seconds, samplesPerSecond: Double(count) / max(seconds, 1e-9),
                                     learningRate: Double(optimizer.learningRate))
            if let validation {
                let measured = average.map { $0.withAverage(in: model) { evaluate(model, inputs: validation.inputs, targets: validation.targets) } }
                    ?? evaluate(model, inputs: validation.inputs, targets: validation.targets)
                record.validationLoss = measured.loss
                record.validationAccuracy = measured.accuracy
            }
            history.records.append(record)
            history.bestEpoch = epoch
            scheduler?.endEpoch(monitoredLoss: record.validationLoss ?? record.trainingLoss)
            if keepsBestEpoch, let loss = record.validationLoss {
                // Higher is better: accuracy, or minus the loss for regression. Ties go to the
                // later epoch, as the PyTorch recipe's `>=`.
                let score = record.validationAccuracy ?? -loss
                if best == nil || score >= best!.score {
                    best = (epoch, score)
                    bestWeights = average?.weights ?? model.snapshot()
                }
            }
            try onEpochEnd?(record)

            if var current = monitor {
                let decision = current.observe(epoch: epoch, loss: record.validationLoss ?? record.trainingLoss)
                monitor = current
                if decision.improved, earlyStopping!.restoreBest, !keepsBestEpoch { bestWeights = average?.weights ?? model.snapshot() }
                if decision.stop {
                    history.stoppedEarly = epoch < epochs
                    break
                }
            }
            if let timeLimit, epoch < epochs, Double(DispatchTime.now().uptimeNanoseconds - trainingStart) / 1e9 >= timeLimit {
                history.stoppedByTimeLimit = true
                break
            }
        }
        if keepsBestEpoch, let best, let bestWeights {
            model.restore(bestWeights)
            history.bestEpoch = best.epoch
        } else if let monitor, let bestWeights, earlyStopping!.restoreBest {
            model.restore(bestWeights)
            history.bestEpoch = monitor.bestEpoch
        } else if let average {
            model.restore(average.weights)
        }
        return history
    }

    /// Sets β₁ of Adam-family optimizers (one-cycle's momentum cycling); others keep theirs.
    static func setBeta1(_ optimizer: any Optimizer, _ value: Float) {
        if let adam = optimizer as? Adam { adam.beta1 = value } else if let adamW = optimizer as? AdamW { adamW.beta1 = value }
    }

    /// The rows at `indices` (valid row numbers of `source`), copied into a new tensor: what
    /// `Tensor.rows(at:)` does, with the rows split over the cores on `HotWorkers`. The rows
    /// come from anywhere in a dataset far larger than the caches, so the copy waits on memory;
    /// two cores fetch twice as many rows at a time.
    static func gather(_ source: Tensor, _ indices: ArraySlice<Int>) -> Tensor {
        let length = source.rowLength
        return Tensor.filled([indices.count] + source.shape.dropFirst()) { target in
            source.withUnsafeBufferPointer { elements in
                indices.withUnsafeBufferPointer { rows in
                    guard let rowsBase = rows.baseAddress, let from = elements.baseAddress else { return }
                    let pointers = (rows: SendablePointer(UnsafeMutablePointer(mutating: rowsBase)),
                                    from: SendablePointer(UnsafeMutablePointer(mutating: from)), to: SendablePointer(target))
                    HotWorkers.shared.forEachChunk(rows.count, minimumChunk: Swift.max(1, 8192 / Swift.max(1, length))) { range in
                        for row in range {
                            (pointers.to.base + row * length).update(from: pointers.from.base + pointers.rows[row] * length, count: length)
                        }
                    }
                }
            }
        }
    }

    /// Mean loss and accuracy (nil for regression) of `model` on a dataset, in batches of 1000.
    public func evaluate(_ model: Sequential, inputs: Tensor, targets: Tensor) -> (loss: Double, accuracy: Double?) {
        Trainer.evaluate(model, inputs: inputs, targets: targets, loss: loss)
    }

    /// Mean loss and accuracy (nil for regression) of `model` under `loss`, in batches of `batchSize`.
    public static func evaluate(_ model: Sequential, inputs: Tensor, targets: Tensor, loss: any Loss,
                                batchSize: Int = 1000) -> (loss: Double, accuracy: Double?) {
        let count = inputs.rowCount
        guard count > 0 else { return (.nan, nil) }
        var total = 0.0
        var correct = 0
        var counted = 0
        var isClassification = true
        for start in stride(from: 0, to: count, by: batchSize) {
            let range = start..<min(count, start + batchSize)
            let y = targets.rows(range)
            let output = model.forward(inputs.rows(range), training: false)
            total += loss.evaluate(output, y).value * Double(range.count)
            if let hits = loss.correctCount(output, y) { correct += hits } else { isClassification = false }
            counted += y.count
        }
        return (total / Double(count), isClassification ? Double(correct) / Double(max(counted, 1)) : nil)
    }

    private func check(_ model: Sequential, inputs: Tensor, targets: Tensor, role: String) throws {
        guard inputs.rowCount == targets.rowCount else {
            throw NeuralNetError.invalidData("\(role): \(inputs.rowCount) inputs but \(targets.rowCount) targets")
        }
        guard inputs.rowCount > 0 else { throw NeuralNetError.invalidData("\(role): no samples") }
        let sampleShape = Array(inputs.shape.dropFirst())
        let outputShape = try model.outputShape(for: sampleShape)
        try loss.validate(targets: targets, outputShape: outputShape)
        guard inputs.isFinite else { throw NeuralNetError.invalidData("\(role): the inputs contain NaN or infinite values") }
    }
}
