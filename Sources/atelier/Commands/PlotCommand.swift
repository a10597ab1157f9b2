import ArgumentParser
import Datasets
import Foundation
import Plotting

/// `atelier plot scatter|line|hist|demo`: quick looks at CSV columns, and the demo figure set.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot CSV columns (scatter, line, histogram) to PNG, SVG or PDF, or write the demo figures.",
        discussion: """
        Empty cells are missing values: a row missing a plotted value is skipped (and counted), other columns may have gaps. --out is one figure file whose extension picks the format (demo: a folder).

        Examples:
          atelier plot line --input runs/lenet5/history.csv --x epoch --y trainLoss \\
              --out runs/loss.png
          atelier plot scatter --input runs/tsne.csv --x x --y y --color label \\
              --out runs/tsne-again.svg
          atelier plot hist --input runs/creditcard-synthetic.csv --x V14 \\
              --color Class --bins 50 --out runs/v14.png
          atelier plot demo --out runs/figures
        """,
        subcommands: [Scatter.self, Line.self, Hist.self, Demo.self]
    )

    /// Options every CSV plot shares.
    struct CommonOptions: ParsableArguments {
        @Option(help: "Numeric CSV file with a header row.")
        var input: String

        @Option(help: "Output file: .png, .svg or .pdf.")
        var out: String

        @Option(help: "Cell separator of the CSV: one character, or tab.")
        var delimiter: String = ","

        @Option(help: "Canvas width in pixels.")
        var width: Int = 1200

        @Option(help: "Canvas height in pixels.")
        var height: Int = 900

        @Option(help: "Dots per inch (text sizes are in points).")
        var dpi: Double = 120

        @Option(help: "Figure title (default: the file name).")
        var title: String?

        @Flag(help: "Print machine-readable JSON.")
        var json = false

        func validate() throws {
            guard width > 0, height > 0, width <= 32767, height <= 32767 else {
                throw ValidationError("--width and --height must be in 1...32767, found \(width)x\(height)")
            }
            guard dpi > 0, dpi.isFinite else { throw ValidationError("--dpi must be positive, found \(dpi)") }
            do { _ = try OutputFormat(path: out) } catch { throw ValidationError("--out: \(error)") }
            if CSV.delimiter(named: delimiter) == nil {
                throw ValidationError("--delimiter must be one punctuation character or tab, got '\(delimiter)'")
            }
        }

        /// The table of `--input`, after checking `--out` can be written.
        func table() throws -> NumericTable {
            try OutputCheck.file(out)
            return try CSV.readNumeric(input, delimiter: CSV.delimiter(named: delimiter)!)
        }

        /// The values of `name` as Double; a column without a single number is an error naming it.
        func column(_ name: String, of table: NumericTable, flag: String) throws -> [Double] {
            let values = table.column(at: try table.columnIndex(name, in: input, flag: flag))
            guard values.contains(where: \.isFinite) else {
                throw DatasetError.invalidArgument("\(input): column '\(name)' has no numbers (its \(values.count) cells are empty, NaN or infinite); expected at least one")
            }
            return values.map(Double.init)
        }

        func figure() -> Figure {
            Figure(width: width, height: height, dpi: dpi, title: title ?? (input as NSString).lastPathComponent)
        }
    }

    /// What a plot command reports.
    struct Summary: Codable {
        var files: [String]
        var kind: String
        var points: Int
        var skippedValues: Int
        var seconds: Double
    }

    static func finish(_ figure: Figure, kind: String, points: Int, options: CommonOptions, started: Date) throws {
        try figure.save(options.out)
        let summary = Summary(files: [options.out], kind: kind, points: points, skippedValues: figure.axes[0].skippedValueCount,
                              seconds: Date().timeIntervalSince(started))
        if options.json {
            try Output.json(summary)
        } else {
            var line = "wrote \(options.out): \(kind) of \(points) points"
            if summary.skippedValues > 0 { line += " (\(summary.skippedValues) NaN/infinite values skipped)" }
            print(line)
        }
    }

    /// A compact text for a class key such as 1.0 -> "1".
    static func compact(_ value: Float) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }

    /// True when a colour column holds few distinct whole numbers (class labels) rather than a measurement.
    static func isCategorical(_ values: [Float]) -> Bool {
        var distinct = Set<Float>()
        for value in values where value.isFinite {
            if value != value.rounded() || value < 0 { return false }
            distinct.insert(value)
            if distinct.count > 20 { return false }
        }
        return true
    }

    struct Scatter: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scatter plot of two CSV columns, optionally coloured by a third (labels get a legend, measurements a colorbar)."
        )
        @OptionGroup var options: CommonOptions
        @Option(help: "Column for the horizontal axis.") var x: String
        @Option(help: "Column for the vertical axis.") var y: String
        @Option(help: "Column to colour by: whole numbers 0...19 are categories, anything else a continuous value.") var color: String?
        @Option(help: "Colormap for a continuous colour column (viridis, magma, gray, coolwarm, RdBu).") var colormap: String = "viridis"
        @Option(help: "Marker diameter in points.") var size: Double = 3

        func validate() throws {
            do { _ = try Colormap(named: colormap) } catch { throw ValidationError("--colormap: \(error)") }
            guard size > 0, size.isFinite else { throw ValidationError("--size must be positive, got \(size)") }
        }

        func run() throws {
            let started = Date()
            let table = try options.table()
            let xs = try options.column(x, of: table, flag: "--x"), ys = try options.column(y, of: table, flag: "--y")
            var figure = options.figure()
            if let color {
                let values = try options.column(color, of: table, flag: "--color").map(Float.init)
                if PlotCommand.isCategorical(values) {
                    // Rows whose label is NaN are dropped from the plot (and counted as skipped).
                    let keep = values.indices.filter { values[$0].isFinite }
                    try figure[0].scatter(x: keep.map { xs[$0] }, y: keep.map { ys[$0] }, categories: keep.map { Int(values[$0]) }, size: size,
                                          alpha: xs.count > 5000 ? 0.7 : 1)
                    figure[0].legendTitle = color
                    figure[0].legend = .outsideRight
                } else {
                    try figure[0].scatter(x: xs, y: ys, values: values.map(Double.init), colormap: try Colormap(named: colormap),
                                          colorbarLabel: color, size: size)
                }
            } else {
                try figure[0].scatter(x: xs, y: ys, size: size)
            }
            figure[0].xLabel = x
            figure[0].yLabel = y
            try PlotCommand.finish(figure, kind: "scatter", points: xs.count, options: options, started: started)
        }
    }

    struct Line: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Line plot of one or more CSV columns against another.")
        @OptionGroup var options: CommonOptions
        @Option(help: "Column for the horizontal axis (default: the row number).") var x: String?
        @Option(help: "Column(s) to draw, one line each (repeat --y).") var y: [String]
        @Flag(help: "Logarithmic vertical axis.") var logY = false

        func validate() throws {
            guard !y.isEmpty else { throw ValidationError("give at least one --y column") }
        }

        func run() throws {
            let started = Date()
            let table = try options.table()
            let xs = try x.map { try options.column($0, of: table, flag: "--x") } ?? (0..<table.rowCount).map(Double.init)
            var figure = options.figure()
            for column in y {
                try figure[0].line(x: xs, y: try options.column(column, of: table, flag: "--y"), label: y.count > 1 ? column : nil)
            }
            figure[0].xLabel = x ?? "row"
            figure[0].yLabel = y.count == 1 ? y[0] : nil
            figure[0].showsGrid = true
            if logY { figure[0].yScale = .logarithmic }
            try PlotCommand.finish(figure, kind: "line", points: xs.count * y.count, options: options, started: started)
        }
    }

    struct Hist: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Histogram of a CSV column; with --color, one overlaid histogram per class (density-normalised)."
        )
        @OptionGroup var options: CommonOptions
        @Option(help: "Column to histogram.") var x: String
        @Option(help: "Class column: one overlaid histogram per value.") var color: String?
        @Option(help: "Number of bins.") var bins: Int = 30
        @Flag(help: "Normalise to unit area (always on with --color).") var density = false
        @Flag(help: "Logarithmic count axis.") var logY = false

        func validate() throws {
            guard bins > 0 else { throw ValidationError("--bins must be positive, found \(bins)") }
        }

        func run() throws {
            let started = Date()
            let table = try options.table()
            let values = try options.column(x, of: table, flag: "--x")
            var figure = options.figure()
            let finite = values.filter { $0.isFinite }
            guard let low = finite.min(), let high = finite.max() else { throw PlotError.emptySeries("column '\(x)' of \(options.input)") }
            if let color {
                let classes = try options.column(color, of: table, flag: "--color").map(Float.init)
                let keys = Set(classes.filter { $0.isFinite }).sorted()
                guard keys.count <= 20 else {
                    throw DatasetError.invalidArgument("\(options.input): --color column '\(color)' has \(keys.count) distinct values; expected at most 20 classes")
                }
                for key in keys {
                    let members = values.indices.filter { classes[$0] == key }.map { values[$0] }
                    try figure[0].histogram(members, bins: .count(bins), range: low...high, density: true,
                                            label: "\(color) = \(PlotCommand.compact(key)) (\(members.count))")
                }
                figure[0].yLabel = "density"
            } else {
                try figure[0].histogram(values, bins: .count(bins), density: density)
                figure[0].yLabel = density ? "density" : "count"
            }
            figure[0].xLabel = x
            if logY { figure[0].yScale = .logarithmic }
            try PlotCommand.finish(figure, kind: "histogram", points: values.count, options: options, started: started)
        }
    }

    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one figure of every kind (PNG, plus SVG and PDF of two) to a folder, to look at them."
        )
        @Option(help: "Output folder.") var out: String
        @Option(help: "Folder holding MNIST's files, drawn in the galleries (default: see CONVENTIONS.md, data lookup).") var dataDir: String?
        @Flag(help: "Print machine-readable JSON.") var json = false

        struct Summary: Codable { var files: [String]; var bytes: [Int] }

        func run() throws {
            try OutputCheck.folder(out)
            var digits: [[Float]]? = nil, labels: [Int]? = nil
            // MNIST is optional here, unless --data-dir says where it is: then a wrong folder is an error.
            let mnist = dataDir == nil ? try? Dataset.mnist(.train) : try Dataset.mnist(.train, directory: dataDir)
            if let train = mnist?.prefix(144) {
                let images = train.images()
                digits = (0..<train.count).map { images.row($0) }
                labels = train.labels
            } else {
                Output.note("MNIST not found: the galleries use synthetic strokes")
            }
            var written = Summary(files: [], bytes: [])
            for item in try PlotDemo.items(digits: digits, labels: labels) {
                var formats = ["png"]
                if item.name == "line-training-curves" || item.name == "confusion-matrix" { formats += ["svg", "pdf"] }
                for format in formats {
                    let path = (out as NSString).appendingPathComponent("\(item.name).\(format)")
                    try item.figure.save(path)
                    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                    written.files.append(path)
                    written.bytes.append(size)
                    if !json { print("wrote \(path)") }
                }
            }
            if json { try Output.json(written) }
        }
    }
}

