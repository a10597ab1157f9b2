import Foundation
import Studies

/// Hyperparameter importance by PED-ANOVA (Watanabe et al., IJCAI 2023), as Optuna 5's default
/// `PedAnovaImportanceEvaluator()` computes it (`target_quantile` 0.1, `region_quantile` 1, local):
/// how differently a parameter is distributed in the best 10 % of the completed trials than in all of
/// them, measured as the Pearson divergence between two Parzen estimators on a 50-step grid.
///
/// Why this method: it is what `optuna.importance.get_param_importances` uses by default, so the bars
/// can be checked against Optuna on the same study; and it costs O(n log n) (one partial sort for the
/// quantile, one pass per parameter to count grid cells), where fANOVA's random forest of 64 deep trees
/// would need subsampling to draw 10,000 trials in under a second.
public enum PedAnovaImportance {
    /// Share of the trials that counts as "top" (Optuna's `target_quantile`).
    public static let targetQuantile = 0.1
    static let gridSteps = 50
    static let priorWeight = 1.0
    /// Regimes (trials sharing one distribution of the parameter) with fewer trials are ignored.
    static let minimumTrialsInRegime = 2

    /// Importances normalised to sum to 1 (equal shares when every raw importance is 0, as Optuna),
    /// for `parameters` over the completed `trials` (each with a finite value).
    public static func importances(of trials: [FrozenTrial], parameters: [String], direction: StudyDirection) -> [String: Double] {
        let raw = rawImportances(of: trials, parameters: parameters, direction: direction)
        let total = raw.values.reduce(0, +)
        guard total > 0 else { return Dictionary(uniqueKeysWithValues: parameters.map { ($0, 1 / Double(max(1, parameters.count))) }) }
        return raw.mapValues { $0 / total }
    }

    /// Importances before normalisation (Optuna's `normalize=False`).
    public static func rawImportances(of trials: [FrozenTrial], parameters: [String], direction: StudyDirection) -> [String: Double] {
        var result = Dictionary(uniqueKeysWithValues: parameters.map { ($0, 0.0) })
        guard trials.count > 1 else { return result }
        // Top trials: loss at most the value at index ceil(q n) - 1 of the sorted losses (ties kept).
        let sign = direction == .minimize ? 1.0 : -1.0
        let losses = trials.map { sign * $0.value! }
        let cutoffIndex = Int((targetQuantile * Double(losses.count)).rounded(.up)) - 1
        let cutoff = losses.sorted()[max(0, cutoffIndex)]
        let isTarget = losses.map { $0 <= cutoff }
        let targetCount = isTarget.filter { $0 }.count
        guard targetCount > 0 else { return result }
        let quantile = Double(targetCount) / Double(trials.count)
        for name in parameters {
            var regimes: [Distribution: [Int]] = [:]
            for (index, trial) in trials.enumerated() {
                if let distribution = trial.distributions[name], trial.params[name] != nil { regimes[distribution, default: []].append(index) }
            }
            var importance = 0.0
            for (distribution, members) in regimes where members.count >= minimumTrialsInRegime && !distribution.isSingle {
                let targets = members.filter { isTarget[$0] }
                guard !targets.isEmpty else { continue }
                let alpha = Double(targets.count) / Double(targetCount)
                let beta = Double(members.count) / Double(trials.count)
                let top = estimatorPDF(counts(name, distribution, targets.map { trials[$0] }), distribution: distribution)
                let local = estimatorPDF(counts(name, distribution, members.map { trials[$0] }), distribution: distribution)
                var divergence = 0.0
                for cell in top.indices {
                    let p = top[cell] + 1e-12, q = local[cell] + 1e-12
                    divergence += q * (p / q - 1) * (p / q - 1)
                }
                importance += alpha * alpha / beta * divergence
            }
            result[name] = importance * quantile * quantile
        }
        return result
    }

