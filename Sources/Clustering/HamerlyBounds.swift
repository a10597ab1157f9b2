import Foundation
import TensorCore

/// Per-point distance bounds for Hamerly's exact acceleration of Lloyd's algorithm (G. Hamerly,
/// "Making k-means even faster", SDM 2010).
///
/// For each point: `upper` >= the true distance to its assigned centre `a`, `lower` <= the true
/// distance to every other centre. When the centres move by `shift[j]`, `upper += shift[a]` and
/// `lower -= max_{j != a} shift[j]` keep them valid (triangle inequality). With `s(a)` half the
/// distance from centre `a` to its nearest other centre, every other centre is at least
/// `m = max(lower, 2 s(a) - upper)` away, so a point with `upper < m` keeps its centre and needs no
/// distance at all. Otherwise its distance to `a` is computed directly (tightening `upper`) and the
/// test retried; the points that still fail are gathered into blocks whose distances to all
/// centres come from one `sgemm` each, exactly as in `NearestCenter.assign`.
///
/// Exactness against plain Lloyd: Lloyd labels a point by the Float32 argmin of
/// `|c|^2 - 2 x.c`, whose error is at most `e = 2 (d + 4) 2^-24 (|x|^2 + max |c|^2)` (the
/// standard bound for a length-d dot product, doubled). Bounds are therefore built from the
/// Float32 distances widened by `e`, and a point is only skipped when `m^2 - upper^2 > 2 e`, so
/// that the skipped point's Float32 argmin is certainly its current centre. Points that are
/// recomputed go through the same formula as plain Lloyd; the labels agree with plain Lloyd's
/// except, in principle, where OpenBLAS rounds a gathered block's products differently from a
/// contiguous block's and two centres tie to within that rounding.
///
/// Cluster sums (Double) are kept across iterations and updated from the points whose label
/// changed, so an iteration reads only the rows that are recomputed.
final class HamerlyBounds {
    /// Rows gathered per `sgemm`.
    static let blockRows = 128

    let rows: Int
    let columns: Int
    let clusterCount: Int
    /// The current centre of each point; -1 before the first assignment.
    private(set) var labels: [Int32]
    private var upper: [Double]
    private var lower: [Double]
    /// Sums (Double) and counts of the points of each cluster under `labels`.
    private(set) var sums: NearestCenter.Sums
    /// Points recomputed through BLAS in the last `assign` (for progress and tests).
    private(set) var recomputed = 0

