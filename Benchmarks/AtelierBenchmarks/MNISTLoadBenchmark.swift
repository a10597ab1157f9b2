import Datasets
import Foundation
import TensorCore

/// "mnist-load": MNIST train images, gzip file -> Float32 `[60000, 28, 28]` in [0, 1], next to the
/// NumPy reference (`Benchmarks/python/mnist_load.py`). Target from the issue: at most 0.5x
/// NumPy's time, median of 5, measured side by side.
enum MNISTLoadBenchmark {
    static func run() {
        let directory: String
        do { directory = try Dataset.locateMNIST() } catch {
            FileHandle.standardError.write(Data("mnist-load: \(error)\n".utf8))
            return
        }
        let imagesPath = (directory as NSString).appendingPathComponent("train-images-idx3-ubyte.gz")
        do {
            // Five rounds, each one Swift load then one NumPy load (in its own process, after its
            // own warm-up), so that load from other work on the machine hits both alike.
            var images = try IDX.readTensor(imagesPath, expectedMagic: IDX.imagesMagic, scaled: true)
            var swiftTimes: [Double] = [], numpyTimes: [Double] = []
            for _ in 0..<5 {
                swiftTimes.append(try seconds { images = try IDX.readTensor(imagesPath, expectedMagic: IDX.imagesMagic, scaled: true) })
                if let numpy = pythonReference(imagesPath) { numpyTimes.append(numpy) }
            }
            let imagesOnly = swiftTimes.sorted()[2]
            let checksum = images.sum()

            let raw = try FileIO.read(imagesPath)
            let inflateOnly = try medianSeconds(repetitions: 5) { _ = try Gzip.decompressBytes(raw, path: imagesPath) }
            let file = try IDX.read(imagesPath)
            let convertOnly = medianSeconds(repetitions: 5) { _ = file.tensor() }
            let wholeDataset = try medianSeconds(repetitions: 5) { _ = try Dataset.mnist(.train).images() }

            func list(_ times: [Double]) -> String { times.map { String(format: "%.4f", $0) }.joined(separator: " ") }
            report("mnist-load images gzip -> Float32 [0,1]", imagesOnly, "s", "median of 5: \(list(swiftTimes)); sum \(checksum)")
            report("mnist-load   part: inflate 47 MB (libdeflate)", inflateOnly, "s")
            report("mnist-load   part: bytes -> Float32 (2 threads)", convertOnly, "s")
            report("mnist-load train images+labels -> Float32", wholeDataset, "s")
            if numpyTimes.count == 5 {
                let numpy = numpyTimes.sorted()[2]
                report("mnist-load NumPy reference (gzip+frombuffer)", numpy, "s", "median of 5: \(list(numpyTimes))")
                report("mnist-load Atelier / NumPy", imagesOnly / numpy, "x", "target <= 0.5")
            } else {
                report("mnist-load NumPy reference", .nan, "s", "python3 with numpy not found")
            }
        } catch {
            FileHandle.standardError.write(Data("mnist-load: \(error)\n".utf8))
        }
    }

    /// Runs the Python reference for one timed load (after its own warm-up) and returns its
    /// seconds, or nil when it cannot run.
    static func pythonReference(_ imagesPath: String) -> Double? {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("python/mnist_load.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, imagesPath, "1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        for line in output.split(separator: "\n") where line.hasPrefix("median_seconds ") {
            return Double(line.dropFirst("median_seconds ".count))
        }
        return nil
    }
}
