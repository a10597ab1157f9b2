import Dispatch

/// Runs the groups of samples of a batch on the convolution workers (`BlockedConvolution`,
/// `WinogradConvolution`): each worker takes one contiguous share of the groups with its own
/// workspace, so no product is split and every worker's accumulators are its own.
enum GroupShares {
    /// `body(spaces[w], share of worker w)` for the first `spaces.count` workers, at once.
    static func run<Space: Sendable>(groups: Int, spaces: [Space], _ body: @Sendable (Space, Range<Int>) -> Void) {
        let workers = spaces.count
        if workers == 1 { body(spaces[0], 0..<groups); return }
        let share = (groups + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = worker * share
            let end = Swift.min(groups, start + share)
            if start < end { body(spaces[worker], start..<end) }
        }
    }
}

/// Float buffers zeroed at allocation and freed with their owner (the convolution workspaces
/// keep them for every batch).
final class ZeroedBuffers {
    let pointers: [UnsafeMutablePointer<Float>]
    private let counts: [Int]

    /// One buffer per size (at least one float each).
    init(_ sizes: [Int]) {
        counts = sizes.map { Swift.max(1, $0) }
        pointers = counts.map { count in
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            return pointer
        }
    }

    deinit {
        for (pointer, count) in zip(pointers, counts) { pointer.deinitialize(count: count); pointer.deallocate() }
    }
}
