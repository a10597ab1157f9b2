import Foundation
import TensorCore

/// A grid of small grayscale (or colormapped) images with optional captions and row labels: digit
/// galleries (the seeds' `plot_gallery`), misclassified examples captioned "pred 3 / true 5", learned
/// convolution filters, originals above their reconstructions.
///
/// ```swift
/// var gallery = try ImageGallery(images: dataset.images().rows(0..<144), imageWidth: 28, imageHeight: 28, columns: 18)
/// gallery.title = "MNIST training digits"
/// try gallery.save("digits.png")           // 18 x 8 cells of 180 x 240 px by default: 3240 x 1920
/// ```
public struct ImageGallery: Renderable {
    /// How pixel values map to the colormap's ends.
    public enum Normalization: Sendable, Equatable {
        /// One range for every image (0...1 for scaled digits).
        case fixed(ClosedRange<Double>)
        /// Each image stretched over its own min...max (learned filters of arbitrary scale).
        case perImage
        /// Each image over -m...m with m its largest magnitude, so 0 sits mid-map (signed filters with a
        /// diverging colormap).
        case symmetricPerImage
    }

    public var width: Int
    public var height: Int
    public var dpi: Double = 100
    public var title: String?
    /// Row-major pixels per image, `imageWidth * imageHeight` each.
    public let images: [[Float]]
    public let imageWidth: Int
    public let imageHeight: Int
    public let columns: Int
    /// One caption per image (or nil); `captionColors` colours them (default ink).
    public var captions: [String]?
    public var captionColors: [Color]?
    /// One label per row, written left of the row (e.g. "original", "reconstruction").
    public var rowLabels: [String]?
    public var colormap: Colormap = .gray
    public var normalization: Normalization = .fixed(0...1)
    public var fontSize: Double = 10
    public var background: Color = .white

    /// Rows needed for all images.
    public var rows: Int { (images.count + columns - 1) / columns }

    /// - Parameters:
    ///   - width, height: canvas pixels; nil gives 180 px per column and 180 (240 with captions) per row.
    public init(images: [[Float]], imageWidth: Int, imageHeight: Int, columns: Int, width: Int? = nil, height: Int? = nil,
                captions: [String]? = nil, captionColors: [Color]? = nil) throws {
        guard !images.isEmpty else { throw PlotError.emptySeries("image gallery") }
        guard imageWidth > 0, imageHeight > 0 else { throw PlotError.invalidArgument("image gallery: image size \(imageWidth)x\(imageHeight) must be positive") }
        guard columns > 0 else { throw PlotError.invalidArgument("image gallery: columns must be positive, found \(columns)") }
        for (index, image) in images.enumerated() where image.count != imageWidth * imageHeight {
            throw PlotError.lengthMismatch("image gallery: image \(index) (\(imageWidth)x\(imageHeight) pixels)", expected: imageWidth * imageHeight, found: image.count)
        }
        if let captions, captions.count != images.count { throw PlotError.lengthMismatch("image gallery: captions", expected: images.count, found: captions.count) }
        if let captionColors, captionColors.count != images.count { throw PlotError.lengthMismatch("image gallery: caption colours", expected: images.count, found: captionColors.count) }
        self.images = images
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.columns = min(columns, images.count)
        self.captions = captions
        self.captionColors = captionColors
        let rows = (images.count + self.columns - 1) / self.columns
        self.width = width ?? 180 * self.columns
        self.height = height ?? (captions == nil ? 180 : 240) * rows
        // Text scales with the cells: 100 dpi for 120-px cells, up to 300 dpi for large ones.
        let cellWidth = Double(self.width) / Double(self.columns)
        self.dpi = 100 * min(3, max(1, cellWidth / 120))
    }

    /// A gallery of the rows of `tensor`: shape [n, h*w] (give `imageWidth`/`imageHeight`), [n, h, w] or [n, 1, h, w].
    public init(images tensor: Tensor, imageWidth: Int? = nil, imageHeight: Int? = nil, columns: Int, width: Int? = nil, height: Int? = nil,
                captions: [String]? = nil, captionColors: [Color]? = nil) throws {
        let shape = tensor.shape
        let (h, w): (Int, Int)
        switch shape.count {
        case 2:
            if let imageWidth, let imageHeight { (h, w) = (imageHeight, imageWidth) } else {
                let side = Int(Double(shape[1]).squareRoot().rounded())
                guard side * side == shape[1] else {
                    throw PlotError.invalidArgument("image gallery: rows of \(shape[1]) values are not square images; pass imageWidth and imageHeight")
                }
                (h, w) = (side, side)
            }
        case 3: (h, w) = (shape[1], shape[2])
        case 4 where shape[1] == 1: (h, w) = (shape[2], shape[3])
        default:
            throw PlotError.invalidArgument("image gallery: expected a tensor of shape [n, h*w], [n, h, w] or [n, 1, h, w], found \(shape)")
        }
        let count = shape.first ?? 0
        let size = h * w
        guard count > 0 else { throw PlotError.emptySeries("image gallery") }
        guard size * count == tensor.count else {
            throw PlotError.lengthMismatch("image gallery: values for \(count) images of \(w)x\(h)", expected: size * count, found: tensor.count)
        }
        let images = (0..<count).map { Array(tensor.elements[($0 * size)..<(($0 + 1) * size)]) }
        try self.init(images: images, imageWidth: w, imageHeight: h, columns: columns, width: width, height: height,
                      captions: captions, captionColors: captionColors)
    }

