import Foundation

/// How data values map to positions along an axis.
public enum Scale: String, Sendable, Equatable, CaseIterable {
    case linear
    /// Base-10 logarithmic; values that are not positive cannot be drawn and are skipped (and counted).
    case logarithmic = "log"

    /// The value in the space where the axis is linear (log10 for `.logarithmic`), or nil when it has none.
    @inlinable func transform(_ value: Double) -> Double? {
        switch self {
        case .linear: return value.isFinite ? value : nil
        case .logarithmic: return value > 0 && value.isFinite ? log10(value) : nil
        }
    }

    func inverse(_ value: Double) -> Double {
        switch self {
        case .linear: return value
        case .logarithmic: return pow(10, value)
        }
    }
}

/// A map from data to pixels for one axis: `lower...upper` (data units) onto `start...end` (pixels).
struct AxisMap: Sendable {
    var scale: Scale
    var lower: Double
    var upper: Double
    var start: Double
    var end: Double

    private var transformedLower: Double { scale.transform(lower) ?? 0 }
    private var transformedUpper: Double { scale.transform(upper) ?? 1 }

    /// The pixel position of `value`, or nil when the scale cannot place it (NaN, non-positive on log).
    func pixel(_ value: Double) -> Double? {
        guard let t = scale.transform(value) else { return nil }
        let a = transformedLower, b = transformedUpper
        let span = b - a
        return start + (span == 0 ? 0.5 : (t - a) / span) * (end - start)
    }

    /// A linear pixel map's coefficients: pixel = offset + factor * value (used in hot loops).
    var linearCoefficients: (offset: Double, factor: Double) {
        let a = transformedLower, b = transformedUpper
        let span = b - a == 0 ? 1 : b - a
        let factor = (end - start) / span
        return (start - a * factor, factor)
    }
}
