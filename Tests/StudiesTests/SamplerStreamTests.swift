import Foundation
import Studies
import Testing

/// Seeded samplers against Optuna 5.1's on the same objectives (`SamplerStreamFixtures`, made by
/// `Benchmarks/python/stream_fixtures.py`): the same trials, parameter for parameter, also when a
/// study is resumed by another sampler instance; and overlapping trials draw numbers of their own.
@Suite("Samplers against Optuna 5.1, draw for draw")
struct SamplerStreamTests {
    static let mixedNames = ["lr", "units", "opt", "drop", "batch"]
    static let choices = ["sgd", "adam", "rmsprop"]

    static func mixed(_ trial: Trial) throws -> Double {
        let lr = try trial.suggestFloat("lr", in: 1e-5...1e-1, log: true)
        let units = try trial.suggestInt("units", in: 1...100_000, log: true)
        let opt = try trial.suggestCategorical("opt", choices)
        let drop = try trial.suggestFloat("drop", in: 0...10, step: 0.001)
        let batch = try trial.suggestInt("batch", in: 16...80_000, step: 8)
        let penalty = ["sgd": 1.0, "adam": 0, "rmsprop": 0.5][opt]!
        let a = log10(lr) + 3, b = log2(Double(units)) - 8, c = Double(batch - 4000) / 20000
        return a * a + 0.1 * b * b + penalty + (drop - 2.5) * (drop - 2.5) / 10 + c * c
    }

