import Datasets
import Foundation
import Preprocessing
import TensorCore

/// "scalers": `StandardScaler` and `MinMaxScaler` fit + transform on MNIST train as Float32
/// `[60000, 784]`, median of 5, next to scikit-learn (`Benchmarks/python/scalers.py`), which also
/// checks Atelier's transformed matrices against its own (written as .npy).
enum ScalerBenchmark {
    static func run() {
        do {
            let imagesPath = (try Dataset.locateMNIST() as NSString).appendingPathComponent("train-images-idx3-ubyte.gz")
            let x = try IDX.readTensor(imagesPath, expectedMagic: IDX.imagesMagic).reshaped([60_000, 784])
            var standard = x, minMax = x
            let standardSeconds = try medianSeconds { standard = try StandardScaler().fit(x).transform(x) }
            let minMaxSeconds = try medianSeconds { minMax = try MinMaxScaler().fit(x).transform(x) }
            report("scalers StandardScaler fit+transform", standardSeconds, "s", "MNIST train [60000, 784], median of 5")
            report("scalers MinMaxScaler fit+transform", minMaxSeconds, "s")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-bench-scalers-\(ProcessInfo.processInfo.processIdentifier)")
            let standardPath = directory.appendingPathComponent("standard.npy").path
            let minMaxPath = directory.appendingPathComponent("minmax.npy").path
            try NPY.write(standard, to: standardPath)
            try NPY.write(minMax, to: minMaxPath)
            defer { try? FileManager.default.removeItem(at: directory) }
            guard let reference = python("scalers.py", [imagesPath, standardPath, minMaxPath]) else {
                report("scalers scikit-learn reference", .nan, "s", "python3 with scikit-learn not found")
                return
            }
            if let seconds = reference["standard_seconds"] {
                report("scalers scikit-learn StandardScaler", seconds, "s", "ratio \(String(format: "%.2f", standardSeconds / seconds))x")
            }
            if let seconds = reference["minmax_seconds"] {
                report("scalers scikit-learn MinMaxScaler", seconds, "s", "ratio \(String(format: "%.2f", minMaxSeconds / seconds))x")
            }
            let standardDifference = reference["standard_max_abs_difference"] ?? .nan
            let minMaxDifference = reference["minmax_max_abs_difference"] ?? .nan
            print("scalers max |Atelier - sklearn|: standard \(standardDifference), min-max \(minMaxDifference)")
        } catch {
            FileHandle.standardError.write(Data("scalers: \(error)\n".utf8))
        }
    }

    /// Runs `Benchmarks/python/<script>` and returns its `name value` output lines.
    static func python(_ script: String, _ arguments: [String]) -> [String: Double]? {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("python/\(script)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        var values: [String: Double] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }
}
