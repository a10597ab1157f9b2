import Foundation

/// The two-component mixture the synthetic generator draws fraud V-features from.
///
/// Why: drawing every fraud column from one normal with the published fraud mean and std makes
/// fraud almost perfectly separable (logistic regression AUPRC ~1.0), unlike the real file
/// (~0.70-0.72). Real fraud includes transactions that look legitimate. So a fraud row is
/// *camouflaged* with probability `camouflageShare` (one draw per row, shared by all columns):
/// its V-features come from a normal close to the legit one, `N(mu_C, s_L^2)` with
/// `mu_C = mu_L + camouflageShift (mu_F - mu_L)` (shift 0: exactly legit; a small shift lets a
/// model rank camouflaged frauds slightly above legit rows, as real fraud scores are graded
/// rather than a cliff). Otherwise it is *obvious*: drawn from `N(mu_O, s_O^2)` with
///
///     mu_O  = (mu_F - p mu_C) / (1 - p)
///     s_O^2 = (s_F^2 + mu_F^2 - p (s_L^2 + mu_C^2)) / (1 - p) - mu_O^2
///
/// so that the mixture's mean and variance equal the published fraud mean `mu_F` and variance
/// `s_F^2` exactly (law of total mean and variance).
///
/// Fallback: where `s_O^2` would fall below `minimumObviousVarianceFraction * s_F^2` at share `p`
/// (a column whose fraud std is not much larger than its legit std, e.g. V24, V26), that column
/// uses its own smaller share `p_j`, the largest that keeps `s_O^2` at that floor: a camouflaged
/// row then takes the camouflaged draw for column j with probability `p_j / p` and the obvious one
/// otherwise, so the column's mixture weight is `p_j` and its moments are still exact.
public struct FraudMixture: Sendable, Equatable {
    /// One V-column's components.
    public struct Column: Sendable, Equatable {
        public var name: String
        /// Share of fraud rows whose value comes from the camouflaged normal (<= the row share).
        public var camouflageShare: Double
        /// The camouflaged component: legit std, mean shifted from the legit one toward fraud.
        public var camouflagedMean: Double
        public var camouflagedStandardDeviation: Double
        public var obviousMean: Double
        public var obviousStandardDeviation: Double

        /// Mixture mean and standard deviation (should equal the published fraud moments).
        public var mean: Double { camouflageShare * camouflagedMean + (1 - camouflageShare) * obviousMean }
        public var standardDeviation: Double {
            let p = camouflageShare, m = mean
            let second = p * (camouflagedStandardDeviation * camouflagedStandardDeviation + camouflagedMean * camouflagedMean)
                + (1 - p) * (obviousStandardDeviation * obviousStandardDeviation + obviousMean * obviousMean)
            return max(0, second - m * m).squareRoot()
        }
    }

    /// Share of fraud rows that are camouflaged.
    public var camouflageShare: Double
    /// Fraction of the way from the legit mean to the fraud mean where camouflaged rows sit.
    public var camouflageShift: Double
    /// V1...V28 in order.
    public var columns: [Column]

    /// The obvious component's variance is kept at least this fraction of the fraud variance.
    public static let minimumObviousVarianceFraction = 0.05

    /// Solves the components for every V column.
    /// - Throws: `FraudError.invalidArgument` when `camouflageShare` or `camouflageShift` is outside [0, 1).
    public init(statistics: PublishedStatistics, camouflageShare p: Double, camouflageShift shift: Double = 0) throws {
        guard p >= 0, p < 1, p.isFinite else {
            throw FraudError.invalidArgument("camouflage share must be in [0, 1); got \(p)")
        }
        guard shift >= 0, shift < 1, shift.isFinite else {
            throw FraudError.invalidArgument("camouflage shift must be in [0, 1); got \(shift)")
        }
        camouflageShare = p
        camouflageShift = shift
        columns = (1...28).map { index in
            let name = "V\(index)"
            let legit = statistics.legit[name]!, fraud = statistics.fraud[name]!
            let sL = legit.standardDeviation, muF = fraud.mean, sF = fraud.standardDeviation
            let muC = legit.mean + shift * (fraud.mean - legit.mean)
            func obvious(_ q: Double) -> (mean: Double, variance: Double) {
                let mean = (muF - q * muC) / (1 - q)
                return (mean, (sF * sF + muF * muF - q * (sL * sL + muC * muC)) / (1 - q) - mean * mean)
            }
            let floor = Self.minimumObviousVarianceFraction * sF * sF
            var share = p
            if obvious(share).variance < floor {
                // At q = 0 the obvious variance is s_F^2 (above the floor), at q = p below it: bisect for the crossing.
                var low = 0.0, high = share
                for _ in 0..<100 {
                    let middle = (low + high) / 2
                    if obvious(middle).variance >= floor { low = middle } else { high = middle }
                }
                share = low
            }
            let solved = obvious(share)
            return Column(name: name, camouflageShare: share, camouflagedMean: muC, camouflagedStandardDeviation: sL,
                          obviousMean: solved.mean, obviousStandardDeviation: max(solved.variance, 0).squareRoot())
        }
    }

    /// Columns whose own share had to be reduced below `camouflageShare`.
    public var reducedColumns: [String] { columns.filter { $0.camouflageShare < camouflageShare }.map(\.name) }
}
