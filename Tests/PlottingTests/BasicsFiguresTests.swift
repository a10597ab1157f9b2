import Foundation
@testable import Plotting
import TensorCore
import Testing

/// The figures of the basics path (decision regions, fitted line, diverging loss curves, prediction
/// grid): pixels where they must be, and bad input refused.
@Suite("Plotting: basics figures")
struct BasicsFiguresTests {
    /// Two classes split by x = 0: a logistic-like model with P(1) = sigmoid(4x).
    static func twoClasses() -> (x: [Double], y: [Double], labels: [Int]) {
        let x: [Double] = [-2, -1.5, -1, -0.5, 0.3, 0.5, 1, 1.5, 2, -0.2]
        let y: [Double] = [0, 1, -1, 0.5, 0.2, -0.5, 1, 0, -1, 0.8]
        return (x, y, [0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    }

    @Test func decisionRegionsTintEachSideAndCrossTheMistakes() throws {
        let data = Self.twoClasses()
        var figure = Figure(width: 800, height: 600, title: "decision regions")
        let predicted = data.x.map { $0 > 0 ? 1 : 0 }
        try DecisionRegions.draw(into: &figure[0], x: data.x, y: data.y, labels: data.labels, predicted: predicted) { xs, _ in
            xs.map { let p = 1 / (1 + exp(-4 * $0)); return [1 - p, p] }
        }
        let (image, _) = try renderedPNG(figure, name: "regions.png")
        let layout = try #require(try figure.layouts()[0])
        func pixel(_ x: Double, _ y: Double) throws -> Color {
            image.color(x: Int(try #require(layout.xMap.pixel(x))), y: Int(try #require(layout.yMap.pixel(y))))
        }
        // Far left: tab blue tint (blue channel above red); far right: tab orange tint (red above blue); the
        // boundary at x = 0 is drawn in ink.
        let left = try pixel(-2.2, -1.15), right = try pixel(2.2, -1.15)
        #expect(left.blue > left.red + 0.1, "\(left)")
        #expect(right.red > right.blue + 0.1, "\(right)")
        #expect(try pixel(0, -0.9).luminance < 0.4, "the 0.5 contour crosses x = 0")
        // The one mistake (x = -0.2, labelled 1, predicted 0) is crossed: dark pixels around it.
        let cx = Int(try #require(layout.xMap.pixel(-0.2))), cy = Int(try #require(layout.yMap.pixel(0.8)))
        #expect(image.countPixels(x: (cx - 8)..<(cx + 9), y: (cy - 8)..<(cy + 9), differingFrom: .black, tolerance: 60) < 17 * 17)
        #expect(figure[0].xLimits != nil)
        #expect(throws: PlotError.self) {
            try DecisionRegions.draw(into: &figure[0], x: [1, 2], y: [1], labels: [0, 1], predicted: nil) { _, _ in [] }
        }
        #expect(throws: PlotError.self) {
            try DecisionRegions.draw(into: &figure[0], x: [1, 2], y: [1, 2], labels: [0, 1], predicted: nil) { xs, _ in xs.map { _ in [1] } }
        }
    }

    /// Row 0 of a field is its bottom edge; a contour sits where the values cross the level.
    @Test func fieldRowsGoUpAndContourFollowsTheLevel() throws {
        var figure = Figure(width: 600, height: 500, title: "field")
        // 4 columns x 3 rows over [0, 4] x [0, 3]: value = row index (0 bottom ... 2 top).
        let values = (0..<12).map { Double($0 / 4) }
        try figure[0].field(values, columns: 4, rows: 3, x: 0...4, y: 0...3, colormap: .gray, range: 0...2)
        try figure[0].contour(values, columns: 4, rows: 3, x: 0...4, y: 0...3, level: 1.5, color: .red, width: 3)
        let (image, _) = try renderedPNG(figure)
        let layout = try #require(try figure.layouts()[0])
        func pixel(_ x: Double, _ y: Double) throws -> Color {
            image.color(x: Int(try #require(layout.xMap.pixel(x))), y: Int(try #require(layout.yMap.pixel(y))))
        }
        #expect(try pixel(0.5, 0.5).luminance < 0.05, "bottom row is value 0: black")
        #expect(try pixel(0.5, 2.8).luminance > 0.95, "top row is value 2: white")
        // Cell centres are at y = 0.5, 1.5, 2.5: the 1.5 level lies halfway between the last two, at y = 2.
        let red = try pixel(2, 2)
        #expect(red.red > 0.6 && red.green < 0.4, "\(red)")
        #expect(throws: PlotError.self) { try figure[0].field([1, 2, 3], columns: 2, rows: 2, x: 0...1, y: 0...1) }
        #expect(throws: PlotError.self) { try figure[0].field([1, 2, 3, 4], columns: 2, rows: 2, x: 1...1, y: 0...1) }
        #expect(throws: PlotError.self) { try figure[0].field([1, 2, 3, 4], columns: 2, rows: 2, x: 0...1, y: 0...1, levels: 1) }
    }

    @Test func multiClassRegionsUseEachClassColour() throws {
        var figure = Figure(width: 700, height: 600, title: "three classes")
        let x: [Double] = [-1, 0, 1, -1.2, 0.1, 1.1], y: [Double] = [0, 1, 0, 0.1, 0.9, -0.1]
        try DecisionRegions.draw(into: &figure[0], x: x, y: y, labels: [0, 1, 2, 0, 1, 2], predicted: nil) { xs, _ in
            xs.map { $0 < -0.5 ? [0.98, 0.01, 0.01] : $0 < 0.5 ? [0.01, 0.98, 0.01] : [0.01, 0.01, 0.98] }
        }
        let (image, _) = try renderedPNG(figure)
        let layout = try #require(try figure.layouts()[0])
        let sure = DecisionRegions.mix(Colormap.tab10.color(category: 2), (0.98 - 1.0 / 3) / (1 - 1.0 / 3))
        let found = image.color(x: Int(try #require(layout.xMap.pixel(1.2))), y: Int(try #require(layout.yMap.pixel(0.6))))
        #expect(colorDistance(found, sure) <= 3, "\(found) vs \(sure)")
    }

    @Test func fittedLineDrawsTheLineAndTheResiduals() throws {
        let x: [Double] = [0, 1, 2, 3, 4], y: [Double] = [1.2, 2.8, 5.1, 7.0, 8.9]
        let figure = try FittedLineFigure.figure(x: x, y: y, slope: 1.95, intercept: 1.1,
                                                 reference: .init(slope: 2, intercept: 1, label: "truth"), title: "fit")
        let (image, _) = try renderedPNG(figure)
        let layout = try #require(try figure.layouts()[0])
        // The red fitted line passes through (2, 5.0).
        let px = Int(try #require(layout.xMap.pixel(2.5))), py = Int(try #require(layout.yMap.pixel(1.95 * 2.5 + 1.1)))
        #expect(image.countPixels(x: (px - 2)..<(px + 3), y: (py - 2)..<(py + 3), differingFrom: .red, tolerance: 60) < 25)
        #expect(throws: PlotError.self) { try FittedLineFigure.figure(x: [1], y: [1, 2], slope: 1, intercept: 0, title: "bad") }
        #expect(throws: PlotError.self) { try FittedLineFigure.figure(x: [1], y: [1], slope: .nan, intercept: 0, title: "bad") }
    }

    @Test func lossCurvesMarkWhereTheLossBroke() throws {
        let stable = LossCurvesFigure.Curve(label: "lr 0.01", losses: [0.7, 0.5, 0.4, 0.35, 0.3])
        let diverging = LossCurvesFigure.Curve(label: "lr 10", losses: [0.7, 3, 80, 5e4, .infinity, .nan])
        #expect(diverging.divergedAt == 5)
        #expect(stable.divergedAt == nil)
        let figure = try LossCurvesFigure.figure([stable, diverging], title: "divergence")
        #expect(figure[0].yScale == .logarithmic)
        let (image, _) = try renderedPNG(figure)
        let layout = try #require(try figure.layouts()[0])
        // The dotted marker line at epoch 5 in the second cycle colour (orange).
        let x = Int(try #require(layout.xMap.pixel(5)))
        let column = image.countPixels(x: (x - 1)..<(x + 2), y: Int(layout.plot.minY)..<Int(layout.plot.maxY), differingFrom: .orange, tolerance: 70)
        #expect(column < 3 * Int(layout.plot.height) - 20, "orange pixels on the divergence line")
        #expect(throws: PlotError.self) { try LossCurvesFigure.figure([], title: "none") }
    }

    @Test func predictionGridCaptionsWrongOnesInRed() throws {
        var pixels = [Float](repeating: 0, count: 4 * 784)
        for i in 0..<4 { for p in stride(from: i * 784 + 300, to: i * 784 + 500, by: 3) { pixels[p] = 1 } }
        let gallery = try PredictionGrid.gallery(images: Tensor(shape: [4, 784], elements: pixels), predicted: [1, 2, 3, 9],
                                                 truth: [1, 2, 3, 4], columns: 4, title: "digits")
        #expect(gallery.title == "digits: 1 of 4 wrong (red)")
        let (image, _) = try renderedPNG(gallery)
        // Red caption text in the last cell's caption band, none in the first's.
        let cell = image.width / 4
        let band = (image.height - 60)..<image.height
        #expect(image.countPixels(x: (3 * cell)..<image.width, y: band, differingFrom: .red, tolerance: 60) < cell * 60)
        #expect(image.countPixels(x: 0..<cell, y: band, differingFrom: .red, tolerance: 60) == cell * 60)
        #expect(throws: PlotError.self) {
            try PredictionGrid.gallery(images: Tensor(shape: [4, 784], elements: pixels), predicted: [1], truth: [1, 2, 3, 4], title: "bad")
        }
    }
}
