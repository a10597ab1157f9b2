import Foundation
import TensorCore

/// A labelled set of colour images stored as bytes, channel by channel, as CIFAR ships them.
///
/// Each image is `channels * height * width` bytes: the red plane, then green, then blue, each
/// row-major, so `imageTensor()` is directly the `[n, 3, 32, 32]` layout convolutions expect.
public struct ColorImageDataset: Sendable {
    /// Name used in reports, e.g. "cifar-100-train".
    public var name: String
    /// Pixels, `count * channels * height * width` bytes.
    public var pixels: [UInt8]
    /// Class index of every image (CIFAR-100: the fine label).
    public var labels: [Int]
    /// CIFAR-100's coarse (superclass) label of every image; nil for CIFAR-10.
    public var coarseLabels: [Int]?
    public var channels: Int
    public var height: Int
    public var width: Int
    /// Class names, indexed by label.
    public var classNames: [String]
    /// Superclass names, indexed by coarse label (CIFAR-100 only).
    public var coarseClassNames: [String]?

    public init(name: String, pixels: [UInt8], labels: [Int], coarseLabels: [Int]? = nil, channels: Int = 3,
                height: Int = 32, width: Int = 32, classNames: [String], coarseClassNames: [String]? = nil) {
        precondition(pixels.count == labels.count * channels * height * width, "pixels do not match labels x \(channels) x \(height) x \(width)")
        precondition(coarseLabels == nil || coarseLabels!.count == labels.count, "one coarse label per image")
        self.name = name
        self.pixels = pixels
        self.labels = labels
        self.coarseLabels = coarseLabels
        self.channels = channels
        self.height = height
        self.width = width
        self.classNames = classNames
        self.coarseClassNames = coarseClassNames
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// Bytes per image (3072 for CIFAR).
    public var featureCount: Int { channels * height * width }
    /// Number of classes.
    public var classCount: Int { classNames.count }

    /// The images as a `[count, channels * height * width]` Float32 matrix, divided by 255 when `scaled`.
    public func images(scaled: Bool = true) -> Tensor {
        Tensor(shape: [count, featureCount], elements: ByteConversion.floats(pixels, divisor: scaled ? 255 : 1))
    }

    /// The images as a `[count, channels, height, width]` tensor.
    public func imageTensor(scaled: Bool = true) -> Tensor {
        images(scaled: scaled).reshaped([count, channels, height, width])
    }

    /// The images at `indices`, in that order.
    public func subset<C: Collection>(_ indices: C, name: String? = nil) -> ColorImageDataset where C.Element == Int {
        let size = featureCount
        var newPixels = [UInt8]()
        newPixels.reserveCapacity(indices.count * size)
        for i in indices { newPixels.append(contentsOf: pixels[(i * size)..<((i + 1) * size)]) }
        return ColorImageDataset(name: name ?? self.name, pixels: newPixels, labels: indices.map { labels[$0] },
                                 coarseLabels: coarseLabels.map { coarse in indices.map { coarse[$0] } },
                                 channels: channels, height: height, width: width,
                                 classNames: classNames, coarseClassNames: coarseClassNames)
    }

    /// Number of images per class, indexed by label.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: Swift.max(classCount, (labels.max() ?? -1) + 1))
        for label in labels { counts[label] += 1 }
        return counts
    }
}

/// The CIFAR-10 and CIFAR-100 binary formats (Krizhevsky, 2009), "binary version" downloads.
///
/// A file is a sequence of fixed-size records with no header: CIFAR-10 records are 1 label byte
/// then 3072 pixel bytes (1 + 3072 = 3073); CIFAR-100 records are a coarse label byte, a fine
/// label byte, then 3072 pixel bytes (3074). Pixels are 1024 red, 1024 green, 1024 blue bytes,
/// each a 32x32 row-major plane. Files may also be gzip-compressed (detected by content).
public enum CIFAR {
    /// Which of the two datasets a file belongs to.
    public enum Variant: String, Sendable, CaseIterable {
        case cifar10 = "CIFAR-10"
        case cifar100 = "CIFAR-100"

        /// Label bytes before the pixels of each record.
        public var labelBytes: Int { self == .cifar10 ? 1 : 2 }
        /// Bytes per record: labels then 3 x 32 x 32 pixels.
        public var recordSize: Int { labelBytes + 3 * 32 * 32 }
        /// Number of (fine) classes.
        public var classCount: Int { self == .cifar10 ? 10 : 100 }
    }

