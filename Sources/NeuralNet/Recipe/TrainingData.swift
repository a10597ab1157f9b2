import Datasets
import Foundation

/// Where a training run's samples come from.
public enum TrainingData: Codable, Equatable, Sendable, CustomStringConvertible {
    /// A shipped or installed image dataset: `mnist`, `fashion-mnist`, `cifar10`, `cifar100`.
    /// `directory` overrides the lookup; `limit` keeps the first N training and test images.
    case dataset(name: String, directory: String?, limit: Int?)
    /// A numeric table (`.csv` with a header, or a 2-D `.npy`) whose `labelColumn` is the target:
    /// its name for CSV, its 0-based index for `.npy` (nil: `label` for CSV, the last column
    /// for `.npy`). Every other column is a feature.
    case table(path: String, labelColumn: String?)
    /// Samples the caller loads and splits itself and hands to `TrainingRun.train(on:)` (a
    /// report sharing one load between models, a classifier on an encoder's codes); `name`
    /// says what they are.
    case provided(name: String)

    /// A dataset with the default lookup and no limit.
    public static func dataset(name: String) -> TrainingData { .dataset(name: name, directory: nil, limit: nil) }

    /// The image datasets `dataset` accepts.
    public static let datasetNames = ["mnist", "fashion-mnist", "cifar10", "cifar100"]
    /// Datasets of handwritten digits, which must never be mirrored.
    public static let digitDatasets = ["mnist"]

    public var description: String {
        switch self {
        case let .dataset(name, _, _): return name
        case let .table(path, _): return path
        case let .provided(name): return name
        }
    }

    func validate() throws {
        switch self {
        case let .dataset(name, _, limit):
            guard TrainingData.datasetNames.contains(name.lowercased()) else {
                throw NeuralNetError.invalidArgument("unknown dataset '\(name)'; expected one of \(TrainingData.datasetNames.joined(separator: ", "))")
            }
            if let limit, limit <= 0 { throw NeuralNetError.invalidArgument("the image limit must be positive, got \(limit)") }
        case let .table(path, _):
            let lower = path.lowercased()
            guard lower.hasSuffix(".csv") || lower.hasSuffix(".npy") else {
                throw NeuralNetError.invalidArgument("\(path): expected a .csv or .npy table")
            }
        case .provided: break
        }
    }
}
