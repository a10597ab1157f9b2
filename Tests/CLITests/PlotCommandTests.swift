import Foundation
import Testing
import TestSupport

/// End-to-end tests of `atelier plot ...` and `atelier gallery`: the built binary, run as a user runs it.
@Suite("atelier plot and gallery", .enabled(if: AtelierBinary.exists, "build the atelier executable first (swift build)"))
struct PlotCommandTests {
    let directory = TestSupport.temporaryDirectory("atelier-plot-cli")

    /// Width and height from a PNG's IHDR chunk (bytes 16..<24, big-endian).
    private func pngSize(_ path: String) throws -> (Int, Int) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
        func word(_ offset: Int) -> Int { bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    private func embeddingCSV() throws -> String {
        var text = "x,y,label,score\n"
        for index in 0..<300 {
            text += "\(Double(index % 17) * 0.5),\(Double(index % 23) - 4),\(index % 4),\(Double(index) / 300)\n"
        }
        text += "nan,1,2,0.5\n"
        return try TestSupport.writeFile(text, named: "embedding.csv", in: directory)
    }

    @Test("scatter coloured by label writes a PNG of the asked size and reports JSON")
    func scatter() throws {
        let csv = try embeddingCSV()
        let out = directory.appendingPathComponent("scatter.png").path
        let result = try AtelierBinary.run(["plot", "scatter", "--input", csv, "--x", "x", "--y", "y", "--color", "label",
                                            "--width", "640", "--height", "480", "--title", "embedding", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(summary["points"] as? Int == 301)
        #expect(summary["skippedValues"] as? Int == 1)
        let (width, height) = try pngSize(out)
        #expect(width == 640 && height == 480)
    }

    @Test("line, histogram (overlaid by class) and continuous colour; SVG and PDF by extension")
    func otherKinds() throws {
        let csv = try embeddingCSV()
        let line = try AtelierBinary.run(["plot", "line", "--input", csv, "--y", "x", "--y", "y", "--out", directory.appendingPathComponent("line.svg").path])
        #expect(line.status == 0, "\(line.standardError)")
        #expect(try String(contentsOfFile: directory.appendingPathComponent("line.svg").path, encoding: .utf8).contains("<svg"))
        let hist = try AtelierBinary.run(["plot", "hist", "--input", csv, "--x", "y", "--color", "label", "--bins", "12",
                                          "--out", directory.appendingPathComponent("hist.pdf").path])
        #expect(hist.status == 0, "\(hist.standardError)")
        #expect(try Data(contentsOf: directory.appendingPathComponent("hist.pdf")).starts(with: Array("%PDF".utf8)))
        let continuous = try AtelierBinary.run(["plot", "scatter", "--input", csv, "--x", "x", "--y", "y", "--color", "score",
                                                "--colormap", "magma", "--out", directory.appendingPathComponent("score.png").path])
        #expect(continuous.status == 0, "\(continuous.standardError)")
    }

    @Test("bad input: an unknown column exits 1 naming file and flag; an unknown colormap or extension is a usage error (64)")
    func errors() throws {
        let csv = try embeddingCSV()
        let out = directory.appendingPathComponent("bad.png").path
        let column = try AtelierBinary.run(["plot", "scatter", "--input", csv, "--x", "nope", "--y", "y", "--out", out])
        #expect(column.status == 1)
        #expect(column.standardError.contains("\(csv): no column named 'nope' (--x)"), "\(column.standardError)")
        let colormap = try AtelierBinary.run(["plot", "scatter", "--input", csv, "--x", "x", "--y", "y", "--color", "score",
                                              "--colormap", "jet", "--out", out])
        #expect(colormap.status == 64)
        #expect(colormap.standardError.contains("--colormap: unknown colormap 'jet'"), "\(colormap.standardError)")
        let missing = try AtelierBinary.run(["plot", "hist", "--input", directory.appendingPathComponent("missing.csv").path, "--x", "x", "--out", out])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("missing.csv"))
        let extensionError = try AtelierBinary.run(["plot", "scatter", "--input", csv, "--x", "x", "--y", "y", "--out", directory.appendingPathComponent("plot.jpg").path])
        #expect(extensionError.status == 64)
        #expect(extensionError.standardError.contains("unsupported output extension 'jpg'"), "\(extensionError.standardError)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("gallery of MNIST test digits: 18 columns of 180 px, 8 rows of 240 px")
    func gallery() throws {
        let out = directory.appendingPathComponent("gallery.png").path
        let result = try AtelierBinary.run(["gallery", "--dataset", "mnist", "--split", "test", "--rows", "2", "--cols", "3", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let (width, height) = try pngSize(out)
        #expect(width == 540 && height == 480)
        let bad = try AtelierBinary.run(["gallery", "--dataset", "cifar", "--out", out])
        #expect(bad.status == 64)
        #expect(bad.standardError.contains("--dataset must be one of mnist, fashion-mnist, got 'cifar'"), "\(bad.standardError)")
        let usage = try AtelierBinary.run(["gallery", "--rows", "0", "--out", out])
        #expect(usage.status == 64)
    }
}