    init(rows: Int, columns: Int, clusterCount: Int) {
        self.rows = rows
        self.columns = columns
        self.clusterCount = clusterCount
        labels = [Int32](repeating: -1, count: rows)
        upper = [Double](repeating: .infinity, count: rows)
        lower = [Double](repeating: 0, count: rows)
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
        // Half the distance from each centre to its nearest other centre, in Double.
        var half = [Double](repeating: .infinity, count: k)
        for a in 0..<k {
            for b in (a + 1)..<max(a + 1, k) {
                var total = 0.0
                for c in 0..<columns {
                    let v = Double(centers[a * columns + c]) - Double(centers[b * columns + c]); total += v * v
                }
                let distance = total.squareRoot() / 2
                half[a] = min(half[a], distance); half[b] = min(half[b], distance)
            }
        }
        // The largest shift and the largest among the others, for `lower -= max_{j != a} shift`.
        var largestShift = 0.0, largestIndex = -1, secondShift = 0.0
        for (j, shift) in shifts.enumerated() {
            if shift > largestShift { secondShift = largestShift; largestShift = shift; largestIndex = j }
            else if shift > secondShift { secondShift = shift }
        }
        let errorFactor = self.errorFactor
        let halfDistances = half, farthestShift = largestShift, farthestIndex = largestIndex, nextShift = secondShift
        let workers = Parallel.workerCount
        var sumDeltas = [Double](repeating: 0, count: workers * k * columns)
        var countDeltas = [Int](repeating: 0, count: workers * k)
        var movedPerWorker = [Int](repeating: 0, count: workers)
        var recomputedPerWorker = [Int](repeating: 0, count: workers)
        let source = SendablePointer(UnsafeMutablePointer(mutating: data.baseAddress!))
        labels.withUnsafeMutableBufferPointer { labelBuffer in
        upper.withUnsafeMutableBufferPointer { upperBuffer in
        lower.withUnsafeMutableBufferPointer { lowerBuffer in
        sumDeltas.withUnsafeMutableBufferPointer { sumBuffer in
        countDeltas.withUnsafeMutableBufferPointer { countBuffer in
        movedPerWorker.withUnsafeMutableBufferPointer { movedBuffer in
        recomputedPerWorker.withUnsafeMutableBufferPointer { recomputedBuffer in
            let labels = SendablePointer(labelBuffer.baseAddress!)
            let upper = SendablePointer(upperBuffer.baseAddress!), lower = SendablePointer(lowerBuffer.baseAddress!)
            let sumDelta = SendablePointer(sumBuffer.baseAddress!), countDelta = SendablePointer(countBuffer.baseAddress!)
            let moved = SendablePointer(movedBuffer.baseAddress!), recomputed = SendablePointer(recomputedBuffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = rows * worker / workers, end = rows * (worker + 1) / workers
                guard start < end else { return }
                let blockRows = HamerlyBounds.blockRows
                let pending = UnsafeMutablePointer<Int>.allocate(capacity: blockRows)
                let block = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * columns)
                let dots = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * k)
                defer { pending.deallocate(); block.deallocate(); dots.deallocate() }
                let mySums = sumDelta.base + worker * k * columns, myCounts = countDelta.base + worker * k
                var pendingCount = 0, movedCount = 0, recomputedCount = 0
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
                            var secondValue = Float.infinity
                            for j in 1..<max(1, k) {
                                let value = centerNorms[j] - 2 * dots[r * k + j]
                                if value < bestValue { secondValue = bestValue; bestValue = value; best = j }
                                else if value < secondValue { secondValue = value }
                            }
                            let norm = Double(norms[i])
                            let error = errorFactor * (norm + largestCenterNorm)
                            upper[i] = (max(0, norm + Double(bestValue)) + error).squareRoot()
                            lower[i] = k > 1 ? max(0, norm + Double(secondValue) - error).squareRoot() : .infinity
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
                    for i in start..<end {
                        let a = Int(labels[i])
                        if a >= 0 {
                            var bound = upper[i] + shifts[a]
                            let floor = lower[i] - (a == farthestIndex ? nextShift : farthestShift)
                            lower[i] = floor
                            upper[i] = bound
                            let margin = 2 * errorFactor * (Double(norms[i]) + largestCenterNorm)
                            var others = max(floor, 2 * halfDistances[a] - bound)
                            if others > bound && others * others - bound * bound > margin { continue }
                            // Tighten the upper bound with the direct distance to the own centre.
                            let direct = HamerlyBounds.squaredDistance(source.base + i * columns,
                                                                       centerBase + a * columns, count: columns)
                            bound = (Double(direct) + margin / 2).squareRoot()
                            upper[i] = bound
                            others = max(floor, 2 * halfDistances[a] - bound)
                            if others > bound && others * others - bound * bound > margin { continue }
                        }
                        pending[pendingCount] = i
                        pendingCount += 1
                        if pendingCount == blockRows { flush() }
                    }
                    flush()
                }
                moved[worker] = movedCount
                recomputed[worker] = recomputedCount
            }
        } } } } } } }
        for w in 0..<workers {
            for i in 0..<(k * columns) { sums.sums[i] += sumDeltas[w * k * columns + i] }
            for j in 0..<k { sums.counts[j] += countDeltas[w * k + j] }
        }
        recomputed = recomputedPerWorker.reduce(0, +)
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
