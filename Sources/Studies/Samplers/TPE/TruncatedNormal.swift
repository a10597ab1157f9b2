import Foundation
import TensorCore

/// The standard normal's CDF and the log of its mass over an interval, computed as Optuna's
/// `samplers/_tpe/_truncnorm.py` computes them (`_ndtr_single`, `_log_ndtr_single`,
/// `_log_gauss_mass`), so TPE's densities agree with Optuna's to rounding, far into the tails.
enum Gaussian {
    static let logNormalizer = 0.5 * Foundation.log(2 * Double.pi)   // log sqrt(2 pi)

    /// Φ(a), with erf near 0 and erfc in the tails (no cancellation).
    static func cdf(_ a: Double) -> Double {
        let x = a / 2.0.squareRoot()
        if x < -1 / 2.0.squareRoot() { return 0.5 * erfc(-x) }
        if x < 1 / 2.0.squareRoot() { return 0.5 + 0.5 * erf(x) }
        return 1 - 0.5 * erfc(x)
    }

    /// log Φ(a): -Φ(-a) above 6, the direct log down to -20, the asymptotic series below.
    static func logCDF(_ a: Double) -> Double {
        if a > 6 { return -cdf(-a) }
        if a > -20 { return Foundation.log(cdf(a)) }
        let logLeft = -0.5 * a * a - Foundation.log(-a) - logNormalizer
        var lastTotal = 0.0, total = 1.0, numerator = 1.0, denominatorFactor = 1.0
        let denominatorStep = 1 / (a * a)
        var sign = 1.0, i = 0.0
        while abs(lastTotal - total) > Double.ulpOfOne {
            i += 1
            lastTotal = total
            sign = -sign
            denominatorFactor *= denominatorStep
            numerator *= 2 * i - 1
            total += sign * numerator * denominatorFactor
        }
        return logLeft + Foundation.log(total)
    }

    /// log(Φ(b) − Φ(a)) for a ≤ b, stable on either tail (Optuna's three cases).
    static func logMass(_ a: Double, _ b: Double) -> Double {
        if b <= 0 { return logDifference(logCDF(b), logCDF(a)) }
        if a > 0 { return logDifference(logCDF(-a), logCDF(-b)) }
        return Foundation.log1p(-cdf(a) - cdf(-b))
    }

    /// log(e^x − e^y) for x ≥ y.
    static func logDifference(_ x: Double, _ y: Double) -> Double {
        x + Foundation.log1p(-Foundation.exp(y - x))
    }

    /// Φ(b) − Φ(a) for a bin that lies in the body of the normal (|a|, |b| < 5), where the
    /// difference of two erfs loses nothing that matters (relative error ~1e-10 at worst); the
    /// TPE hot loop uses it, and `logMass` everywhere else.
    @inline(__always)
    static func bodyMass(_ a: Double, _ b: Double) -> Double {
        0.5 * (erf(b * 0.7071067811865476) - erf(a * 0.7071067811865476))
    }

    /// A draw from the standard normal truncated to [a, b], by rejection (the kernels TPE draws
    /// from keep at least ~1/3 of their mass inside the bounds: their centres lie inside and their
    /// widths are clipped to at most the range), falling back to the inverse CDF by bisection.
    static func truncatedSample(_ a: Double, _ b: Double, using generator: inout RandomGenerator) -> Double {
        for _ in 0..<256 {
            let z = generator.normal()
            if z >= a && z <= b { return z }
        }
        // Far in a tail: invert Φ on [a, b] by bisection in log space.
        let u = generator.uniformDouble()
        let logTarget = logMass(a, b) + Foundation.log(max(u, .leastNormalMagnitude))
        var low = a, high = b
        for _ in 0..<200 {
            let mid = 0.5 * (low + high)
            if logMass(a, mid) < logTarget { low = mid } else { high = mid }
        }
        return 0.5 * (low + high)
    }
}
