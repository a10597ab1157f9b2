import Dispatch
import Foundation

/// Splitting work over the machine's cores.
public enum Parallel {
    /// Number of worker threads used by `forEachChunk` (the active processor count), read once.
    ///
    /// Cached because swift-corelibs-foundation's `activeProcessorCount` opens and parses the
    /// cgroup CPU files (`/sys/fs/cgroup/cpu.max`, ...) on every call: in a training loop that
    /// splits several small products per batch, those `open`/`read` system calls were ~6 % of
    /// an autoencoder epoch's CPU time (perf).
    public static let workerCount: Int = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` for contiguous chunks covering `0..<count`, concurrently.
    ///
    /// Chunks are at least `minimumChunk` long so that small loops stay on one thread.
    /// `body` must only write to memory no other chunk writes to.
    public static func forEachChunk(_ count: Int, minimumChunk: Int = 1,
                                    _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = Swift.max(1, Swift.min(workerCount, count / Swift.max(1, minimumChunk)))
        if chunks == 1 { body(0..<count); return }
        let size = (count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * size
            let end = Swift.min(count, start + size)
            if start < end { body(start..<end) }
        }
    }
}

/// A pointer wrapper that can cross into `@Sendable` closures for disjoint parallel writes.
public struct SendablePointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inlinable public subscript(index: Int) -> T {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
