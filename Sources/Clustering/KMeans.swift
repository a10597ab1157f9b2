import Foundation
import TensorCore

/// k-means clustering: greedy k-means++ seeding and Lloyd iterations, as scikit-learn's
/// `KMeans(algorithm="lloyd")`, by default accelerated with distance bounds (same iterations,
/// see `KMeans.Algorithm`).
///
/// ```swift
/// let result = try KMeans(clusterCount: 10, initializationCount: 10, seed: 0).fit(images)
/// print(result.inertia, result.iterations)
/// let labels = try result.predict(testImages)
/// ```
///
/// Contract (matching scikit-learn 1.x):
/// - Data is centred on its column means before clustering (better Float32 distances) unless
///   the means are already small against the spread (`DataSummary.isNearlyCentered`); the
///   centroids returned are in the original coordinates.
/// - Each run stops when the labels no longer change ("strict convergence") or when the summed
///   squared centre shift is at most `tolerance * mean(per-feature variance)`; after a stop by
///   tolerance the labels are recomputed once from the final centres.
/// - An empty cluster is re-seeded at the point farthest from its own centre.
/// - `initializationCount` runs from different seedings; the lowest inertia wins.
/// - `.lloyd` costs O(n k d) per iteration: one `sgemm` per block of 256 rows, the block then
///   summed into its clusters while still in cache, so the data is read once per iteration (both
///   cores). `.elkan` does the same work only for the points its bounds cannot settle (all of
///   them in the first iteration, typically a few percent once the centres settle) plus O(n + k^2 d).
public struct KMeans: Sendable {
    /// Number of clusters k.
    public var clusterCount: Int
    /// Independent seedings (`n_init`); the run with the lowest inertia is kept.
    public var initializationCount: Int
    /// Maximum Lloyd iterations per run (`max_iter`, 300 in scikit-learn).
    public var maximumIterations: Int
    /// Relative tolerance on the centre shift (`tol`, 1e-4 in scikit-learn).
    public var tolerance: Double
    /// Seed of every random choice.
    public var seed: UInt64
    /// Progress on stderr: `nil` shows it when stderr is a terminal.
    public var showsProgress: Bool?
    /// How the iterations are computed; `.elkan` (the default) and `.lloyd` give the same result.
    /// `.elkan` keeps k + 1 Doubles per point and falls back to `.lloyd` when they would exceed 512 MB.
    public var algorithm: Algorithm

    public init(clusterCount: Int, initializationCount: Int = 1, maximumIterations: Int = 300,
                tolerance: Double = 1e-4, seed: UInt64 = 0, showsProgress: Bool? = nil,
                algorithm: Algorithm = .elkan) {
        self.clusterCount = clusterCount
        self.initializationCount = initializationCount
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
        self.seed = seed
        self.showsProgress = showsProgress
        self.algorithm = algorithm
    }

