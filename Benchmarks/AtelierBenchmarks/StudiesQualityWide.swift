import Foundation
import Studies

/// TPE's search quality past the noise of ten seeds: best@100 over `ATELIER_QUALITY_SEEDS` seeds
/// (default 300) starting at `ATELIER_QUALITY_FIRST_SEED` (default 1000, so that the seeds 0-9 of
/// the table play no part), on eight standard functions of 2 to 6 parameters, for each
/// candidate count in `ATELIER_QUALITY_CANDIDATES` (default "24,96"; Optuna's default is 24).
/// The quartiles show where a setting helps: more candidates exploit the best trials harder.
enum StudiesQualityWide {
    static func xs(_ t: Trial, _ n: Int, _ range: ClosedRange<Double>) throws -> [Double] {
        try (0..<n).map { try t.suggestFloat("x\($0)", in: range) }
    }

    static func hartmann3(_ t: Trial) throws -> Double {
        let a: [[Double]] = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
        let p: [[Double]] = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
            .map { $0.map { $0 * 1e-4 } }
        let x = try xs(t, 3, 0...1)
        var total = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<3 { inner += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]) }
            total += StudiesBenchmarks.hartmannAlpha[i] * exp(-inner)
        }
        return -total
    }

    static func rosenbrock4(_ t: Trial) throws -> Double {
        let x = try xs(t, 4, -5...10)
        var total = 0.0
        for i in 0..<3 {
            let valley = x[i + 1] - x[i] * x[i], offset = 1 - x[i]
            total += 100 * valley * valley + offset * offset
        }
        return total
    }

    static func styblinskiTang4(_ t: Trial) throws -> Double {
        try xs(t, 4, -5...5).reduce(0) { $0 + 0.5 * (pow($1, 4) - 16 * $1 * $1 + 5 * $1) }
    }

    static func levy4(_ t: Trial) throws -> Double {
        let w = try xs(t, 4, -10...10).map { 1 + ($0 - 1) / 4 }
        var total = pow(sin(Double.pi * w[0]), 2)
        for i in 0..<3 { total += pow(w[i] - 1, 2) * (1 + 10 * pow(sin(Double.pi * w[i] + 1), 2)) }
        return total + pow(w[3] - 1, 2) * (1 + pow(sin(2 * Double.pi * w[3]), 2))
    }

    static func ackley5(_ t: Trial) throws -> Double {
        let x = try xs(t, 5, -32.768...32.768)
        let n = Double(x.count)
        let squares = x.reduce(0) { $0 + $1 * $1 } / n, cosines = x.reduce(0) { $0 + cos(2 * Double.pi * $1) } / n
        return -20 * exp(-0.2 * sqrt(squares)) - exp(cosines) + 20 + exp(1)
    }

    static func sixHumpCamel(_ t: Trial) throws -> Double {
        let a = try t.suggestFloat("x0", in: -3...3), b = try t.suggestFloat("x1", in: -2...2)
        return (4 - 2.1 * a * a + pow(a, 4) / 3) * a * a + a * b + (-4 + 4 * b * b) * b * b
    }

    static let functions: [(name: String, minimum: Double, objective: @Sendable (Trial) throws -> Double)] = [
        ("Branin", 0.397887, StudiesBenchmarks.branin), ("SixHumpCamel", -1.0316, sixHumpCamel),
        ("Hartmann3", -3.86278, hartmann3), ("Rosenbrock4", 0, rosenbrock4),
        ("StyblinskiTang4", -156.6646, styblinskiTang4), ("Levy4", 0, levy4),
        ("Ackley5", 0, ackley5), ("Hartmann6", -3.32237, StudiesBenchmarks.hartmann6),
    ]

    static func run() {
        let environment = ProcessInfo.processInfo.environment
        let first = Int(environment["ATELIER_QUALITY_FIRST_SEED"] ?? "") ?? 1000
        let count = Int(environment["ATELIER_QUALITY_SEEDS"] ?? "") ?? 300
        let candidateCounts = (environment["ATELIER_QUALITY_CANDIDATES"] ?? "24,96").split(separator: ",").compactMap { Int($0) }
        print("best@100 over seeds \(first)..<\(first + count): median [25 %, 75 %] mean, per TPE candidate count")
        do {
            for function in functions {
                for candidates in candidateCounts {
                    var best: [Double] = []
                    let elapsed = try seconds {
                        for seed in first..<(first + count) {
                            let study = try Study.create(name: "q", sampler: TPESampler(seed: UInt64(seed), candidateCount: candidates))
                            try study.optimize(trials: 100, objective: function.objective)
                            best.append(try study.trials.compactMap(\.value).min()!)
                        }
                    }
                    best.sort()
                    let median = (best[(best.count - 1) / 2] + best[best.count / 2]) / 2
                    let mean = best.reduce(0, +) / Double(best.count)
                    print(function.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                          + String(format: "(min %9.4f) %3d candidates: median %10.4f [%10.4f, %10.4f] mean %10.4f  (%.1f s)",
                                   function.minimum, candidates, median, best[best.count / 4], best[3 * best.count / 4], mean, elapsed))
                }
            }
        } catch {
            FileHandle.standardError.write(Data("study-quality-wide: \(error)\n".utf8))
        }
    }
}
