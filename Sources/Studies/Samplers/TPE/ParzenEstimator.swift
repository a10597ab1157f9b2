import Foundation
import TensorCore

/// A Parzen (kernel density) estimator over a search space, as Optuna 5.1's `_ParzenEstimator`:
/// one kernel per observation plus a prior kernel, combined as a mixture of products (each kernel
/// a product over the parameters), which is what multivariate TPE models.
///
/// Per parameter, as Optuna's `_calculate_numerical_distributions` and
/// `_calculate_categorical_distributions` build them:
/// - numbers: a normal kernel at each observation (in log space for log parameters), truncated
///   to [low, high] (widened by half a step for discrete parameters: every int, and floats with a
///   step). Its width is the larger gap to its sorted neighbours, the range ends counting as
///   neighbours except for the outermost kernels (`consider_endpoints=False`), clipped to
///   [range / min(100, kernels + 1), range] (the "magic clip"); the prior kernel sits mid-range
///   with the range as width. A discrete parameter's density is the kernel's mass over the value's
///   bin.
/// - categoricals: each kernel puts `priorWeight / kernels` on every choice plus 1 on its observed
///   choice, normalised; the prior kernel is uniform.
/// Kernel weights are `weights(n)` for the observations and `priorWeight` for the prior,
/// normalised.
struct ParzenEstimator {
    enum Kernels {
        /// probabilities[k * choiceCount + c]
        case categorical(probabilities: [Double], choiceCount: Int)
        /// Bounds in the transformed (log, for log parameters) space the kernels live in.
        case numerical(mus: [Double], sigmas: [Double], low: Double, high: Double, log: Bool,
                       step: Double?, valueLow: Double, valueHigh: Double)
    }

    let distributions: [Distribution]
    /// Normalised kernel weights; the prior kernel is last.
    let weights: [Double]
    let kernels: [Kernels]

    /// - Parameters:
    ///   - observations: one column of internal values per parameter, all of equal length.
    ///   - weights: the observations' weights (before the prior's is appended), or `nil` for
    ///     Optuna's `default_weights`.
    init(observations: [[Double]], distributions: [Distribution], priorWeight: Double = 1,
         magicClip: Bool = true, endpoints: Bool = false, weights: [Double]? = nil) {
        let n = observations.first?.count ?? 0
        self.distributions = distributions
        var w = weights ?? Self.defaultWeights(n)
        if n == 0 { w = [1] } else { w.append(priorWeight) }
        let total = w.reduce(0, +)
        self.weights = w.map { $0 / total }
        kernels = zip(observations, distributions).map { column, distribution in
            switch distribution {
            case .categorical(let d):
                return Self.categorical(column, choiceCount: d.choices.count, priorWeight: priorWeight)
            case .float(let d):
                return Self.numerical(column, low: d.low, high: d.high, log: d.log, step: d.step,
                                      magicClip: magicClip, endpoints: endpoints)
            case .int(let d):
                return Self.numerical(column, low: Double(d.low), high: Double(d.high), log: d.log,
                                      step: Double(d.step), magicClip: magicClip, endpoints: endpoints)
            }
        }
    }

    /// Optuna's `default_weights`: 1 for up to 25 observations; beyond, a ramp from 1/n to 1
    /// over the oldest n − 25 and 1 for the newest 25.
    static func defaultWeights(_ n: Int) -> [Double] {
        if n == 0 { return [] }
        if n < 25 { return Array(repeating: 1, count: n) }
        let rampCount = n - 25
        var result = [Double]()
        result.reserveCapacity(n)
        let start = 1 / Double(n)
        for i in 0..<rampCount {
            // numpy.linspace(1/n, 1, num=n-25)
            result.append(rampCount == 1 ? start : start + (1 - start) * Double(i) / Double(rampCount - 1))
        }
        result.append(contentsOf: repeatElement(1, count: 25))
        return result
    }

