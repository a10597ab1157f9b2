import Foundation
import Testing
@testable import Plotting

@Suite("Rendering: pixels that matter, read back from PNG")
struct RenderingTests {
    @Test("a bar's fill colour at its centre, and the title band and tick labels are drawn")
    func barCentreAndText() throws {
        var figure = Figure(width: 640, height: 480, title: "Bars")
        let red = Color(hex: 0xd62728)
        try figure[0].bar(categories: ["a", "b", "c"], values: [1, 3, 2], color: red)
        figure[0].xLabel = "category"
        let layout = try #require(try figure.layouts()[0])
        let (image, _) = try renderedPNG(figure)
        #expect(image.width == 640 && image.height == 480)
        // Bar "b" (index 1, height 3): its centre in pixels.
        let x = Int(try #require(layout.xMap.pixel(1))), y = Int(try #require(layout.yMap.pixel(1.5)))
        #expect(colorDistance(image.color(x: x, y: y), red) <= 2)
        // Between bars the background shows.
        let gap = Int(try #require(layout.xMap.pixel(1.5)))
        #expect(colorDistance(image.color(x: gap, y: Int(try #require(layout.yMap.pixel(0.5)))), .white) <= 2)
        // Title band: dark text pixels above the plot.
        #expect(image.countPixels(x: 0..<640, y: 0..<Int(layout.plot.minY) - 4) > 100)
        // Tick labels left of the plot and under it.
        #expect(image.countPixels(x: 0..<Int(layout.plot.minX) - 6, y: Int(layout.plot.minY)..<Int(layout.plot.maxY)) > 30)
        #expect(image.countPixels(x: Int(layout.plot.minX)..<Int(layout.plot.maxX), y: Int(layout.plot.maxY) + 6..<480) > 50)
        #expect(image.touchedEdges == "")
    }

    @Test("a line's colour along its path")
    func lineAlongPath() throws {
        var figure = Figure(width: 500, height: 400)
        let green = Color(hex: 0x2ca02c)
        try figure[0].line(x: [0, 10], y: [0, 10], color: green, width: 3)
        let layout = try #require(try figure.layouts()[0])
        let (image, _) = try renderedPNG(figure)
        for t in stride(from: 1.0, through: 9.0, by: 1.0) {
            let x = Int(try #require(layout.xMap.pixel(t)).rounded(.down)), y = Int(try #require(layout.yMap.pixel(t)).rounded(.down))
            #expect(colorDistance(image.color(x: x, y: y), green) <= 40, "at t = \(t)")
        }
        // Away from the line: background.
        let x = Int(try #require(layout.xMap.pixel(8))), y = Int(try #require(layout.yMap.pixel(2)))
        #expect(colorDistance(image.color(x: x, y: y), .white) <= 2)
    }

    @Test("a NaN point breaks the line and is counted")
    func nanBreaksLine() throws {
        var figure = Figure(width: 500, height: 400)
        try figure[0].line(x: [0, 1, 2, 3, 4], y: [0, 1, .nan, 3, 4], color: .black, width: 3)
        #expect(figure[0].skippedValueCount == 1)
        let layout = try #require(try figure.layouts()[0])
        let (image, _) = try renderedPNG(figure)
        // Midway between 1 and 3 there is no segment.
        let x = Int(try #require(layout.xMap.pixel(2))), y = Int(try #require(layout.yMap.pixel(2)))
        #expect(colorDistance(image.color(x: x, y: y), .white) <= 2)
        let x1 = Int(try #require(layout.xMap.pixel(3.5))), y1 = Int(try #require(layout.yMap.pixel(3.5)))
        #expect(colorDistance(image.color(x: x1, y: y1), .black) <= 60)
    }

    @Test("categorical scatter: each class colour is present, the legend lies inside the canvas")
    func categoricalScatter() throws {
        var figure = Figure(width: 700, height: 600)
        let count = 3000
        let x = (0..<count).map { Double($0 % 100) }, y = (0..<count).map { Double($0 / 100) }
        try figure[0].scatter(x: x, y: y, categories: (0..<count).map { $0 % 3 }, names: ["zero", "one", "two"], size: 4)
        figure[0].legend = .outsideRight
        let layout = try #require(try figure.layouts()[0])
        let legend = try #require(layout.legend)
        #expect(legend.entries.map(\.label) == ["zero", "one", "two"])
        let (image, _) = try renderedPNG(figure)
        // Legend swatches right of the plot, in the three tab10 colours.
        for category in 0..<3 {
            let target = Colormap.tab10.color(category: category)
            var found = 0
            for row in 0..<image.height {
                for column in Int(layout.plot.maxX) + 4..<image.width where colorDistance(image.color(x: column, y: row), target) <= 3 { found += 1 }
            }
            #expect(found > 4, "legend swatch for category \(category)")
        }
        #expect(image.touchedEdges == "")
    }

    @Test("heatmap cells take the colormap colour of their value; confusion-matrix text contrasts")
    func heatmapAndConfusion() throws {
        var figure = Figure(width: 600, height: 500)
        try figure[0].confusionMatrix([[50, 0], [3, 47]], classNames: ["cat", "dog"])
        let layout = try #require(try figure.layouts()[0])
        let (image, _) = try renderedPNG(figure)
        let cell = layout.plot.width / 2
        // Cell (0, 1) holds 0: the low end of viridis, sampled off its text (near a corner).
        let low = image.color(x: Int(layout.plot.minX + cell * 1.1), y: Int(layout.plot.minY + cell * 0.1))
        #expect(colorDistance(low, Colormap.viridis.color(at: 0)) <= 3)
        // Cell (0, 0) holds the maximum: the high end.
        let high = image.color(x: Int(layout.plot.minX + cell * 0.1), y: Int(layout.plot.minY + cell * 0.1))
        #expect(colorDistance(high, Colormap.viridis.color(at: 1)) <= 3)
        // Text: white pixels in the dark cell's centre, black pixels in the bright cell's centre.
        let middle = Int(cell * 0.2)
        func count(_ row: Int, _ column: Int, _ target: Color) -> Int {
            let cx = Int(layout.plot.minX + cell * (Double(column) + 0.5)), cy = Int(layout.plot.minY + cell * (Double(row) + 0.5))
            var found = 0
            for y in (cy - middle)..<(cy + middle) { for x in (cx - middle)..<(cx + middle) where colorDistance(image.color(x: x, y: y), target) <= 40 { found += 1 } }
            return found
        }
        #expect(count(0, 1, .white) > 5)
        #expect(count(0, 0, .black) > 5)
        #expect(count(0, 0, .white) == 0)
    }

    @Test("histograms: NumPy binning, density area 1, overlaid and drawn")
    func histograms() throws {
        let result = try Histogram.compute([0, 1, 2, 2, 3], bins: .count(3))
        #expect(result.edges == [0, 1, 2, 3])
        #expect(result.heights == [1, 1, 3])
        let density = try Histogram.compute([0, 0.5, 1, 4, 9.99], bins: .edges([0, 1, 5, 10]), density: true)
        let area = zip(density.heights, zip(density.edges.dropFirst(), density.edges)).map { $0 * ($1.0 - $1.1) }.reduce(0, +)
        #expect(abs(area - 1) < 1e-12)
        #expect(abs(density.heights[0] - 2.0 / 5) < 1e-12)

        var figure = Figure(width: 600, height: 400)
        let edges = try figure[0].histogram([1, 2, 2, 3, 3, 3, .nan], bins: .count(3), label: "a")
        try figure[0].histogram([2, 3, 3], bins: .edges(edges), label: "b", color: .red)
        #expect(figure[0].skippedValueCount == 1)
        let (image, _) = try renderedPNG(figure)
        #expect(image.countPixels(x: 0..<600, y: 0..<400, differingFrom: .white, tolerance: 30) > 2000)
    }

    @Test("long titles, labels and category names stay inside the canvas")
    func longLabelsNeverClip() throws {
        var figure = Figure(width: 420, height: 320, title: String(repeating: "a very long figure title ", count: 6))
        try figure[0].bar(categories: ["short", String(repeating: "long category ", count: 5), "x"], values: [1e6, 2.5e7, 3e5],
                          label: String(repeating: "legend ", count: 8))
        figure[0].yLabel = String(repeating: "y label ", count: 12)
        figure[0].xLabel = String(repeating: "x label ", count: 12)
        figure[0].title = String(repeating: "panel title ", count: 8)
        let (image, path) = try renderedPNG(figure)
        #expect(image.touchedEdges == "", "see \(path)")
        print("long-labels figure: \(path)")
        let layout = try #require(try figure.layouts()[0])
        #expect(layout.plot.width > 40 && layout.plot.height > 30)
        #expect(layout.plot.minX >= 0 && layout.plot.maxX <= 420 && layout.plot.minY >= 0 && layout.plot.maxY <= 320)
    }

    @Test("log axes place powers of ten and skip non-positive values")
    func logScale() throws {
        var figure = Figure(width: 500, height: 400)
        try figure[0].line(x: [1, 10, 100, 1000], y: [0, 1, 10, 100])
        figure[0].xScale = .logarithmic
        figure[0].yScale = .logarithmic
        let layout = try #require(try figure.layouts()[0])
        #expect(layout.xTicks.map(\.text) == ["1", "10", "100", "1000"])
        let ten = try #require(layout.xMap.pixel(10)), hundred = try #require(layout.xMap.pixel(100)), thousand = try #require(layout.xMap.pixel(1000))
        #expect(abs((hundred - ten) - (thousand - hundred)) < 1e-6)
        #expect(layout.yMap.pixel(0) == nil)
        _ = try renderedPNG(figure)
    }

    @Test("shared axes use one range; subplots all render")
    func sharedAxes() throws {
        var figure = Figure(width: 800, height: 600, rows: 2, columns: 2, title: "Grid")
        figure.sharesX = true
        figure.sharesY = true
        try figure[0, 0].line(x: [0, 1], y: [0, 1])
        try figure[0, 1].line(x: [0, 5], y: [0, 2])
        try figure[1, 0].scatter(x: [1, 2, 3], y: [3, 1, 2])
        try figure[1, 1].bar(categories: ["a", "b"], values: [1, 2])
        let layouts = try figure.layouts()
        let first = try #require(layouts[0]), second = try #require(layouts[1])
        #expect(first.xMap.lower == second.xMap.lower && first.xMap.upper == second.xMap.upper)
        #expect(first.xTicks.allSatisfy { $0.text.isEmpty })
        let (image, _) = try renderedPNG(figure)
        #expect(image.touchedEdges == "")
    }

    @Test("the same figure gives byte-identical PNGs; SVG and PDF are written by extension")
    func deterministicAndFormats() throws {
        let figure = try PlotDemo.trainingCurves()
        let first = try figure.encoded(as: .png), second = try figure.encoded(as: .png)
        #expect(first == second)
        #expect(first.starts(with: [0x89, 0x50, 0x4e, 0x47]))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-plot-\(UUID().uuidString)/nested")
        let svg = folder.appendingPathComponent("f.svg").path, pdf = folder.appendingPathComponent("f.PDF").path
        try figure.save(svg)
        try figure.save(pdf)
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<svg"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: pdf)).starts(with: Array("%PDF".utf8)))
        // Atomic writes leave no temporary files behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["f.PDF", "f.svg"])
    }

    @Test("every demo figure renders to PNG with content and a blank border")
    func demoFigures() throws {
        for item in try PlotDemo.items() where !item.name.hasPrefix("scatter-categories") {
            let image = try item.figure.rasterized()
            #expect(image.width == item.figure.width && image.height == item.figure.height)
            #expect(image.countPixels(x: 0..<image.width, y: 0..<image.height) > image.width * image.height / 200, "\(item.name)")
            if !item.name.hasPrefix("gallery") { #expect(image.touchedEdges == "", "\(item.name)") }
        }
    }
}

@Suite("Legend placement")
struct LegendPlacementTests {
    @Test("the best position avoids the data; an asked corner is honoured")
    func best() throws {
        // Points crowd the upper right and lower left: the legend goes upper left or lower right.
        var figure = Figure(width: 600, height: 500)
        let xs = (0..<200).map { Double($0 % 20) / 20 + ($0 < 100 ? 0 : 3) }
        try figure[0].scatter(x: xs, y: xs.map { $0 + 0.1 }, label: "points")
        try figure[0].line(x: [0, 4], y: [0, 4], label: "diagonal")
        let layout = try #require(try figure.layouts()[0])
        let box = try #require(layout.legendBox)
        let plot = layout.plot
        let upperLeft = box.midX < plot.midX && box.midY < plot.midY
        let lowerRight = box.midX > plot.midX && box.midY > plot.midY
        #expect(upperLeft || lowerRight, "legend at \(box) in \(plot)")
        #expect(box.minX >= plot.minX && box.maxX <= plot.maxX && box.minY >= plot.minY && box.maxY <= plot.maxY)

        figure[0].legend = .lowerLeft
        let asked = try #require(try figure.layouts()[0]?.legendBox)
        #expect(asked.midX < plot.midX && asked.midY > plot.midY)
    }

    @Test("a legend too tall for the plot moves outside, right of it, inside the canvas")
    func outside() throws {
        var figure = Figure(width: 500, height: 300)
        for index in 0..<12 { try figure[0].line(x: [0, 1], y: [Double(index), Double(index) + 1], label: "series number \(index)") }
        let layout = try #require(try figure.layouts()[0])
        #expect(layout.legendOutside)
        let box = try #require(layout.legendBox)
        #expect(box.minX >= layout.plot.maxX && box.maxX <= 500 && box.maxY <= 300)
    }
}

@Suite("Clipping far-off data")
struct ClippingTests {
    @Test("Liang-Barsky segment clipping")
    func segments() throws {
        let box = Rect(x: 0, y: 0, width: 10, height: 10)
        let crossing = try #require(LineClipping.segment((-5, 5), (15, 5), box))
        #expect(crossing.0 == (0, 5) && crossing.1 == (10, 5))
        #expect(LineClipping.segment((-5, -5), (-1, 20), box) == nil)
        let inside = try #require(LineClipping.segment((1, 1), (2, 3), box))
        #expect(inside.0 == (1, 1) && inside.1 == (2, 3))
        let diagonal = try #require(LineClipping.segment((-10, -10), (20, 20), box))
        #expect(diagonal.0 == (0, 0) && diagonal.1 == (10, 10))
        // A run leaving and re-entering the box is split into two pieces.
        let pieces = LineClipping.clip([(1, 1), (50, 1), (50, 9), (1, 9)], to: box)
        #expect(pieces.filter { $0 == nil }.count == 1)
    }

    @Test("values far outside user limits draw the visible part exactly, without garbage")
    func farOutside() throws {
        var figure = Figure(width: 500, height: 400)
        let blue = Color(hex: 0x1f77b4)
        try figure[0].line(x: [0, 1, 2, 3], y: [1e12, 1, 0.5, -1e15], color: blue, width: 3)
        try figure[0].scatter(x: [1, 2, 1e30], y: [1, 0.5, 1], color: .red)
        try figure[0].bar(categories: ["a", "b", "c"], values: [1e20, 0.5, -1e20], color: .green)
        figure[0].xLimits = 0...3
        figure[0].yLimits = 0...2
        let layout = try #require(try figure.layouts()[0])
        let (image, _) = try renderedPNG(figure)
        // On the segment from (1, 1) to (2, 0.5), a quarter of the way: line colour.
        let x = Int(try #require(layout.xMap.pixel(1.25))), y = Int(try #require(layout.yMap.pixel(0.875)))
        #expect(colorDistance(image.color(x: x, y: y), blue) <= 50)
        // Nothing is drawn outside the plot except axes furniture: the margins keep their background
        // right of the plot, between the frame and the canvas edge.
        #expect(image.countPixels(x: Int(layout.plot.maxX) + 3..<500, y: Int(layout.plot.minY) + 20..<Int(layout.plot.maxY) - 20) == 0)
        #expect(image.touchedEdges == "")
    }
}

@Suite("PNG encoding")
struct PNGEncodingTests {
    @Test("the DPI is written in the pHYs chunk; every compression level decodes to the same pixels")
    func physicalSizeAndLevels() throws {
        var figure = Figure(width: 300, height: 200, dpi: 254)
        try figure[0].line([3, 1, 2])
        let data = try figure.encoded(as: .png)
        // pHYs: 254 dpi = 10,000 pixels per metre, unit 1 (metre).
        let bytes = [UInt8](data)
        let marker = Array("pHYs".utf8)
        let index = try #require((0..<(bytes.count - 13)).first { Array(bytes[$0..<($0 + 4)]) == marker })
        func word(_ offset: Int) -> Int { bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        #expect(word(index + 4) == 10_000 && word(index + 8) == 10_000 && bytes[index + 12] == 1)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atelier-png-\(UUID().uuidString)")
        var decoded: [RasterImage] = []
        for (level, filters) in [(Int32(0), PNGOptions.noFilter), (1, PNGOptions.subFilter), (9, PNGOptions.allFilters)] {
            let path = folder.appendingPathComponent("level\(level).png").path
            try figure.save(path, png: PNGOptions(compressionLevel: level, filters: filters))
            decoded.append(try RasterImage.readPNG(path))
        }
        #expect(decoded[0] == decoded[1] && decoded[1] == decoded[2])
        #expect(decoded[0] == (try figure.rasterized()))
    }
}

@Suite("Subplot alignment")
struct AlignmentTests {
    @Test("panels of a row share top and bottom edges, panels of a column share left and right edges")
    func aligned() throws {
        var figure = Figure(width: 800, height: 600, rows: 2, columns: 2)
        try figure[0, 0].line(x: [0, 1], y: [0, 1_000_000])
        figure[0, 0].title = "with a title"
        try figure[0, 1].line(x: [0, 1], y: [0, 1])
        try figure[1, 0].line(x: [0, 1], y: [0, 1])
        figure[1, 0].xLabel = "an x label"
        try figure[1, 1].bar(categories: ["a long category", "another long one", "third", "fourth"], values: [1, 2, 3, 4])
        let plots = try figure.layouts().map { try #require($0).plot }
        #expect(abs(plots[0].minY - plots[1].minY) < 0.5 && abs(plots[0].maxY - plots[1].maxY) < 0.5)
        #expect(abs(plots[2].minY - plots[3].minY) < 0.5 && abs(plots[2].maxY - plots[3].maxY) < 0.5)
        #expect(abs(plots[0].minX - plots[2].minX) < 0.5 && abs(plots[0].maxX - plots[2].maxX) < 0.5)
        #expect(abs(plots[1].minX - plots[3].minX) < 0.5 && abs(plots[1].maxX - plots[3].maxX) < 0.5)
        let (image, _) = try renderedPNG(figure)
        #expect(image.touchedEdges == "")
    }
}

@Suite("Axis ticks in figures")
struct FigureTickTests {
    @Test("two epochs get ticks 1 and 2, not 1.2 and 1.4; fractional data keeps fractional ticks")
    func epochs() throws {
        var figure = Figure(width: 900, height: 600)
        try figure[0].line(x: [1, 2], y: [0.9, 0.35], marker: .circle)
        let layout = try #require(try figure.layouts()[0])
        #expect(layout.xTicks.map(\.text) == ["1", "2"])
        #expect(layout.yTicks.map(\.text).contains("0.4"))
    }
}
