import ArgumentParser
import Datasets
import Foundation

/// `--checkpoint` checks shared by `evaluate` and `encode`: the most common slip is passing the
/// run folder `train --out` wrote instead of the checkpoint file inside it.
enum CheckpointArgument {
    /// The file name `train` gives the checkpoint inside its `--out` folder.
    static let fileName = "checkpoint.atnn"

    /// Fails with a message that says which file to give when `path` is a folder: a data error
    /// (exit 1), as any problem found by looking at the file system is.
    static func check(_ path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return }
        let inside = (path as NSString).appendingPathComponent(fileName)
        throw DatasetError.invalidArgument("--checkpoint \(path) is a folder; expected the checkpoint file \(inside)")
    }

    /// Checks a `--dataset` value given on the command line.
    static func checkDataset(_ name: String?) throws {
        guard let name else { return }
        guard Datasets.Dataset.imageDatasetNames.contains(name.lowercased()) else {
            throw ValidationError("--dataset must be one of \(Datasets.Dataset.imageDatasetNames.joined(separator: ", ")), got '\(name)'")
        }
    }
}
