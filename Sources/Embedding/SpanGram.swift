import Foundation
import TensorCore

/// `Xᵀ X` for rows with zeros at both ends (images on a blank border): each row only touches the
/// square of the product spanned by its first and last non-zero column. Rows are sorted so that
/// rows touching similar columns are neighbours and taken in chunks of 512; each chunk's rows
/// are gathered over the chunk's joint span, the columns that are zero in all of the chunk's
/// rows (the digit-free margins of each image row) are dropped, and one single-threaded `ssyrk`
/// per chunk (both cores, one chunk each at a time) gives the chunk's product, added in Double
/// into the result.
///
/// The order: by first non-zero column; or, when the rows are flattened images of a known
/// width (`imageWidth`, see `imageWidth(variances:)`), by the bounding box of the non-zero
/// pixels: top image row, then leftmost column. On MNIST the chunks then need 0.25 of the flops
/// of one `ssyrk` over the 768 columns between the first and last non-constant one, against
/// 0.34 by first non-zero column (the spans alone average 528 of 784 columns). The sums are the
/// same products as `ssyrk`'s, grouped differently (Float32 within a chunk, Double across
/// chunks), so the result agrees with it to Float32 rounding whatever the order.
public enum SpanGram {
    /// Rows per chunk.
    public static let chunkRows = 512

    /// The width of the images whose flattened pixels the columns are, when the column
    /// variances say so, else nil: the divisor `w` of the column count (4 <= w <= count / 4)
    /// for which the variance of column `c` and of column `c + w` (the same pixel one image row
    /// down) correlate best, if that correlation is at least 0.5. A hint for the row order only:
    /// a wrong width makes the product slower, never different.
    public static func imageWidth(variances: [Double]) -> Int? {
        let count = variances.count
        guard count >= 16 else { return nil }
        var best: (width: Int, correlation: Double)?
        for width in 4...(count / 4) where count % width == 0 {
            let pairs = count - width
            var sumA = 0.0, sumB = 0.0, sumAA = 0.0, sumBB = 0.0, sumAB = 0.0
            for c in 0..<pairs {
                let a = variances[c], b = variances[c + width]
                sumA += a; sumB += b; sumAA += a * a; sumBB += b * b; sumAB += a * b
            }
            let n = Double(pairs)
            let covariance = sumAB / n - sumA / n * sumB / n
            let spread = ((sumAA / n - sumA / n * sumA / n) * (sumBB / n - sumB / n * sumB / n)).squareRoot()
            guard spread > 0 else { continue }
            let correlation = covariance / spread
            if correlation >= 0.5 && correlation > (best?.correlation ?? -1) { best = (width, correlation) }
        }
        return best?.width
    }

    /// The upper triangle of `Xᵀ X` over columns `first..<first + width` of the row-major
    /// `[rows, columns]` data, as a row-major `[width, width]` Double array; nil when the spans
    /// would save less than a quarter of the flops of one `ssyrk` (dense data). `imageWidth`
    /// (dividing `columns`) orders the rows by their bounding box.
    public static func gram(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int, first: Int, width: Int,
                            imageWidth: Int? = nil, chunkRows: Int = SpanGram.chunkRows) -> [Double]? {
        let image = imageWidth.flatMap { $0 > 0 && columns % $0 == 0 ? $0 : nil }
        // First and last non-zero column of each row within the range (-1: the row is all zero
        // there), and the sort key: the first non-zero column, or with images the bounding
        // box's top row and left column (a pixel index, below `columns`).
        var low = [Int32](repeating: -1, count: rows), high = [Int32](repeating: -1, count: rows)
        var key = [Int32](repeating: -1, count: rows)
        let source = SendablePointer(UnsafeMutablePointer(mutating: data.baseAddress!))
        low.withUnsafeMutableBufferPointer { lowBuffer in
            high.withUnsafeMutableBufferPointer { highBuffer in
                key.withUnsafeMutableBufferPointer { keyBuffer in
                    let lows = SendablePointer(lowBuffer.baseAddress!), highs = SendablePointer(highBuffer.baseAddress!)
                    let keys = SendablePointer(keyBuffer.baseAddress!)
                    Parallel.forEachChunk(rows, minimumChunk: 4096) { range in
                        for r in range {
                            let row = source.base + r * columns + first
                            let a = SpanGram.firstNonZero(row, count: width)
                            guard a < width else { continue }
                            let b = SpanGram.lastNonZero(row, count: width)
                            lows[r] = Int32(a); highs[r] = Int32(b)
                            guard let image else { keys[r] = Int32(a); continue }
                            // Leftmost non-zero pixel column over the image rows the span covers;
                            // each image row is scanned only left of the best column so far.
                            let top = (first + a) / image, bottom = (first + b) / image
                            var left = (first + a) % image
                            let pixels = source.base + r * columns
                            for imageRow in (top + 1)...max(top + 1, bottom) where imageRow <= bottom {
                                left = SpanGram.firstNonZero(pixels + imageRow * image, count: left)
                            }
                            keys[r] = Int32(top * image + left)
                        }
                    }
                }
            }
        }
        // Counting sort of the non-empty rows by their key.
        let keyCount = image == nil ? width : columns
        var bucketStarts = [Int](repeating: 0, count: keyCount + 1)
        for r in 0..<rows where key[r] >= 0 { bucketStarts[Int(key[r]) + 1] += 1 }
        for c in 0..<keyCount { bucketStarts[c + 1] += bucketStarts[c] }
        let used = bucketStarts[keyCount]
        var order = [Int](repeating: 0, count: used)
        var next = bucketStarts
        for r in 0..<rows where key[r] >= 0 { order[next[Int(key[r])]] = r; next[Int(key[r])] += 1 }
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

    /// Index of the first non-zero of `count` floats (`count` when all are zero), 16 at a time:
    /// the scans for the spans and bounding boxes touch most of the data, and one compare per
    /// float made them take as long as half the products.
    @inline(__always)
    static func firstNonZero(_ p: UnsafePointer<Float>, count: Int) -> Int {
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 16 <= count {
            if any(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) .!= 0) { break }
            i += 16
        }
        while i < count && p[i] == 0 { i += 1 }
        return i
    }

    /// Index of the last non-zero of `count` floats (-1 when all are zero), 16 at a time.
    @inline(__always)
    static func lastNonZero(_ p: UnsafePointer<Float>, count: Int) -> Int {
        var end = count
        let raw = UnsafeRawPointer(p)
        while end >= 16 {
            if any(raw.loadUnaligned(fromByteOffset: (end - 16) * 4, as: SIMD16<Float>.self) .!= 0) { break }
            end -= 16
        }
        var i = end - 1
        while i >= 0 && p[i] == 0 { i -= 1 }
        return i
    }
}
