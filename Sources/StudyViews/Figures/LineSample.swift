import Foundation

/// Which lines a figure draws when there are too many to stroke in time.
///
/// Measured on this 2-core machine (release build, under load): Cairo strokes an antialiased line
/// across the plot in about 0.5-0.7 ms, whether lines are stroked one by one or bundled, so
/// 10,000 lines take 5-6 s. Figures past these limits draw a sample of lines, say so in the title,
/// and keep every trial in their point layers (objective axis, pruned crosses).
enum LineSample {
    /// Parallel coordinates: at most this many trial lines.
    static let parallelLimit = 600
    /// Intermediate values: at most this many learning curves per state.
    static let curveLimit = 1500

    /// From `trials` ordered worst to best: the best quarter of `limit` always, the rest evenly spread
    /// over the remaining ranks (so the colour gradient and the spread of values stay visible).
    static func ranked<T>(_ trials: [T], limit: Int) -> [T] {
        guard trials.count > limit else { return trials }
        let best = limit / 4
        let rest = Array(trials.dropLast(best))
        return spread(rest, limit: limit - best) + trials.suffix(best)
    }

    /// `limit` elements evenly spaced through `items`, in order.
    static func spread<T>(_ items: [T], limit: Int) -> [T] {
        guard items.count > limit, limit > 0 else { return items }
        return (0..<limit).map { items[$0 * items.count / limit] }
    }
}
