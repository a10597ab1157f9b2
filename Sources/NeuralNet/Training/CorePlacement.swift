import Foundation

/// Whether the two cores currently pass data between them fast enough for `HotWorkers` to
/// split a job, or whether the caller should run all of its parts alone.
///
/// Why: on this kind of VM the host moves the vCPUs between physical cores, and for seconds at
/// a time it places two of them far apart (another CCD or socket): a cache line's round trip
/// between the two threads goes from ~50-85 ns to ~320-350 ns (measured with a two-thread C
/// ping-pong, no Atelier code involved). A dense training step hands its activations from core
/// to core dozens of times, so in that placement two threads ran an autoencoder epoch in
/// 1.2-1.4 s where one thread needs 0.9-1.0 s and two near cores 0.55-0.6 s (the "slow mode"
/// of Benchmarks/results/neuralnet.md). `HotWorkers` therefore bounces a cache line with its
/// helper every `probeInterval` and keeps the parts on the calling thread while the round trip
/// is slow. The parts and their order within each part are the same either way, so results are
/// bit-identical; only which core runs a part changes.
struct CorePlacement {
    /// How often the round trip is measured: the host changes the placement every few seconds;
    /// a probe costs a few µs (two ms at worst, when the helper does not wake in time).
    static let probeInterval: UInt64 = 100_000_000
    /// Above this round trip (ns) the parts run on the caller alone: halfway, on a log scale,
    /// between the near (~60 ns) and the far (~330 ns) placement.
    static let slowRoundTrip: UInt64 = 180
    /// After this many probes in a row that could not measure (the helper did not answer), the
    /// caller goes back to splitting, so a sleepy helper cannot keep the process on one core.
    static let failuresBeforeReset = 3

    /// Whether probing is on (`ATELIER_PLACEMENT_PROBE=0` turns it off, for comparisons).
    let enabled: Bool
    /// Whether `ATELIER_PLACEMENT_LOG=1` asked for a line on stderr whenever the decision changes.
    let logs: Bool
    /// Whether jobs currently run on the calling thread alone.
    private(set) var serial = false
    private var nextProbe: UInt64 = 0
    private var failures = 0

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        enabled = environment["ATELIER_PLACEMENT_PROBE"] != "0"
        logs = environment["ATELIER_PLACEMENT_LOG"] == "1"
    }

    /// Whether a probe should run now (`now` in uptime nanoseconds).
    func isDue(at now: UInt64) -> Bool { enabled && now >= nextProbe }

    /// Takes a probe's result: the round trip in nanoseconds, or nil when it could not measure.
    mutating func record(roundTrip: UInt64?, at now: UInt64) {
        nextProbe = now + Self.probeInterval
        let wasSerial = serial
        if let roundTrip {
            failures = 0
            serial = roundTrip > Self.slowRoundTrip
        } else {
            failures += 1
            if failures >= Self.failuresBeforeReset { serial = false; failures = 0 }
        }
        if logs && serial != wasSerial {
            let text = roundTrip.map { "\($0) ns" } ?? "no answer"
            FileHandle.standardError.write(Data("atelier: core round trip \(text): \(serial ? "one core" : "split over the cores")\n".utf8))
        }
    }
}