    /// CIFAR-10's classes, in label order (the `batches.meta.txt` of the binary download).
    public static let cifar10ClassNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]

    /// CIFAR-100's fine classes, in label order (alphabetical, as `fine_label_names.txt`).
    public static let cifar100ClassNames = [
        "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
        "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
        "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
        "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
        "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
        "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
        "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
        "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
        "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor",
        "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
    ]

    /// CIFAR-100's 20 superclasses, in coarse-label order (`coarse_label_names.txt`).
    public static let cifar100CoarseClassNames = [
        "aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables",
        "household_electrical_devices", "household_furniture", "insects", "large_carnivores",
        "large_man-made_outdoor_things", "large_natural_outdoor_scenes", "large_omnivores_and_herbivores",
        "medium_mammals", "non-insect_invertebrates", "people", "reptiles", "small_mammals", "trees",
        "vehicles_1", "vehicles_2",
    ]

    /// Reads one or more record files of `variant` into one dataset, in file order.
    ///
    /// A file whose length is not a whole number of records, or a label outside the class
    /// range, is an error naming the file and the byte offset.
    public static func read(_ paths: [String], variant: Variant, name: String,
                            classNames: [String]? = nil, coarseClassNames: [String]? = nil) throws -> ColorImageDataset {
        let names = classNames ?? (variant == .cifar10 ? cifar10ClassNames : cifar100ClassNames)
        let coarseNames = variant == .cifar100 ? (coarseClassNames ?? cifar100CoarseClassNames) : nil
        guard !paths.isEmpty else { throw DatasetError.invalidArgument("no \(variant.rawValue) files to read") }
        var pixels: [UInt8] = []
        var labels: [Int] = []
        var coarse: [Int] = []
        for path in paths {
            let bytes = try FileIO.readMaybeGzippedBytes(path)
            let recordSize = variant.recordSize
            let records = bytes.count / recordSize
            if bytes.count % recordSize != 0 {
                throw DatasetError.invalidHeader(
                    path: path, offset: records * recordSize,
                    reason: "the file ends \(bytes.count % recordSize) bytes into record \(records + 1); expected a whole number of \(recordSize)-byte \(variant.rawValue) records (\(variant.labelBytes) label byte\(variant.labelBytes == 1 ? "" : "s") + 3072 pixels), found \(bytes.count) bytes")
            }
            pixels.reserveCapacity(pixels.count + records * 3072)
            try bytes.withUnsafeBufferPointer { p in
                for r in 0..<records {
                    let start = r * recordSize
                    let fine = Int(p[start + variant.labelBytes - 1])
                    guard fine < names.count else {
                        throw DatasetError.invalidHeader(path: path, offset: start + variant.labelBytes - 1,
                                                         reason: "label \(fine) of record \(r + 1) is out of range; expected 0..<\(names.count)")
                    }
                    if let coarseNames {
                        let superclass = Int(p[start])
                        guard superclass < coarseNames.count else {
                            throw DatasetError.invalidHeader(path: path, offset: start,
                                                             reason: "coarse label \(superclass) of record \(r + 1) is out of range; expected 0..<\(coarseNames.count)")
                        }
                        coarse.append(superclass)
                    }
                    labels.append(fine)
                    pixels.append(contentsOf: UnsafeBufferPointer(rebasing: p[(start + variant.labelBytes)..<(start + recordSize)]))
                }
            }
        }
        return ColorImageDataset(name: name, pixels: pixels, labels: labels, coarseLabels: coarseNames == nil ? nil : coarse,
                                 classNames: names, coarseClassNames: coarseNames)
    }

    /// The record bytes of `dataset` in `variant`'s layout (32x32 RGB images only).
    public static func encode(_ dataset: ColorImageDataset, variant: Variant) throws -> [UInt8] {
        guard dataset.channels == 3, dataset.height == 32, dataset.width == 32 else {
            throw DatasetError.invalidArgument("CIFAR records hold 3 x 32 x 32 images, not \(dataset.channels) x \(dataset.height) x \(dataset.width)")
        }
        if variant == .cifar100 && dataset.coarseLabels == nil {
            throw DatasetError.invalidArgument("CIFAR-100 records need coarse labels")
        }
        guard dataset.labels.allSatisfy({ (0..<256).contains($0) }) else {
            throw DatasetError.invalidArgument("CIFAR labels are single bytes (0..<256)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(dataset.count * variant.recordSize)
        for i in 0..<dataset.count {
            if variant == .cifar100 { bytes.append(UInt8(truncatingIfNeeded: dataset.coarseLabels![i])) }
            bytes.append(UInt8(dataset.labels[i]))
            bytes.append(contentsOf: dataset.pixels[(i * 3072)..<((i + 1) * 3072)])
        }
        return bytes
    }

    /// Writes `dataset` as one CIFAR binary file, atomically.
    public static func write(_ dataset: ColorImageDataset, variant: Variant, to path: String) throws {
        try FileIO.writeAtomically(Data(encode(dataset, variant: variant)), to: path)
    }

    /// Class names from a text file of one name per line (blank lines ignored), as shipped next
    /// to the binary files.
    static func classNames(at path: String) -> [String]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let names = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return names.isEmpty ? nil : names
    }
}

extension Dataset {
    /// CIFAR-10 from the binary download's folder (`data_batch_1.bin` ... `data_batch_5.bin`,
    /// `test_batch.bin`, `batches.meta.txt`): the folder `DataLocator.cifar10` finds
    /// (`datasets/cifar10` or `datasets/cifar-10-batches-bin`, `$ATELIER_CIFAR10_DIR`, ...).
    public static func cifar10(_ split: Split, directory: String? = nil) throws -> ColorImageDataset {
        let folder = try DataLocator.cifar10.locate(directory: directory)
        func file(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let files = split == .train ? (1...5).map { file("data_batch_\($0).bin") } : [file("test_batch.bin")]
        return try CIFAR.read(files, variant: .cifar10, name: "cifar-10-\(split.rawValue)",
                              classNames: CIFAR.classNames(at: file("batches.meta.txt")))
    }

    /// CIFAR-100 from the binary download's folder (`train.bin`, `test.bin`, `fine_label_names.txt`,
    /// `coarse_label_names.txt`): the folder
    /// `DataLocator.cifar100` finds (`datasets/cifar100` or `datasets/cifar-100-binary`, ...).
    public static func cifar100(_ split: Split, directory: String? = nil) throws -> ColorImageDataset {
        let folder = try DataLocator.cifar100.locate(directory: directory)
        func file(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        return try CIFAR.read([file("\(split.rawValue).bin")], variant: .cifar100, name: "cifar-100-\(split.rawValue)",
                              classNames: CIFAR.classNames(at: file("fine_label_names.txt")),
                              coarseClassNames: CIFAR.classNames(at: file("coarse_label_names.txt")))
    }
}
