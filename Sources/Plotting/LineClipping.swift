/// Clips polylines to a rectangle (Liang-Barsky per segment), so that what reaches Cairo stays within
/// coordinates it can represent, whatever the data and the axis limits.
enum LineClipping {
    /// The visible pieces of `points` (nil entries break the line) inside `bounds`, as runs separated by nil.
    static func clip(_ points: [(Double, Double)?], to bounds: Rect) -> [(Double, Double)?] {
        var result: [(Double, Double)?] = []
        result.reserveCapacity(points.count + 8)
        var previous: (Double, Double)? = nil
        var lastEmitted: (Double, Double)? = nil
        for point in points {
            guard let current = point else { previous = nil; if lastEmitted != nil { result.append(nil); lastEmitted = nil }; continue }
            defer { previous = current }
            guard let start = previous else {
                // A lone first point: kept only if inside (it may be a single-point line).
                if bounds.contains(current.0, current.1) && points.count == 1 { result.append(current) }
                continue
            }
            guard let (a, b) = segment(start, current, bounds) else {
                if lastEmitted != nil { result.append(nil); lastEmitted = nil }
                continue
            }
            if let last = lastEmitted, last.0 == a.0, last.1 == a.1 {
                result.append(b)
            } else {
                if lastEmitted != nil { result.append(nil) }
                result.append(a)
                result.append(b)
            }
            lastEmitted = b
        }
        return result
    }

    /// The part of segment p-q inside `bounds`, or nil.
    static func segment(_ p: (Double, Double), _ q: (Double, Double), _ bounds: Rect) -> ((Double, Double), (Double, Double))? {
        let dx = q.0 - p.0, dy = q.1 - p.1
        var low = 0.0, high = 1.0
        for (denominator, numerator) in [(-dx, p.0 - bounds.minX), (dx, bounds.maxX - p.0), (-dy, p.1 - bounds.minY), (dy, bounds.maxY - p.1)] {
            if denominator == 0 {
                if numerator < 0 { return nil }
            } else {
                let t = numerator / denominator
                if denominator < 0 { low = max(low, t) } else { high = min(high, t) }
                if low > high { return nil }
            }
        }
        return ((p.0 + low * dx, p.1 + low * dy), (p.0 + high * dx, p.1 + high * dy))
    }
}