    static let hartmannA: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                                        [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
    static let hartmannP: [[Double]] = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                                        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
        .map { $0.map { $0 * 1e-4 } }

    static func hartmann6(_ trial: Trial) throws -> Double {
        let x = try (0..<6).map { try trial.suggestFloat("x\($0)", in: 0...1) }
        var total = 0.0
        for (i, alpha) in [1.0, 1.2, 3.0, 3.2].enumerated() {
            var inner = 0.0
            for j in 0..<6 { inner += hartmannA[i][j] * (x[j] - hartmannP[i][j]) * (x[j] - hartmannP[i][j]) }
            total += alpha * exp(-inner)
        }
        return -total
    }

    static func dependent(_ trial: Trial) throws -> Double {
        let lr = try trial.suggestFloat("lr", in: 1e-4...1e-1, log: true)
        let layers = try trial.suggestCategorical("layers", [ParameterValue.int(1), .int(2), .int(3)]).intValue!
        var total = 0.0
        for i in 0..<layers {
            let w = log2(try trial.suggestFloat("width\(i)", in: 16...512, log: true)) - 7 + Double(i)
            total += w * w
        }
        let a = log10(lr) + 2
        return a * a + total / 10 + 0.1 * Double(layers)
    }

    /// Each trial's internal values in `names` order.
    static func rows(_ study: Study, _ names: [String]) throws -> [[Double]] {
        try study.trials.map { trial in names.map { trial.params[$0] ?? .nan } }
    }

    /// Equal up to the last bits (NumPy's SIMD exp and log may round differently from libm's);
    /// NaN (a parameter the trial does not have) only where the other has NaN.
    static func same(_ a: [[Double]], _ b: [[Double]]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { row, expected in
            row.count == expected.count && zip(row, expected).allSatisfy {
                $0.isNaN ? $1.isNaN : abs($0 - $1) <= 1e-12 * max(1, abs($1))
            }
        }
    }

    @Test func randomSamplerProposesOptunasTrials() throws {
        let study = try Study.create(name: "random", sampler: RandomSampler(seed: 3))
        try study.optimize(trials: 20, objective: Self.mixed)
        #expect(Self.same(try Self.rows(study, Self.mixedNames), SamplerStreamFixtures.randomMixed))
    }

    @Test func tpeProposesOptunasTrialsOnAMixedSpace() throws {
        // Log float, log int, categorical, float with a step, int with a step: the startup trials,
        // then 30 joint proposals.
        let study = try Study.create(name: "tpe", sampler: TPESampler(seed: 3))
        try study.optimize(trials: 40, objective: Self.mixed)
        #expect(Self.same(try Self.rows(study, Self.mixedNames), SamplerStreamFixtures.tpeMixed))
    }

    @Test func independentTPEProposesOptunasTrials() throws {
        // multivariate: false: every value is sampled alone (kernel choice and quantile per
        // parameter, 48 draws each).
        let study = try Study.create(name: "independent", sampler: TPESampler(seed: 5, multivariate: false))
        try study.optimize(trials: 30, objective: Self.mixed)
        #expect(Self.same(try Self.rows(study, Self.mixedNames), SamplerStreamFixtures.independentMixed))
    }

    @Test func tpeProposesOptunasTrialsOnADependentSpace() throws {
        // lr, layers and width0 are in every trial and sampled jointly; width1 and width2 exist
        // only with enough layers and are sampled alone, after the joint proposal.
        let study = try Study.create(name: "dependent", sampler: TPESampler(seed: 2))
        try study.optimize(trials: 40, objective: Self.dependent)
        let rows = try Self.rows(study, ["lr", "layers", "width0", "width1", "width2"])
        #expect(rows.contains { $0[4].isNaN } && rows.contains { !$0[4].isNaN })
        #expect(Self.same(rows, SamplerStreamFixtures.tpeDependent))
    }

    @Test func tpeProposesOptunasTrialsOnHartmann6() throws {
        let study = try Study.create(name: "hartmann", sampler: TPESampler(seed: 0))
        try study.optimize(trials: 100, objective: Self.hartmann6)
        #expect(Self.same(try Self.rows(study, (0..<6).map { "x\($0)" }), SamplerStreamFixtures.tpeHartmann))
        let best = try #require(try study.bestValue)
        #expect(abs(best - SamplerStreamFixtures.tpeHartmannBest) < 1e-12)
    }

    @Test func aResumedStudyGoesOnWhereTheStreamStood() throws {
        // 25 trials, then another sampler instance (nothing cached, as in a new process) runs 15
        // more: the 40 trials are those of one uninterrupted run (Optuna's would restart its stream).
        let storage = InMemoryStorage()
        let first = try Study.create(name: "resumed", storage: storage, sampler: TPESampler(seed: 3))
        try first.optimize(trials: 25, objective: Self.mixed)
        let second = try Study.load(name: "resumed", storage: storage, sampler: TPESampler(seed: 3))
        try second.optimize(trials: 15, objective: Self.mixed)
        #expect(Self.same(try Self.rows(second, Self.mixedNames), SamplerStreamFixtures.tpeMixed))
    }

    @Test func tpeWithTheMedianPrunerRunsOptunasPrunedStudy() throws {
        // The whole loop of a pruned study: TPE proposes, the median pruner stops trials, and TPE
        // ranks the pruned trials (by their last step, then their last report) as Optuna does.
        // 60 trials of crossing learning curves, against Optuna's TPESampler(seed=4) + MedianPruner().
        let study = try Study.create(name: "curves", sampler: TPESampler(seed: 4), pruner: MedianPruner())
        try study.optimize(trials: 60) { trial in
            let lr = try trial.suggestFloat("lr", in: 1e-4...1, log: true)
            let reg = try trial.suggestFloat("reg", in: 0...1)
            let u = log10(lr) + 2
            let floor = 0.05 + 0.10 * u * u + 0.20 * (reg - 0.3) * (reg - 0.3)
            let tau = 1 + 10 * pow(10, -u / 2)
            var loss = 0.0
            for step in 1...10 {
                let s = Double(step)
                loss = floor + (2.3 - floor) * exp(-s / tau) + 0.02 * sin(7.0 * s + 50.0 * reg + 3.0 * u)
                try trial.report(loss, step: step)
                try trial.pruneIfNeeded()
            }
            return loss
        }
        let rows = try study.trials.map { trial -> [Double] in
            [trial.params["lr"]!, trial.params["reg"]!, trial.state == .pruned ? 1 : 0,
             Double(trial.lastStep ?? -1), trial.value ?? .nan]
        }
        #expect(Self.same(rows, SamplerStreamFixtures.tpeMedianPruned))
    }

    @Test func hyperbandBracketsNeverRepeatAPoint() throws {
        // Hyperband shows TPE only the trial's bracket, so TPE samples at random for longer than
        // the whole study's count says; those draws must still be new ones.
        let study = try Study.create(name: "brackets", sampler: TPESampler(seed: 0),
                                     pruner: try HyperbandPruner(minResource: 1, maxResource: 9))
        try study.optimize(trials: 40) { trial in
            let x = try trial.suggestFloat("x", in: 0...1), y = try trial.suggestFloat("y", in: 0...1)
            for step in 1...9 {
                try trial.report(abs(x - 0.3) + abs(y - 0.6) + 1 / Double(step), step: step)
                try trial.pruneIfNeeded()
            }
            return abs(x - 0.3) + abs(y - 0.6)
        }
        let points = try study.trials.map { [$0.params["x"]!, $0.params["y"]!] }
        #expect(points.count == 40 && Set(points).count == 40)
        #expect(Set(points.map { $0[0] }).count == 40 && Set(points.map { $0[1] }).count == 40)
    }

    @Test func overlappingTrialsDrawNumbersOfTheirOwn() throws {
        // Two trials running at once (two workers) must not propose the same point, and the
        // study still repeats for its seed.
        func twoRunning() throws -> [Double] {
            let study = try Study.create(name: "overlap", sampler: RandomSampler(seed: 5))
            let a = try study.ask(), b = try study.ask()
            return [try a.suggestFloat("x", in: 0...1), try b.suggestFloat("x", in: 0...1),
                    try a.suggestFloat("y", in: 0...1), try b.suggestFloat("y", in: 0...1)]
        }
        let values = try twoRunning()
        #expect(Set(values).count == 4)
        #expect(try twoRunning() == values)
    }
}
