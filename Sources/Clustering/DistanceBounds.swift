import Foundation
import TensorCore

/// Per-point distance bounds for an exact acceleration of Lloyd's algorithm: Elkan's per-centre
/// lower bounds (C. Elkan, "Using the triangle inequality to accelerate k-means", ICML 2003) with
/// Hamerly's single test in front (G. Hamerly, "Making k-means even faster", SDM 2010).
///
/// For each point: `upper` >= the true distance to its assigned centre `a`, `lower[j]` <= the true
/// distance to centre `j`. When the centres move by `shift[j]`, `upper += shift[a]` and
/// `lower[j] -= shift[j]` keep them valid (triangle inequality). Centre `j` cannot take the point
/// while `m_j = max(lower[j], |c_a - c_j| - upper) > upper`; with `s(a)` half the distance from `a`
/// to its nearest other centre, `2 s(a) - upper` bounds every `m_j` at once (Hamerly's test, tried
/// first). A centre that fails is checked after tightening `upper` with the direct distance to
/// `a`, then with the direct distance to that centre; a point that still fails (it is close to a
/// boundary or really moves) is gathered with others into a block whose distances to all
/// centres come from one `sgemm`, exactly as in `NearestCenter.assign`.
///
/// Exactness against plain Lloyd: Lloyd labels a point by the Float32 argmin of
/// `|c|^2 - 2 x.c`, whose error is at most `e = 2 (d + 4) 2^-24 (|x|^2 + max |c|^2)` (the
/// standard bound for a length-d dot product, doubled; the direct distances err less). Bounds are
/// built from computed distances widened by `e`, and a centre is only ruled out when
/// `m_j^2 - upper^2 > 2 e`, so that a skipped point's Float32 argmin is certainly its current
/// centre. Recomputed points go through the same formula as plain Lloyd, so the labels agree with
/// plain Lloyd's except, in principle, where OpenBLAS rounds a gathered block's products
/// differently from a contiguous block's and two centres tie to within that rounding.
///
/// Cluster sums (Double) are kept across iterations and updated from the points whose label
/// changed, so an iteration reads only the rows that are recomputed.
final class DistanceBounds {
    /// Rows gathered per `sgemm`.
    static let blockRows = 128

    let rows: Int
    let columns: Int
    let clusterCount: Int
    /// The current centre of each point; -1 before the first assignment.
    private(set) var labels: [Int32]
    private var upper: [Double]
    /// `lower[i * k + j]`; the entry of the assigned centre is unused.
    private var lower: [Double]
    /// Sums (Double) and counts of the points of each cluster under `labels`.
    private(set) var sums: NearestCenter.Sums
    /// Points recomputed through BLAS in the last `assign` (for progress and tests).
    private(set) var recomputed = 0
    /// Points whose row was read for a direct distance in the last `assign`.
    private(set) var tightened = 0

    /// The data's non-zeros when it is mostly zeros: single distances are then taken as
    /// `|x|^2 + |c|^2 - 2 x.c` over the non-zeros (within the same error bound `e`), reading a
    /// fraction of the row.
    let sparse: SparseRows?

    init(rows: Int, columns: Int, clusterCount: Int, sparse: SparseRows? = nil) {
        self.sparse = sparse
        self.rows = rows
        self.columns = columns
        self.clusterCount = clusterCount
        labels = [Int32](repeating: -1, count: rows)
        upper = [Double](repeating: .infinity, count: rows)
        lower = [Double](repeating: 0, count: rows * clusterCount)
        sums = NearestCenter.Sums(sums: [Double](repeating: 0, count: clusterCount * columns),
                                  counts: [Int](repeating: 0, count: clusterCount))
    }

    /// Relative rounding bound factor of a Float32 squared distance by expansion (see above).
    var errorFactor: Double { 2 * Double(columns + 4) * 0x1p-24 }

