import Dispatch
import TensorCore

/// The per-column map `y = (x - center) * factor + offset` that both scalers apply, and its inverse.
///
/// Rows are split over the cores; the loop reads three small per-column arrays and the row.
struct ColumnAffine: Sendable {
    var center: [Float]
    var factor: [Float]
    var offset: [Float]

    var columnCount: Int { center.count }

    /// Applies the map to every row of `x` (any rank, viewed as `[rowCount, rowLength]`).
    func apply(_ x: Tensor) throws -> Tensor {
        try run(x, inverse: false)
    }

    /// Applies the inverse map `x = (y - offset) / factor + center`.
    func invert(_ y: Tensor) throws -> Tensor {
        try run(y, inverse: true)
    }

    private func run(_ x: Tensor, inverse: Bool) throws -> Tensor {
        let (rows, columns) = try ColumnStatistics.matrixShape(x)
        guard columns == columnCount else {
            throw PreprocessingError.featureCountMismatch(expected: columnCount, found: columns)
        }
        // Written straight into fresh storage (no copy of `x` first), huge pages advised. Non-finite
        // input gives non-finite output, so each row's output is checked while it is in cache and
        // only then is the input scanned to locate (and report) the offending value.
        let flags = SendableFlags(count: Swift.max(1, Swift.min(Parallel.workerCount, rows * columns / 65_536)))
        let elements = x.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: source.count) { target, initialized in
                Memory.adviseHugePages(UnsafeMutableRawBufferPointer(target))
                if let sourceBase = source.baseAddress, let targetBase = target.baseAddress {
                    let input = SendableInput(sourceBase)
                    let output = SendablePointer(targetBase)
                    center.withUnsafeBufferPointer { centerPointer in
                        factor.withUnsafeBufferPointer { factorPointer in
                            offset.withUnsafeBufferPointer { offsetPointer in
                                let c0 = SendableInput(centerPointer.baseAddress!)
                                let f0 = SendableInput(factorPointer.baseAddress!)
                                let o0 = SendableInput(offsetPointer.baseAddress!)
                                let chunks = flags.count
                                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                                    let start = chunk * rows / chunks, end = (chunk + 1) * rows / chunks
                                    let center = c0.base, factor = f0.base, offset = o0.base
                                    let source = input.base, target = output.base
                                    let exponentMask: UInt32 = 0x7F80_0000
                                    var seen: UInt32 = 0
                                    for r in start..<end {
                                        let from = source + r * columns, to = target + r * columns
                                        if inverse {
                                            for c in 0..<columns { to[c] = (from[c] - offset[c]) / factor[c] + center[c] }
                                        } else {
                                            for c in 0..<columns { to[c] = (from[c] - center[c]) * factor[c] + offset[c] }
                                        }
                                        let bits = UnsafeRawPointer(to).assumingMemoryBound(to: UInt32.self)
                                        for c in 0..<columns { seen |= (bits[c] & exponentMask) == exponentMask ? 1 : 0 }
                                    }
                                    flags.set(chunk, seen != 0)
                                }
                            }
                        }
                    }
                }
                initialized = source.count
            }
        }
        // Non-finite output from finite input (overflow of huge values) is returned as is.
        if flags.any { try ColumnStatistics.checkFinite(x) }
        return Tensor(shape: x.shape, elements: elements)
    }
}
