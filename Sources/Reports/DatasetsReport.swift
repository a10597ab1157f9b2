import Datasets
import Foundation
import Plotting
import Preprocessing
import TensorCore

/// The `datasets` report: what MNIST and Fashion-MNIST look like before any model sees them.
///
/// Galleries of 8 rows x 18 columns (the seeds' `plot_gallery`), class balance of the training and
/// test splits, pixel-intensity histograms, and the two preprocessing steps every later report
/// relies on, shown on real examples: min-max scaling of the bytes to [0, 1] and one-hot labels.
public enum DatasetsReport: ReportBuilder {
    public static let name = "datasets"
    public static let title = "MNIST and Fashion-MNIST at a glance"

    /// How many images of each split the statistics use (nil: all of them).
    static func sampleLimit(_ profile: ReportProfile) -> Int? {
        switch profile {
        case .full, .quick: return nil
        case .tiny: return 1_000
        }
    }

    public static func build(_ writer: ReportWriter, context: ReportContext) throws {
        let limit = sampleLimit(context.profile)
        writer.configure("data", "datasets/mnist (IDX), Fashion-MNIST (IDX)")
        writer.configure("images used", limit.map { "first \($0) of each split" } ?? "all (60,000 train + 10,000 test each)")
        writer.paragraph("""
        The two datasets the other reports train on: 28 x 28 grey-level images of handwritten digits (MNIST) and of \
        clothing (Fashion-MNIST), 10 classes each. Below: samples, class balance, pixel intensities, and the two \
        preprocessing steps applied before training (scaling to [0, 1] and one-hot labels).
        """)
        let sets = try writer.step("load datasets") { () -> [(title: String, key: String, train: ImageDataset, test: ImageDataset)] in
            [("MNIST", "mnist", try Dataset.mnist(.train).prefix(limit), try Dataset.mnist(.test).prefix(limit)),
             ("Fashion-MNIST", "fashion_mnist", try Dataset.fashionMNIST(.train).prefix(limit), try Dataset.fashionMNIST(.test).prefix(limit))]
        }

        writer.heading("Samples")
        for set in sets {
            try writer.step("\(set.title) gallery") {
                let count = min(144, set.train.count)
                let first = set.train.prefix(count)
                var gallery = try ImageGallery(images: first.images(), columns: 18, width: 18 * 64, height: (count + 17) / 18 * 64 + 40)
                gallery.title = "\(set.title): the first \(count) training images"
                try gallery.save(writer.figurePath("\(set.key)_gallery.png"))
                writer.figure("\(set.key)_gallery.png", caption: "\(set.title): the first \(count) training images, 8 rows x 18 columns, in file order; the first row is \(first.labels.prefix(set.key == "mnist" ? 18 : 6).map { set.train.classNames[$0] }.joined(separator: set.key == "mnist" ? " " : ", ")) ...")
            }
        }

        writer.heading("Class balance")
        try writer.step("class balance") {
            var figure = Figure(width: 1500, height: 620, dpi: 110, rows: 1, columns: 2, title: "Images per class")
            var rows: [[String]] = []
            for (panel, set) in sets.enumerated() {
                let train = set.train.classCounts, test = set.test.classCounts
                try figure[panel].bar(categories: set.train.classNames, values: train.map(Double.init), label: "train")
                try figure[panel].bar(categories: set.train.classNames, values: test.map(Double.init), label: "test")
                figure[panel].title = set.title
                figure[panel].yLabel = "images"
                figure[panel].legend = .upperRight
                figure[panel].yLimits = 0...(Double(train.max() ?? 1) * 1.25)
                let trainShares = train.map { Double($0) / Double(max(set.train.count, 1)) }
                writer.metric(MetricKey.join(set.key, "train", "count"), .number(Double(set.train.count)))
                writer.metric(MetricKey.join(set.key, "test", "count"), .number(Double(set.test.count)))
                writer.metric(MetricKey.join(set.key, "train", "class", "counts"), .array(train.map { .number(Double($0)) }))
                writer.metric(MetricKey.join(set.key, "test", "class", "counts"), .array(test.map { .number(Double($0)) }))
                let smallest = trainShares.indices.min { trainShares[$0] < trainShares[$1] }!
                let largest = trainShares.indices.max { trainShares[$0] < trainShares[$1] }!
                rows.append([set.title, ReportFormat.grouped(Double(set.train.count)), ReportFormat.grouped(Double(set.test.count)),
                             "\(set.train.classNames[smallest]) (\(ReportFormat.percent(trainShares[smallest])))",
                             "\(set.train.classNames[largest]) (\(ReportFormat.percent(trainShares[largest])))"])
            }
            figure[1].xLabel = nil
            try figure.save(writer.figurePath("class_balance.png"))
            writer.figure("class_balance.png", caption: "Images per class in the training and test splits. MNIST is close to balanced (each digit 9-11 %); Fashion-MNIST is exactly balanced.")
            writer.table(ReportTable(caption: "Split sizes and the least and most frequent training class",
                                     header: ["dataset", "train", "test", "rarest class (train)", "most frequent class (train)"], rows: rows,
                                     numericColumns: [1, 2]))
        }

        writer.heading("Pixel intensities")
        try writer.step("pixel histograms") {
            var figure = Figure(width: 1500, height: 600, dpi: 110, rows: 1, columns: 2, title: "Pixel intensities of the training images")
            var rows: [[String]] = []
            for (panel, set) in sets.enumerated() {
                let statistics = PixelStatistics(set.train.pixels)
                // Bars per byte value would be 256 thin bars; 16 bins of 16 levels read better.
                let starts = Array(stride(from: 0, to: 256, by: 16))
                let weights = starts.map { start in (start..<(start + 16)).reduce(0) { $0 + statistics.histogram[$1] } }
                // The histogram of bytes is computed here in one pass; Axes.histogram would need 47 M Doubles.
                try figure[panel].bar(categories: starts.map { "\($0)-\($0 + 15)" }, values: weights.map { Double($0) / Double(statistics.count) },
                                      label: nil, color: Color.cycle(panel))
                figure[panel].yScale = .logarithmic
                figure[panel].title = set.title
                figure[panel].xLabel = "byte value"
                figure[panel].yLabel = "fraction of pixels (log scale)"
                writer.metric(MetricKey.join(set.key, "mean", "pixel"), .finite(statistics.mean / 255))
                writer.metric(MetricKey.join(set.key, "zero", "pixel", "fraction"), .finite(statistics.zeroFraction))
                rows.append([set.title, ReportFormat.fixed(statistics.mean / 255, 4), ReportFormat.fixed(statistics.standardDeviation / 255, 4),
                             ReportFormat.percent(statistics.zeroFraction), ReportFormat.percent(statistics.saturatedFraction)])
            }
            try figure.save(writer.figurePath("pixel_histograms.png"))
            writer.figure("pixel_histograms.png", caption: "Distribution of the 784 pixel values over all training images (log scale). Most MNIST pixels are background (0) and strokes saturate at 255; Fashion-MNIST has many mid-grey pixels.")
            writer.table(ReportTable(caption: "Pixel statistics after scaling to [0, 1] (training images)",
                                     header: ["dataset", "mean", "standard deviation", "pixels = 0", "pixels = 255"], rows: rows))
        }

        writer.heading("Min-max scaling")
        try writer.step("min-max scaling") {
            let set = sets[0].train
            let raw = set.images(scaled: false)
            let scaler = try MinMaxScaler().fit(raw)
            let example = raw.rows(0..<1)
            let scaled = try scaler.transform(example)
            let rowIndex = 14, columns = 6..<22
            let rawRow = columns.map { raw.elements[rowIndex * 28 + $0] }
            let scaledRow = columns.map { scaled.elements[rowIndex * 28 + $0] }
            var figure = Figure(width: 1500, height: 560, dpi: 110, rows: 1, columns: 3, title: "Min-max scaling of MNIST training image 0 (label \(set.labels[0]))")
            try figure[0].image(example.elements, width: 28, height: 28, colormap: .gray, range: 0...255, colorbar: true)
            figure[0].title = "raw bytes, 0 ... 255"
            try figure[1].image(scaled.elements, width: 28, height: 28, colormap: .gray, range: 0...1, colorbar: true)
            figure[1].title = "after MinMaxScaler, 0 ... 1"
            try figure[2].line(x: columns.map(Double.init), y: rawRow.map { Double($0) / 255 }, label: "raw / 255", marker: .circle)
            try figure[2].line(x: columns.map(Double.init), y: scaledRow.map(Double.init), label: "scaled", dash: .dashed, marker: .cross)
            figure[2].title = "row \(rowIndex), columns \(columns.lowerBound)-\(columns.upperBound - 1)"
            figure[2].xLabel = "column"
            figure[2].yLabel = "value"
            figure[2].legend = .upperLeft
            try figure.save(writer.figurePath("minmax_scaling.png"))
            writer.figure("minmax_scaling.png", caption: "MinMaxScaler fitted per pixel on the training images. Pixels that are ever 255 map x to x / 255; the right panel shows both curves coincide along row \(rowIndex) of this image.")
            writer.table(ReportTable(caption: "Row \(rowIndex) of training image 0, columns \(columns.lowerBound)-\(columns.upperBound - 1): raw bytes and scaled values",
                                     header: ["column"] + columns.map(String.init),
                                     rows: [["raw"] + rawRow.map { String(Int($0)) }, ["scaled"] + scaledRow.map { ReportFormat.fixed(Double($0), 3) }],
                                     numericColumns: Set(1...columns.count)))
            let constant = scaler.dataMaximum.indices.filter { scaler.dataMaximum[$0] == scaler.dataMinimum[$0] }.count
            writer.paragraph("\(constant) of the 784 pixels are constant over these \(ReportFormat.grouped(Double(set.count))) training images (always 0, in the corners); the scaler leaves them at 0 rather than dividing by zero.")
            writer.metric("minmaxConstantPixels", .number(Double(constant)))
            writer.metric("minmaxExampleRow", .array(scaledRow.map { .finite(Double($0)) }))
        }

        writer.heading("One-hot labels")
        try writer.step("one-hot encoding") {
            let set = sets[1].train
            let count = 12
            let labels = Array(set.labels.prefix(count))
            let encoded = try toCategorical(labels, classCount: 10)
            let matrix = (0..<count).map { r in (0..<10).map { Double(encoded.elements[r * 10 + $0]) } }
            var figure = Figure(width: 1500, height: 720, dpi: 110, rows: 1, columns: 2, title: "One-hot encoding of the first \(count) Fashion-MNIST labels")
            try figure[0].heatmap(matrix, colormap: .viridis, range: 0...1,
                                  rowLabels: labels.enumerated().map { "image \($0.offset): \(set.classNames[$0.element])" },
                                  columnLabels: (0..<10).map(String.init), annotate: true, format: "%.0f", colorbar: false)
            figure[0].xLabel = "class index"
            figure[0].title = "to_categorical(labels, 10)"
            try figure[1].image(Self.montage(set.prefix(count).images(), count: count, columns: 4), width: 4 * 28, height: 3 * 28, colormap: .grayReversed)
            figure[1].title = "the images, left to right, top to bottom"
            try figure.save(writer.figurePath("one_hot.png"))
            writer.figure("one_hot.png", caption: "Each label becomes a row of ten numbers with a single 1 in the label's column: the target cross-entropy compares the network's ten outputs with.")
            writer.table(ReportTable(caption: "The same labels as integers and one-hot rows",
                                     header: ["image", "label", "class", "one-hot"],
                                     rows: labels.enumerated().map { [String($0.offset), String($0.element), set.classNames[$0.element], matrix[$0.offset].map { String(Int($0)) }.joined(separator: " ")] },
                                     numericColumns: [0, 1]))
            writer.metric("oneHotLabels", .array(labels.map { .number(Double($0)) }))
        }
    }

