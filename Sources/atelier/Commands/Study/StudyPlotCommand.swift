import ArgumentParser
import Foundation
import Plotting
import Studies
import StudyViews

extension StudyPlotKind: ExpressibleByArgument {}

/// `atelier study plot KIND`: one study figure as PNG, SVG or PDF (Optuna's plot_* without Python).
struct StudyPlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw one figure of a study (history, parallel, slice, contour, importance, correlation, duration, intermediate, states).",
        discussion: """
        KIND is one of: history (each trial's value and the best so far, pruned trials marked), parallel (parallel coordinates coloured by the objective), slice (the objective against each parameter), contour (the objective over two parameters), importance (PED-ANOVA, Optuna's default method), correlation (Spearman correlation of parameters, objective and duration), duration (trial duration against each parameter), intermediate (learning curves, pruned ones marked where they stopped), states (trials by state over time). \
        The extension of --out picks the format (.png, .svg, .pdf). --min-value and --max-value keep the completed trials in that range (parallel draws the others in grey); --params picks and orders the parameters (exactly two for contour). \
        Studies written by Optuna read the same as Atelier's own.

        Examples:
          atelier study plot history --study shallow --out runs/history.png
          atelier study plot parallel --study shallow --min-value 0.985 \\
              --out runs/parallel.png
          atelier study plot contour --study shallow --params lr,batch_size \\
              --out runs/contour.svg
          atelier study plot importance --study shallow --out runs/importance.pdf --json
        """
    )

    @Argument(help: "The figure: \(StudyPlotKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: StudyPlotKind

    @OptionGroup var location: StudyLocation

    @Option(help: "Output file: .png, .svg or .pdf.")
    var out: String

    @Option(help: "Parameters to draw, comma-separated, in this order (default: all; contour: exactly two, default the first two).")
    var params: String?

    @Option(help: "Keep completed trials whose value is at least this.")
    var minValue: Double?

    @Option(help: "Keep completed trials whose value is at most this.")
    var maxValue: Double?

    @Option(help: "Canvas width in pixels.")
    var width: Int = 1200

    @Option(help: "Canvas height in pixels.")
    var height: Int = 800

    @Option(help: "Dots per inch (text sizes are in points).")
    var dpi: Double = 100

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    var parameterList: [String]? {
        params.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func validate() throws {
        do { _ = try OutputFormat(path: out) } catch { throw ValidationError("--out: \(error)") }
        guard width > 0, height > 0, width <= 32767, height <= 32767 else {
            throw ValidationError("--width and --height must be in 1...32767, found \(width)x\(height)")
        }
        guard dpi > 0, dpi.isFinite else { throw ValidationError("--dpi must be positive, found \(dpi)") }
        for (flag, value) in [("--min-value", minValue), ("--max-value", maxValue)] {
            if let value, !value.isFinite { throw ValidationError("\(flag) must be a finite number, got \(value)") }
        }
        if let low = minValue, let high = maxValue, low > high {
            throw ValidationError("--min-value \(low) is above --max-value \(high)")
        }
        if let list = parameterList {
            if list.contains(where: \.isEmpty) { throw ValidationError("--params must be names separated by commas without spaces, got '\(params!)'") }
            if Set(list).count != list.count { throw ValidationError("--params names a parameter twice: '\(params!)'") }
            if kind == .contour && list.count != 2 {
                throw ValidationError("contour draws two parameters; --params must name exactly two, got \(list.count)")
            }
        }
    }

    struct Report: Encodable {
        var study: String
        var kind: String
        var trials: Int
        var files: [String]
    }

    func run() throws {
        try OutputCheck.file(out)
        let storage = try location.open()
        let study = try Study.load(name: location.study, storage: storage, sampler: RandomSampler())
        let snapshot = try StudySnapshot(study)
        var options = StudyPlotOptions(parameters: parameterList, minimumValue: minValue, maximumValue: maxValue,
                                       width: width, height: height, dpi: dpi)
        if kind == .contour, let list = parameterList { options.contourParameters = (x: list[0], y: list[1]) }
        let figure = try StudyPlots.figure(kind, of: snapshot, options: options)
        try figure.save(out)
        let report = Report(study: snapshot.name, kind: kind.rawValue, trials: snapshot.trials.count, files: [out])
        if json { try Output.json(report) } else { print("wrote the \(kind.rawValue) figure of \(snapshot.trials.count) trials to \(out)") }
    }
}
