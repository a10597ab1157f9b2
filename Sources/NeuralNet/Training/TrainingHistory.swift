import Datasets
import Foundation

/// What one epoch measured. Accuracies are nil for regression losses (MSE); validation
/// figures are nil without validation data.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's batches, weighted by batch size.
    public var trainingLoss: Double
    public var trainingAccuracy: Double?
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// Wall-clock seconds of the epoch's training (validation excluded).
    public var seconds: Double
    /// Training samples per second.
    public var samplesPerSecond: Double
    /// The learning rate of the epoch's last batch (the schedule's value; constant without one).
    public var learningRate: Double?

    public init(epoch: Int, trainingLoss: Double, trainingAccuracy: Double?, validationLoss: Double?,
                validationAccuracy: Double?, seconds: Double, samplesPerSecond: Double, learningRate: Double? = nil) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.trainingAccuracy = trainingAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.seconds = seconds
        self.samplesPerSecond = samplesPerSecond
        self.learningRate = learningRate
    }
}

/// The result of `Trainer.fit`: one record per epoch run, and where early stopping left things.
public struct TrainingHistory: Sendable, Equatable, Codable {
    public var records: [EpochRecord] = []
    /// The epoch whose weights the model holds at the end (the best one when early stopping or
    /// `Trainer.keepsBestEpoch` restored it, else the last).
    public var bestEpoch: Int?
    /// True when early stopping ended training before the requested epochs.
    public var stoppedEarly = false
    /// True when the trainer's time limit ended training before its last epoch.
    public var stoppedByTimeLimit = false

    public init() {}

    /// The CSV header, lowerCamelCase as every CSV Atelier writes (CONVENTIONS.md).
    public static let csvHeader = "epoch,trainLoss,valLoss,trainAccuracy,valAccuracy,learningRate,seconds,samplesPerSecond"

    /// CSV with the `csvHeader`; missing values are empty fields.
    public var csv: String {
        func field(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "" }
        var lines = [TrainingHistory.csvHeader]
        for r in records {
            lines.append([String(r.epoch), field(r.trainingLoss), field(r.validationLoss), field(r.trainingAccuracy),
                          field(r.validationAccuracy), field(r.learningRate), field(r.seconds), field(r.samplesPerSecond)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `csv` atomically.
    public func writeCSV(to path: String) throws { try FileIO.writeAtomically(csv, to: path) }
}
