import Clustering
import TensorCore

/// Exact k nearest neighbours (squared euclidean) of every row among the other rows.
///
/// Rows are compared in blocks: one `sgemm` gives a block's dot products with every row, then
/// each row keeps its k smallest distances in a bounded max-heap (O(n log k) per row, parallel
/// over rows). Cost O(n^2 d) time and O(block n + n k) memory: about 10 s for 70,000 points of
/// 50 dimensions on two cores. A point's duplicates are neighbours at distance 0; the point
/// itself never is.
public struct NeighborGraph: Sendable {
    /// Neighbours per point.
    public let neighborCount: Int
    /// Neighbour indices, `[points, neighborCount]`, nearest first.
    public let indices: [Int32]
    /// Squared distances matching `indices`.
    public let squaredDistances: [Float]

    /// Number of points.
    public var pointCount: Int { indices.count / max(neighborCount, 1) }

    /// The k nearest other rows of each row of `data` (`[n, d]`).
    /// - Throws: `ClusteringError` for non-finite data or `k` outside `1..<n`.
    public init(_ data: Tensor, neighborCount k: Int) throws {
        try DataValidation.requireFiniteMatrix(data)
        let rows = data.shape[0], columns = data.shape[1]
        guard k >= 1 && k < rows else {
            throw ClusteringError.invalidParameter(name: "neighborCount", value: "\(k)", expected: "between 1 and n - 1 = \(rows - 1)")
        }
        let (centered, _, _) = Centering.centered(data)
        let norms = SquaredDistances.rowNorms(centered)
        // Block height: keep the distance block near 32 MB.
        let blockRows = max(16, min(1024, (8 << 20) / max(rows, 1)))
        var indices = [Int32](repeating: 0, count: rows * k)
        var distances = [Float](repeating: 0, count: rows * k)
        var block = [Float](repeating: 0, count: min(blockRows, rows) * rows)
        centered.withUnsafeBufferPointer { x in
            indices.withUnsafeMutableBufferPointer { indexBuffer in
                distances.withUnsafeMutableBufferPointer { distanceBuffer in
                    block.withUnsafeMutableBufferPointer { blockBuffer in
                        let indexOut = SendablePointer(indexBuffer.baseAddress!)
                        let distanceOut = SendablePointer(distanceBuffer.baseAddress!)
                        let dots = SendablePointer(blockBuffer.baseAddress!)
                        for start in stride(from: 0, to: rows, by: blockRows) {
                            let count = min(blockRows, rows - start)
                            SquaredDistances.dotProducts(x: x.baseAddress! + start * columns, rowCount: count,
                                                         y: x.baseAddress!, yCount: rows, columns: columns, output: dots.base,
                                                         overCores: true)
                            Parallel.forEachChunk(count, minimumChunk: 4) { range in
                                norms.withUnsafeBufferPointer { n in
                                    for r in range {
                                        let i = start + r
                                        NeighborGraph.selectNearest(line: dots.base + r * rows, rowNorm: n[i], norms: n,
                                                                    count: rows, skip: i, k: k,
                                                                    outIndices: indexOut.base + i * k,
                                                                    outDistances: distanceOut.base + i * k)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.neighborCount = k
        self.indices = indices
        self.squaredDistances = distances
    }

    /// Keeps the k smallest `rowNorm + norms[j] - 2 line[j]` (j != skip) in a max-heap, then
    /// writes them sorted ascending.
    @inline(__always)
    static func selectNearest(line: UnsafeMutablePointer<Float>, rowNorm: Float, norms: UnsafeBufferPointer<Float>,
                              count: Int, skip: Int, k: Int,
                              outIndices: UnsafeMutablePointer<Int32>, outDistances: UnsafeMutablePointer<Float>) {
        // Distances first (vectorisable), then the heap pass.
        for j in 0..<count {
            let value = rowNorm + norms[j] - 2 * line[j]
            line[j] = value > 0 ? value : 0
        }
        line[skip] = .infinity
        var size = 0
        let heapValues = outDistances, heapIndices = outIndices
        for j in 0..<count {
            let value = line[j]
            if size < k {
                // Sift up.
                var position = size
                size += 1
                while position > 0 {
                    let parent = (position - 1) / 2
                    if heapValues[parent] >= value { break }
                    heapValues[position] = heapValues[parent]; heapIndices[position] = heapIndices[parent]
                    position = parent
                }
                heapValues[position] = value; heapIndices[position] = Int32(j)
            } else if value < heapValues[0] {
                // Replace the root and sift down.
                var position = 0
                while true {
                    let left = 2 * position + 1
                    if left >= k { break }
                    var child = left
                    if left + 1 < k && heapValues[left + 1] > heapValues[left] { child = left + 1 }
                    if heapValues[child] <= value { break }
                    heapValues[position] = heapValues[child]; heapIndices[position] = heapIndices[child]
                    position = child
                }
                heapValues[position] = value; heapIndices[position] = Int32(j)
            }
        }
        // Heap sort in place: ascending order.
        var end = k - 1
        while end > 0 {
            let topValue = heapValues[0], topIndex = heapIndices[0]
            let value = heapValues[end], index = heapIndices[end]
            heapValues[end] = topValue; heapIndices[end] = topIndex
            var position = 0
            while true {
                let left = 2 * position + 1
                if left >= end { break }
                var child = left
                if left + 1 < end && heapValues[left + 1] > heapValues[left] { child = left + 1 }
                if heapValues[child] <= value { break }
                heapValues[position] = heapValues[child]; heapIndices[position] = heapIndices[child]
                position = child
            }
            heapValues[position] = value; heapIndices[position] = index
            end -= 1
        }
    }
}
