import Foundation
import TensorCore

/// `Xᵀ X` for rows with zeros at both ends (images on a blank border): each row only touches the
/// square of the product spanned by its first and last non-zero column. Rows are sorted by
/// their first non-zero column and taken in chunks of 512; each chunk's rows are gathered over
/// the chunk's joint span, the columns that are zero in all of the chunk's rows (the digit-free
/// margins of each image row) are dropped, and one single-threaded `ssyrk` per chunk (both
/// cores, one chunk each at a time) gives the chunk's product, added in Double into the result.
///
/// MNIST: the spans average 528 of 784 columns; the chunked products need about a third of the
/// flops of one `ssyrk` over the 768 columns between the first and last non-constant one. The
/// sums are the same products as `ssyrk`'s, grouped differently (Float32 within a chunk,
/// Double across chunks), so the result agrees with it to Float32 rounding.
public enum SpanGram {
    /// Rows per chunk.
    public static let chunkRows = 512

    /// The upper triangle of `Xᵀ X` over columns `first..<first + width` of the row-major
    /// `[rows, columns]` data, as a row-major `[width, width]` Double array; nil when the spans
    /// would save less than a quarter of the flops of one `ssyrk` (dense data).
    public static func gram(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int, first: Int, width: Int,
                            chunkRows: Int = SpanGram.chunkRows) -> [Double]? {
        // First and last non-zero column of each row within the range (-1: the row is all zero there).
        var low = [Int32](repeating: -1, count: rows), high = [Int32](repeating: -1, count: rows)
        let source = SendablePointer(UnsafeMutablePointer(mutating: data.baseAddress!))
        low.withUnsafeMutableBufferPointer { lowBuffer in
            high.withUnsafeMutableBufferPointer { highBuffer in
                let lows = SendablePointer(lowBuffer.baseAddress!), highs = SendablePointer(highBuffer.baseAddress!)
                Parallel.forEachChunk(rows, minimumChunk: 4096) { range in
                    for r in range {
                        let row = source.base + r * columns + first
                        var a = 0
                        while a < width && row[a] == 0 { a += 1 }
                        guard a < width else { continue }
                        var b = width - 1
                        while row[b] == 0 { b -= 1 }
                        lows[r] = Int32(a); highs[r] = Int32(b)
                    }
                }
            }
        }
        // Counting sort of the non-empty rows by their first non-zero column.
        var bucketStarts = [Int](repeating: 0, count: width + 1)
        for r in 0..<rows where low[r] >= 0 { bucketStarts[Int(low[r]) + 1] += 1 }
        for c in 0..<width { bucketStarts[c + 1] += bucketStarts[c] }
        let used = bucketStarts[width]
        var order = [Int](repeating: 0, count: used)
        var next = bucketStarts
        for r in 0..<rows where low[r] >= 0 { order[next[Int(low[r])]] = r; next[Int(low[r])] += 1 }
        // Chunks and their joint spans.
        var chunks: [(start: Int, count: Int, low: Int, width: Int)] = []
        var flops = 0.0
        var start = 0
        while start < used {
            let count = min(chunkRows, used - start)
            var chunkLow = Int.max, chunkHigh = -1
            for position in start..<(start + count) {
                let r = order[position]
                chunkLow = min(chunkLow, Int(low[r])); chunkHigh = max(chunkHigh, Int(high[r]))
            }
            chunks.append((start, count, chunkLow, chunkHigh - chunkLow + 1))
            flops += Double(count) * Double(chunkHigh - chunkLow + 1) * Double(chunkHigh - chunkLow + 1)
            start += count
        }
        guard flops <= 0.75 * Double(rows) * Double(width) * Double(width) else { return nil }

        let workers = Parallel.workerCount
        var partial = [Double](repeating: 0, count: workers * width * width)
        let frozenChunks = chunks, frozenOrder = order
        partial.withUnsafeMutableBufferPointer { partialBuffer in
            let sums = SendablePointer(partialBuffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let gathered = UnsafeMutablePointer<Float>.allocate(capacity: chunkRows * width)
                let product = UnsafeMutablePointer<Float>.allocate(capacity: width * width)
                let used = UnsafeMutablePointer<UInt8>.allocate(capacity: width)
                let kept = UnsafeMutablePointer<Int>.allocate(capacity: width)
                defer { gathered.deallocate(); product.deallocate(); used.deallocate(); kept.deallocate() }
                let target = sums.base + worker * width * width
                for chunk in stride(from: worker, to: frozenChunks.count, by: workers).map({ frozenChunks[$0] }) {
                    let w = chunk.width
                    for k in 0..<chunk.count {
                        let r = frozenOrder[chunk.start + k]
                        (gathered + k * w).update(from: source.base + r * columns + first + chunk.low, count: w)
                    }
                    // Columns that are zero in every row of the chunk (digit-free margins inside
                    // the span) are dropped: compacted in place, left to right.
                    for c in 0..<w { used[c] = 0 }
                    for k in 0..<chunk.count {
                        let row = gathered + k * w
                        for c in 0..<w { used[c] |= row[c] != 0 ? 1 : 0 }
                    }
                    var u = 0
                    for c in 0..<w where used[c] != 0 { kept[u] = c; u += 1 }
                    if u < w {
                        for k in 0..<chunk.count {
                            let from = gathered + k * w, to = gathered + k * u
                            for t in 0..<u { to[t] = from[kept[t]] }
                        }
                    }
                    guard u > 0 else { continue }
                    BLAS.syrkTransposed(n: u, k: chunk.count, a: gathered, leadingA: u, c: product, leadingC: u)
                    for a in 0..<u {
                        let row = target + (chunk.low + kept[a]) * width + chunk.low
                        let productRow = product + a * u
                        for b in a..<u { row[kept[b]] += Double(productRow[b]) }
                    }
                }
            }
        }
        var result = [Double](repeating: 0, count: width * width)
        for w in 0..<workers {
            for i in 0..<(width * width) { result[i] += partial[w * width * width + i] }
        }
        return result
    }
}
