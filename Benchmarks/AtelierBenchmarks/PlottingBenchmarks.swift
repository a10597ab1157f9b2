import Datasets
import Foundation
import Plotting
import TensorCore

/// Plotting benchmarks (issue 3): render + PNG encode of the three reference figures, timed next to
/// matplotlib (Agg) run by `Benchmarks/python/plot_reference.py` in the same session, plus whole processes
/// (`atelier plot scatter` vs a Python script) reading the same 70,000-row CSV.
extension BenchmarkRegistry {
    static let plotting: [Benchmark] = [
        Benchmark(name: "plot-scatter") {
            var generator = RandomGenerator(seed: 0)
            let figure = try! PlotDemo.categoricalScatter(pointCount: 70_000, generator: &generator, width: 1600, height: 1600)
            let total = medianSeconds(repetitions: 7) { _ = try! figure.encoded(as: .png) }
            let render = medianSeconds(repetitions: 7) { _ = try! figure.rasterized() }
            let level6 = medianSeconds(repetitions: 5) { _ = try! figure.encoded(as: .png, png: PNGOptions(compressionLevel: 6)) }
            // libpng's defaults, which Cairo's own writer uses: zlib level 6 with adaptive filtering.
            let cairoLike = medianSeconds(repetitions: 5) {
                _ = try! figure.encoded(as: .png, png: PNGOptions(compressionLevel: 6, filters: PNGOptions.allFilters))
            }
            let bytes = try! figure.encoded(as: .png).count
            report("scatter 70k, 1600x1600: render + PNG", total, "s", "PNG \(bytes / 1024) KiB")
            report("scatter 70k: render only (incl. pixel copy)", render, "s")
            report("scatter 70k: render + PNG at zlib level 6", level6, "s")
            report("scatter 70k: render + PNG, level 6 + all filters", cairoLike, "s", "libpng defaults, as Cairo's writer")
            compare("scatter", total, target: 0.5)
        },
        Benchmark(name: "plot-gallery") {
            let gallery = try! digitGallery()
            let total = medianSeconds(repetitions: 7) { _ = try! gallery.encoded(as: .png) }
            let render = medianSeconds(repetitions: 7) { _ = try! gallery.rasterized() }
            report("gallery 8x18 digits, 3240x1920: render + PNG", total, "s", "PNG \(try! gallery.encoded(as: .png).count / 1024) KiB")
            report("gallery: render only (incl. pixel copy)", render, "s")
            compare("gallery", total, target: 0.1)
        },
        Benchmark(name: "plot-line") {
            var figure = Figure(width: 640, height: 480, dpi: 100)
            let epochs = (1...20).map(Double.init)
            try! figure[0].line(x: epochs, y: epochs.map { 2.2 * exp(-$0 / 4) }, label: "train")
            try! figure[0].line(x: epochs, y: epochs.map { 2.2 * exp(-$0 / 4) + 0.05 }, label: "validation")
            figure[0].xLabel = "epoch"
            figure[0].yLabel = "loss"
            let total = medianSeconds(repetitions: 15) { _ = try! figure.encoded(as: .png) }
            report("line 2x20 points, 640x480: render + PNG", total, "s")
            compare("line", total, target: nil)
        },
        Benchmark(name: "plot-cli-scatter") {
            // The same 70,000-row CSV for both whole processes.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-plot-bench")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let csv = folder.appendingPathComponent("embedding.csv").path
            var generator = RandomGenerator(seed: 1)
            var text = "x,y,label\n"
            for index in 0..<70_000 {
                let label = index % 10, angle = Double(label) / 10 * 2 * .pi
                text += String(format: "%.5f,%.5f,%d\n", 30 * cos(angle) + 6 * generator.normal(), 30 * sin(angle) + 6 * generator.normal(), label)
            }
            try! text.write(toFile: csv, atomically: true, encoding: .utf8)
            let atelier = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("atelier").path
            guard FileManager.default.isExecutableFile(atPath: atelier) else {
                report("atelier plot scatter (whole process)", .nan, "s", "build the atelier product first (\(atelier))")
                return
            }
            let swift = medianSeconds(repetitions: 5) {
                run(atelier, ["plot", "scatter", "--input", csv, "--x", "x", "--y", "y", "--color", "label",
                              "--out", folder.appendingPathComponent("swift.png").path])
            }
            report("atelier plot scatter, 70k-row CSV -> PNG (process)", swift, "s")
            guard let python = findPython() else { report("python whole process", .nan, "s", "python3 not found"); return }
            let reference = medianSeconds(repetitions: 3) {
                run(python, ["Benchmarks/python/plot_reference.py", "--csv-scatter", csv, folder.appendingPathComponent("python.png").path])
            }
            report("python3 numpy+matplotlib, same CSV -> PNG (process)", reference, "s")
            report("ratio atelier / python (target <= 0.25)", swift / reference, "x")
        },
    ]

    /// 144 MNIST training digits (or synthetic strokes when MNIST is absent), 18 per row.
    static func digitGallery() throws -> ImageGallery {
        let images: Tensor
        if let train = try? Dataset.mnist(.train).prefix(144) {
            images = train.images()
        } else {
            var generator = RandomGenerator(seed: 0)
            images = Tensor(shape: [144, 784], elements: PlotDemo.syntheticDigits(count: 144, generator: &generator).flatMap { $0 })
        }
        return try ImageGallery(images: images, columns: 18, width: 3240, height: 1920)
    }
}

/// matplotlib's medians, measured once per bench process by the reference script (nil when unavailable).
let matplotlibReference: [String: Double]? = {
    guard let python = findPython(), FileManager.default.fileExists(atPath: "Benchmarks/python/plot_reference.py") else { return nil }
    let output = run(python, ["Benchmarks/python/plot_reference.py", "--repetitions", "5"])
    guard let data = output.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
    var result: [String: Double] = [:]
    for (key, value) in object { if let number = value as? Double { result[key] = number } }
    if let version = object["matplotlib"] as? String { print("matplotlib \(version) reference (Agg, render + save, median of 5)") }
    return result
}()

/// Prints matplotlib's figure for `name` next to ours and the ratio.
func compare(_ name: String, _ seconds: Double, target: Double?) {
    guard let reference = matplotlibReference?[name] else {
        report("matplotlib \(name)", .nan, "s", "reference unavailable (pip install matplotlib)")
        return
    }
    report("matplotlib \(name): render + save", reference, "s")
    report("ratio atelier / matplotlib" + (target.map { " (target <= \($0))" } ?? ""), seconds / reference, "x")
}

/// The `python3` found first on PATH (where pip installed matplotlib), or `$ATELIER_PYTHON`.
func findPython() -> String? {
    let environment = ProcessInfo.processInfo.environment
    if let explicit = environment["ATELIER_PYTHON"], FileManager.default.isExecutableFile(atPath: explicit) { return explicit }
    for folder in (environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let candidate = "\(folder)/python3"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Runs a process to completion and returns its stdout.
@discardableResult
func run(_ executable: String, _ arguments: [String]) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return "" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
