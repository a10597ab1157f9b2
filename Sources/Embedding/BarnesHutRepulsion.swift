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
                tree.nodes.withUnsafeBufferPointer { nodes in
                    tree.order.withUnsafeBufferPointer { order in
                        tree.positionInOrder.withUnsafeBufferPointer { positionInOrder in
                            var stack = [Int32](repeating: 0, count: 4 * QuadTree.maximumDepth + 8)
                            stack.withUnsafeMutableBufferPointer { stack in
                                for i in range {
                                    let xi = y[2 * i], yi = y[2 * i + 1]
                                    let ownPosition = positionInOrder[i]
                                    var z = 0.0, fx = 0.0, fy = 0.0
                                    var top = 1
                                    stack[0] = 0
                                    while top > 0 {
                                        top -= 1
                                        let node = nodes[Int(stack[top])]
                                        if node.count == 0 { continue }
                                        let dx = xi - node.massX, dy = yi - node.massY
                                        let distanceSquared = dx * dx + dy * dy
                                        if node.firstChild < 0 {
                                            let start = Int(node.start), end = start + Int(node.count)
                                            if ownPosition >= start && ownPosition < end {
                                                // The leaf holds i itself (with duplicates): sum the others exactly.
                                                for p in start..<end where p != ownPosition {
                                                    let j = Int(order[p])
                                                    let ex = xi - y[2 * j], ey = yi - y[2 * j + 1]
                                                    let w = 1 / (1 + ex * ex + ey * ey)
                                                    z += w; fx += w * w * ex; fy += w * w * ey
                                                }
                                                continue
                                            }
                                        } else if node.width * node.width >= thetaSquared * distanceSquared {
                                            let child = node.firstChild
                                            stack[top] = child; stack[top + 1] = child + 1
                                            stack[top + 2] = child + 2; stack[top + 3] = child + 3
                                            top += 4
                                            continue
                                        }
                                        let w = 1 / (1 + distanceSquared)
                                        let mass = Double(node.count) * w
                                        z += mass
                                        fx += mass * w * dx; fy += mass * w * dy
                                    }
                                    f[2 * i] = fx; f[2 * i + 1] = fy
                                    sums[i] = z
                                }
                            }
                        }
                    }
                }
            }
        }
        return rowSums.reduce(0, +)
    }
}

/// A point-region quadtree over 2-D positions, with each cell's point count and centre of mass.
/// Leaves hold one point, or several when they coincide (or the depth limit is reached).
struct QuadTree: Sendable {
    struct Node: Sendable {
        var massX: Double
        var massY: Double
        /// Side length of the square cell.
        var width: Double
        var count: Int32
        /// First of the cell's points in `order`.
        var start: Int32
        /// Index of the first of four consecutive children, or -1 for a leaf.
        var firstChild: Int32
    }

    var nodes: [Node] = []
    /// Point indices, grouped so that every cell's points are contiguous.
    var order: [Int32]
    /// Where each point sits in `order`.
    var positionInOrder: [Int]

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
        nodes.reserveCapacity(2 * n + 8)
        var scratch = [Int32](repeating: 0, count: n)
        var pending: [(node: Int, x: Double, y: Double, width: Double, start: Int, count: Int, depth: Int)] = []
        nodes.append(QuadTree.node(width: width, start: 0, count: n, order: order, positions: positions))
        pending.append((0, minX, minY, width, 0, n, 0))
        while let item = pending.popLast() {
            guard item.count > 1, item.depth < QuadTree.maximumDepth else { continue }
            let first = Int(order[item.start])
            var identical = true
            for p in (item.start + 1)..<(item.start + item.count) {
                let j = Int(order[p])
                if positions[2 * j] != positions[2 * first] || positions[2 * j + 1] != positions[2 * first + 1] { identical = false; break }
            }
            if identical { continue }
            let half = item.width / 2
            let middleX = item.x + half, middleY = item.y + half
            var counts = (0, 0, 0, 0)
            for p in item.start..<(item.start + item.count) {
                let j = Int(order[p])
                switch (positions[2 * j] >= middleX ? 1 : 0) + (positions[2 * j + 1] >= middleY ? 2 : 0) {
                case 0: counts.0 += 1
                case 1: counts.1 += 1
                case 2: counts.2 += 1
                default: counts.3 += 1
                }
            }
            let starts = (item.start, item.start + counts.0, item.start + counts.0 + counts.1,
                          item.start + counts.0 + counts.1 + counts.2)
            var fill = starts
            for p in item.start..<(item.start + item.count) {
                let j = order[p]
                switch (positions[2 * Int(j)] >= middleX ? 1 : 0) + (positions[2 * Int(j) + 1] >= middleY ? 2 : 0) {
                case 0: scratch[fill.0] = j; fill.0 += 1
                case 1: scratch[fill.1] = j; fill.1 += 1
                case 2: scratch[fill.2] = j; fill.2 += 1
                default: scratch[fill.3] = j; fill.3 += 1
                }
            }
            for p in item.start..<(item.start + item.count) { order[p] = scratch[p] }
            let child = nodes.count
            nodes[item.node].firstChild = Int32(child)
            let childStarts = [starts.0, starts.1, starts.2, starts.3]
            let childCounts = [counts.0, counts.1, counts.2, counts.3]
            for q in 0..<4 {
                nodes.append(QuadTree.node(width: half, start: childStarts[q], count: childCounts[q], order: order, positions: positions))
                pending.append((child + q, item.x + (q & 1 == 1 ? half : 0), item.y + (q & 2 == 2 ? half : 0),
                                half, childStarts[q], childCounts[q], item.depth + 1))
            }
        }
        for (p, j) in order.enumerated() { positionInOrder[Int(j)] = p }
    }

    private static func node(width: Double, start: Int, count: Int, order: [Int32], positions: UnsafeBufferPointer<Double>) -> Node {
        var sumX = 0.0, sumY = 0.0
        for p in start..<(start + count) {
            let j = Int(order[p])
            sumX += positions[2 * j]; sumY += positions[2 * j + 1]
        }
        let scale = count > 0 ? 1 / Double(count) : 0
        return Node(massX: sumX * scale, massY: sumY * scale, width: width, count: Int32(count), start: Int32(start), firstChild: -1)
    }
}
