import Dispatch
import Foundation
@testable import NeuralNet
import Synchronization
import TensorCore
import Testing

/// `HotWorkers` runs every part exactly once, also when calls overlap (another thread, or a
/// call from inside a part, which falls back to `Parallel`).
@Suite("Hot worker threads")
struct HotWorkersTests {
    /// Runs `parts` parts that each add their index + 1 to their own slot; returns the slots.
    func counts(_ parts: Int) -> [Int] {
        let slots = UnsafeMutablePointer<Int>.allocate(capacity: parts)
        slots.initialize(repeating: 0, count: parts)
        defer { slots.deallocate() }
        let pointer = SendablePointer(slots)
        HotWorkers.shared.run(parts: parts) { part in pointer[part] += part + 1 }
        return Array(UnsafeBufferPointer(start: slots, count: parts))
    }

    @Test func everyPartRunsOnce() {
        for parts in [0, 1, 2, 3, 7, 64] {
            #expect(counts(parts) == (0..<parts).map { $0 + 1 }, "\(parts) parts")
        }
        // Many jobs in a row: the helper goes from spinning to sleeping and back.
        for _ in 0..<2000 { #expect(counts(2) == [1, 2]) }
        // Pauses longer than the spin window: the helper has gone to sleep and must be woken.
        for _ in 0..<4 {
            Thread.sleep(forTimeInterval: 0.002)
            #expect(counts(2) == [1, 2])
        }
    }

    @Test func nestedAndConcurrentCallsStillRunEveryPart() {
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<50 {
                HotWorkers.shared.run(parts: 3) { _ in
                    HotWorkers.shared.run(parts: 2) { _ in total.add(1, ordering: .relaxed) }
                }
            }
        }
        #expect(total.load(ordering: .relaxed) == 4 * 50 * 3 * 2)
    }

    @Test func chunksCoverTheRangeExactlyOnce() {
        for (count, minimum) in [(0, 1), (5, 1), (100_001, 1 << 15), (10, 100)] {
            let seen = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(count, 1))
            seen.initialize(repeating: 0, count: Swift.max(count, 1))
            defer { seen.deallocate() }
            let pointer = SendablePointer(seen)
            HotWorkers.shared.forEachChunk(count, minimumChunk: minimum) { range in
                for i in range { pointer[i] += 1 }
            }
            #expect((0..<count).allSatisfy { seen[$0] == 1 }, "count \(count), minimum chunk \(minimum)")
        }
    }

    /// The probe answers on a machine with a second core, with a round trip far below the
    /// probe's own time-outs (1-2 ms). Other tests use the workers at the same time (the probe
    /// then gets nil), so it tries for up to five seconds.
    @Test func roundTripProbeMeasures() throws {
        guard HotWorkers.shared.helperCount > 0 else { return }
        var values: [UInt64] = []
        let deadline = Date().addingTimeInterval(5)
        while values.count < 5 && Date() < deadline {
            if let value = HotWorkers.shared.currentRoundTrip() { values.append(value) } else { Thread.sleep(forTimeInterval: 0.001) }
        }
        #expect(!values.isEmpty, "no probe answered")
        #expect(values.allSatisfy { $0 > 0 && $0 < 1_000_000 }, "\(values)")
        #expect(counts(3) == [1, 2, 3], "jobs still run after probes")
    }

    /// The decision: far cores (slow round trip) keep jobs on the caller, near cores split them,
    /// probes that get no answer three times in a row go back to splitting.
    @Test func placementDecision() {
        var placement = CorePlacement(environment: [:])
        #expect(placement.isDue(at: 0) && !placement.serial)
        placement.record(roundTrip: 330, at: 0)
        #expect(placement.serial)
        #expect(!placement.isDue(at: CorePlacement.probeInterval - 1))
        #expect(placement.isDue(at: CorePlacement.probeInterval))
        placement.record(roundTrip: 60, at: 1)
        #expect(!placement.serial)
        placement.record(roundTrip: 330, at: 2)
        placement.record(roundTrip: nil, at: 3)
        placement.record(roundTrip: nil, at: 4)
        #expect(placement.serial, "two unanswered probes keep the last decision")
        placement.record(roundTrip: nil, at: 5)
        #expect(!placement.serial, "the third goes back to splitting")
        let off = CorePlacement(environment: ["ATELIER_PLACEMENT_PROBE": "0"])
        #expect(!off.isDue(at: 0) && !off.serial)
    }
}
