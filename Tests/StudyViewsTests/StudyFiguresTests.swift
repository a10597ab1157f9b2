import Foundation
@testable import Plotting
import Studies
@testable import StudyViews
import Testing

/// Every figure kind drawn from a small in-memory study, checked by the pixels that carry its meaning.
@Suite struct StudyFiguresTests {
    let snapshot = StudyFixtures.study()

    func render(_ kind: StudyPlotKind, _ options: StudyPlotOptions = StudyPlotOptions(width: 900, height: 600)) throws -> (Figure, RasterImage, Rect) {
        let figure = try StudyPlots.figure(kind, of: snapshot, options: options)
        try StudyFixtures.keep(figure, kind.rawValue)
        let plot = try #require(try figure.layouts().compactMap { $0 }.first).plot
        return (figure, try figure.rasterized(), plot)
    }

    @Test func everyKindRendersToEveryFormat() throws {
        for kind in StudyPlotKind.allCases {
            let figure = try StudyPlots.figure(kind, of: snapshot, options: StudyPlotOptions(width: 600, height: 400))
            #expect(figure.title?.isEmpty == false, "\(kind)")
            for format in [OutputFormat.png, .svg, .pdf] {
                #expect(try figure.encoded(as: format).count > 1000, "\(kind) \(format)")
            }
        }
    }

    @Test func historyDrawsTheBestStepLineAndPrunedCrosses() throws {
        let (_, image, plot) = try render(.history)
        let inside = (Int(plot.minX)..<Int(plot.maxX), Int(plot.minY)..<Int(plot.maxY))
        // The best-so-far line (tab10 red) and the values (tab10 blue) inside the plot.
        #expect(image.count(near: Color.cycle(3), x: inside.0, y: inside.1) > 300)
        let pointBlue = Color(red: 0.25 + 0.75 * Color.cycle(0).red, green: 0.25 + 0.75 * Color.cycle(0).green, blue: 0.25 + 0.75 * Color.cycle(0).blue)
        #expect(image.count(near: pointBlue, x: inside.0, y: inside.1) > 200)   // drawn at alpha 0.75
        // Pruned trials: grey crosses.
        #expect(image.count(near: Color(gray: 0.55), tolerance: 20, x: inside.0, y: inside.1) > 20)
        // In a maximised study the best line runs along the top of the plot.
        let topQuarter = Int(plot.minY)..<Int(plot.minY + plot.height / 4)
        #expect(image.count(near: Color.cycle(3), x: inside.0, y: topQuarter) > 300)
    }

    @Test func parallelHasOneAxisPerParameterAndTheObjective() throws {
        let (_, image, plot) = try render(.parallel)
        // Five dark vertical axes: count columns that are dark over most of the plot height.
        var darkColumns: [Int] = []
        for x in Int(plot.minX) + 3..<Int(plot.maxX) - 3 {   // inside the frame
            let dark = image.count(near: Color.ink, tolerance: 40, x: x..<x + 1, y: Int(plot.minY)..<Int(plot.maxY))
            if Double(dark) > 0.6 * plot.height { darkColumns.append(x) }
        }
        let axes = darkColumns.reduce(into: [Int]()) { groups, x in if groups.last.map({ x - $0 > 3 }) ?? true { groups.append(x) } }
        #expect(axes.count == 5, "\(darkColumns)")
        // Lines coloured by value: viridis' yellow end (best) and purple end (worst) both appear.
        #expect(image.count(near: Colormap.viridis.color(at: 1), tolerance: 40, x: Int(plot.minX)..<Int(plot.maxX)) > 50)
        #expect(image.count(near: Colormap.viridis.color(at: 0), tolerance: 40, x: Int(plot.minX)..<Int(plot.maxX)) > 50)
    }

    @Test func parallelFilterGreysOutTheTrialsBelowTheThreshold() throws {
        let all = try render(.parallel).1
        let threshold = snapshot.completed.map { $0.value! }.sorted()[snapshot.completed.count / 2]
        let options = StudyPlotOptions(minimumValue: threshold, width: 900, height: 600)
        let figure = try StudyPlots.figure(.parallel, of: snapshot, options: options)
        try StudyFixtures.keep(figure, "parallel-filtered")
        #expect(figure.title?.contains("with value ≥") == true)
        let filtered = try figure.rasterized()
        let grey = Color(gray: 0.82)
        #expect(filtered.count(near: grey, tolerance: 6) > all.count(near: grey, tolerance: 6) + 200)
    }

