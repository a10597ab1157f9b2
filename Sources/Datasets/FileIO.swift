import Foundation

/// Reading whole files with clear errors, and writing them atomically.
public enum FileIO {
    /// The bytes of `path`; a missing, unreadable or empty file is a `DatasetError`.
    public static func read(_ path: String, allowEmpty: Bool = false) throws -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw DatasetError.fileNotFound(path: path) }
        if isFolder.boolValue { throw DatasetError.unreadable(path: path, reason: "it is a folder; expected a file") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw DatasetError.unreadable(path: path, reason: error.localizedDescription)
        }
        if data.isEmpty && !allowEmpty { throw DatasetError.emptyFile(path: path) }
        return data
    }

    /// Reads `path`, inflating it when its content is gzip.
    public static func readMaybeGzipped(_ path: String) throws -> Data {
        let raw = try read(path)
        return Gzip.isGzip(raw) ? try Gzip.decompress(raw, path: path) : raw
    }

    /// Reads `path` as a byte array, inflating it when its content is gzip.
    public static func readMaybeGzippedBytes(_ path: String) throws -> [UInt8] {
        let raw = try read(path)
        return Gzip.isGzip(raw) ? try Gzip.decompressBytes(raw, path: path) : [UInt8](raw)
    }

    /// Writes `data` to `path` atomically: a temporary file in the same directory, then rename,
    /// so a reader never sees a half-written file and a failure leaves the old file intact.
    /// Missing parent directories are created.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw DatasetError.unreadable(path: path, reason: "rename failed: \(reason)")
            }
        } catch let error as DatasetError {
            throw error
        } catch {
            throw DatasetError.unreadable(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Writes a UTF-8 string atomically.
    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Data(text.utf8), to: path)
    }
}
