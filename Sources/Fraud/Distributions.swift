import Foundation
import TensorCore

/// The few distributions the synthetic generator draws from, on the toolkit's seeded generator.
enum Distributions {
    /// Gamma(shape, 1) by Marsaglia & Tsang (2000); shapes below 1 use the `U^(1/shape)` boost.
    static func gamma(shape: Double, generator: inout RandomGenerator) -> Double {
        if shape < 1 {
            let u = max(generator.uniformDouble(), .leastNormalMagnitude)
            return gamma(shape: shape + 1, generator: &generator) * Foundation.pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat { x = generator.normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = generator.uniformDouble()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if Foundation.log(max(u, .leastNormalMagnitude)) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) { return d * v }
        }
    }

    /// Beta(alpha, beta) as `G_a / (G_a + G_b)`.
    static func beta(_ alpha: Double, _ beta: Double, generator: inout RandomGenerator) -> Double {
        let a = gamma(shape: alpha, generator: &generator)
        let b = gamma(shape: beta, generator: &generator)
        return a / (a + b)
    }

    /// Beta parameters with the given mean and standard deviation on [0, 1] (method of moments).
    /// Nil when no Beta has them (variance >= mean (1 - mean)).
    static func betaParameters(mean: Double, standardDeviation: Double) -> (alpha: Double, beta: Double)? {
        let variance = standardDeviation * standardDeviation
        guard mean > 0, mean < 1, variance > 0 else { return nil }
        let common = mean * (1 - mean) / variance - 1
        guard common > 0 else { return nil }
        return (mean * common, (1 - mean) * common)
    }

    /// Standard normal distribution function.
    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// Its inverse, by bisection (100 halvings of [-40, 40]: exact to double precision).
    static func normalQuantile(_ p: Double) -> Double {
        var low = -40.0, high = 40.0
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if normalCDF(middle) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// A log-normal `exp(mu + sigma Z)` truncated to `(0, maximum]` whose first and third
    /// quartiles *after truncation* are `q1` and `q3`.
    ///
    /// Fixed point: with the truncation mass `P = Phi((ln maximum - mu) / sigma)`, the truncated
    /// quartiles are the untruncated quantiles `0.25 P` and `0.75 P`; solve for (mu, sigma) from
    /// those two quantiles, update P, repeat. Converges in a few dozen steps for the published figures.
    static func truncatedLogNormalFittedToQuartiles(q1: Double, q3: Double, maximum: Double) -> (mu: Double, sigma: Double) {
        let l1 = Foundation.log(q1), l3 = Foundation.log(q3), lMax = Foundation.log(maximum)
        let z75 = normalQuantile(0.75)
        var sigma = (l3 - l1) / (2 * z75)
        var mu = (l1 + l3) / 2
        for _ in 0..<200 {
            let mass = normalCDF((lMax - mu) / sigma)
            let z1 = normalQuantile(0.25 * mass), z3 = normalQuantile(0.75 * mass)
            let newSigma = (l3 - l1) / (z3 - z1)
            let newMu = l1 - newSigma * z1
            if abs(newSigma - sigma) < 1e-12 && abs(newMu - mu) < 1e-12 { break }
            sigma = newSigma; mu = newMu
        }
        return (mu, sigma)
    }
}