    /// How many of `trials` fall in each grid cell of the parameter (each choice of a categorical one).
    static func counts(_ name: String, _ distribution: Distribution, _ trials: [FrozenTrial]) -> [Int] {
        var steps = gridSteps
        var low: Double, high: Double, log = false
        switch distribution {
        case .categorical(let d):
            var counts = [Int](repeating: 0, count: d.choices.count)
            for trial in trials { counts[min(d.choices.count - 1, max(0, Int(trial.params[name]!)))] += 1 }
            return counts
        case .int(let d):
            low = Double(d.low); high = Double(d.high); log = d.log
            if d.log {
                steps = min(Int((Foundation.log(Double(d.high - d.low + 1)) / Foundation.log(2.0)).rounded(.up)) + 1, steps)
            } else {
                steps = min(Int(((high - low) / Double(d.step)).rounded()) + 1, steps)
            }
        case .float(let d):
            low = d.low; high = d.high; log = d.log
            if let step = d.step, !d.log { steps = min(Int(((high - low) / step).rounded()) + 1, steps) }
        }
        if log { low = Foundation.log(low); high = Foundation.log(high) }
        var counts = [Int](repeating: 0, count: steps)
        let stepSize = (high - low) / Double(steps - 1)
        for trial in trials {
            var value = trial.params[name]!
            if log { value = Foundation.log(value) }
            // Midpoint ties go to the lower cell, as Optuna's `ceil(x - 0.5)`.
            let index = Int(((value - low) / stepSize - 0.5).rounded(.up))
            counts[min(steps - 1, max(0, index))] += 1
        }
        return counts
    }

    /// The density on every grid cell of Optuna's `ScottParzenEstimator` built from cell counts: one kernel
    /// per occupied cell weighted by its count, plus a wide prior kernel of weight 1.
    static func estimatorPDF(_ counts: [Int], distribution: Distribution) -> [Double] {
        let size = counts.count
        let observations = counts.indices.filter { counts[$0] > 0 }
        let weights = observations.map { Double(counts[$0]) }
        guard !observations.isEmpty else { return [Double](repeating: 1 / Double(size), count: size) }
        let total = weights.reduce(0, +)
        let mixture = (weights + [priorWeight]).map { $0 / (total + priorWeight) }
        if case .categorical = distribution {
            // Kernel k puts (1 + prior/K) on its own choice and prior/K on the others, row-normalised;
            // the prior kernel is uniform.
            let kernels = Double(observations.count + 1)
            let rowSum = 1 + priorWeight / kernels * Double(size)
            var pdf = [Double](repeating: 0, count: size)
            for (k, observation) in observations.enumerated() {
                for choice in 0..<size {
                    pdf[choice] += mixture[k] * (priorWeight / kernels + (choice == observation ? 1 : 0)) / rowSum
                }
            }
            for choice in 0..<size { pdf[choice] += mixture[observations.count] / Double(size) }
            return pdf
        }
        // Scott's rule bandwidth over the cell indices, as Optuna.
        let xs = observations.map(Double.init)
        let mean = zip(xs, weights).map { $0 * $1 }.reduce(0, +) / total
        var sigma = (zip(xs, weights).map { $1 * ($0 - mean) * ($0 - mean) }.reduce(0, +) / max(1, total - 1)).squareRoot()
        var cumulative: [Double] = []
        var running = 0.0
        for weight in weights { running += weight; cumulative.append(running) }
        let q1 = (total / 4).rounded(.down), q3 = (total * 3 / 4).rounded(.down)
        let q1Index = cumulative.firstIndex { $0 >= q1 } ?? cumulative.count
        let q3Index = cumulative.firstIndex { $0 > q3 } ?? cumulative.count
        let iqr = xs[min(xs.count - 1, q3Index)] - xs[min(xs.count - 1, q1Index)]
        sigma = 1.059 * min(iqr / 1.34, sigma) * pow(total, -0.2)
        let kernelSigma = max(sigma, 0.5 / 1.64)
        let low = 0.0, high = Double(size - 1)
        let mus = xs + [(low + high) / 2]
        let sigmas = [Double](repeating: kernelSigma, count: xs.count) + [high - low + 1]
        var pdf = [Double](repeating: 0, count: size)
        for k in mus.indices {
            let normaliser = gaussMass((low - 0.5 - mus[k]) / sigmas[k], (high + 0.5 - mus[k]) / sigmas[k])
            guard normaliser > 0 else { continue }
            for cell in 0..<size {
                let x = Double(cell)
                pdf[cell] += mixture[k] * gaussMass((x - 0.5 - mus[k]) / sigmas[k], (x + 0.5 - mus[k]) / sigmas[k]) / normaliser
            }
        }
        return pdf
    }

    /// P(a < Z < b) for a standard normal Z, accurate in both tails.
    static func gaussMass(_ a: Double, _ b: Double) -> Double {
        let scale = 1 / 2.0.squareRoot()
        if a >= 0 { return 0.5 * (erfc(a * scale) - erfc(b * scale)) }
        if b <= 0 { return 0.5 * (erfc(-b * scale) - erfc(-a * scale)) }
        return 0.5 * (erf(b * scale) - erf(a * scale))
    }
}