    /// Clusters the rows of `data` (`[samples, features]`).
    /// - Throws: `ClusteringError` for non-finite values, bad hyper-parameters, or k larger than
    ///   the number of (distinct) points.
    public func fit(_ data: Tensor) throws -> KMeansResult {
        let summary = try DataSummary(data)
        let rows = data.shape[0], columns = data.shape[1]
        guard clusterCount >= 1 else {
            throw ClusteringError.invalidParameter(name: "clusterCount", value: "\(clusterCount)", expected: "at least 1")
        }
        guard clusterCount <= rows else {
            throw ClusteringError.tooFewPoints(requested: clusterCount, available: rows, what: "points")
        }
        guard initializationCount >= 1 else {
            throw ClusteringError.invalidParameter(name: "initializationCount", value: "\(initializationCount)", expected: "at least 1")
        }
        guard maximumIterations >= 1 else {
            throw ClusteringError.invalidParameter(name: "maximumIterations", value: "\(maximumIterations)", expected: "at least 1")
        }
        guard tolerance >= 0, tolerance.isFinite else {
            throw ClusteringError.invalidParameter(name: "tolerance", value: "\(tolerance)", expected: "a finite number >= 0")
        }
        let progress = ProgressLine(enabled: showsProgress)
        defer { progress.finish() }

        // Centre the data unless its column means are already small against its spread (then
        // the centred copy, a tenth of a second for MNIST's 70k rows, buys no precision worth
        // having); the tolerance is scaled by the mean per-feature variance.
        let means = summary.isNearlyCentered ? [Double](repeating: 0, count: columns) : summary.means
        let centered = summary.isNearlyCentered ? data : Centering.subtracting(means, from: data)
        let absoluteTolerance = tolerance * summary.meanVariance
        let norms = summary.isNearlyCentered ? summary.rowNorms : SquaredDistances.rowNorms(centered)
        var generator = RandomGenerator(seed: seed)
        var best: LloydRun?
        for run in 0..<initializationCount {
            let seeds = try centered.withUnsafeBufferPointer {
                try KMeansPlusPlus.chooseCenters($0, rows: rows, columns: columns, norms: norms,
                                                 clusterCount: clusterCount, generator: &generator)
            }
            var initial = [Float](repeating: 0, count: clusterCount * columns)
            centered.withUnsafeBufferPointer { p in
                for (j, index) in seeds.enumerated() {
                    for c in 0..<columns { initial[j * columns + c] = p[index * columns + c] }
                }
            }
            let report: (Int, String) -> Void = { iteration, state in
                progress.update("k-means run \(run + 1)/\(initializationCount): iteration \(iteration), \(state)"
                                + (best.map { String(format: " (best inertia %.6g)", $0.inertia) } ?? ""))
            }
            // The bounds take k + 1 Doubles per point; beyond 512 MB plain Lloyd (same result) runs.
            let algorithm = rows * (clusterCount + 1) * 8 > 512 << 20 ? .lloyd : self.algorithm
            let result = centered.withUnsafeBufferPointer { data in
                switch algorithm {
                case .lloyd:
                    KMeans.lloyd(data, rows: rows, columns: columns, norms: norms, centers: initial, clusterCount: clusterCount,
                                 maximumIterations: maximumIterations, tolerance: absoluteTolerance, progress: report)
                case .elkan:
                    KMeans.bounded(data, rows: rows, columns: columns, norms: norms, centers: initial, clusterCount: clusterCount,
                                   maximumIterations: maximumIterations, tolerance: absoluteTolerance, progress: report)
                }
            }
            if best == nil || result.inertia < best!.inertia { best = result }
        }
        let winner = best!
        var centroids = winner.centers
        for j in 0..<clusterCount {
            for c in 0..<columns { centroids[j * columns + c] += Float(means[c]) }
        }
        return KMeansResult(centroids: Tensor(shape: [clusterCount, columns], elements: centroids),
                            labels: winner.labels.map(Int.init), inertia: winner.inertia,
                            iterations: winner.iterations, converged: winner.converged)
    }

    /// One Lloyd run's outcome (centred coordinates).
    struct LloydRun {
        var centers: [Float]
        var labels: [Int32]
        var inertia: Double
        var iterations: Int
        var converged: Bool
    }

    /// Lloyd iterations from `centers`, as scikit-learn's `_kmeans_single_lloyd`.
    static func lloyd(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int, norms: [Float],
                      centers initial: [Float], clusterCount k: Int, maximumIterations: Int, tolerance: Double,
                      progress: (Int, String) -> Void) -> LloydRun {
        var centers = initial
        var labels = [Int32](repeating: 0, count: rows)
        var previous = [Int32](repeating: -1, count: rows)
        var distances = [Float](repeating: 0, count: rows)
        var iterations = 0
        var strictConvergence = false
        var toleranceConvergence = false
        for iteration in 0..<maximumIterations {
            let sums = labels.withUnsafeMutableBufferPointer { l in
                distances.withUnsafeMutableBufferPointer { d in
                    NearestCenter.assign(data, rows: rows, columns: columns, norms: norms, centers: centers,
                                         clusterCount: k, labels: l, distances: d, accumulate: true)!
                }
            }
            let updated = updatedCenters(data, columns: columns, labels: labels, distances: distances,
                                         sums: sums, clusterCount: k, previous: centers)
            var shift = 0.0
            for i in 0..<centers.count { let d = Double(updated[i] - centers[i]); shift += d * d }
            centers = updated
            iterations = iteration + 1
            progress(iterations, String(format: "inertia %.6g", distances.reduce(0.0) { $0 + Double($1) }))
            if labels == previous { strictConvergence = true; break }
            if shift <= tolerance { toleranceConvergence = true; break }
            previous = labels
        }
        if !strictConvergence {
            labels.withUnsafeMutableBufferPointer { l in
                distances.withUnsafeMutableBufferPointer { d in
                    _ = NearestCenter.assign(data, rows: rows, columns: columns, norms: norms, centers: centers,
                                             clusterCount: k, labels: l, distances: d)
                }
            }
        }
        let inertia = labels.withUnsafeBufferPointer {
            NearestCenter.exactInertia(data, rows: rows, columns: columns, centers: centers, labels: $0)
        }
        return LloydRun(centers: centers, labels: labels, inertia: inertia, iterations: iterations,
                        converged: strictConvergence || toleranceConvergence)
    }