    /// Originals above their reconstructions: rows alternate, `columns` images per row, labelled on the left.
    public static func pairs(originals: [[Float]], reconstructions: [[Float]], imageWidth: Int, imageHeight: Int, columns: Int,
                             labels: (String, String) = ("original", "reconstruction")) throws -> ImageGallery {
        guard originals.count == reconstructions.count else {
            throw PlotError.lengthMismatch("image pairs: reconstructions for the originals", expected: originals.count, found: reconstructions.count)
        }
        guard !originals.isEmpty else { throw PlotError.emptySeries("image pairs") }
        guard columns > 0 else { throw PlotError.invalidArgument("image pairs: columns must be positive, found \(columns)") }
        var images: [[Float]] = []
        var rowLabels: [String] = []
        let blank = [Float](repeating: .nan, count: imageWidth * imageHeight)
        for start in stride(from: 0, to: originals.count, by: columns) {
            let end = min(start + columns, originals.count)
            let padding = Array(repeating: blank, count: columns - (end - start))
            images += originals[start..<end] + padding
            images += reconstructions[start..<end] + padding
            rowLabels += [labels.0, labels.1]
        }
        var gallery = try ImageGallery(images: images, imageWidth: imageWidth, imageHeight: imageHeight, columns: min(columns, originals.count))
        gallery.rowLabels = rowLabels
        gallery.width += 150
        return gallery
    }

    /// Captions "pred P / true T" for classified images, green when right and red when wrong.
    public static func predictionCaptions(predicted: [Int], truth: [Int], classNames: [String]? = nil) throws -> (captions: [String], colors: [Color]) {
        guard predicted.count == truth.count else { throw PlotError.lengthMismatch("prediction captions: true labels", expected: predicted.count, found: truth.count) }
        func name(_ index: Int) -> String { classNames.flatMap { index >= 0 && index < $0.count ? $0[index] : nil } ?? String(index) }
        let captions = zip(predicted, truth).map { "pred \(name($0.0)) / true \(name($0.1))" }
        let colors = zip(predicted, truth).map { $0.0 == $0.1 ? Color(hex: 0x2a8c2a) : Color(hex: 0xd62728) }
        return (captions, colors)
    }

