import Foundation
import Studies

/// Checks that a database path still names the file a connection opened.
///
/// SQLite keeps its file descriptor: when the file is deleted (or another file is moved over its
/// path) every later read and write still succeeds, on an inode nobody can open again, and a run
/// would report trials that no later `study show` finds. When the file is overwritten in place,
/// pages SQLite has cached (WAL mode keeps them while the WAL is unchanged) hide it until a
/// read misses the cache. So each transaction looks at the path itself: the same device and
/// inode as at opening (a `stat`), and SQLite's header at its start (a 16-byte `pread`). Another
/// SQLite database copied over the file in place keeps the inode and the header, and is not
/// noticed.
///
/// The header is read through a descriptor held open from `init` on, never one opened per check:
/// closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
/// included, and another process would then see no reader, checkpoint and delete the WAL this
/// process still writes to. So the descriptor is closed only after the connection
/// (`closeDescriptor()`).
final class DatabaseFileGuard: @unchecked Sendable {
    let path: String
    private let device: UInt64
    private let inode: UInt64
    /// Read-only, on the file as opened; changed only by `closeDescriptor()`.
    private var descriptor: Int32

    /// The header every SQLite 3 database file starts with.
    private static let header = Array("SQLite format 3\0".utf8)

    /// Remembers what `path` names now; nil for a path that names no file (":memory:", "").
    /// A relative path is made absolute first, so that a later change of the working directory
    /// is not taken for a deleted file.
    init?(path relative: String) {
        guard !relative.isEmpty, relative != ":memory:" else { return nil }
        let path = relative.hasPrefix("/") ? relative
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(relative).path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        var info = stat()
        // A descriptor whose fstat fails is left open rather than closed, for the reason above.
        guard descriptor >= 0, fstat(descriptor, &info) == 0 else { return nil }
        self.path = path
        self.descriptor = descriptor
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// Closes the descriptor; call only once the SQLite connection on the file is closed.
    func closeDescriptor() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    /// Throws `StudyError.storage` naming the file when the path was deleted, names another file,
    /// or no longer starts with a SQLite header.
    func check() throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "was deleted" : "can no longer be read (\(String(cString: strerror(errno))))"
            throw StudyError.storage("\(path) \(reason) while the study was open; stopped rather than write to a file no one can open again (restore the file, or start the study again)")
        }
        guard UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else {
            throw StudyError.storage("\(path) was replaced by another file while the study was open; stopped rather than write to the old file, which the path no longer names")
        }
        guard descriptor >= 0 else { return }
        var bytes = [UInt8](repeating: 0, count: Self.header.count)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count == bytes.count, bytes == Self.header else {
            let what = count == 0 ? "is empty" : "no longer starts with SQLite's header"
            throw StudyError.storage("\(path) is no longer a SQLite database (it \(what): it was overwritten while the study was open)")
        }
    }
}
