import Foundation

/// What went wrong while building, training, saving or loading a network. Every case says where
/// (layer, epoch and batch, file and offset) and what was expected versus found.
public enum NeuralNetError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A layer cannot take the shape it was given.
    case shapeMismatch(layer: String, expected: String, found: [Int])
    /// The training loss became NaN or infinite.
    case nonFiniteLoss(epoch: Int, batch: Int, value: Double)
    /// Inputs and targets disagree, or targets do not fit the loss.
    case invalidData(String)
    /// A hyper-parameter is out of range.
    case invalidArgument(String)
    /// A checkpoint file is not one, is damaged, or has another version.
    case corruptCheckpoint(path: String, offset: Int, reason: String)
    /// A checkpoint's parameters do not fit the model.
    case checkpointMismatch(path: String, layer: String, parameter: String, expected: [Int], found: [Int])
    /// An unknown model name or model option.
    case unknownModel(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(layer, expected, found):
            return "\(layer): expected input of shape \(expected) per sample, found \(found)"
        case let .nonFiniteLoss(epoch, batch, value):
            return "the training loss became \(value) at epoch \(epoch), batch \(batch); lower the learning rate or check the inputs for NaN/inf"
        case let .invalidData(message), let .invalidArgument(message), let .unknownModel(message):
            return message
        case let .corruptCheckpoint(path, offset, reason):
            return "\(path): not a valid Atelier checkpoint at byte offset \(offset): \(reason)"
        case let .checkpointMismatch(path, layer, parameter, expected, found):
            return "\(path): \(layer) \(parameter): the model expects shape \(expected), the checkpoint holds \(found)"
        }
    }

    public var errorDescription: String? { description }
}
