import Datasets
import Foundation
import TensorCore

/// "mnist-load": MNIST train images, gzip file -> Float32 `[60000, 784]` in [0, 1], median of 5
/// after a warm-up, next to the NumPy reference (`Benchmarks/python/mnist_load.py`) run in the
/// same session. Target from the issue: at most 0.5x NumPy's time.
enum MNISTLoadBenchmark {
    static func run() {
        let directory: String
        do { directory = try Dataset.locateMNIST() } catch {
            FileHandle.standardError.write(Data("mnist-load: \(error)\n".utf8))
            return
        }
        let imagesPath = (directory as NSString).appendingPathComponent("train-images-idx3-ubyte.gz")
        var checksum: Float = 0
        do {
            var images = Tensor.zeros([0])
            let imagesOnly = try medianSeconds(repetitions: 5) {
                images = try IDX.readTensor(imagesPath, expectedMagic: IDX.imagesMagic, scaled: true)
            }
            checksum = images.sum()
            let file = try IDX.read(imagesPath)
            let convertOnly = medianSeconds(repetitions: 5) { _ = file.tensor() }
            let raw = try FileIO.read(imagesPath)
            let inflateOnly = try medianSeconds(repetitions: 5) { _ = try Gzip.decompressBytes(raw, path: imagesPath) }
            let wholeDataset = try medianSeconds(repetitions: 5) {
                _ = try Dataset.mnist(.train).images()
            }
            report("mnist-load images gzip -> Float32 [0,1]", imagesOnly, "s", "median of 5, sum \(checksum)")
            report("mnist-load   part: inflate 47 MB (libdeflate)", inflateOnly, "s")
            report("mnist-load   part: bytes -> Float32 (2 threads)", convertOnly, "s")
            report("mnist-load train images+labels -> Float32", wholeDataset, "s")
            if let numpy = pythonReference(imagesPath) {
                report("mnist-load NumPy reference (gzip+frombuffer)", numpy, "s", "Benchmarks/python/mnist_load.py")
                report("mnist-load Atelier / NumPy", imagesOnly / numpy, "x", "target <= 0.5")
            } else {
                report("mnist-load NumPy reference", .nan, "s", "python3 with numpy not found")
            }
        } catch {
            FileHandle.standardError.write(Data("mnist-load: \(error)\n".utf8))
        }
    }

    /// Runs the Python reference and returns its median seconds, or nil when it cannot run.
    static func pythonReference(_ imagesPath: String) -> Double? {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("python/mnist_load.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, imagesPath]
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
