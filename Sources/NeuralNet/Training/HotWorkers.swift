import Dispatch
import Foundation
import Synchronization
import TensorCore

/// A helper thread per extra core that stays awake (spinning) for a short while after each
/// job, for the many short parallel sections of a dense training step.
///
/// Why: an autoencoder or MLP step at batch 32-128 is a chain of 50-500 µs pieces (split
/// products, the Adam update, the logistic). `DispatchQueue.concurrentPerform` parks its
/// workers between them, and waking a parked worker on this VM (futex, then an IPI to a halted
/// vCPU) cost about as much as the piece saved: perf showed ~8 % of an autoencoder epoch in
/// the scheduler's wake-up path, and OpenBLAS' own threads, which spin between calls, ran the
/// same epoch ~20 % faster than the dispatch-split products. Here the helper spins on an
/// atomic for `spinNanoseconds` after its last job, so the next job usually
/// starts within a microsecond, then sleeps on a condition variable so an idle process does
/// not burn a core.
///
/// Contract: `run(parts:_:)` calls `body(part)` exactly once for each part in `0..<parts`,
/// concurrently, and returns when all have finished; the caller's thread runs parts too. One
/// job at a time: a call made while another is running (another thread, or from inside a
/// part) falls back to `Parallel.forEachChunk`, which gives the same result.
final class HotWorkers: @unchecked Sendable {
    /// One helper per core beyond the caller's.
    static let shared = HotWorkers(helperCount: Parallel.workerCount - 1)

    /// How long a helper keeps spinning after a job before it sleeps. Longer than the gaps
    /// between the parallel sections of a training step (a few small products, an activation),
    /// short enough that a finished training run stops using the core at once.
    static let spinNanoseconds: UInt64 = 200_000

    let helperCount: Int
    /// generation (high 32 bits) | part count (16 bits) | next unclaimed part (low 16 bits).
    /// Helpers claim parts by compare-and-exchange on the whole word, so a stale claim from an
    /// earlier job can never succeed on a newer one.
    private let state = Atomic<UInt64>(0)
    private let finished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private let wake = NSCondition()
    /// Written by the caller before publishing a job (release) and read by a helper only after
    /// it has claimed a part of that job (acquire), so the accesses never overlap.
    nonisolated(unsafe) private var job: (@Sendable (Int) -> Void)?
    /// Read and written only by the thread that holds `busy`.
    nonisolated(unsafe) private var placement = CorePlacement()
    /// The probe's cache line, its two threads' arrival count and its result (ns, 0 = none).
    private let ball = Atomic<Int>(0)
    private let arrivals = Atomic<Int>(0)
    private let measured = Atomic<UInt64>(0)

    private init(helperCount: Int) {
        self.helperCount = Swift.max(0, helperCount)
        for _ in 0..<self.helperCount {
            let thread = Thread { self.helperLoop() }
            thread.name = "atelier-hot-worker"
            thread.start()
        }
    }

    /// Runs `body(0) ... body(parts - 1)` over the caller's thread and the helpers (or on the
    /// caller alone while the cores are placed far apart, see `CorePlacement`).
    func run(parts: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        guard helperCount > 0, parts < 1 << 16,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            Parallel.forEachChunk(parts) { range in for part in range { body(part) } }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        let now = DispatchTime.now().uptimeNanoseconds
        if placement.isDue(at: now) {
            placement.record(roundTrip: measureRoundTrip(), at: now)
        }
        if placement.serial {
            for part in 0..<parts { body(part) }
            return
        }
        dispatch(parts: parts, body)
    }

    /// Publishes a job of `parts` parts to the helpers, runs parts on the caller too, and waits
    /// for all of them. Only called while `busy` is held.
    private func dispatch(parts: Int, _ body: @escaping @Sendable (Int) -> Void) {
        job = body
        finished.store(0, ordering: .relaxed)
        let generation = (state.load(ordering: .relaxed) >> 32) &+ 1
        state.store((generation << 32) | (UInt64(parts) << 16), ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            wake.lock()
            wake.broadcast()
            wake.unlock()
        }
        let mine = work(generation: generation, body: body)
        var done = finished.add(mine, ordering: .acquiringAndReleasing).newValue
        while done < parts {
            HotWorkers.pause()
            done = finished.load(ordering: .acquiring)
        }
        job = nil
    }

    /// `Parallel.forEachChunk` on the hot workers: contiguous chunks of at least `minimumChunk`
    /// covering `0..<count`, one per core.
    func forEachChunk(_ count: Int, minimumChunk: Int = 1, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = Swift.max(1, Swift.min(helperCount + 1, count / Swift.max(1, minimumChunk)))
        if chunks == 1 { body(0..<count); return }
        let size = (count + chunks - 1) / chunks
        run(parts: chunks) { chunk in
            let start = chunk * size, end = Swift.min(count, start + size)
            if start < end { body(start..<end) }
        }
    }

