import Foundation
import TensorCore

/// One figure of every kind, on seeded synthetic data (plus real digits when given): what
/// `atelier plot demo` writes, what the tests render, and the figures the benchmarks time.
public enum PlotDemo {
    /// A named figure of the demo set.
    public struct Item: Sendable {
        public var name: String
        public var figure: any Renderable
    }

    /// Every demo figure. `digits` are 28x28 images in 0...1 with their `labels` (e.g. the first MNIST
    /// training images); without them, blurred synthetic strokes stand in.
    public static func items(digits: [[Float]]? = nil, labels: [Int]? = nil) throws -> [Item] {
        var generator = RandomGenerator(seed: 42)
        let images = digits ?? syntheticDigits(count: 144, generator: &generator)
        let imageLabels = labels ?? images.indices.map { $0 % 10 }
        return [
            Item(name: "line-training-curves", figure: try trainingCurves()),
            Item(name: "scatter-categories", figure: try categoricalScatter(pointCount: 20000, generator: &generator)),
            Item(name: "scatter-colorbar", figure: try valueScatter(generator: &generator)),
            Item(name: "histogram-overlaid-density", figure: try overlaidHistograms(generator: &generator)),
            Item(name: "bars-grouped-and-horizontal", figure: try bars()),
            Item(name: "heatmap-correlation", figure: try correlationHeatmap(generator: &generator)),
            Item(name: "confusion-matrix", figure: try confusionMatrix()),
            Item(name: "curves-pr-roc-log", figure: try curvesAndLogScale()),
            Item(name: "layout-long-labels", figure: try longLabels()),
            Item(name: "subplots-shared-axes", figure: try sharedAxes(generator: &generator)),
            Item(name: "gallery-digits", figure: try digitGallery(images: Array(images.prefix(144)))),
            Item(name: "gallery-misclassified", figure: try misclassified(images: Array(images.prefix(24)), labels: Array(imageLabels.prefix(24)))),
            Item(name: "gallery-filters", figure: try filters(generator: &generator)),
            Item(name: "gallery-reconstructions", figure: try reconstructions(images: Array(images.prefix(12)))),
            Item(name: "image-display", figure: try imageDisplay(images[0])),
        ]
    }

    /// Loss and accuracy over 30 epochs with an early-stopping marker.
    public static func trainingCurves() throws -> Figure {
        var figure = Figure(width: 1400, height: 600, dpi: 120, rows: 1, columns: 2, title: "LeNet-5 on MNIST: training curves")
        let epochs = (1...30).map(Double.init)
        let train = epochs.map { 2.2 * exp(-$0 / 4) + 0.03 }
        let validation = epochs.map { 2.2 * exp(-$0 / 4) + 0.06 + 0.0009 * pow(max(0, $0 - 12), 2) }
        try figure[0].line(x: epochs, y: train, label: "train")
        try figure[0].line(x: epochs, y: validation, label: "validation", marker: .circle)
        try figure[0].verticalLine(at: 12, label: "early stop (epoch 12)")
        figure[0].title = "Cross-entropy loss"
        figure[0].xLabel = "epoch"
        figure[0].yLabel = "loss"
        figure[0].showsGrid = true
        try figure[1].line(x: epochs, y: epochs.map { 0.99 - 0.5 * exp(-$0 / 3) }, label: "train")
        try figure[1].line(x: epochs, y: epochs.map { 0.985 - 0.5 * exp(-$0 / 3) - 0.0001 * max(0, $0 - 12) }, label: "validation", dash: .dashed)
        try figure[1].horizontalLine(at: 0.9917, label: "best test 99.17 %", color: .green, dash: .dotted)
        figure[1].title = "Accuracy"
        figure[1].xLabel = "epoch"
        figure[1].yLabel = "accuracy"
        figure[1].legend = .lowerRight
        figure[1].showsGrid = true
        return figure
    }