    /// Moves the bounds by `shifts` (the distance each centre moved since the last call; zeros on
    /// the first call), assigns every point to its nearest centre in `centers` and updates the
    /// cluster sums. Returns the number of points whose label changed.
    func assign(_ data: UnsafeBufferPointer<Float>, norms: [Float], centers: [Float], shifts: [Double]) -> Int {
        let k = clusterCount, columns = self.columns, rows = self.rows
        let centerNorms = NearestCenter.centerNorms(centers, clusterCount: k, columns: columns)
        let largestCenterNorm = Double(centerNorms.max() ?? 0)
        // Centre-to-centre distances (Double) and half the distance to the nearest other centre.
        var centerDistances = [Double](repeating: 0, count: k * k)
        var half = [Double](repeating: .infinity, count: k)
        for a in 0..<k {
            for b in (a + 1)..<max(a + 1, k) {
                var total = 0.0
                for c in 0..<columns {
                    let v = Double(centers[a * columns + c]) - Double(centers[b * columns + c]); total += v * v
                }
                let distance = total.squareRoot()
                centerDistances[a * k + b] = distance; centerDistances[b * k + a] = distance
                half[a] = min(half[a], distance / 2); half[b] = min(half[b], distance / 2)
            }
        }
        let errorFactor = self.errorFactor
        let halfDistances = half, betweenCenters = centerDistances, sparse = self.sparse
        let workers = Parallel.workerCount
        var sumDeltas = [Double](repeating: 0, count: workers * k * columns)
        var countDeltas = [Int](repeating: 0, count: workers * k)
        var movedPerWorker = [Int](repeating: 0, count: workers)
        var recomputedPerWorker = [Int](repeating: 0, count: workers)
        var tightenedPerWorker = [Int](repeating: 0, count: workers)
        let source = SendablePointer(UnsafeMutablePointer(mutating: data.baseAddress!))
        labels.withUnsafeMutableBufferPointer { labelBuffer in
        upper.withUnsafeMutableBufferPointer { upperBuffer in
        lower.withUnsafeMutableBufferPointer { lowerBuffer in
        sumDeltas.withUnsafeMutableBufferPointer { sumBuffer in
        countDeltas.withUnsafeMutableBufferPointer { countBuffer in
        movedPerWorker.withUnsafeMutableBufferPointer { movedBuffer in
        recomputedPerWorker.withUnsafeMutableBufferPointer { recomputedBuffer in
        tightenedPerWorker.withUnsafeMutableBufferPointer { tightenedBuffer in
            let labels = SendablePointer(labelBuffer.baseAddress!)
            let upper = SendablePointer(upperBuffer.baseAddress!), lower = SendablePointer(lowerBuffer.baseAddress!)
            let sumDelta = SendablePointer(sumBuffer.baseAddress!), countDelta = SendablePointer(countBuffer.baseAddress!)
            let moved = SendablePointer(movedBuffer.baseAddress!), recomputed = SendablePointer(recomputedBuffer.baseAddress!)
            let tightened = SendablePointer(tightenedBuffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = rows * worker / workers, end = rows * (worker + 1) / workers
                guard start < end else { return }
                let blockRows = DistanceBounds.blockRows
                let pending = UnsafeMutablePointer<Int>.allocate(capacity: blockRows)
                let block = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * columns)
                let dots = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * k)
                defer { pending.deallocate(); block.deallocate(); dots.deallocate() }
                let mySums = sumDelta.base + worker * k * columns, myCounts = countDelta.base + worker * k
                var pendingCount = 0, movedCount = 0, recomputedCount = 0, tightenedCount = 0
                centers.withUnsafeBufferPointer { centerBuffer in
                    let centerBase = centerBuffer.baseAddress!
                    // Distances of the gathered rows to every centre, as NearestCenter.assign.
                    func flush() {
                        guard pendingCount > 0 else { return }
                        for r in 0..<pendingCount {
                            (block + r * columns).update(from: source.base + pending[r] * columns, count: columns)
                        }
                        SquaredDistances.dotProducts(x: block, rowCount: pendingCount, y: centerBase, yCount: k,
                                                     columns: columns, output: dots)
                        for r in 0..<pendingCount {
                            let i = pending[r]
                            var best = 0
                            var bestValue = centerNorms[0] - 2 * dots[r * k]
                            for j in 1..<max(1, k) {
                                let value = centerNorms[j] - 2 * dots[r * k + j]
                                if value < bestValue { bestValue = value; best = j }
                            }
                            let norm = Double(norms[i])
                            let error = errorFactor * (norm + largestCenterNorm)
                            upper[i] = (max(0, norm + Double(bestValue)) + error).squareRoot()
                            let bounds = lower.base + i * k
                            for j in 0..<k {
                                bounds[j] = max(0, norm + Double(centerNorms[j] - 2 * dots[r * k + j]) - error).squareRoot()
                            }
                            let old = Int(labels[i])
                            if old != best {
                                movedCount += 1
                                labels[i] = Int32(best)
                                let row = block + r * columns
                                if old >= 0 {
                                    myCounts[old] -= 1
                                    let target = mySums + old * columns
                                    for c in 0..<columns { target[c] -= Double(row[c]) }
                                }
                                myCounts[best] += 1
                                let target = mySums + best * columns
                                for c in 0..<columns { target[c] += Double(row[c]) }
                            }
                        }
                        recomputedCount += pendingCount
                        pendingCount = 0
                    }
                    // |x_i - c_j|^2: directly, or by expansion over the non-zeros (error within e).
                    func singleDistance(_ i: Int, _ row: UnsafeMutablePointer<Float>, _ j: Int) -> Float {
                        if let sparse {
                            return norms[i] + centerNorms[j] - 2 * sparse.dot(row: i, centerBase + j * columns)
                        }
                        return DistanceBounds.squaredDistance(row, centerBase + j * columns, count: columns)
                    }
                    for i in start..<end {
                        let a = Int(labels[i])
                        if a >= 0 {
                            let bounds = lower.base + i * k
                            for j in 0..<k { bounds[j] -= shifts[j] }
                            var bound = upper[i] + shifts[a]
                            upper[i] = bound
                            let margin = 2 * errorFactor * (Double(norms[i]) + largestCenterNorm)
                            // Hamerly's test: every other centre is at least 2 s(a) - upper away.
                            let nearest = 2 * halfDistances[a] - bound
                            if nearest > bound && nearest * nearest - bound * bound > margin { continue }
                            var isTight = false, settled = true
                            let row = source.base + i * columns
                            for j in 0..<k where j != a {
                                var others = max(bounds[j], betweenCenters[a * k + j] - bound)
                                if others > bound && others * others - bound * bound > margin { continue }
                                if !isTight {
                                    let direct = singleDistance(i, row, a)
                                    bound = (Double(direct) + margin / 2).squareRoot()
                                    upper[i] = bound
                                    isTight = true
                                    tightenedCount += 1
                                    others = max(bounds[j], betweenCenters[a * k + j] - bound)
                                    if others > bound && others * others - bound * bound > margin { continue }
                                }
                                let direct = singleDistance(i, row, j)
                                bounds[j] = max(0, Double(direct) - margin / 2).squareRoot()
                                others = max(bounds[j], betweenCenters[a * k + j] - bound)
                                if others > bound && others * others - bound * bound > margin { continue }
                                settled = false
                                break
                            }
                            if settled { continue }
                        }
                        pending[pendingCount] = i
                        pendingCount += 1
                        if pendingCount == blockRows { flush() }
                    }
                    flush()
                }
                moved[worker] = movedCount
                recomputed[worker] = recomputedCount
                tightened[worker] = tightenedCount
            }
        } } } } } } } }
        for w in 0..<workers {
            for i in 0..<(k * columns) { sums.sums[i] += sumDeltas[w * k * columns + i] }
            for j in 0..<k { sums.counts[j] += countDeltas[w * k + j] }
        }
        recomputed = recomputedPerWorker.reduce(0, +)
        tightened = tightenedPerWorker.reduce(0, +)
        return movedPerWorker.reduce(0, +)
    }

    /// `sum (x - y)^2` over `count` Floats, in eight-lane partial sums (Float32).
    @inline(__always)
    static func squaredDistance(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var first = SIMD8<Float>(), second = SIMD8<Float>()
        let xRaw = UnsafeRawPointer(x), yRaw = UnsafeRawPointer(y)
        let stride = MemoryLayout<Float>.stride
        var c = 0
        while c + 16 <= count {
            let a = xRaw.loadUnaligned(fromByteOffset: c * stride, as: SIMD8<Float>.self)
                - yRaw.loadUnaligned(fromByteOffset: c * stride, as: SIMD8<Float>.self)
            let b = xRaw.loadUnaligned(fromByteOffset: (c + 8) * stride, as: SIMD8<Float>.self)
                - yRaw.loadUnaligned(fromByteOffset: (c + 8) * stride, as: SIMD8<Float>.self)
            first = first + a * a
            second = second + b * b
            c += 16
        }
        var total = (first + second).sum()
        while c < count { let v = x[c] - y[c]; total += v * v; c += 1 }
        return total
    }
}