    private static func categorical(_ column: [Double], choiceCount: Int, priorWeight: Double) -> Kernels {
        if column.isEmpty {
            return .categorical(probabilities: Array(repeating: 1 / Double(choiceCount), count: choiceCount), choiceCount: choiceCount)
        }
        let kernelCount = column.count + 1
        var p = Array(repeating: priorWeight / Double(kernelCount), count: kernelCount * choiceCount)
        for (k, value) in column.enumerated() { p[k * choiceCount + Int(value)] += 1 }
        for k in 0..<kernelCount {
            let row = k * choiceCount
            var sum = 0.0
            for c in 0..<choiceCount { sum += p[row + c] }
            if sum == 0 { sum = 1 }
            for c in 0..<choiceCount { p[row + c] /= sum }
        }
        return .categorical(probabilities: p, choiceCount: choiceCount)
    }

    private static func numerical(_ column: [Double], low valueLow: Double, high valueHigh: Double, log: Bool,
                                  step: Double?, magicClip: Bool, endpoints: Bool) -> Kernels {
        var low = valueLow, high = valueHigh
        if let step {
            low -= step / 2
            high += step / 2
        }
        var mus = column
        if log {
            mus = mus.map { Foundation.log($0) }
            low = Foundation.log(low)
            high = Foundation.log(high)
        }
        let n = mus.count
        var sigmas = [Double](repeating: 0, count: n)
        if n > 0 {
            let order = mus.indices.sorted { mus[$0] < mus[$1] }
            // Sorted centres with the range ends around them.
            var sorted = [Double](repeating: 0, count: n + 2)
            sorted[0] = low
            for (i, index) in order.enumerated() { sorted[i + 1] = mus[index] }
            sorted[n + 1] = high
            var sortedSigmas = [Double](repeating: 0, count: n)
            for i in 1...n {
                let leftGap: Double = sorted[i] - sorted[i - 1]
                let rightGap: Double = sorted[i + 1] - sorted[i]
                sortedSigmas[i - 1] = max(leftGap, rightGap)
            }
            if !endpoints && n >= 2 {
                sortedSigmas[0] = sorted[2] - sorted[1]
                sortedSigmas[n - 1] = sorted[n] - sorted[n - 1]
            }
            let maximum = high - low
            let clipCount: Double = min(100, 1 + Double(n + 1))
            let minimum: Double = magicClip ? maximum / clipCount : 1e-12
            for (i, index) in order.enumerated() { sigmas[index] = min(max(sortedSigmas[i], minimum), maximum) }
        }
        mus.append(0.5 * (low + high))
        sigmas.append(high - low)
        return .numerical(mus: mus, sigmas: sigmas, low: low, high: high, log: log, step: step,
                          valueLow: valueLow, valueHigh: valueHigh)
    }

    // MARK: Sampling

    /// `count` draws from the mixture, as rows of internal values (one per parameter).
    func sample(count: Int, using generator: inout RandomGenerator) -> [[Double]] {
        var cumulative = [Double](repeating: 0, count: weights.count)
        var running = 0.0
        for (k, w) in weights.enumerated() {
            running += w
            cumulative[k] = running
        }
        var rows: [[Double]] = []
        rows.reserveCapacity(count)
        for _ in 0..<count {
            let u = generator.uniformDouble() * running
            var active = 0
            while active < cumulative.count - 1 && cumulative[active] <= u { active += 1 }
            rows.append(kernels.map { Self.draw(from: $0, kernel: active, using: &generator) })
        }
        return rows
    }

    private static func draw(from kernels: Kernels, kernel k: Int, using generator: inout RandomGenerator) -> Double {
        switch kernels {
        case .categorical(let p, let choiceCount):
            let u = generator.uniformDouble()
            var cumulative = 0.0
            for c in 0..<choiceCount {
                cumulative += p[k * choiceCount + c]
                if u < cumulative { return Double(c) }
            }
            return Double(choiceCount - 1)
        case .numerical(let mus, let sigmas, let low, let high, let log, let step, let valueLow, let valueHigh):
            let mu = mus[k], sigma = sigmas[k]
            var x = mu + sigma * Gaussian.truncatedSample((low - mu) / sigma, (high - mu) / sigma, using: &generator)
            if log { x = Foundation.exp(x) }
            if let step {
                x = min(max(valueLow + ((x - valueLow) / step).rounded(.toNearestOrEven) * step, valueLow), valueHigh)
            } else {
                x = min(max(x, valueLow), valueHigh)
            }
            return x
        }
    }

