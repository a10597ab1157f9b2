import Foundation
import Studies
import TensorCore

/// "study-ask": the time of one `ask` + 4 suggestions (2 log floats, 1 int, 1 categorical) + `tell`
/// after N completed trials in memory, median of 50 asks (Optuna's `ask_bench.py` measures the
/// same in `/work/shared/anchors/optuna/`).
/// "study-quality": the best value after 100 trials, median over seeds 0-9, on Branin and
/// Hartmann-6 (Optuna's `quality.py`).
/// "study-quality-wide": the best value after 100 trials over many seeds held out from the 0-9 of
/// the issue's table, on eight standard test functions, for each TPE candidate count.
extension BenchmarkRegistry {
    static let studies: [Benchmark] = [
        Benchmark(name: "study-ask") { StudiesBenchmarks.ask() },
        Benchmark(name: "study-quality") { StudiesBenchmarks.quality() },
        Benchmark(name: "study-quality-wide") { StudiesQualityWide.run() },
    ]
}

enum StudiesBenchmarks {
    static let space: [String: Distribution] = [
        "lr": .float(try! FloatDistribution(low: 1e-5, high: 1e-1, log: true)),
        "wd": .float(try! FloatDistribution(low: 1e-6, high: 1e-2, log: true)),
        "units": .int(try! IntDistribution(low: 16, high: 512)),
        "opt": .categorical(try! CategoricalDistribution([.string("sgd"), .string("adam"), .string("rmsprop")])),
    ]

    /// ask_bench.py's smooth objective.
    static func objective(lr: Double, wd: Double, units: Int, opt: String) -> Double {
        let a = log10(lr) + 3, b = log10(wd) + 4, c = Double(units - 256) / 256
        return a * a + 0.3 * b * b + c * c + (["sgd": 0.5, "adam": 0.0, "rmsprop": 0.2][opt] ?? 0)
    }

    static func prefill(_ study: Study, count: Int) throws {
        var generator = RandomGenerator(seed: 0)
        let options = ["sgd", "adam", "rmsprop"]
        for _ in 0..<count {
            let lr = pow(10, -5 + 4 * generator.uniformDouble()), wd = pow(10, -6 + 4 * generator.uniformDouble())
            let units = 16 + generator.integer(below: 497), opt = generator.integer(below: 3)
            let trial = FrozenTrial(id: 0, number: 0, state: .complete,
                                    values: [objective(lr: lr, wd: wd, units: units, opt: options[opt])],
                                    start: Date(), complete: Date(),
                                    params: ["lr": lr, "wd": wd, "units": Double(units), "opt": Double(opt)],
                                    distributions: space)
            _ = try study.storage.createTrial(studyID: study.id, template: trial)
        }
    }

