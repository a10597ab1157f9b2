import Dispatch
import TensorCore

/// Per-column statistics of a `[rows, columns]` matrix, split over the cores.
///
/// Shared by the scalers. Minima and maxima are exact in Float; sums and squared deviations
/// accumulate in Double (two passes: the second sums squared deviations from the mean, which stays
/// accurate when the mean is large). Non-finite input is detected during the first pass and then
/// located by a scan, and reported at its lowest row, then column, so the error is the same on
/// every run.
struct ColumnStatistics {
    var minimum: [Float]
    var maximum: [Float]
    /// Column means; empty unless moments were requested.
    var mean: [Double]
    /// Population variances (divided by n, as scikit-learn's `StandardScaler.var_`); empty unless
    /// moments were requested.
    var variance: [Double]

    /// Views any tensor of rank >= 1 as `[rowCount, rowLength]`.
    static func matrixShape(_ x: Tensor) throws -> (rows: Int, columns: Int) {
        guard x.rank >= 1 else { throw PreprocessingError.badShape(expected: "[rows, features]", found: x.shape) }
        return (x.rowCount, x.rowLength)
    }

    /// Throws for the first NaN or infinite value of `x` (row-major order).
    ///
    /// The scan is a branch-free OR over exponent bits (all ones means NaN or infinity) split over
    /// the cores, so it costs a fraction of a transform; only a failing input is scanned again to
    /// locate the value.
    static func checkFinite(_ x: Tensor) throws {
        let (_, columns) = try matrixShape(x)
        let exponentMask: UInt32 = 0x7F80_0000
        let anyNonFinite: Bool = x.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return false }
            let bits = SendableBits(UnsafeRawPointer(base).assumingMemoryBound(to: UInt32.self))
            let flags = SendableFlags(count: Parallel.workerCount * 4)
            let total = p.count
            let chunkSize = (total + flags.count - 1) / flags.count
            DispatchQueue.concurrentPerform(iterations: flags.count) { chunk in
                let start = chunk * chunkSize, end = Swift.min(total, start + chunkSize)
                guard start < end else { return }
                var seen: UInt32 = 0
                for i in start..<end {
                    seen |= (bits.base[i] & exponentMask) == exponentMask ? 1 : 0
                }
                flags.set(chunk, seen != 0)
            }
            return flags.any
        }
        guard anyNonFinite else { return }
        let index: Int = x.withUnsafeBufferPointer { p in p.firstIndex { !$0.isFinite } ?? 0 }
        throw PreprocessingError.nonFiniteValue(value: x.elements[index], row: index / columns, column: index % columns)
    }

    /// Column minima and maxima, and with `moments` the means and population variances.
    static func compute(_ x: Tensor, moments: Bool) throws -> ColumnStatistics {
        let (rows, columns) = try matrixShape(x)
        guard rows > 0, columns > 0 else { throw PreprocessingError.emptyInput(what: "matrix of shape \(x.shape)") }
        let chunks = Swift.max(1, Swift.min(Parallel.workerCount * 2, rows / 256))
        let rowsPerChunk = (rows + chunks - 1) / chunks
        var minima = [Float](repeating: .infinity, count: chunks * columns)
        var maxima = [Float](repeating: -.infinity, count: chunks * columns)
        var sums = [Double](repeating: 0, count: moments ? chunks * columns : 0)
        // `v - v` is 0 for finite v and NaN for NaN or infinity: summing it per column finds
        // non-finite input in the same pass, without a branch (the loop stays vectorised).
        var probes = [Float](repeating: 0, count: chunks * columns)
        x.withUnsafeBufferPointer { source in
            let input = SendableInput(source.baseAddress!)
            minima.withUnsafeMutableBufferPointer { minimumBuffer in
                maxima.withUnsafeMutableBufferPointer { maximumBuffer in
                    sums.withUnsafeMutableBufferPointer { sumBuffer in
                      probes.withUnsafeMutableBufferPointer { probeBuffer in
                        let probeOut = SendablePointer(probeBuffer.baseAddress!)
                        let minimumOut = SendablePointer(minimumBuffer.baseAddress!)
                        let maximumOut = SendablePointer(maximumBuffer.baseAddress!)
                        // Not `sumBuffer.baseAddress.map`: an empty array still hands out a non-nil
                        // address (the shared empty-array storage), which must never be written.
                        let sumOut = moments ? SendablePointer(sumBuffer.baseAddress!) : nil
                        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                            let start = chunk * rowsPerChunk, end = Swift.min(rows, start + rowsPerChunk)
                            guard start < end else { return }
                            let low = minimumOut.base + chunk * columns
                            let high = maximumOut.base + chunk * columns
                            let probe = probeOut.base + chunk * columns
                            for r in start..<end {
                                let row = input.base + r * columns
                                for c in 0..<columns {
                                    let v = row[c]
                                    low[c] = v < low[c] ? v : low[c]
                                    high[c] = v > high[c] ? v : high[c]
                                    probe[c] += v - v
                                }
                                if let sumOut {
                                    let total = sumOut.base + chunk * columns
                                    for c in 0..<columns { total[c] += Double(row[c]) }
                                }
                            }
                        }
                      }
                    }
                }
            }
        }
        if probes.contains(where: { $0 != 0 }) { try checkFinite(x) }  // throws, naming the first one
        var minimum = Array(minima[0..<columns])
        var maximum = Array(maxima[0..<columns])
        for chunk in 1..<chunks {
            for c in 0..<columns {
                minimum[c] = Swift.min(minimum[c], minima[chunk * columns + c])
                maximum[c] = Swift.max(maximum[c], maxima[chunk * columns + c])
            }
        }
        guard moments else { return ColumnStatistics(minimum: minimum, maximum: maximum, mean: [], variance: []) }
        var mean = [Double](repeating: 0, count: columns)
        for chunk in 0..<chunks { for c in 0..<columns { mean[c] += sums[chunk * columns + c] } }
        for c in 0..<columns { mean[c] /= Double(rows) }
        // Second pass: squared deviations from the mean, reusing `sums` as per-chunk accumulators.
        for i in sums.indices { sums[i] = 0 }
        x.withUnsafeBufferPointer { source in
            let input = SendableInput(source.baseAddress!)
            mean.withUnsafeBufferPointer { meanBuffer in
                sums.withUnsafeMutableBufferPointer { sumBuffer in
                    let means = SendableDoubleInput(meanBuffer.baseAddress!)
                    let squaresOut = SendablePointer(sumBuffer.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let start = chunk * rowsPerChunk, end = Swift.min(rows, start + rowsPerChunk)
                        guard start < end else { return }
                        let squares = squaresOut.base + chunk * columns
                        for r in start..<end {
                            let row = input.base + r * columns
                            for c in 0..<columns {
                                let d = Double(row[c]) - means.base[c]
                                squares[c] += d * d
                            }
                        }
                    }
                }
            }
        }
        var variance = [Double](repeating: 0, count: columns)
        for chunk in 0..<chunks { for c in 0..<columns { variance[c] += sums[chunk * columns + c] } }
        for c in 0..<columns { variance[c] /= Double(rows) }
        return ColumnStatistics(minimum: minimum, maximum: maximum, mean: mean, variance: variance)
    }
}

/// Read-only pointers that can cross into `@Sendable` closures (each chunk only reads them).
struct SendableInput: @unchecked Sendable {
    let base: UnsafePointer<Float>
    init(_ base: UnsafePointer<Float>) { self.base = base }
}

struct SendableDoubleInput: @unchecked Sendable {
    let base: UnsafePointer<Double>
    init(_ base: UnsafePointer<Double>) { self.base = base }
}

struct SendableBits: @unchecked Sendable {
    let base: UnsafePointer<UInt32>
    init(_ base: UnsafePointer<UInt32>) { self.base = base }
}

/// One flag per chunk, written by that chunk only (plain stores into separate bytes of one
/// allocation, never a Swift array mutated from two threads), read after all chunks finished.
final class SendableFlags: @unchecked Sendable {
    let count: Int
    private let flags: UnsafeMutablePointer<Bool>
    init(count: Int) {
        self.count = count
        flags = .allocate(capacity: count)
        flags.initialize(repeating: false, count: count)
    }
    deinit { flags.deallocate() }
    func set(_ index: Int, _ value: Bool) { flags[index] = value }
    var any: Bool { (0..<count).contains { flags[$0] } }
}
