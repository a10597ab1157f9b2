import Foundation
import TensorCore

/// Mutual information (in nats) between a continuous feature and a discrete class, estimated
/// like `sklearn.feature_selection.mutual_info_classif` (Ross 2014, "Mutual information between
/// discrete and continuous data sets", a Kraskov-style k-nearest-neighbour estimator):
///
/// 1. scale the feature to unit (population) standard deviation and add noise of amplitude
///    `1e-10 * max(1, mean |x|)` to break ties (scikit-learn does the same; here seeded);
/// 2. for each sample, `d` = distance to its k-th nearest neighbour *within its class* (k = 3,
///    or class size - 1 when smaller), and `m` = number of samples of *any* class within
///    `d` (the radius is the next float below `d`, distance `<=` radius, the sample included);
/// 3. `MI = psi(N) + <psi(k)> - <psi(N_class)> - <psi(m)>`, clipped at 0.
///
/// Samples whose class has a single member are left out, as in scikit-learn. In one dimension
/// the neighbours come from sorted arrays, so the cost is O(n log n) instead of a KD-tree.
/// Results match scikit-learn to within the noise's effect (about 1e-3 on small samples).
public struct MutualInformation: Sendable {
    /// Neighbours per sample (scikit-learn's `n_neighbors`, default 3).
    public var neighbourCount: Int
    /// Seed of the tie-breaking noise.
    public var seed: UInt64

    public init(neighbourCount: Int = 3, seed: UInt64 = 0) {
        precondition(neighbourCount >= 1, "neighbourCount must be at least 1")
        self.neighbourCount = neighbourCount
        self.seed = seed
    }

    /// Mutual information between `values` and `labels`, in nats.
    public func estimate(values: [Float], labels: [Int]) -> Double {
        precondition(values.count == labels.count, "\(values.count) values but \(labels.count) labels")
        let n = values.count
        guard n > 1 else { return 0 }
        // Scale to unit std (without centring), then add seeded tie-breaking noise.
        var mean = 0.0
        for v in values { mean += Double(v) }
        mean /= Double(n)
        var squares = 0.0
        for v in values { squares += (Double(v) - mean) * (Double(v) - mean) }
        let standardDeviation = (squares / Double(n)).squareRoot()
        let scale = standardDeviation > 0 ? 1 / standardDeviation : 1
        var scaled = values.map { Double($0) * scale }
        var meanAbsolute = 0.0
        for x in scaled { meanAbsolute += abs(x) }
        meanAbsolute /= Double(n)
        let amplitude = 1e-10 * max(1, meanAbsolute)
        var generator = RandomGenerator(seed: seed)
        for i in 0..<n { scaled[i] += amplitude * generator.normal() }

        // Classes with more than one member.
        var members: [Int: [Double]] = [:]
        for (x, label) in zip(scaled, labels) { members[label, default: []].append(x) }
        let kept = members.filter { $0.value.count > 1 }
        guard kept.count > 1 else { return 0 }
        var all: [Double] = []
        for (_, xs) in kept { all.append(contentsOf: xs) }
        all.sort()
        let total = all.count

        var sumPsiK = 0.0, sumPsiClass = 0.0, sumPsiM = 0.0
        for (_, unsorted) in kept {
            let classValues = unsorted.sorted()
            let classCount = classValues.count
            let k = min(neighbourCount, classCount - 1)
            let psiK = MutualInformation.digamma(Double(k))
            let psiClass = MutualInformation.digamma(Double(classCount))
            classValues.withUnsafeBufferPointer { a in
                all.withUnsafeBufferPointer { sortedAll in
                    for p in 0..<classCount {
                        let x = a[p]
                        var left = p - 1, right = p + 1
                        var distance = 0.0
                        for _ in 0..<k {
                            let dl = left >= 0 ? x - a[left] : .infinity
                            let dr = right < classCount ? a[right] - x : .infinity
                            if dl <= dr { distance = dl; left -= 1 } else { distance = dr; right += 1 }
                        }
                        let radius = distance > 0 ? distance.nextDown : 0
                        // m = #{j : |all[j] - x| <= radius}, by two binary searches.
                        let low = MutualInformation.firstIndex(sortedAll) { x - $0 <= radius }
                        let high = MutualInformation.firstIndex(sortedAll) { $0 - x > radius }
                        sumPsiM += MutualInformation.digamma(Double(max(1, high - low)))
                    }
                }
            }
            sumPsiK += psiK * Double(classCount)
            sumPsiClass += psiClass * Double(classCount)
        }
        let count = Double(total)
        let mi = MutualInformation.digamma(count) + sumPsiK / count - sumPsiClass / count - sumPsiM / count
        return max(0, mi)
    }

    /// First index where the monotone predicate (false...false true...true) holds.
    static func firstIndex(_ a: UnsafeBufferPointer<Double>, where predicate: (Double) -> Bool) -> Int {
        var low = 0, high = a.count
        while low < high {
            let middle = (low + high) / 2
            if predicate(a[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The digamma function psi(x) for x > 0: recurrence up to x >= 10, then the asymptotic series
    /// (truncation error below 1e-15 there).
    public static func digamma(_ input: Double) -> Double {
        var x = input
        var result = 0.0
        while x < 10 { result -= 1 / x; x += 1 }
        let f = 1 / (x * x)
        result += Foundation.log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
        return result
    }
}
