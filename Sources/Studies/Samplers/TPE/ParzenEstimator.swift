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
        let total = NumPy.sum(w)
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
            var sum = NumPy.sum(p[row..<row + choiceCount])   // numpy's `sum(axis=1)`, pairwise
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
            let order = Self.argsort(mus, low: low, high: high)
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

    /// The indices of `values` in ascending order of value, ties in index order (a stable
    /// argsort), in expected linear time: values within [low, high] go to one of n equal-width
    /// buckets, each bucket is insertion-sorted. TPE sorts every parameter's observations at every
    /// proposal, so this matters at thousands of trials.
    static func argsort(_ values: [Double], low: Double, high: Double) -> [Int] {
        let n = values.count
        guard n > 1 else { return Array(0..<n) }
        let width = high - low
        guard width > 0, width.isFinite else { return values.indices.sorted { (values[$0], $0) < (values[$1], $1) } }
        let scale = Double(n) / width
        var bucketOf = [Int](repeating: 0, count: n)
        var starts = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            let position = ((values[i] - low) * scale).rounded(.down)
            let bucket = position.isNaN ? 0 : Int(min(max(position, 0), Double(n - 1)))
            bucketOf[i] = bucket
            starts[bucket + 1] += 1
        }
        for b in 0..<n { starts[b + 1] += starts[b] }
        var order = [Int](repeating: 0, count: n)
        var fill = starts
        for i in 0..<n {
            order[fill[bucketOf[i]]] = i
            fill[bucketOf[i]] += 1
        }
        for b in 0..<n where starts[b + 1] - starts[b] > 1 {
            var j = starts[b] + 1
            while j < starts[b + 1] {
                let index = order[j], value = values[index]
                var k = j - 1
                while k >= starts[b] && values[order[k]] > value {
                    order[k + 1] = order[k]
                    k -= 1
                }
                order[k + 1] = index
                j += 1
            }
        }
        return order
    }

    // MARK: Sampling

    /// `count` draws from the mixture, as rows of internal values (one per parameter), in the
    /// order and arithmetic of Optuna's `_MixtureOfProductDistribution.sample`: first every
    /// draw's kernel (`choice`), then one uniform per draw for each categorical parameter, then
    /// one per draw for each numerical parameter, inverted through the truncated normal's
    /// quantile function (`Gaussian.ppf`, one batch).
    func sample(count: Int, using generator: inout MersenneTwister) -> [[Double]] {
        let active = generator.choice(probabilities: weights, count: count)
        var rows = Array(repeating: [Double](repeating: 0, count: kernels.count), count: count)
        for (p, kernel) in kernels.enumerated() {
            guard case .categorical(let probabilities, let choiceCount) = kernel else { continue }
            for r in 0..<count {
                let u = generator.randomSample()
                let row = active[r] * choiceCount
                var cumulative = 0.0
                var below = 0
                for c in 0..<choiceCount {
                    cumulative += probabilities[row + c]
                    if c == choiceCount - 1 { cumulative = 1 }   // as Optuna: no rounding error at the end
                    if cumulative < u { below += 1 }
                }
                rows[r][p] = Double(below)
            }
        }
        var quantiles: [Double] = [], lower: [Double] = [], upper: [Double] = []
        for kernel in kernels {
            guard case .numerical(let mus, let sigmas, let low, let high, _, _, _, _) = kernel else { continue }
            for r in 0..<count {
                quantiles.append(generator.randomSample())
                let k = active[r]
                lower.append((low - mus[k]) / sigmas[k])
                upper.append((high - mus[k]) / sigmas[k])
            }
        }
        if quantiles.isEmpty { return rows }
        let standard = Gaussian.ppf(quantiles, lower, upper)
        var offset = 0
        for (p, kernel) in kernels.enumerated() {
            guard case .numerical(let mus, let sigmas, _, _, let log, let step, let valueLow, let valueHigh) = kernel else { continue }
            for r in 0..<count {
                let k = active[r]
                var x = standard[offset + r] * sigmas[k] + mus[k]
                if log { x = Foundation.exp(x) }
                if let step {
                    x = min(max(valueLow + ((x - valueLow) / step).rounded(.toNearestOrEven) * step, valueLow), valueHigh)
                } else {
                    x = min(max(x, valueLow), valueHigh)
                }
                rows[r][p] = x
            }
            offset += count
        }
        return rows
    }

    // MARK: Density

    /// The log density of the mixture at each row of internal values (Optuna's `log_pdf`, with
    /// continuous densities taken in the transformed space, as Optuna takes them: the log
    /// Jacobian is the same under both TPE estimators and cancels in their ratio).
    ///
    /// Exact to double precision, but fast: a first pass bounds every kernel's log term from
    /// above with arithmetic only (no exp, erf or log), and only kernels within 60 nats of the best
    /// bound are evaluated exactly. The skipped ones sum to less than e^-37 of the result (checked;
    /// otherwise every kernel is evaluated), so they cannot change a digit. With magic-clipped
    /// widths most kernels lie many widths from any candidate, which makes TPE's cost grow with
    /// the handful of nearby kernels rather than with the number of trials.
    func logDensity(_ rows: [[Double]]) -> [Double] {
        let kernelCount = weights.count
        let numerical = kernels.enumerated().compactMap { p, kernels -> NumericalColumn? in
            guard case .numerical(let mus, let sigmas, let low, let high, let log, let step, _, _) = kernels else { return nil }
            // Most widths are the clipped minimum: take each distinct consecutive value's log once.
            var logSigmas = [Double](repeating: 0, count: sigmas.count)
            var lastSigma = Double.nan, lastLog = Double.nan
            for (k, sigma) in sigmas.enumerated() {
                if sigma != lastSigma { (lastSigma, lastLog) = (sigma, Foundation.log(sigma)) }
                logSigmas[k] = lastLog
            }
            return NumericalColumn(parameter: p, mus: mus, sigmas: sigmas, inverseSigmas: sigmas.map { 1 / $0 },
                                   logSigmas: logSigmas, low: low, high: high, log: log, step: step)
        }
        let categorical = kernels.enumerated().compactMap { p, kernels -> (Int, Int, [Double])? in
            guard case .categorical(let probabilities, let choiceCount) = kernels else { return nil }
            return (p, choiceCount, probabilities.map { Foundation.log($0) })
        }
        // Per kernel: log weight minus each continuous kernel's log(sigma sqrt(2 pi)).
        var base = weights.map { Foundation.log($0) }
        for column in numerical where column.step == nil {
            for k in 0..<kernelCount { base[k] -= column.logSigmas[k] + Gaussian.logNormalizer }
        }
        // −log of a kernel's mass inside the bounds is at most −log Φ(0..1) = 1.0748 (its centre is
        // inside and its width at most the range, so [a, b] holds 0 and is at least 1 long).
        let truncationBound = Double(numerical.count) * 1.0748
        var truncation = Array(repeating: Double.nan, count: kernelCount * numerical.count)
        func truncationTerm(_ k: Int) -> Double {
            var total = 0.0
            for (d, column) in numerical.enumerated() {
                let index = k * numerical.count + d
                if truncation[index].isNaN {
                    let a = (column.low - column.mus[k]) / column.sigmas[k], b = (column.high - column.mus[k]) / column.sigmas[k]
                    truncation[index] = -Gaussian.logMass(a, b)
                }
                total += truncation[index]
            }
            return total
        }

        var result = [Double](repeating: 0, count: rows.count)
        var bound = [Double](repeating: 0, count: kernelCount)
        for (r, row) in rows.enumerated() {
            // Pass 1: upper bounds (multiplying by 1/sigma: a bound may be off by an ulp).
            var edges: [(left: Double, right: Double)] = []
            bound.withUnsafeMutableBufferPointer { bound in
                base.withUnsafeBufferPointer { base in
                    for k in 0..<kernelCount { bound[k] = base[k] + truncationBound }
                }
                for (p, choiceCount, logProbability) in categorical {
                    let c = Int(row[p])
                    logProbability.withUnsafeBufferPointer { logProbability in
                        for k in 0..<kernelCount { bound[k] += logProbability[k * choiceCount + c] }
                    }
                }
                for column in numerical {
                    let x = row[column.parameter]
                    column.mus.withUnsafeBufferPointer { mu in
                        column.inverseSigmas.withUnsafeBufferPointer { inverseSigma in
                            if let step = column.step {
                                // The bin's mass is at most its width times the density at its nearest point.
                                let left = column.log ? Foundation.log(x - step / 2) : x - step / 2
                                let right = column.log ? Foundation.log(x + step / 2) : x + step / 2
                                edges.append((left, right))
                                let logWidth = Foundation.log(right - left) - Gaussian.logNormalizer
                                column.logSigmas.withUnsafeBufferPointer { logSigma in
                                    for k in 0..<kernelCount {
                                        let gap = max(0, left - mu[k], mu[k] - right) * inverseSigma[k]
                                        bound[k] += min(0, logWidth - logSigma[k] - 0.5 * gap * gap)
                                    }
                                }
                            } else {
                                let t = column.log ? Foundation.log(x) : x
                                edges.append((t, t))
                                for k in 0..<kernelCount {
                                    let z = (t - mu[k]) * inverseSigma[k]
                                    bound[k] -= 0.5 * z * z
                                }
                            }
                        }
                    }
                }
            }
            var maximum = -Double.infinity
            for k in 0..<kernelCount where bound[k] > maximum { maximum = bound[k] }
            if maximum == -.infinity {
                result[r] = -.infinity
                continue
            }
            // Pass 2: exact terms for the kernels that can matter.
            func exactTerm(_ k: Int) -> Double {
                var term = base[k] + truncationTerm(k)
                for (p, choiceCount, logProbability) in categorical { term += logProbability[k * choiceCount + Int(row[p])] }
                for (d, column) in numerical.enumerated() {
                    let (left, right) = edges[d]
                    let mu = column.mus[k], sigma = column.sigmas[k]
                    if column.step != nil {
                        let a = (left - mu) / sigma, b = (right - mu) / sigma
                        term += Gaussian.logMass(a, b)
                    } else {
                        let z = (left - mu) / sigma
                        term -= 0.5 * z * z
                    }
                }
                return term
            }
            let cutoff = maximum - 60
            var terms: [Double] = []
            for k in 0..<kernelCount where bound[k] >= cutoff { terms.append(exactTerm(k)) }
            var total = Self.logSumExp(terms)
            let skipped = kernelCount - terms.count
            if skipped > 0 && cutoff + Foundation.log(Double(skipped)) > total - 37 {
                terms = (0..<kernelCount).map(exactTerm)
                total = Self.logSumExp(terms)
            }
            result[r] = total
        }
        return result
    }

    private struct NumericalColumn {
        let parameter: Int
        let mus: [Double]
        let sigmas: [Double]
        let inverseSigmas: [Double]
        let logSigmas: [Double]
        let low: Double
        let high: Double
        let log: Bool
        let step: Double?
    }

    /// log Σ e^{t}, with the largest term factored out.
    static func logSumExp(_ terms: [Double]) -> Double {
        var maximum = -Double.infinity
        for t in terms where t > maximum { maximum = t }
        if maximum == -.infinity { return -.infinity }
        var sum = 0.0
        for t in terms { sum += Foundation.exp(t - maximum) }
        return Foundation.log(sum) + maximum
    }
}