    /// Lloyd iterations from `centers` with Elkan's and Hamerly's bounds: the same labels, centres, iteration
    /// count and stopping rule as `lloyd` (see `DistanceBounds` for why and for the one caveat).
    static func bounded(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int, norms: [Float],
                        centers initial: [Float], clusterCount k: Int, maximumIterations: Int, tolerance: Double,
                        progress: (Int, String) -> Void) -> LloydRun {
        let bounds = DistanceBounds(rows: rows, columns: columns, clusterCount: k,
                                    sparse: SparseRows(data, rows: rows, columns: columns))
        var centers = initial
        var shifts = [Double](repeating: 0, count: k)
        var iterations = 0
        var strictConvergence = false
        var toleranceConvergence = false
        for iteration in 0..<maximumIterations {
            let moved = bounds.assign(data, norms: norms, centers: centers, shifts: shifts)
            var distances: [Float] = []
            if bounds.sums.counts.contains(0) {
                // Re-seeding an empty cluster needs every point's distance to its centre, which
                // the bounds do not hold: one full pass (rare). Its labels equal the bounds' ones.
                distances = [Float](repeating: 0, count: rows)
                var check = [Int32](repeating: 0, count: rows)
                check.withUnsafeMutableBufferPointer { l in
                    distances.withUnsafeMutableBufferPointer { d in
                        _ = NearestCenter.assign(data, rows: rows, columns: columns, norms: norms, centers: centers,
                                                 clusterCount: k, labels: l, distances: d)
                    }
                }
            }
            let updated = updatedCenters(data, columns: columns, labels: bounds.labels, distances: distances,
                                         sums: bounds.sums, clusterCount: k, previous: centers)
            var shiftTotal = 0.0
            for j in 0..<k {
                var total = 0.0
                for c in 0..<columns {
                    let d = Double(updated[j * columns + c]) - Double(centers[j * columns + c]); total += d * d
                }
                shifts[j] = total.squareRoot()
                shiftTotal += total
            }
            centers = updated
            iterations = iteration + 1
            progress(iterations, "\(moved) labels changed, \(bounds.tightened) rows read, \(bounds.recomputed) recomputed")
            if moved == 0 { strictConvergence = true; break }
            if shiftTotal <= tolerance { toleranceConvergence = true; break }
        }
        if !strictConvergence {
            _ = bounds.assign(data, norms: norms, centers: centers, shifts: shifts)
        }
        let labels = bounds.labels
        let inertia = labels.withUnsafeBufferPointer {
            NearestCenter.exactInertia(data, rows: rows, columns: columns, centers: centers, labels: $0)
        }
        return LloydRun(centers: centers, labels: labels, inertia: inertia, iterations: iterations,
                        converged: strictConvergence || toleranceConvergence)
    }

    /// The M-step: means of the assigned points, with empty clusters re-seeded at the points
    /// farthest from their centres (scikit-learn's `_relocate_empty_clusters_dense`).
    static func updatedCenters(_ data: UnsafeBufferPointer<Float>, columns: Int, labels: [Int32],
                               distances: [Float], sums assigned: NearestCenter.Sums, clusterCount k: Int,
                               previous: [Float]) -> [Float] {
        let rows = labels.count
        var sums = assigned.sums
        var counts = assigned.counts
        let empty = (0..<k).filter { counts[$0] == 0 }
        if !empty.isEmpty {
            // The points farthest from their centres, farthest first.
            let farthest = (0..<rows).sorted { distances[$0] > distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
                .prefix(empty.count)
            for (newCluster, point) in zip(empty, farthest) {
                let oldCluster = Int(labels[point])
                for c in 0..<columns {
                    let value = Double(data[point * columns + c])
                    sums[oldCluster * columns + c] -= value
                    sums[newCluster * columns + c] = value
                }
                counts[oldCluster] -= 1
                counts[newCluster] = 1
            }
        }
        var centers = previous
        for j in 0..<k where counts[j] > 0 {
            let scale = 1 / Double(counts[j])
            for c in 0..<columns { centers[j * columns + c] = Float(sums[j * columns + c] * scale) }
        }
        return centers
    }
}
