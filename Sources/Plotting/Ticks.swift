import Foundation

/// Tick positions and their labels for one axis.
public struct Ticks: Sendable, Equatable {
    /// Major tick positions in data units, ascending, all inside the axis limits.
    public var values: [Double]
    /// One label per value.
    public var labels: [String]
    /// Unlabelled minor ticks (log axes: 2...9 times each power of ten).
    public var minorValues: [Double] = []

    public init(values: [Double], labels: [String], minorValues: [Double] = []) {
        self.values = values
        self.labels = labels
        self.minorValues = minorValues
    }

    /// "Nice" linear ticks for `lower...upper`: the step is 1, 2 or 5 times a power of ten (2.5 is allowed
    /// too, as matplotlib's MaxNLocator does, when it gives a count nearer the target), chosen so that at
    /// most `maximumCount` ticks fall inside the range. Labels are compact: the fewest decimals that
    /// represent the step exactly (so 0.1 + 0.2 prints as 0.3), and scientific notation ("2.5e6") when the
    /// magnitudes are at least 1e5 or below 1e-3.
    /// With `integersOnly`, steps below 1 are not used (epochs, counts: no tick at epoch 1.5).
    public static func linear(lower: Double, upper: Double, maximumCount: Int = 8, integersOnly: Bool = false) -> Ticks {
        guard lower.isFinite, upper.isFinite else { return Ticks(values: [], labels: []) }
        if upper <= lower {
            return Ticks(values: [lower], labels: [format([lower], step: max(abs(lower), 1))[0]])
        }
        let target = max(2, maximumCount)
        let rawStep = (upper - lower) / Double(target - 1)
        let magnitude = pow(10, floor(log10(rawStep)))
        var step = max(10 * magnitude, integersOnly ? 1 : 0)
        for multiple in [1.0, 2.0, 2.5, 5.0, 10.0] {
            let candidate = multiple * magnitude
            if integersOnly && (candidate < 1 || candidate != candidate.rounded()) { continue }
            let count = Int(floor(upper / candidate + 1e-9) - ceil(lower / candidate - 1e-9)) + 1
            if count <= target { step = candidate; break }
        }
        let first = ceil(lower / step - 1e-9)
        let last = floor(upper / step + 1e-9)
        var values: [Double] = []
        var index = first
        while index <= last {
            // Multiply integers by the step (no accumulation), then snap values like 0.30000000000000004.
            var value = index * step
            if abs(value) < step * 1e-9 { value = 0 }
            values.append(value)
            index += 1
        }
        return Ticks(values: values, labels: format(values, step: step))
    }

    /// Ticks at powers of ten inside `lower...upper` (both positive), labelled "0.01", "1", "100" or
    /// "1e5"; minor ticks at 2...9 times each power. When fewer than two powers fall inside, 2x and 5x
    /// multiples are labelled too.
    public static func logarithmic(lower: Double, upper: Double, maximumCount: Int = 8) -> Ticks {
        guard lower > 0, upper > lower, lower.isFinite, upper.isFinite else {
            return linear(lower: lower, upper: upper, maximumCount: maximumCount)
        }
        let lowExponent = Int(floor(log10(lower) + 1e-9))
        let highExponent = Int(ceil(log10(upper) - 1e-9))
        var major: [Double] = []
        var minor: [Double] = []
        let decades = highExponent - lowExponent
        let stride = max(1, Int(ceil(Double(decades + 1) / Double(max(2, maximumCount)))))
        for exponent in lowExponent...highExponent {
            let power = pow(10, Double(exponent))
            if power >= lower * (1 - 1e-12) && power <= upper * (1 + 1e-12) && (exponent - lowExponent) % stride == 0 {
                major.append(power)
            }
            if stride > 1 {
                // Labels skip decades: the skipped decades are the minor ticks (as matplotlib's
                // LogLocator), not 2...9 of every decade, which would blacken a long axis.
                if power >= lower && power <= upper && (exponent - lowExponent) % stride != 0 { minor.append(power) }
                continue
            }
            for multiple in 2...9 {
                let value = Double(multiple) * power
                if value >= lower && value <= upper { minor.append(value) }
            }
        }
        if major.count < 2 {
            let extra = minor.filter { value in
                let leading = (value / pow(10, floor(log10(value) + 1e-9))).rounded()
                return leading == 2 || leading == 5
            }
            major = (major + extra).sorted()
            minor = minor.filter { !major.contains($0) }
        }
        return Ticks(values: major, labels: major.map(formatLogarithmic), minorValues: minor)
    }

    /// Labels for `values` spaced by `step`. Negative numbers get a typographic minus sign (U+2212), as
    /// matplotlib prints them.
    static func format(_ values: [Double], step: Double) -> [String] {
        let largest = values.map(abs).max() ?? 0
        if largest >= 1e5 || (largest > 0 && largest < 1e-3) {
            // Each value with its own exponent: 2e6, 4e6, ..., 1e7, 1.2e7.
            return values.map { value in
                if value == 0 { return "0" }
                let exponent = Int(floor(log10(abs(value)) + 1e-9))
                let mantissa = value / pow(10, Double(exponent))
                let decimals = min(6, max(0, decimalsNeeded((mantissa * 1e6).rounded() / 1e6)))
                return typographic(trimmed(String(format: "%.\(decimals)f", mantissa)) + "e\(exponent)")
            }
        }
        let decimals = max(0, decimalsNeeded(step))
        return values.map { value in
            let text = String(format: "%.\(decimals)f", value)
            return typographic(text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text)
        }
    }

    /// Replaces ASCII hyphen-minus signs by the minus sign U+2212.
    static func typographic(_ text: String) -> String {
        text.replacingOccurrences(of: "-", with: "\u{2212}")
    }

    /// The fewest decimals that write `step` (and so every multiple of it) exactly, e.g. 2 for 0.25.
    static func decimalsNeeded(_ step: Double) -> Int {
        for decimals in 0...12 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return decimals }
        }
        return 12
    }

    /// A compact label for a tick of a log axis.
    static func formatLogarithmic(_ value: Double) -> String {
        let exponent = Int(floor(log10(value) + 1e-9))
        let leading = (value / pow(10, Double(exponent))).rounded()
        if exponent >= -3 && exponent <= 4 {
            return String(format: "%.\(max(0, -exponent))f", value)
        }
        return typographic(leading == 1 ? "1e\(exponent)" : "\(Int(leading))e\(exponent)")
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }
}