    /// Ten Gaussian clusters coloured by label with a legend (a stand-in for a t-SNE embedding).
    public static func categoricalScatter(pointCount: Int, generator: inout RandomGenerator, width: Int = 1600, height: Int = 1600) throws -> Figure {
        var x = [Double](), y = [Double](), labels = [Int]()
        x.reserveCapacity(pointCount); y.reserveCapacity(pointCount); labels.reserveCapacity(pointCount)
        for index in 0..<pointCount {
            let label = index % 10
            let angle = Double(label) / 10 * 2 * .pi
            x.append(30 * cos(angle) + 6 * generator.normal())
            y.append(30 * sin(angle) + 6 * generator.normal())
            labels.append(label)
        }
        var figure = Figure(width: width, height: height, dpi: 150, title: "t-SNE of \(pointCount.formatted()) points, coloured by digit")
        try figure[0].scatter(x: x, y: y, categories: labels, names: (0...9).map { "digit \($0)" }, size: 2, alpha: 0.7)
        figure[0].xLabel = "t-SNE 1"
        figure[0].yLabel = "t-SNE 2"
        figure[0].legend = .outsideRight
        return figure
    }

    static func valueScatter(generator: inout RandomGenerator) throws -> Figure {
        var x = [Double](), y = [Double](), value = [Double]()
        for _ in 0..<3000 {
            let a = generator.normal(), b = generator.normal()
            x.append(a); y.append(0.6 * a + 0.8 * b); value.append(a * a + b * b)
        }
        var figure = Figure(width: 1000, height: 800, dpi: 120, title: "Scatter coloured by a continuous value")
        try figure[0].scatter(x: x, y: y, values: value, colormap: .magma, colorbarLabel: "squared radius", size: 4)
        figure[0].xLabel = "x"
        figure[0].yLabel = "y"
        return figure
    }

    /// Fraud vs legitimate amounts: classes of very different sizes compared through densities.
    static func overlaidHistograms(generator: inout RandomGenerator) throws -> Figure {
        let legit = (0..<20000).map { _ in exp(3.5 + 1.1 * generator.normal()) }
        let fraud = (0..<400).map { _ in exp(4.6 + 1.4 * generator.normal()) }
        var figure = Figure(width: 1200, height: 700, dpi: 120, rows: 1, columns: 2, title: "Transaction amounts, fraud vs legit (density)")
        let edges = try figure[0].histogram(legit.map { log10($0) }, bins: .count(40), range: -1...4, density: true, label: "legit (20,000)")
        try figure[0].histogram(fraud.map { log10($0) }, bins: .edges(edges), density: true, label: "fraud (400)", color: .red)
        figure[0].xLabel = "log10(amount)"
        figure[0].yLabel = "density"
        try figure[1].histogram(legit, bins: .count(50), range: 0...800, label: "legit")
        figure[1].xLabel = "amount"
        figure[1].yLabel = "count"
        figure[1].yScale = .logarithmic
        figure[1].title = "Counts, log scale"
        return figure
    }

    static func bars() throws -> Figure {
        var figure = Figure(width: 1400, height: 650, dpi: 120, rows: 1, columns: 2, title: "Bars")
        let models = ["perceptron", "shallow", "MLP", "LeNet-5"]
        try figure[0].bar(categories: models, values: [92.6, 98.78, 98.69, 99.17], label: "test")
        try figure[0].bar(categories: models, values: [93.1, 99.4, 99.6, 99.8], label: "train")
        figure[0].yLimits = 90...100
        figure[0].yLabel = "accuracy (%)"
        figure[0].title = "Grouped"
        figure[0].legend = .upperLeft
        let features = ["V14", "V17", "V12", "V10", "V16", "V3", "V7", "V11", "Amount (log-scaled)", "Time"]
        try figure[1].bar(categories: features, values: [0.63, 0.57, 0.54, 0.49, 0.42, 0.41, 0.37, 0.33, 0.06, 0.01], color: Color(hex: 0x9467bd), horizontal: true)
        figure[1].xLabel = "mutual information (nats)"
        figure[1].title = "Feature scores"
        return figure
    }