    /// Tiles `count` 28x28 images (rows of `images`) into one picture, `columns` per row.
    static func montage(_ images: Tensor, count: Int, columns: Int) -> [Float] {
        let rows = (count + columns - 1) / columns
        var pixels = [Float](repeating: 0, count: rows * 28 * columns * 28)
        let stride = columns * 28
        for index in 0..<count {
            let top = index / columns * 28, left = index % columns * 28
            for y in 0..<28 {
                for x in 0..<28 { pixels[(top + y) * stride + left + x] = images.elements[index * 784 + y * 28 + x] }
            }
        }
        return pixels
    }
}

/// Byte-level statistics of many images in one pass (no float copy of the 47 M pixels).
struct PixelStatistics {
    var histogram = [Int](repeating: 0, count: 256)
    var count = 0
    var mean = 0.0
    var standardDeviation = 0.0
    var zeroFraction: Double { Double(histogram[0]) / Double(max(count, 1)) }
    var saturatedFraction: Double { Double(histogram[255]) / Double(max(count, 1)) }

    init(_ pixels: [UInt8]) {
        var counts = [Int](repeating: 0, count: 256)
        pixels.withUnsafeBufferPointer { buffer in
            counts.withUnsafeMutableBufferPointer { counts in
                for value in buffer { counts[Int(value)] += 1 }
            }
        }
        histogram = counts
        count = pixels.count
        var sum = 0.0, squares = 0.0
        for (value, n) in counts.enumerated() {
            sum += Double(value * n)
            squares += Double(value * value) * Double(n)
        }
        mean = sum / Double(max(count, 1))
        standardDeviation = (max(0, squares / Double(max(count, 1)) - mean * mean)).squareRoot()
    }
}