    public func draw(on canvas: Canvas) throws {
        let full = Rect(x: 0, y: 0, width: Double(canvas.width), height: Double(canvas.height))
        canvas.fill(full, background)
        let sizes = TextSizes(base: fontSize)
        let pad = fontSize * canvas.pixelsPerPoint * 0.6
        var content = full.inset(left: pad, top: pad, right: pad, bottom: pad)
        if let title {
            let fitted = canvas.fit(title, size: sizes.figureTitle, bold: true, maximumWidth: content.width)
            canvas.text(fitted.text, x: full.midX, y: content.minY, size: fitted.size, bold: true, horizontal: .center, vertical: .top)
            content = content.inset(top: canvas.metrics(size: fitted.size, bold: true).height + pad)
        }
        var labelWidth = 0.0
        if let rowLabels {
            labelWidth = min(content.width * 0.3, (rowLabels.map { canvas.textWidth($0, size: sizes.label) }.max() ?? 0) + pad)
            content = content.inset(left: labelWidth)
        }
        let cellWidth = content.width / Double(columns), cellHeight = content.height / Double(rows)
        let captionMetrics = canvas.metrics(size: fontSize)
        let captionBand = captions == nil ? 0 : min(cellHeight * 0.3, captionMetrics.height * 1.5)
        // Image boxes keep the image's aspect ratio inside the cell (minus a small gap and the caption band).
        let gap = max(2, min(cellWidth, cellHeight) * 0.04)  // >= 2 px: boxes never share a pixel (painted in parallel)
        let scale = min((cellWidth - gap) / Double(imageWidth), (cellHeight - captionBand - gap) / Double(imageHeight))
        let boxWidth = max(1, Double(imageWidth) * scale), boxHeight = max(1, Double(imageHeight) * scale)
        let boxes: [Rect] = images.indices.map { index in
            let row = index / columns, column = index % columns
            let cellX = content.minX + Double(column) * cellWidth, cellY = content.minY + Double(row) * cellHeight
            return Rect(x: (cellX + (cellWidth - boxWidth) / 2).rounded(), y: (cellY + (cellHeight - captionBand - boxHeight) / 2).rounded(),
                        width: boxWidth.rounded(), height: boxHeight.rounded())
        }
        let lookup = colormap.packedLookup().map { $0 & 0xffffff }
        if canvas.isRaster {
            paintRaster(boxes: boxes, lookup: lookup, canvas: canvas)
        } else {
            for (index, box) in boxes.enumerated() where images[index].contains(where: { !$0.isNaN }) {
                canvas.image(colored(index, lookup: lookup), columns: imageWidth, rows: imageHeight, into: box)
            }
        }
        if let captions {
            for (index, caption) in captions.enumerated() {
                let box = boxes[index]
                let fitted = canvas.fit(caption, size: fontSize, maximumWidth: cellWidth - gap)
                canvas.text(fitted.text, x: box.midX, y: box.maxY + captionBand * 0.5, size: fitted.size,
                            color: captionColors?[index] ?? .ink, horizontal: .center, vertical: .center)
            }
        }
        if let rowLabels {
            for (row, label) in rowLabels.enumerated() where row < rows {
                let fitted = canvas.fit(label, size: sizes.label, maximumWidth: labelWidth - pad)
                let y = content.minY + (Double(row) + 0.5) * cellHeight - captionBand / 2
                canvas.text(fitted.text, x: content.minX - pad, y: y, size: fitted.size, horizontal: .right, vertical: .center)
            }
        }
    }

    /// The value range image `index` is normalised over.
    private func range(of index: Int) -> (low: Float, span: Float) {
        switch normalization {
        case let .fixed(range):
            return (Float(range.lowerBound), Float(range.upperBound - range.lowerBound))
        case .perImage:
            let finite = images[index].filter { $0.isFinite }
            let low = finite.min() ?? 0, high = finite.max() ?? 1
            return (low, high - low)
        case .symmetricPerImage:
            let magnitude = images[index].filter { $0.isFinite }.map(abs).max() ?? 1
            return (-magnitude, 2 * magnitude)
        }
    }

    private func colored(_ index: Int, lookup: [UInt32]) -> [UInt32] {
        let (low, span) = range(of: index)
        let backgroundPixel = packed(background)
        return images[index].map { value in
            guard value.isFinite else { return backgroundPixel }
            let t = span > 0 ? (value - low) / span : 0.5
            return lookup[Int((min(max(t, 0), 1) * 255).rounded())]
        }
    }

    private func packed(_ color: Color) -> UInt32 {
        let b = color.bytes
        return UInt32(b.red) << 16 | UInt32(b.green) << 8 | UInt32(b.blue)
    }

    /// Nearest-neighbour scaling of every image straight into the canvas pixels, images split over the cores.
    private func paintRaster(boxes: [Rect], lookup: [UInt32], canvas: Canvas) {
        let coloredImages = (0..<images.count).map { images[$0].contains(where: { !$0.isNaN }) ? colored($0, lookup: lookup) : [] }
        let canvasWidth = canvas.width, canvasHeight = canvas.height
        let imageWidth = self.imageWidth, imageHeight = self.imageHeight
        canvas.withPixels { pixels, stride in
            let target = SendablePointer(pixels)
            Parallel.forEachChunk(boxes.count) { range in
                for index in range {
                    let source = coloredImages[index]
                    guard !source.isEmpty else { continue }
                    let box = boxes[index]
                    let x0 = max(0, Int(box.minX)), y0 = max(0, Int(box.minY))
                    let x1 = min(canvasWidth, Int(box.maxX)), y1 = min(canvasHeight, Int(box.maxY))
                    guard x1 > x0, y1 > y0 else { continue }
                    let columnSource = (x0..<x1).map { min(imageWidth - 1, Int(Double($0 - Int(box.minX)) * Double(imageWidth) / box.width)) }
                    source.withUnsafeBufferPointer { colors in
                        for y in y0..<y1 {
                            let sourceRow = min(imageHeight - 1, Int(Double(y - Int(box.minY)) * Double(imageHeight) / box.height)) * imageWidth
                            let rowStart = y * stride
                            for (offset, sourceColumn) in columnSource.enumerated() {
                                target[rowStart + x0 + offset] = colors[sourceRow + sourceColumn]
                            }
                        }
                    }
                }
            }
        }
    }
}
