import Datasets
import FeatureSelection
import Foundation
import Fraud
import TensorCore

extension BenchmarkRegistry {
    /// The synthetic 284,807-row creditcard.csv the fraud benchmarks read, written once
    /// (seed 0) under the temporary directory, or `$ATELIER_CREDITCARD` when set (e.g. the real file).
    static func creditCardFile() -> String {
        if let path = ProcessInfo.processInfo.environment["ATELIER_CREDITCARD"], !path.isEmpty { return path }
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("atelier-bench-creditcard-seed0.csv")
        if !FileManager.default.fileExists(atPath: path) {
            do {
                let statistics = PublishedStatistics.builtIn
                try SyntheticCreditCard(rows: PublishedStatistics.realRowCount, seed: 0).write(to: path, statistics: statistics)
            } catch {
                FileHandle.standardError.write(Data("cannot write the synthetic credit-card file: \(error)\n".utf8))
                exit(1)
            }
        }
        return path
    }

    static let fraud: [Benchmark] = [
        Benchmark(name: "fraud-read-csv") {
            let path = creditCardFile()
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            var rows = 0
            let raw = medianSeconds(repetitions: 7) { rows = (try? CSV.readNumeric(path))?.rowCount ?? -1 }
            let checked = medianSeconds(repetitions: 7) { _ = try? CreditCardData.load(path) }
            let readOnly = medianSeconds(repetitions: 7) { _ = try? FileIO.readMaybeGzipped(path) }
            let data = try! FileIO.readMaybeGzipped(path)
            let parseOnly = medianSeconds(repetitions: 7) { _ = try? CSV.parseNumeric(data, path: path) }
            report("fraud CSV.readNumeric 284,807 x 31", raw, "s", "\(rows) rows, \(bytes / 1_000_000) MB, \(path)")
            report("fraud   of which reading the bytes", readOnly, "s")
            report("fraud   of which parsing", parseOnly, "s")
            let cpuStart = clock()
            for _ in 0..<5 { _ = try? CSV.readNumeric(path) }
            report("fraud CSV.readNumeric CPU time (all threads)", Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC) / 5, "s", "per read, mean of 5")
            report("fraud CreditCardData.load (schema+checks)", checked, "s")
            report("fraud CSV throughput", Double(bytes) / raw / 1e6, "MB/s", "\(Parallel.workerCount) cores")
        },
        Benchmark(name: "fraud-synth") {
            let statistics = PublishedStatistics.builtIn
            let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("atelier-bench-synth-out.csv")
            let time = medianSeconds(repetitions: 3) { _ = try? SyntheticCreditCard(rows: 284_807, seed: 0).write(to: path, statistics: statistics) }
            report("fraud synth 284,807 rows (generate+write)", time, "s")
        },
        Benchmark(name: "fraud-select") {
            let data = try! CreditCardData.load(creditCardFile())
            let time = medianSeconds(repetitions: 3, warmUp: false) { _ = try? FeatureRelevanceAnalysis().fit(data.features, labels: data.labels) }
            report("fraud relevance scores 30 features x 284,807", time, "s", "F, MI (k=3), KS, AUC, r, correlations")
        },
    ]
}
