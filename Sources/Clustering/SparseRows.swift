import Foundation
import TensorCore

/// The non-zero entries of each row of a mostly-zero matrix (compressed sparse rows, 16-bit
/// column indices): 6 bytes per non-zero instead of 4 per column. MNIST rows are 81 % zeros, so a
/// row shrinks from 3,136 to about 900 bytes; `DistanceBounds` reads rows through this form when
/// it checks single distances, which is memory-bound.
final class SparseRows: @unchecked Sendable {
    let rows: Int
    /// Row `r`'s entries are `offsets[r]..<offsets[r + 1]`.
    let offsets: UnsafeMutablePointer<Int>
    let indices: UnsafeMutablePointer<UInt16>
    let values: UnsafeMutablePointer<Float>

    /// The sparse form of `data` (`[rows, columns]`), or nil when it would not pay: more than
    /// `maximumDensity` of the entries are non-zero, or there are more than 65,536 columns.
    init?(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int, maximumDensity: Double = 0.25) {
        guard columns <= 1 << 16, rows > 0 else { return nil }
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: rows + 1)
        let counts = SendablePointer(offsets + 1), source = SendablePointer(UnsafeMutablePointer(mutating: data.baseAddress!))
        Parallel.forEachChunk(rows, minimumChunk: 1024) { range in
            for r in range {
                let row = source.base + r * columns
                var count = 0
                for c in 0..<columns where row[c] != 0 { count += 1 }
                counts[r - 0] = count
            }
        }
        offsets[0] = 0
        for r in 0..<rows { offsets[r + 1] += offsets[r] }
        let total = offsets[rows]
        guard Double(total) <= maximumDensity * Double(rows) * Double(columns) else {
            offsets.deallocate()
            return nil
        }
        self.rows = rows
        self.offsets = offsets
        indices = .allocate(capacity: max(1, total))
        values = .allocate(capacity: max(1, total))
        let starts = SendablePointer(offsets), indexOut = SendablePointer(indices), valueOut = SendablePointer(values)
        Parallel.forEachChunk(rows, minimumChunk: 1024) { range in
            for r in range {
                let row = source.base + r * columns
                var position = starts[r]
                for c in 0..<columns where row[c] != 0 {
                    indexOut[position] = UInt16(c); valueOut[position] = row[c]; position += 1
                }
            }
        }
    }

    deinit {
        offsets.deallocate(); indices.deallocate(); values.deallocate()
    }

    /// `row . dense` over the row's non-zeros (four Float32 partial sums).
    @inline(__always)
    func dot(row: Int, _ dense: UnsafePointer<Float>) -> Float {
        var position = offsets[row]
        let end = offsets[row + 1]
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        while position + 4 <= end {
            s0 += values[position] * dense[Int(indices[position])]
            s1 += values[position + 1] * dense[Int(indices[position + 1])]
            s2 += values[position + 2] * dense[Int(indices[position + 2])]
            s3 += values[position + 3] * dense[Int(indices[position + 3])]
            position += 4
        }
        while position < end { s0 += values[position] * dense[Int(indices[position])]; position += 1 }
        return (s0 + s1) + (s2 + s3)
    }
}