    /// The current round trip of a cache line between two cores in nanoseconds (for tests and
    /// diagnostics); nil without a helper, while another job runs, or when none answered.
    func currentRoundTrip() -> UInt64? {
        guard helperCount > 0,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return nil }
        defer { busy.store(false, ordering: .releasing) }
        return measureRoundTrip()
    }

    /// Bounces a cache line between the caller and a helper (a two-part job) and returns the
    /// round trip in nanoseconds, or nil when no helper took part in time. Only called
    /// while `busy` is held.
    private func measureRoundTrip() -> UInt64? {
        ball.store(0, ordering: .relaxed)
        arrivals.store(0, ordering: .relaxed)
        measured.store(0, ordering: .relaxed)
        dispatch(parts: 2) { _ in self.bounce() }
        let value = measured.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    private static let bounces = 32
    private static let abandoned = 1 << 20

    /// One side of the probe. The first thread to arrive waits (up to 2 ms) for a second one;
    /// if the caller ends up running both parts itself, the first gives up and the second
    /// returns at once.
    private func bounce() {
        let arrival = arrivals.add(1, ordering: .acquiringAndReleasing).oldValue
        if arrival == 0 {
            if !HotWorkers.spin(nanoseconds: 2_000_000, until: { self.arrivals.load(ordering: .acquiring) >= 2 }),
               arrivals.compareExchange(expected: 1, desired: HotWorkers.abandoned,
                                        ordering: .acquiringAndReleasing).exchanged {
                return
            }
            // The fastest of four groups of eight round trips: an interrupt or a preemption
            // slows one group, not the placement's figure.
            var fastest = UInt64.max
            for group in 0..<HotWorkers.bounces / 8 {
                let start = DispatchTime.now().uptimeNanoseconds
                for i in group * 8..<(group + 1) * 8 {
                    ball.store(2 * i + 1, ordering: .releasing)
                    guard HotWorkers.spin(nanoseconds: 1_000_000, until: { self.ball.load(ordering: .acquiring) == 2 * i + 2 }) else {
                        ball.store(-1, ordering: .releasing)
                        return
                    }
                }
                fastest = Swift.min(fastest, (DispatchTime.now().uptimeNanoseconds - start) / 8)
            }
            measured.store(Swift.max(1, fastest), ordering: .relaxed)
        } else if arrival == 1 {
            for i in 0..<HotWorkers.bounces {
                let answered = HotWorkers.spin(nanoseconds: 1_000_000) {
                    let value = self.ball.load(ordering: .acquiring)
                    return value == 2 * i + 1 || value < 0
                }
                guard answered, ball.load(ordering: .acquiring) >= 0 else { return }
                ball.store(2 * i + 2, ordering: .releasing)
            }
        }
    }

    /// Spins until `condition` holds (true) or `nanoseconds` have passed (false).
    @inline(__always)
    private static func spin(nanoseconds: UInt64, until condition: () -> Bool) -> Bool {
        let start = DispatchTime.now().uptimeNanoseconds
        var iterations = 0
        while !condition() {
            iterations &+= 1
            if iterations & 63 == 0 && DispatchTime.now().uptimeNanoseconds - start > nanoseconds { return false }
        }
        return true
    }

    /// Claims and runs parts of job `generation` until none is left; returns how many it ran.
    private func work(generation: UInt64, body: (@Sendable (Int) -> Void)?) -> Int {
        var ran = 0
        var current = state.load(ordering: .acquiring)
        while current >> 32 == generation {
            let parts = (current >> 16) & 0xFFFF, next = current & 0xFFFF
            guard next < parts else { break }
            let (exchanged, original) = state.compareExchange(expected: current, desired: current + 1,
                                                               ordering: .acquiringAndReleasing)
            guard exchanged else { current = original; continue }
            // A claimed part keeps the caller waiting, so `job` is this generation's body.
            (body ?? job!)(Int(next))
            ran += 1
            current = state.load(ordering: .acquiring)
        }
        return ran
    }

    private func helperLoop() {
        var seen: UInt64 = 0
        while true {
            var spunSince = DispatchTime.now().uptimeNanoseconds
            var iterations = 0
            var current = state.load(ordering: .acquiring)
            while current >> 32 == seen {
                HotWorkers.pause()
                iterations &+= 1
                if iterations & 255 == 0 && DispatchTime.now().uptimeNanoseconds - spunSince > HotWorkers.spinNanoseconds {
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    wake.lock()
                    while state.load(ordering: .sequentiallyConsistent) >> 32 == seen { wake.wait() }
                    wake.unlock()
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    spunSince = DispatchTime.now().uptimeNanoseconds
                }
                current = state.load(ordering: .acquiring)
            }
            seen = current >> 32
            let ran = work(generation: seen, body: nil)
            if ran > 0 { finished.add(ran, ordering: .releasing) }
        }
    }

    /// One spin-wait step: a plain re-read of the atomic. (`_mm_pause` is not linkable from
    /// Swift here, and on a VM long `pause` loops can trigger pause-loop exits anyway.)
    @inline(__always)
    static func pause() {}
}
