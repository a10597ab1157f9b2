import Foundation

/// Which part of a dataset to load.
public enum Split: String, Sendable, CaseIterable {
    case train, test
}

/// The image datasets Atelier knows by name.
public enum Dataset {
    /// Class names of MNIST: the digits.
    public static let mnistClassNames = (0...9).map(String.init)
    /// Class names of Fashion-MNIST, in label order (Zalando's published list).
    public static let fashionMNISTClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// MNIST (LeCun, Cortes & Burges), from the folder `DataLocator.mnist` finds (`directory`,
    /// when given, is `--data-dir`).
    public static func mnist(_ split: Split, directory: String? = nil, roots: [String] = []) throws -> ImageDataset {
        let folder = try DataLocator.mnist.locate(directory: directory, roots: roots)
        return try load(folder: folder, split: split, name: "mnist", classNames: mnistClassNames)
    }

    /// Fashion-MNIST (Xiao, Rasul & Vollgraf), from the folder `DataLocator.fashionMNIST` finds:
    /// `datasets/fashion-mnist/`, or Debian's `dataset-fashion-mnist` package in
    /// `/usr/share/datasets/fashion-mnist/`.
    public static func fashionMNIST(_ split: Split, directory: String? = nil, roots: [String] = []) throws -> ImageDataset {
        let folder = try DataLocator.fashionMNIST.locate(directory: directory, roots: roots)
        return try load(folder: folder, split: split, name: "fashion-mnist", classNames: fashionMNISTClassNames)
    }

    /// The IDX datasets known by command-line name.
    public static let imageDatasetNames = ["mnist", "fashion-mnist"]

    /// A dataset by its command-line name: `mnist` or `fashion-mnist`.
    public static func named(_ name: String, split: Split, directory: String? = nil, roots: [String] = []) throws -> ImageDataset {
        switch DataLocator.named(name) {
        case .mnist?: return try mnist(split, directory: directory, roots: roots)
        case .fashionMNIST?: return try fashionMNIST(split, directory: directory, roots: roots)
        default: throw DatasetError.invalidArgument("unknown dataset '\(name)'; expected mnist or fashion-mnist")
        }
    }

    static func load(folder: String, split: Split, name: String, classNames: [String]) throws -> ImageDataset {
        let prefix = split == .train ? "train" : "t10k"
        func file(_ stem: String) -> String {
            let base = (folder as NSString).appendingPathComponent("\(prefix)-\(stem)")
            for candidate in [base + ".gz", base] where FileManager.default.fileExists(atPath: candidate) { return candidate }
            return base + ".gz"
        }
        return try ImageDataset.load(images: file("images-idx3-ubyte"), labels: file("labels-idx1-ubyte"),
                                     name: "\(name)-\(split.rawValue)", classNames: classNames)
    }
}
