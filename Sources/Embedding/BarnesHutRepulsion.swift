import TensorCore

/// Barnes-Hut repulsion (van der Maaten 2014): a quadtree over the embedding, and for each
/// point every cell that looks small from it (`width / distance < theta`) acts as one body at
/// its centre of mass. O(n log n) per iteration; theta 0.5 as scikit-learn's default.
struct BarnesHutRepulsion: Repulsion {
    var theta: Double

    mutating func repulsion(positions: UnsafeBufferPointer<Double>, forces: UnsafeMutableBufferPointer<Double>) -> Double {
        let n = positions.count / 2
        let tree = QuadTree(positions: positions)
        var rowSums = [Double](repeating: 0, count: n)
        let y = SendablePointer(UnsafeMutablePointer(mutating: positions.baseAddress!))
        let f = SendablePointer(forces.baseAddress!)
        let thetaSquared = theta * theta
        rowSums.withUnsafeMutableBufferPointer { sumsBuffer in
            let sums = SendablePointer(sumsBuffer.baseAddress!)
            Parallel.forEachChunk(n, minimumChunk: 128) { range in
                var stack = [Int32](repeating: 0, count: 4 * 64 + 8)
                for i in range {
                    let xi = y[2 * i], yi = y[2 * i + 1]
                    var z = 0.0, fx = 0.0, fy = 0.0
                    var top = 1
                    stack[0] = 0
                    while top > 0 {
                        top -= 1
                        let node = Int(stack[top])
                        let count = tree.counts[node]
                        if count == 0 { continue }
                        let dx = xi - tree.massX[node], dy = yi - tree.massY[node]
                        let distanceSquared = dx * dx + dy * dy
                        let child = tree.firstChild[node]
                        if child < 0 {
                            let start = Int(tree.starts[node]), end = Int(tree.starts[node] + count)
                            if tree.positionInOrder[i] >= start && tree.positionInOrder[i] < end {
                                // The leaf holds i itself (with duplicates): sum the others exactly.
                                for p in start..<end {
                                    let j = Int(tree.order[p])
                                    if j == i { continue }
                                    let ex = xi - y[2 * j], ey = yi - y[2 * j + 1]
                                    let w = 1 / (1 + ex * ex + ey * ey)
                                    z += w; fx += w * w * ex; fy += w * w * ey
                                }
                                continue
                            }
                        } else if tree.widths[node] * tree.widths[node] >= thetaSquared * distanceSquared {
                            for c in 0..<4 { stack[top] = child + Int32(c); top += 1 }
                            continue
                        }
                        let w = 1 / (1 + distanceSquared)
                        let mass = Double(count) * w
                        z += mass
                        fx += mass * w * dx; fy += mass * w * dy
                    }
                    f[2 * i] = fx; f[2 * i + 1] = fy
                    sums[i] = z
                }
            }
        }
        return rowSums.reduce(0, +)
    }
}

/// A point-region quadtree over 2-D positions, with each cell's point count and centre of mass.
/// Leaves hold one point, or several when they coincide (or the depth limit is reached).
struct QuadTree: Sendable {
    /// Point indices, grouped so that every cell's points are contiguous.
    var order: [Int32]
    /// Where each point sits in `order`.
    var positionInOrder: [Int]
    var massX: [Double] = []
    var massY: [Double] = []
    var counts: [Int32] = []
    var starts: [Int32] = []
    var widths: [Double] = []
    /// Index of the first of four consecutive children, or -1 for a leaf.
    var firstChild: [Int32] = []

    static let maximumDepth = 48

    init(positions: UnsafeBufferPointer<Double>) {
        let n = positions.count / 2
        order = (0..<n).map(Int32.init)
        positionInOrder = [Int](repeating: 0, count: n)
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = min(minX, positions[2 * i]); maxX = max(maxX, positions[2 * i])
            minY = min(minY, positions[2 * i + 1]); maxY = max(maxY, positions[2 * i + 1])
        }
        let width = max(maxX - minX, maxY - minY, 1e-12) * (1 + 1e-6)
        let capacity = 4 * n + 8
        massX.reserveCapacity(capacity); massY.reserveCapacity(capacity); counts.reserveCapacity(capacity)
        starts.reserveCapacity(capacity); widths.reserveCapacity(capacity); firstChild.reserveCapacity(capacity)
        var scratch = [Int32](repeating: 0, count: n)
        // Work items: node, cell origin, width, start, count, depth.
        var pending: [(node: Int, x: Double, y: Double, width: Double, start: Int, count: Int, depth: Int)] = []
        appendNode(width: width, start: 0, count: n, positions: positions)
        pending.append((0, minX, minY, width, 0, n, 0))
        while let item = pending.popLast() {
            guard item.count > 1, item.depth < QuadTree.maximumDepth else { continue }
            // All points at one position: keep as a leaf.
            let first = Int(order[item.start])
            var identical = true
            for p in (item.start + 1)..<(item.start + item.count) {
                let j = Int(order[p])
                if positions[2 * j] != positions[2 * first] || positions[2 * j + 1] != positions[2 * first + 1] { identical = false; break }
            }
            if identical { continue }
            let half = item.width / 2
            let middleX = item.x + half, middleY = item.y + half
            var quadrantCounts = [0, 0, 0, 0]
            @inline(__always) func quadrant(_ j: Int) -> Int {
                (positions[2 * j] >= middleX ? 1 : 0) + (positions[2 * j + 1] >= middleY ? 2 : 0)
            }
            for p in item.start..<(item.start + item.count) { quadrantCounts[quadrant(Int(order[p]))] += 1 }
            var offsets = [item.start, 0, 0, 0]
            for q in 1..<4 { offsets[q] = offsets[q - 1] + quadrantCounts[q - 1] }
            let childStarts = offsets
            for p in item.start..<(item.start + item.count) {
                let j = order[p]
                let q = quadrant(Int(j))
                scratch[offsets[q]] = j; offsets[q] += 1
            }
            for p in item.start..<(item.start + item.count) { order[p] = scratch[p] }
            let child = counts.count
            firstChild[item.node] = Int32(child)
            for q in 0..<4 {
                appendNode(width: half, start: childStarts[q], count: quadrantCounts[q], positions: positions)
                pending.append((child + q, item.x + (q & 1 == 1 ? half : 0), item.y + (q & 2 == 2 ? half : 0),
                                half, childStarts[q], quadrantCounts[q], item.depth + 1))
            }
        }
        for (p, j) in order.enumerated() { positionInOrder[Int(j)] = p }
    }

    private mutating func appendNode(width: Double, start: Int, count: Int, positions: UnsafeBufferPointer<Double>) {
        var sumX = 0.0, sumY = 0.0
        for p in start..<(start + count) {
            let j = Int(order[p])
            sumX += positions[2 * j]; sumY += positions[2 * j + 1]
        }
        let scale = count > 0 ? 1 / Double(count) : 0
        massX.append(sumX * scale); massY.append(sumY * scale)
        counts.append(Int32(count)); starts.append(Int32(start)); widths.append(width); firstChild.append(-1)
    }
}
