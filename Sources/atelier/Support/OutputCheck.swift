import Foundation

/// Checks of output paths made before any work starts (CONVENTIONS.md, "Outputs are checked
/// first"): a run that trains for an hour must not fail at the end because `--out` was a typo or
/// a read-only place. Each check creates what is missing and writes (then removes) a probe file,
/// since permission bits alone do not tell (root passes `access(2)` even on `/proc`).
enum OutputCheck {
    /// Why an output cannot be written; the message names the flag and the path.
    struct Failure: Error, CustomStringConvertible {
        var flag: String
        var path: String
        var reason: String
        var description: String { "\(flag) \(path): \(reason)" }
    }

    /// An output file: it must not be a folder, and its folder (created when missing) must accept
    /// a new file.
    static func file(_ path: String, flag: String = "--out") throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw Failure(flag: flag, path: path, reason: "is a folder; expected a file path")
        }
        let parent = (path as NSString).deletingLastPathComponent
        try writableFolder(parent.isEmpty ? "." : parent, flag: flag, path: path)
    }

    /// An output folder: created when missing; it must accept new files.
    static func folder(_ path: String, flag: String = "--out") throws {
        try writableFolder(path, flag: flag, path: path)
    }

    static func writableFolder(_ folder: String, flag: String, path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            if !isFolder.boolValue {
                throw Failure(flag: flag, path: path, reason: "a file is in the way (\(folder) is a file); expected a folder")
            }
        } else {
            if let reason = createFolders(folder) {
                throw Failure(flag: flag, path: path, reason: "cannot create the folder \(folder) (\(reason)); expected a writable place")
            }
        }
        let probe = (folder as NSString).appendingPathComponent(".atelier-write-check-\(getpid())")
        let descriptor = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw Failure(flag: flag, path: path, reason: "cannot write in \(folder) (\(reason)); expected a writable folder")
        }
        close(descriptor)
        unlink(probe)
    }

    /// `mkdir -p` with the system's reason on failure ("Permission denied", "No such file or
    /// directory"), which Foundation's errors bury under "The operation could not be completed".
    static func createFolders(_ folder: String) -> String? {
        var built = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            built += "/" + component
            if mkdir(built, 0o755) != 0 && errno != EEXIST { return String(cString: strerror(errno)) }
        }
        return nil
    }
}
