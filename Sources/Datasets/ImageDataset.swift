import Foundation
import TensorCore

/// A labelled set of grayscale images stored as bytes, as MNIST and Fashion-MNIST ship them.
///
/// The bytes are kept as they are (47 MB for MNIST train) and converted to Float32 only on
/// request, with `images(scaled:)` dividing by 255 so pixels land in [0, 1].
public struct ImageDataset: Sendable {
    /// Name used in reports, e.g. "mnist-train".
    public var name: String
    /// Pixels, `count * height * width` bytes, row-major, one image after another.
    public var pixels: [UInt8]
    /// Class index of every image.
    public var labels: [Int]
    public var height: Int
    public var width: Int
    /// Human-readable class names, indexed by label.
    public var classNames: [String]

    public init(name: String, pixels: [UInt8], labels: [Int], height: Int, width: Int, classNames: [String]) {
        precondition(pixels.count == labels.count * height * width, "pixels do not match labels x \(height) x \(width)")
        self.name = name
        self.pixels = pixels
        self.labels = labels
        self.height = height
        self.width = width
        self.classNames = classNames
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// Pixels per image (784 for 28x28).
    public var featureCount: Int { height * width }
    /// Number of classes.
    public var classCount: Int { classNames.count }

    /// The images as a `[count, height * width]` Float32 matrix, divided by 255 when `scaled`.
    /// Conversion is split over the cores.
    public func images(scaled: Bool = true) -> Tensor {
        Tensor(shape: [count, featureCount], elements: ByteConversion.floats(pixels, divisor: scaled ? 255 : 1))
    }

    /// The images as a `[count, 1, height, width]` tensor, for convolutional models.
    public func imageTensor(scaled: Bool = true) -> Tensor {
        images(scaled: scaled).reshaped([count, 1, height, width])
    }

    /// The images at `indices`, in that order.
    public func subset<C: Collection>(_ indices: C, name: String? = nil) -> ImageDataset where C.Element == Int {
        let size = featureCount
        var newPixels = [UInt8]()
        newPixels.reserveCapacity(indices.count * size)
        for i in indices { newPixels.append(contentsOf: pixels[(i * size)..<((i + 1) * size)]) }
        return ImageDataset(name: name ?? self.name, pixels: newPixels, labels: indices.map { labels[$0] },
                            height: height, width: width, classNames: classNames)
    }

    /// The first `limit` images (all when `limit` is nil or larger than the set).
    public func prefix(_ limit: Int?) -> ImageDataset {
        guard let limit, limit < count else { return self }
        return subset(0..<max(0, limit))
    }

    /// Number of images per class, indexed by label.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: max(classCount, (labels.max() ?? -1) + 1))
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// Pixel bytes of image `index`.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        pixels[(index * featureCount)..<((index + 1) * featureCount)]
    }
}

/// A read-only raw pointer that can cross into `@Sendable` closures.
struct SendableRawPointer: @unchecked Sendable {
    let base: UnsafeRawPointer
    init(_ base: UnsafeRawPointer) { self.base = base }
}

extension ImageDataset {
    /// Reads an image/label pair of IDX files (raw or gzip) and checks that their counts agree.
    public static func load(images imagesPath: String, labels labelsPath: String, name: String,
                            classNames: [String]) throws -> ImageDataset {
        // The two files inflate concurrently; the label file is tiny, so this mostly hides its cost.
        nonisolated(unsafe) var labelResult: Result<IDXFile, Error>!
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            labelResult = Result { try IDX.read(labelsPath, expectedMagic: IDX.labelsMagic) }
        }
        let imageFile = try IDX.read(imagesPath, expectedMagic: IDX.imagesMagic)
        group.wait()
        let labelFile = try labelResult.get()
        guard imageFile.dimensions.count == 3 else {
            throw DatasetError.badMagic(path: imagesPath, expected: "3 dimensions (count, rows, columns)", found: imageFile.magic)
        }
        let imageCount = imageFile.dimensions[0]
        guard imageCount == labelFile.dimensions[0] else {
            throw DatasetError.lengthMismatch(images: imagesPath, imageCount: imageCount, labels: labelsPath, labelCount: labelFile.dimensions[0])
        }
        let labels = labelFile.bytes.map(Int.init)
        if let bad = labels.first(where: { $0 >= classNames.count }) {
            throw DatasetError.malformed(path: labelsPath, line: 0, column: nil,
                                         reason: "label \(bad) out of range for \(classNames.count) classes")
        }
        return ImageDataset(name: name, pixels: imageFile.bytes, labels: labels,
                            height: imageFile.dimensions[1], width: imageFile.dimensions[2], classNames: classNames)
    }
}
