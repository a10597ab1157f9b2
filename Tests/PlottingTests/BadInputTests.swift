import Foundation
import Testing
@testable import Plotting

@Suite("Bad input gives clear typed errors")
struct BadInputTests {
    @Test("empty and all-NaN series")
    func emptySeries() {
        var axes = Axes()
        #expect(throws: PlotError.emptySeries("line 'loss'")) { try axes.line(x: [Double](), y: [Double](), label: "loss") }
        #expect(throws: PlotError.emptySeries("line")) { try axes.line(x: [1, 2], y: [Double.nan, .infinity]) }
        #expect(throws: PlotError.self) { try axes.scatter(x: [Double.nan], y: [1]) }
        #expect(throws: PlotError.self) { try axes.histogram([Double.nan, .infinity]) }
        #expect(throws: PlotError.self) { try axes.bar(categories: [], values: []) }
        #expect(throws: PlotError.self) { try axes.heatmap([[Double]]()) }
        #expect(throws: PlotError.self) { try axes.confusionMatrix([]) }
        #expect(axes.isEmpty)
        #expect("\(PlotError.emptySeries("line 'loss'"))".contains("no finite values"))
    }

    @Test("mismatched lengths name what and how many")
    func mismatchedLengths() {
        var axes = Axes()
        #expect(throws: PlotError.lengthMismatch("line: x and y", expected: 3, found: 2)) { try axes.line(x: [1, 2, 3], y: [1, 2]) }
        #expect(throws: PlotError.self) { try axes.scatter(x: [1, 2], y: [1, 2], categories: [0]) }
        #expect(throws: PlotError.self) { try axes.scatter(x: [1, 2], y: [1, 2], values: [0]) }
        #expect(throws: PlotError.self) { try axes.bar(categories: ["a"], values: [1, 2]) }
        #expect(throws: PlotError.self) { try axes.heatmap([[1, 2], [3]]) }
        #expect(throws: PlotError.self) { try axes.heatmap([[1, 2]], rowLabels: ["a", "b"]) }
        #expect(throws: PlotError.self) { try axes.confusionMatrix([[1, 2], [3, 4]], classNames: ["a"]) }
        #expect(throws: PlotError.self) { try axes.confusionMatrix([[1, 2, 3], [3, 4, 5]]) }
        #expect(throws: PlotError.self) { try axes.image([0, 1], width: 2, height: 2) }
        let message = "\(PlotError.lengthMismatch("line: x and y", expected: 3, found: 2))"
        #expect(message.contains("expected 3") && message.contains("found 2"))
    }

    @Test("NaN and infinite values are skipped and counted, not drawn")
    func skippedValues() throws {
        var axes = Axes()
        try axes.scatter(x: [1, .nan, 3, 4], y: [1, 2, .infinity, 4])
        #expect(axes.skippedValueCount == 2)
        try axes.bar(categories: ["a", "b"], values: [1, .nan])
        #expect(axes.skippedValueCount == 3)
        try axes.heatmap([[1, .nan], [2, 3]])
        #expect(axes.skippedValueCount == 4)
        var figure = Figure(width: 300, height: 200)
        figure[0] = axes
        _ = try figure.rasterized()
    }

    @Test("bad bins, categories, extensions, sizes")
    func badArguments() throws {
        var axes = Axes()
        #expect(throws: PlotError.self) { try axes.histogram([1, 2], bins: .count(0)) }
        #expect(throws: PlotError.self) { try axes.histogram([1, 2], bins: .edges([1])) }
        #expect(throws: PlotError.self) { try axes.histogram([1, 2], bins: .edges([0, 2, 1])) }
        #expect(throws: PlotError.self) { try axes.scatter(x: [1], y: [1], categories: [3], names: ["a", "b"]) }
        #expect(throws: PlotError.self) { try axes.scatter(x: [1], y: [1], categories: [-1]) }
        #expect(throws: PlotError.self) { try axes.confusionMatrix([[1, -1], [0, 1]]) }
        #expect(throws: PlotError.self) { try axes.verticalLine(at: .nan) }
        #expect(throws: PlotError.self) { try axes.scatter(x: [1, 2], y: [1, 2], categories: [0, 300]) }
        // A degenerate custom colormap is padded, not a trap.
        #expect(Colormap(name: "one", table: [0x123456]).color(at: 0.7) == Color(hex: 0x123456))
        #expect(Colormap(name: "none", table: []).color(at: 1) == .white)
        var figure = Figure(width: 200, height: 100)
        try figure[0].line([1, 2, 3])
        #expect(throws: PlotError.unsupportedFormat(path: "/tmp/x.jpg", found: "jpg")) { try figure.save("/tmp/x.jpg") }
        #expect(throws: PlotError.self) { try figure.save("/tmp/no-extension") }
        #expect("\(PlotError.unsupportedFormat(path: "/tmp/x.jpg", found: "jpg"))".contains(".png, .svg or .pdf"))
        var huge = figure
        huge.width = 0
        #expect(throws: PlotError.self) { try huge.rasterized() }
        var badDPI = figure
        badDPI.dpi = 0
        #expect(throws: PlotError.self) { try badDPI.rasterized() }
    }

    @Test("unwritable destinations and unreadable PNGs are errors that name the file")
    func fileErrors() throws {
        var figure = Figure(width: 200, height: 100)
        try figure[0].line([1, 2, 3])
        do {
            try figure.save("/proc/atelier-cannot-write/x.png")
            Issue.record("expected an error")
        } catch let error as PlotError {
            #expect("\(error)".contains("/proc/atelier-cannot-write/x.png"))
        }
        let bogus = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-\(UUID().uuidString).png").path
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: bogus))
        #expect(throws: PlotError.self) { try RasterImage.readPNG(bogus) }
        #expect(throws: PlotError.self) { try RasterImage.readPNG("/nonexistent/file.png") }
    }
}
