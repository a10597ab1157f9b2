import Foundation
import Plotting
import Studies
import StudyStorages
import StudyViews

// Study figures at 10,000 trials (issue 12: "each must draw 10,000 trials in under a second,
// including studies that Optuna wrote"), beside optuna.visualization.matplotlib on the same study
// (Benchmarks/python/study_figures.py).
//
//   study-figures-10k   every StudyPlotKind, figure built and encoded to PNG (1200 x 800, 100 dpi),
//                       median of 5 after a warm-up, on (1) the Optuna-written SQLite study
//                       "figures10k" at $ATELIER_STUDY_FIGURES_DB (default runs/study-figures-10k.db;
//                       make it with `python Benchmarks/python/study_figures.py make DB`), skipped
//                       with a note when absent, and (2) a 10,000-trial study of the same shape built
//                       in memory. The SQLite read (StudySnapshot) is timed on its own.

/// 10,000 trials like study_figures.py's: five parameters, every 9th trial pruned after 2 of 5 steps.
func syntheticFigureStudy(trials count: Int = 10_000) throws -> StudySnapshot {
    let distributions: [String: Distribution] = [
        "lr": .float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true)), "units": .int(try IntDistribution(low: 16, high: 256)),
        "layers": .int(try IntDistribution(low: 1, high: 4)),
        "optimizer": .categorical(try CategoricalDistribution([.string("adam"), .string("sgd"), .string("rmsprop")])),
        "dropout": .float(try FloatDistribution(low: 0, high: 0.5)),
    ]
    var generator = SystemRandomNumberGenerator()
    let origin = Date(timeIntervalSince1970: 1_800_000_000)
    return StudySnapshot(name: "synthetic10k", direction: .maximize, trials: (0..<count).map { number in
        let lr = pow(10, Double.random(in: -5...(-1), using: &generator)), units = Double(Int.random(in: 16...256, using: &generator))
        let layers = Double(Int.random(in: 1...4, using: &generator)), optimizer = Double(Int.random(in: 0...2, using: &generator))
        let dropout = Double.random(in: 0...0.5, using: &generator)
        let value = 0.99 - 0.02 * pow(log10(lr) + 3, 2) - 0.002 * abs(units - 128) / 128 - 0.003 * abs(layers - 2) - 0.001 * optimizer - 0.004 * dropout
        let pruned = number % 9 == 8
        var intermediate: [Int: Double] = [:]
        for step in 1...(pruned ? 2 : 5) { intermediate[step] = value - 0.3 * pow(0.6, Double(step)) }
        let start = origin.addingTimeInterval(Double(number) * 3)
        return FrozenTrial(id: Int64(number + 1), number: number, state: pruned ? .pruned : .complete, values: pruned ? [] : [value],
                           start: start, complete: start.addingTimeInterval(pruned ? 1 : 2.5),
                           params: ["lr": lr, "units": units, "layers": layers, "optimizer": optimizer, "dropout": dropout],
                           distributions: distributions, intermediateValues: intermediate)
    })
}

/// Times every kind on `snapshot`; the contour draws lr against units.
func benchmarkStudyFigures(_ snapshot: StudySnapshot, tag: String) {
    for kind in StudyPlotKind.allCases {
        var options = StudyPlotOptions()
        if kind == .contour { options.contourParameters = (x: "lr", y: "units") }
        do {
            var bytes = 0
            let median = try medianSeconds {
                bytes = try StudyPlots.figure(kind, of: snapshot, options: options).encoded(as: .png).count
            }
            report("study-figure \(kind.rawValue) (\(tag))", median, "s", "\(snapshot.trials.count) trials, PNG \(bytes / 1024) KB")
        } catch {
            report("study-figure \(kind.rawValue) (\(tag))", .nan, "s", "error: \(error)")
        }
    }
}

extension BenchmarkRegistry {
    static let studyFigures: [Benchmark] = [
        Benchmark(name: "study-figures-10k") {
            let path = ProcessInfo.processInfo.environment["ATELIER_STUDY_FIGURES_DB"] ?? "runs/study-figures-10k.db"
            if FileManager.default.fileExists(atPath: path) {
                do {
                    let storage = try openStudyStorage(url: "sqlite:///" + path)
                    let study = try Study.load(name: "figures10k", storage: storage, sampler: RandomSampler())
                    var snapshot: StudySnapshot?
                    let read = try medianSeconds { snapshot = try StudySnapshot(study) }
                    report("study-figures read (Optuna's SQLite)", read, "s", "\(snapshot!.trials.count) trials")
                    let importances = PedAnovaImportance.importances(of: snapshot!.completed, parameters: snapshot!.parameterNames,
                                                                     direction: snapshot!.direction)
                    print("PED-ANOVA importances (compare: study_figures.py importance): "
                          + importances.sorted { $0.value > $1.value }.map { "\($0.key) \(String(format: "%.6f", $0.value))" }.joined(separator: ", "))
                    benchmarkStudyFigures(snapshot!, tag: "Optuna's SQLite")
                } catch {
                    report("study-figures read (Optuna's SQLite)", .nan, "s", "error: \(error)")
                }
            } else {
                print("note: \(path) is missing (python Benchmarks/python/study_figures.py make \(path)); Optuna's study skipped")
            }
            do { benchmarkStudyFigures(try syntheticFigureStudy(), tag: "in memory") } catch { print("error: \(error)") }
        },
    ]
}