    /// CPU seconds of this thread: on a machine shared with other work, the part of the wall time
    /// the ask itself used.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    static func oneAsk(_ study: Study) throws -> (wall: Double, cpu: Double) {
        var value = 0.0
        let cpuStart = threadCPUSeconds()
        let elapsed = try seconds {
            let trial = try study.ask()
            let lr = try trial.suggestFloat("lr", in: 1e-5...1e-1, log: true)
            let wd = try trial.suggestFloat("wd", in: 1e-6...1e-2, log: true)
            let units = try trial.suggestInt("units", in: 16...512)
            let opt = try trial.suggestCategorical("opt", ["sgd", "adam", "rmsprop"])
            value = objective(lr: lr, wd: wd, units: units, opt: opt)
            _ = trial
        }
        let cpu = threadCPUSeconds() - cpuStart
        let last = try study.trials.last!
        try study.tell(trialNumber: last.number, value: value)
        return (elapsed, cpu)
    }

    static func ask() {
        do {
            for (label, makeSampler) in [("Random", { RandomSampler(seed: 0) as any Sampler }),
                                         ("TPE default (multivariate, constant liar)", { TPESampler(seed: 0) as any Sampler }),
                                         ("TPE 96 candidates", { TPESampler(seed: 0, candidateCount: 96) as any Sampler })] {
                for n in label == "TPE 96 candidates" ? [1000, 3000] : [100, 500, 1000, 3000] {
                    let study = try Study.create(name: "ask", sampler: makeSampler())
                    try prefill(study, count: n)
                    _ = try oneAsk(study)
                    let measured = try (0..<50).map { _ in try oneAsk(study) }
                    let times = measured.map(\.wall).sorted(), cpu = measured.map(\.cpu).sorted()
                    let mean = times.reduce(0, +) / Double(times.count)
                    report("study-ask \(label) N=\(n)", times[25] * 1e3, "ms",
                           String(format: "median of 50 (wall); mean %.3f ms, p90 %.3f ms; CPU median %.3f ms", mean * 1e3, times[45] * 1e3, cpu[25] * 1e3))
                }
            }
        } catch {
            FileHandle.standardError.write(Data("study-ask: \(error)\n".utf8))
        }
    }

    static func branin(_ trial: Trial) throws -> Double {
        let x1 = try trial.suggestFloat("x1", in: -5...10), x2 = try trial.suggestFloat("x2", in: 0...15)
        let a = x2 - 5.1 / (4 * Double.pi * Double.pi) * x1 * x1 + 5 / Double.pi * x1 - 6
        return a * a + 10 * (1 - 1 / (8 * Double.pi)) * cos(x1) + 10
    }

    static let hartmannA: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                                        [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
    static let hartmannP: [[Double]] = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                                        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
        .map { $0.map { $0 * 1e-4 } }
    static let hartmannAlpha: [Double] = [1.0, 1.2, 3.0, 3.2]

    static func hartmann6(_ trial: Trial) throws -> Double {
        let x = try (0..<6).map { try trial.suggestFloat("x\($0)", in: 0...1) }
        var total = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 { inner += hartmannA[i][j] * (x[j] - hartmannP[i][j]) * (x[j] - hartmannP[i][j]) }
            total += hartmannAlpha[i] * exp(-inner)
        }
        return -total
    }

    /// Seeds 0..<10 as Optuna's quality.py; `ATELIER_QUALITY_SEEDS=N` runs more to see past the noise.
    static var seedCount: Int { Int(ProcessInfo.processInfo.environment["ATELIER_QUALITY_SEEDS"] ?? "") ?? 10 }

    static func quality() {
        do {
            for (functionName, function) in [("Branin", branin), ("Hartmann6", hartmann6)] as [(String, (Trial) throws -> Double)] {
                for (samplerName, makeSampler) in [("Random", { (s: UInt64) in RandomSampler(seed: s) as any Sampler }),
                                                   ("TPE default(mv)", { (s: UInt64) in TPESampler(seed: s) as any Sampler }),
                                                   ("TPE indep", { (s: UInt64) in TPESampler(seed: s, multivariate: false) as any Sampler }),
                                                   ("TPE 96 cand", { (s: UInt64) in TPESampler(seed: s, candidateCount: 96) as any Sampler })] {
                    var best100: [Double] = [], best50: [Double] = []
                    let elapsed = try seconds {
                        for seed in 0..<seedCount {
                            let study = try Study.create(name: "q", sampler: makeSampler(UInt64(seed)))
                            try study.optimize(trials: 100, objective: function)
                            let values = try study.trials.compactMap(\.value)
                            best100.append(values.min()!)
                            best50.append(values.prefix(50).min()!)
                        }
                    }
                    if let folder = ProcessInfo.processInfo.environment["ATELIER_QUALITY_DUMP"] {
                        // One best@100 per seed, for comparing whole distributions with Optuna's.
                        let path = "\(folder)/\(functionName)-\(samplerName.replacingOccurrences(of: " ", with: "_")).txt"
                        try best100.map { "\($0)" }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
                    }
                    best100.sort()
                    best50.sort()
                    let median = { (v: [Double]) in (v[(v.count - 1) / 2] + v[v.count / 2]) / 2 }
                    let label = functionName.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + samplerName.padding(toLength: 17, withPad: " ", startingAt: 0)
                    print(label + String(format: "best@100 median %.4f  [min %.4f max %.4f]  best@50 median %.4f   (%.1f s for %d runs)",
                                         median(best100), best100.first!, best100.last!, median(best50), elapsed, seedCount))
                }
            }
        } catch {
            FileHandle.standardError.write(Data("study-quality: \(error)\n".utf8))
        }
    }
}
