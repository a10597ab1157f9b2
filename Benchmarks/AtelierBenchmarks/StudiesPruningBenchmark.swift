import Foundation
import Studies
import TensorCore

/// "study-prune": the pruners on the synthetic learning curves of Optuna's `prune.py`
/// (`/work/shared/anchors/optuna/`), TPE sampler, seeds 0-9, medians: epochs spent, trials,
/// pruned trials, best observed value, true final loss of the best trial, and how many pruned
/// trials would have ended better than the best. `ATELIER_PRUNE_MODE=trials|budget` (100 trials,
/// or trials until 2500 epochs are spent), `ATELIER_PRUNE_FAMILY=cross|parallel`, `SIGMA` as
/// prune.py's.
extension BenchmarkRegistry {
    static let studiesPruning: [Benchmark] = [Benchmark(name: "study-prune") { StudiesPruningBenchmark.run() }]
}

enum StudiesPruningBenchmark {
    static let steps = 50
    static let startLoss = 2.3

    static func trueCurve(lr: Double, reg: Double, t: Int, crossing: Bool) -> Double {
        let u = log10(lr) + 2
        let floor = 0.05 + 0.10 * u * u + 0.20 * (reg - 0.3) * (reg - 0.3)
        let tau = crossing ? 1 + 10 * pow(10, -u / 2) : 10.0
        return floor + (startLoss - floor) * exp(-Double(t) / tau)
    }

    static func run() {
        let environment = ProcessInfo.processInfo.environment
        let budgetMode = environment["ATELIER_PRUNE_MODE"] == "budget"
        let crossing = environment["ATELIER_PRUNE_FAMILY"] != "parallel"
        let sigma = Double(environment["SIGMA"] ?? "") ?? 0.02
        let pruners: [(String, () throws -> any Pruner)] = [
            ("none", { NopPruner() }), ("Median()", { try MedianPruner() }),
            ("Median(warmup=10)", { try MedianPruner(warmupSteps: 10) }),
            ("SHA()", { try SuccessiveHalvingPruner() }), ("Hyperband()", { try HyperbandPruner() }),
        ]
        do {
            for (name, makePruner) in pruners {
                var rows: [[Double]] = []
                let started = Date()
                for seed in 0..<10 {
                    let study = try Study.create(name: "prune-\(seed)", sampler: TPESampler(seed: UInt64(seed)), pruner: try makePruner())
                    let used = Counter()
                    try study.optimize(trials: budgetMode ? 10_000 : 100, callback: { study, _ in
                        if budgetMode && used.value >= 2500 { study.stop() }
                    }) { trial in
                        let lr = try trial.suggestFloat("lr", in: 1e-4...1, log: true)
                        let reg = try trial.suggestFloat("reg", in: 0...1)
                        var noise = RandomGenerator(seed: UInt64(seed) &* 1_000_003 &+ UInt64(trial.number))
                        var value = 0.0
                        for t in 1...steps {
                            value = trueCurve(lr: lr, reg: reg, t: t, crossing: crossing) + sigma * noise.normal()
                            try trial.report(value, step: t)
                            used.value += 1
                            try trial.pruneIfNeeded()
                        }
                        return value
                    }
                    let trials = try study.trials
                    let best = try study.bestTrial!
                    let bestTrue = trueCurve(lr: best.externalParams["lr"]!.doubleValue!, reg: best.externalParams["reg"]!.doubleValue!,
                                             t: steps, crossing: crossing)
                    let pruned = trials.filter { $0.state == .pruned }
                    let lost = pruned.filter {
                        trueCurve(lr: $0.externalParams["lr"]!.doubleValue!, reg: $0.externalParams["reg"]!.doubleValue!,
                                  t: steps, crossing: crossing) < bestTrue
                    }.count
                    rows.append([Double(used.value), Double(trials.count), Double(pruned.count), best.value!, bestTrue, Double(lost)])
                }
                let median = (0..<6).map { column -> Double in
                    let values = rows.map { $0[column] }.sorted()
                    return (values[4] + values[5]) / 2
                }
                let trueValues = rows.map { $0[4] }
                print((crossing ? "cross    " : "parallel ") + (budgetMode ? "budget " : "trials ") + name.padding(toLength: 19, withPad: " ", startingAt: 0)
                      + String(format: "epochs %6.0f  trials %5.0f  pruned %4.0f  best_obs %.4f  best_true %.4f [%.4f,%.4f]  pruned-but-better %3.0f  (%.1f s)",
                               median[0], median[1], median[2], median[3], median[4], trueValues.min()!, trueValues.max()!, median[5],
                               Date().timeIntervalSince(started)))
            }
        } catch {
            FileHandle.standardError.write(Data("study-prune: \(error)\n".utf8))
        }
    }

    final class Counter: @unchecked Sendable {
        var value = 0
    }
}