    @Test func sliceHasAPanelPerParameterWithLogAndCategoricalAxes() throws {
        let figure = try StudyPlots.figure(.slice, of: snapshot, options: StudyPlotOptions(width: 900, height: 600))
        try StudyFixtures.keep(figure, "slice")
        #expect(figure.axes.count == 6)
        let byName = Dictionary(uniqueKeysWithValues: figure.axes.prefix(4).map { ($0.xLabel ?? "", $0) })
        #expect(byName["lr"]?.xScale == .logarithmic)
        #expect(byName["units"]?.xScale == .linear)
        #expect(byName["optimizer"]?.xTicks?.map(\.label) == ["adam", "sgd", "rmsprop"])
        let layouts = try figure.layouts()
        let image = try figure.rasterized()
        for index in 0..<4 {
            let plot = try #require(layouts[index]).plot
            #expect(image.countPixels(x: Int(plot.minX) + 2..<Int(plot.maxX) - 2, y: Int(plot.minY) + 2..<Int(plot.maxY) - 2,
                                      differingFrom: .white, tolerance: 60) > 150, "panel \(index)")
        }
    }

    @Test func contourPaintsTheGridAndMarksTheBestTrial() throws {
        let options = StudyPlotOptions(contourParameters: (x: "lr", y: "units"), width: 900, height: 600)
        let (figure, image, plot) = try render(.contour, options)
        #expect(figure.axes[0].xScale == .logarithmic)
        // Almost every pixel of the plot is painted (no white holes), and the best trial is a red diamond.
        let area = Int(plot.width) * Int(plot.height)
        #expect(image.countPixels(x: Int(plot.minX) + 1..<Int(plot.maxX) - 1, y: Int(plot.minY) + 1..<Int(plot.maxY) - 1, tolerance: 10) > area * 9 / 10)
        #expect(image.count(near: Color.red, tolerance: 30, x: Int(plot.minX)..<Int(plot.maxX), y: Int(plot.minY)..<Int(plot.maxY)) > 20)
    }

    @Test func importanceRanksTheDominantParameterFirst() throws {
        let importances = PedAnovaImportance.importances(of: snapshot.completed, parameters: snapshot.parameterNames, direction: .maximize)
        #expect(abs(importances.values.reduce(0, +) - 1) < 1e-9)
        let ranked = importances.sorted { $0.value > $1.value }.map(\.key)
        #expect(ranked.first == "lr", "\(importances)")
        #expect(importances["lr"]! > 0.5, "\(importances)")
        let (figure, image, plot) = try render(.importance)
        #expect(figure.title?.contains("PED-ANOVA") == true)
        // The top bar (lr) is the longest: blue pixels in the top row band reach further right.
        let band = Int(plot.height) / 4
        let top = image.count(near: Color.cycle(0), x: Int(plot.minX)..<Int(plot.maxX), y: Int(plot.minY)..<Int(plot.minY) + band)
        let bottom = image.count(near: Color.cycle(0), x: Int(plot.minX)..<Int(plot.maxX), y: Int(plot.maxY) - band..<Int(plot.maxY))
        #expect(top > 3 * bottom)
    }

    @Test func correlationWritesNAForAConstantColumn() throws {
        var trials = snapshot.trials
        for index in trials.indices { trials[index].params["fixed"] = 1; trials[index].distributions["fixed"] = StudyFixtures.dropout }
        let constant = StudySnapshot(name: "c", direction: .maximize, trials: trials)
        let figure = try StudyPlots.figure(.correlation, of: constant, options: StudyPlotOptions(width: 900, height: 700))
        try StudyFixtures.keep(figure, "correlation")
        let axes = figure.axes[0]
        var notAvailable = 0
        for case let .annotation(annotation) in axes.series where annotation.text == "n/a" { notAvailable += 1 }
        #expect(notAvailable == 2 * 7 - 1)   // the row and column of "fixed" among 7 variables
        let image = try figure.rasterized()
        // Strong positive (red end of coolwarm) on the diagonal and blue cells for negative correlations.
        #expect(image.count(near: Colormap.coolwarm.color(at: 1), tolerance: 25) > 1000)
    }

    @Test func durationIntermediateAndStatesShowPrunedTrials() throws {
        let (_, duration, _) = try render(.duration)
        #expect(duration.count(near: Color.cycle(1), tolerance: 30) > 30)   // pruned trials in orange
        let (_, intermediate, plot) = try render(.intermediate)
        #expect(intermediate.count(near: Color(hex: 0xa84a00), tolerance: 30, x: Int(plot.minX)..<Int(plot.maxX)) > 20)
        let (states, statesImage, _) = try render(.states)
        let labels = states.axes[0].series.compactMap { if case let .line(line) = $0 { return line.label } else { return nil } }
        #expect(labels == ["complete (52)", "pruned (8)"])
        #expect(statesImage.count(near: Color.cycle(1), tolerance: 30) > 100)
    }
}
