import Foundation

/// A tiny mutex for merging per-worker results (Foundation's `NSLock` behind a closure API).
final class WorkerLock: @unchecked Sendable {
    private let lock = NSLock()
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