    static func correlationHeatmap(generator: inout RandomGenerator) throws -> Figure {
        let names = ["Time", "V1", "V2", "V3", "V4", "V5", "V6", "Amount", "Class"]
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: names.count), count: names.count)
        for i in names.indices {
            for j in 0...i {
                let value = i == j ? 1 : max(-1, min(1, 0.9 * sin(Double(i * 7 + j * 3)) * exp(-Double(i - j) / 4)))
                matrix[i][j] = value
                matrix[j][i] = value
            }
        }
        var figure = Figure(width: 900, height: 800, dpi: 110, title: "Correlation matrix")
        try figure[0].heatmap(matrix, colormap: .coolwarm, range: -1...1, rowLabels: names, columnLabels: names, annotate: true, colorbarLabel: "Pearson r")
        return figure
    }

    public static func confusionMatrix() throws -> Figure {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for i in 0..<10 {
            for j in 0..<10 { counts[i][j] = i == j ? 960 + 3 * i : ((i * 3 + j * 7) % 11 == 0 ? 9 + i : (i + j) % 4) }
        }
        counts[4][9] = 31; counts[7][2] = 18; counts[3][5] = 14
        var figure = Figure(width: 1500, height: 700, dpi: 110, rows: 1, columns: 2, title: "Confusion matrices (10,000 test digits)")
        try figure[0].confusionMatrix(counts, classNames: (0...9).map(String.init))
        figure[0].title = "Counts"
        try figure[1].confusionMatrix(counts, classNames: (0...9).map(String.init), normalized: true, colormap: .magma)
        figure[1].title = "Normalised by true class"
        return figure
    }

    static func curvesAndLogScale() throws -> Figure {
        var figure = Figure(width: 1500, height: 550, dpi: 110, rows: 1, columns: 3, title: "Precision-recall, ROC and a log-log scale")
        let recall = (0...50).map { Double($0) / 50 }
        try figure[0].line(x: recall, y: recall.map { 1 - 0.9 * pow($0, 4) }, label: "network (AP 0.84)")
        try figure[0].line(x: recall, y: recall.map { 1 - 0.95 * pow($0, 2) }, label: "logistic (AP 0.71)", dash: .dashed)
        figure[0].xLabel = "recall"; figure[0].yLabel = "precision"; figure[0].xLimits = 0...1; figure[0].yLimits = 0...1.05
        let fpr = (0...50).map { pow(Double($0) / 50, 2) }
        try figure[1].line(x: fpr, y: fpr.map { pow($0, 0.15) }, label: "network (AUC 0.97)")
        try figure[1].line(x: [0, 1], y: [0, 1], label: "chance", color: .gray, dash: .dotted)
        figure[1].xLabel = "false positive rate"; figure[1].yLabel = "true positive rate"
        let sizes = (0...12).map { pow(2, Double($0)) * 16 }
        try figure[2].line(x: sizes, y: sizes.map { 2e-7 * pow($0, 1.9) }, label: "silhouette O(n²)", marker: .square)
        try figure[2].line(x: sizes, y: sizes.map { 4e-6 * $0 * log($0) }, label: "k-means", marker: .triangle)
        figure[2].xScale = .logarithmic; figure[2].yScale = .logarithmic
        figure[2].xLabel = "samples"; figure[2].yLabel = "seconds"; figure[2].showsGrid = true
        return figure
    }

    /// Deliberately long titles and labels: nothing may be clipped.
    static func longLabels() throws -> Figure {
        var figure = Figure(width: 900, height: 600, dpi: 100, title: "A very long figure title that goes on and on, far wider than the canvas it must fit on, really")
        let names = ["short", "a much longer category name", "medium length", "another extremely long category label", "x"]
        try figure[0].bar(categories: names, values: [3e6, 1.2e7, 8e6, 2.5e6, 9e6], label: "revenue in a very long legend label")
        figure[0].yLabel = "a y-axis label that is long enough to need shrinking to fit the plot height"
        figure[0].xLabel = "categories with long names (rotated to fit)"
        return figure
    }

    /// A 2 x 2 grid with shared x and y ranges: only the outer panels label their ticks.
    static func sharedAxes(generator: inout RandomGenerator) throws -> Figure {
        var figure = Figure(width: 1000, height: 800, dpi: 110, rows: 2, columns: 2, title: "Learning rates (shared axes)")
        figure.sharesX = true
        figure.sharesY = true
        for (index, rate) in [1e-1, 1e-2, 1e-3, 1e-4].enumerated() {
            let epochs = (1...40).map(Double.init)
            let loss = epochs.map { 2.3 * exp(-$0 * rate * 40 / (1 + rate * 40)) + 0.05 * generator.normal() * exp(-$0 / 20) }
            try figure[index].line(x: epochs, y: loss, label: "learning rate \(Ticks.formatLogarithmic(rate))", color: Color.cycle(index))
            figure[index].title = "Adam, lr = \(Ticks.formatLogarithmic(rate))"
            figure[index].showsGrid = true
            if index >= 2 { figure[index].xLabel = "epoch" }
            if index % 2 == 0 { figure[index].yLabel = "loss" }
            figure[index].legend = .hidden
        }
        return figure
    }

    static func digitGallery(images: [[Float]]) throws -> ImageGallery {
        var gallery = try ImageGallery(images: images, imageWidth: 28, imageHeight: 28, columns: 18)
        gallery.title = "MNIST training digits (8 x 18)"
        return gallery
    }

    static func misclassified(images: [[Float]], labels: [Int]) throws -> ImageGallery {
        let predicted = labels.enumerated().map { $0.offset % 3 == 0 ? ($0.element + 3) % 10 : $0.element }
        let captions = try ImageGallery.predictionCaptions(predicted: predicted, truth: labels)
        var gallery = try ImageGallery(images: images, imageWidth: 28, imageHeight: 28, columns: 8, captions: captions.captions,
                                       captionColors: captions.colors)
        gallery.title = "Predictions (red: wrong)"
        gallery.colormap = .grayReversed
        return gallery
    }

    static func filters(generator: inout RandomGenerator) throws -> ImageGallery {
        let filters: [[Float]] = (0..<32).map { index in
            let angle = Double(index) / 32 * .pi
            return (0..<9).map { cell in
                let row = Double(cell / 3) - 1, column = Double(cell % 3) - 1
                return Float(cos(angle) * column + sin(angle) * row + 0.2 * generator.normal())
            }
        }
        var gallery = try ImageGallery(images: filters, imageWidth: 3, imageHeight: 3, columns: 8, width: 800, height: 460)
        gallery.title = "First-layer 3x3 filters"
        gallery.colormap = .redBlue
        gallery.normalization = .symmetricPerImage
        return gallery
    }

    static func reconstructions(images: [[Float]]) throws -> ImageGallery {
        // A stand-in "reconstruction": a 3x3 box blur.
        let blurred: [[Float]] = images.map { image in
            (0..<784).map { index in
                let row = index / 28, column = index % 28
                var sum: Float = 0, count: Float = 0
                for dy in -1...1 { for dx in -1...1 {
                    let r = row + dy, c = column + dx
                    if r >= 0 && r < 28 && c >= 0 && c < 28 { sum += image[r * 28 + c]; count += 1 }
                } }
                return sum / count
            }
        }
        var gallery = try ImageGallery.pairs(originals: images, reconstructions: blurred, imageWidth: 28, imageHeight: 28, columns: 6)
        gallery.title = "Autoencoder: originals above reconstructions"
        return gallery
    }

    static func imageDisplay(_ image: [Float]) throws -> Figure {
        var figure = Figure(width: 900, height: 450, dpi: 100, rows: 1, columns: 2, title: "One digit: picture and pixel values")
        try figure[0].image(image, width: 28, height: 28, colormap: .gray)
        figure[0].title = "gray"
        try figure[1].heatmap((0..<28).map { row in (0..<28).map { Double(image[row * 28 + $0]) } }, colormap: .viridis, range: 0...1, colorbarLabel: "intensity")
        figure[1].title = "viridis with colorbar"
        return figure
    }

    /// Blurry ring and bar strokes, 28x28 in 0...1, for when no dataset is at hand.
    public static func syntheticDigits(count: Int, generator: inout RandomGenerator) -> [[Float]] {
        (0..<count).map { index in
            let kind = index % 3
            let centerX = 14 + 2 * generator.normal(), centerY = 14 + 2 * generator.normal()
            let radius = 7 + generator.normal()
            return (0..<784).map { pixel in
                let x = Double(pixel % 28) - centerX, y = Double(pixel / 28) - centerY
                let distance: Double
                switch kind {
                case 0: distance = abs((x * x + y * y).squareRoot() - radius)
                case 1: distance = abs(x - 0.25 * y)
                default: distance = min(abs(y + radius / 2), abs(x - 0.5 * y))
                }
                return Float(max(0, 1 - distance / 2.2))
            }
        }
    }
}
