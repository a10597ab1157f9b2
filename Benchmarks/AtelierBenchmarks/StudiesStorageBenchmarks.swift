import Foundation
import Studies
import StudiesSQLite
import StudyStorages

// Study storage benchmarks beside Optuna 5.1's (../shared/anchors/optuna/storage_bench.py and
// conc.py): the same four-parameter objective, 200 trials, sequential or by 4 worker processes.
//
//   study-sqlite-200   200 sequential trials (ask + 4 suggests + tell), SQLite file on disk, every
//                      told trial durable (synchronous=FULL on the finishing commit: "sqlite") or
//                      crash-safe without fsync ("sqlite-nosync", durability .processCrash); TPE
//                      default, TPE independent and random, beside the same in memory.
//   study-workers      200 trials by 4 worker processes (atelier-bench study-worker ...) on one
//                      SQLite file and, when ATELIER_TEST_POSTGRES_URL is set, one PostgreSQL study;
//                      wall time from the first spawn to the last exit, duplicates and losses checked.

/// storage_bench.py's objective: two log floats, an int, a categorical.
func storageBenchObjective(_ trial: Trial) throws -> Double {
    let lr = try trial.suggestFloat("lr", in: 1e-5...1e-1, log: true)
    let wd = try trial.suggestFloat("wd", in: 1e-6...1e-2, log: true)
    let units = try trial.suggestInt("units", in: 16...512)
    let optimizer = try trial.suggestCategorical("opt", ["sgd", "adam", "rmsprop"])
    let penalty = ["sgd": 0.5, "adam": 0.0, "rmsprop": 0.2][optimizer]!
    return pow(log10(lr) + 3, 2) + 0.3 * pow(log10(wd) + 4, 2) + pow(Double(units - 256) / 256, 2) + penalty
}

/// A fresh SQLite file in the benchmark scratch folder (`OPTBENCH_DIR`, as the Python scripts, or
/// the system temp folder: on disk on this machine).
func benchmarkDatabasePath(_ tag: String) -> String {
    let folder = ProcessInfo.processInfo.environment["OPTBENCH_DIR"] ?? NSTemporaryDirectory()
    let path = URL(fileURLWithPath: folder).appendingPathComponent("atelier_\(tag)_\(getpid()).db").path
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    return path
}

/// `atelier-bench study-worker URL STUDY N`: one worker of `study-workers`; prints the numbers it ran.
func runStudyWorker(_ arguments: [String]) -> Never {
    guard arguments.count == 3, let count = Int(arguments[2]) else {
        FileHandle.standardError.write(Data("usage: atelier-bench study-worker URL STUDY N\n".utf8))
        exit(64)
    }
    do {
        let storage = try openStudyStorage(url: arguments[0])
        let study = try Study.load(name: arguments[1], storage: storage, sampler: TPESampler(seed: UInt64(getpid())))
        var numbers: [Int] = []
        try study.optimize(trials: count, callback: { _, trial in numbers.append(trial.number) }, objective: storageBenchObjective)
        print(numbers.map(String.init).joined(separator: ","))
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("atelier-bench study-worker: error: \(error)\n".utf8))
        exit(1)
    }
}

extension BenchmarkRegistry {
    static let studiesStorage: [Benchmark] = [
        Benchmark(name: "study-sqlite-200") {
            for (label, makeSampler) in [("TPE default", { TPESampler(seed: 0) as any Sampler }),
                                         ("TPE indep", { TPESampler(seed: 0, multivariate: false) as any Sampler }),
                                         ("Random", { RandomSampler(seed: 0) as any Sampler })] {
                for kind in ["memory", "sqlite", "sqlite-nosync"] {
                    let tag = label.replacingOccurrences(of: " ", with: "") + kind
                    do {
                        let storage: any StudyStorage = switch kind {
                        case "memory": try openStudyStorage(url: "memory")
                        case "sqlite": try SQLiteStudyStorage(path: benchmarkDatabasePath(tag))
                        default: try SQLiteStudyStorage(path: benchmarkDatabasePath(tag), durability: .processCrash)
                        }
                        let study = try Study.create(name: "bench_\(tag)", storage: storage, sampler: makeSampler())
                        var marks: [Double] = []
                        let start = DispatchTime.now().uptimeNanoseconds
                        for _ in 0..<200 {
                            try study.optimize(trials: 1, objective: storageBenchObjective)
                            marks.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                        }
                        let total = marks[199]
                        let last20 = (marks[199] - marks[179]) / 20
                        let trials = try study.trials
                        precondition(trials.map(\.number) == Array(0..<200) && trials.allSatisfy { $0.state == .complete })
                        report("study-sqlite-200 \(kind) \(label)", total, "s",
                               String(format: "(%.1f ms/trial avg, last 20: %.1f ms/trial) best=%.4f", 1e3 * total / 200,
                                      1e3 * last20, try study.bestValue ?? .nan))
                    } catch {
                        print("study-sqlite-200 \(kind) \(label): error: \(error)")
                    }
                }
            }
        },
        Benchmark(name: "study-workers") {
            var urls = ["sqlite:///" + benchmarkDatabasePath("workers")]
            if let postgres = ProcessInfo.processInfo.environment["ATELIER_TEST_POSTGRES_URL"] { urls.append(postgres) }
            else { print("study-workers: ATELIER_TEST_POSTGRES_URL unset, PostgreSQL skipped") }
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            for url in urls {
                for (workers, each) in [(1, 200), (4, 50)] {
                    do {
                        let storage = try openStudyStorage(url: url)
                        let name = "workers_\(workers)_\(UUID().uuidString.prefix(8))"
                        _ = try Study.create(name: name, storage: storage)
                        let start = DispatchTime.now().uptimeNanoseconds
                        var processes: [(Process, Pipe)] = []
                        for _ in 0..<workers {
                            let process = Process()
                            process.executableURL = executable
                            process.arguments = ["study-worker", url, name, String(each)]
                            let pipe = Pipe()
                            process.standardOutput = pipe
                            try process.run()
                            processes.append((process, pipe))
                        }
                        var numbers: [Int] = []
                        var failures = 0
                        for (process, pipe) in processes {
                            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                            process.waitUntilExit()
                            if process.terminationStatus != 0 { failures += 1 }
                            numbers += text.split(whereSeparator: { $0 == "," || $0 == "\n" }).compactMap { Int($0) }
                        }
                        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                        let stored = try storage.trials(studyID: try storage.studyID(named: name))
                        let duplicates = numbers.count - Set(numbers).count
                        let lost = workers * each - stored.filter { $0.state == .complete }.count
                        let gapless = stored.map(\.number) == Array(0..<stored.count)
                        let scheme = url.hasPrefix("sqlite") ? "sqlite" : "postgresql"
                        report("study-workers \(scheme) W=\(workers) x \(each)", wall, "s",
                               String(format: "(%.1f trials/s) duplicates %d, lost %d, gapless %@, worker failures %d",
                                      Double(stored.count) / wall, duplicates, lost, gapless ? "yes" : "NO", failures))
                    } catch {
                        print("study-workers \(url): error: \(error)")
                    }
                }
            }
        },
    ]
}
