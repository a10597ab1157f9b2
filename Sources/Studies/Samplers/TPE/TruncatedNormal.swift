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

    /// log(e^x − e^y) for x ≥ y.
    static func logDifference(_ x: Double, _ y: Double) -> Double {
        x + Foundation.log1p(-Foundation.exp(y - x))
    }

    /// Optuna's `_ndtr`: Φ(a) as 0.5 + 0.5 erf(a/√2), without `cdf`'s erfc switch; its
    /// `_log_gauss_mass` uses it for intervals that straddle 0, where neither term is tiny.
    @inline(__always)
    static func cdfByErf(_ a: Double) -> Double { 0.5 + 0.5 * erf(a / 2.0.squareRoot()) }

    /// log(Φ(b) − Φ(a)) for a ≤ b as Optuna's `_log_gauss_mass` computes it: in the left tail by
    /// log Φ, the right tail mirrored onto it, and an interval around 0 as log1p(−Φ(a) − Φ(−b)).
    static func logMass(_ a: Double, _ b: Double) -> Double {
        if b <= 0 { return logDifference(logCDF(b), logCDF(a)) }
        if a > 0 { return logDifference(logCDF(-a), logCDF(-b)) }
        return Foundation.log1p(-cdfByErf(a) - cdfByErf(-b))
    }

    /// NumPy's `logaddexp`.
    static func logAddExp(_ x: Double, _ y: Double) -> Double {
        if x == y { return x + M_LN2 }
        let difference = x - y
        if difference > 0 { return x + Foundation.log1p(Foundation.exp(-difference)) }
        if difference <= 0 { return y + Foundation.log1p(Foundation.exp(difference)) }
        return difference
    }

    /// Optuna's `_truncnorm.ppf`: for each quantile q in [0, 1), the point c of the standard
    /// normal truncated to [a, b] with mass q below it. Inverted by Newton's method on log Φ, with
    /// the iteration count shared by each half of the batch (left: a < 0, right: a ≥ 0), as
    /// Optuna's vectorised loop runs until all of them converge; so a batch gives Optuna's bits.
    static func ppf(_ q: [Double], _ a: [Double], _ b: [Double]) -> [Double] {
        let count = q.count
        var out = [Double](repeating: 0, count: count)
        let left = (0..<count).filter { a[$0] < 0 }
        let right = (0..<count).filter { !(a[$0] < 0) }
        if !left.isEmpty {
            let y = left.map { i in logAddExp(logCDF(a[i]), Foundation.log(q[i]) + logMass(a[i], b[i])) }
            for (i, x) in zip(left, inverseLogCDF(y)) { out[i] = x }
        }
        if !right.isEmpty {
            let y = right.map { i in logAddExp(logCDF(-b[i]), Foundation.log1p(-q[i]) + logMass(a[i], b[i])) }
            for (i, x) in zip(right, inverseLogCDF(y)) { out[i] = -x }
        }
        for i in 0..<count {
            if q[i] == 0 { out[i] = a[i] }
            if q[i] == 1 { out[i] = b[i] }
            if a[i] == b[i] { out[i] = .nan }
        }
        return out
    }

    /// Optuna's `_ndtri_exp`: x with log Φ(x) = y, for a batch that iterates together.
    static func inverseLogCDF(_ y: [Double]) -> [Double] {
        let logC = logNormalizer
        let approximation = 3.0.squareRoot() / Double.pi
        let flipped = y.map { $0 > -1e-2 }
        var z = y
        for i in z.indices where flipped[i] { z[i] = Foundation.log(-Foundation.expm1(y[i])) }
        var x = z.map { z in
            z < -5 ? -(-2.0 * (z + logC)).squareRoot() : -approximation * Foundation.log(Foundation.expm1(-z))
        }
        for _ in 0..<100 {
            var converged = true
            for i in x.indices {
                let logCDFx = logCDF(x[i])
                let logPDFx = -0.5 * (x[i] * x[i]) - logC
                let dx = (logCDFx - z[i]) * Foundation.exp(logCDFx - logPDFx)
                x[i] -= dx
                if !(abs(dx) < 1e-8 * abs(x[i])) { converged = false }
            }
            if converged { break }
        }
        for i in x.indices where flipped[i] { x[i] = -x[i] }
        return x
    }
}