    // MARK: Density

    /// The log density of the mixture at each row of internal values (Optuna's `log_pdf`, with
    /// continuous densities taken in the transformed space, as Optuna takes them: the log
    /// Jacobian is the same under both TPE estimators and cancels in their ratio).
    func logDensity(_ rows: [[Double]]) -> [Double] {
        let kernelCount = weights.count
        // Per kernel: log weight, minus each continuous kernel's log normaliser and log sigma, and
        // each discrete kernel's log mass inside the bounds.
        var constant = weights.map { Foundation.log($0) }
        for case .numerical(let mus, let sigmas, let low, let high, _, let step, _, _) in kernels {
            for k in 0..<kernelCount {
                let a = (low - mus[k]) / sigmas[k], b = (high - mus[k]) / sigmas[k]
                constant[k] -= Gaussian.logMass(a, b)
                if step == nil { constant[k] -= Foundation.log(sigmas[k]) + Gaussian.logNormalizer }
            }
        }
        let logProbabilities: [[Double]] = kernels.map {
            if case .categorical(let p, _) = $0 { return p.map { Foundation.log($0) } } else { return [] }
        }
        var result = [Double](repeating: 0, count: rows.count)
        var exponent = [Double](repeating: 0, count: kernelCount)
        var discreteMass = [Double](repeating: 1, count: kernelCount)
        for (r, row) in rows.enumerated() {
            for k in 0..<kernelCount { exponent[k] = constant[k]; discreteMass[k] = 1 }
            var hasDiscrete = false
            for (p, kernels) in self.kernels.enumerated() {
                let x = row[p]
                switch kernels {
                case .categorical(_, let choiceCount):
                    let c = Int(x)
                    logProbabilities[p].withUnsafeBufferPointer { logProbability in
                        for k in 0..<kernelCount { exponent[k] += logProbability[k * choiceCount + c] }
                    }
                case .numerical(let mus, let sigmas, _, _, let log, let step, _, _):
                    if let step {
                        hasDiscrete = true
                        let left = log ? Foundation.log(x - step / 2) : x - step / 2
                        let right = log ? Foundation.log(x + step / 2) : x + step / 2
                        for k in 0..<kernelCount {
                            let a = (left - mus[k]) / sigmas[k], b = (right - mus[k]) / sigmas[k]
                            if a > -5 && b < 5 {
                                discreteMass[k] *= Gaussian.bodyMass(a, b)
                            } else {
                                exponent[k] += Gaussian.logMass(a, b)
                            }
                        }
                    } else {
                        let t = log ? Foundation.log(x) : x
                        mus.withUnsafeBufferPointer { mu in
                            sigmas.withUnsafeBufferPointer { sigma in
                                for k in 0..<kernelCount {
                                    let z = (t - mu[k]) / sigma[k]
                                    exponent[k] -= 0.5 * z * z
                                }
                            }
                        }
                    }
                }
            }
            result[r] = Self.logSumExp(exponent, scaledBy: hasDiscrete ? discreteMass : nil)
        }
        return result
    }

    /// log Σ_k m_k e^{e_k}, with the largest exponent factored out.
    static func logSumExp(_ exponent: [Double], scaledBy mass: [Double]?) -> Double {
        var maximum = -Double.infinity
        for e in exponent where e > maximum { maximum = e }
        if maximum == -.infinity { return -.infinity }
        var sum = 0.0
        if let mass {
            for k in exponent.indices { sum += Foundation.exp(exponent[k] - maximum) * mass[k] }
            if sum > 0 { return Foundation.log(sum) + maximum }
            // Every bin mass underflowed: redo in logs.
            var logs = exponent
            for k in logs.indices { logs[k] += Foundation.log(mass[k]) }
            return logSumExp(logs, scaledBy: nil)
        }
        for e in exponent { sum += Foundation.exp(e - maximum) }
        return Foundation.log(sum) + maximum
    }
}
