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

    /// MNIST (LeCun, Cortes & Burges), from `datasets/mnist/` unless `directory` is given.
    ///
    /// The directory is, in order: `directory`, `$ATELIER_MNIST_DIR`, `$ATELIER_DATA_DIR/mnist`,
    /// then `datasets/mnist` in the current directory or any parent.
    public static func mnist(_ split: Split, directory: String? = nil) throws -> ImageDataset {
        let folder = try locate("mnist", explicit: directory, environment: "ATELIER_MNIST_DIR", systemFallback: nil)
        return try load(folder: folder, split: split, name: "mnist", classNames: mnistClassNames)
    }

    /// Fashion-MNIST (Xiao, Rasul & Vollgraf), from `datasets/fashion-mnist/`, or Debian's
    /// `dataset-fashion-mnist` package in `/usr/share/datasets/fashion-mnist/`.
    public static func fashionMNIST(_ split: Split, directory: String? = nil) throws -> ImageDataset {
        let folder = try locate("fashion-mnist", explicit: directory, environment: "ATELIER_FASHION_MNIST_DIR",
                                systemFallback: "/usr/share/datasets/fashion-mnist")
        return try load(folder: folder, split: split, name: "fashion-mnist", classNames: fashionMNISTClassNames)
    }

    /// A dataset by its command-line name: `mnist` or `fashion-mnist`.
    public static func named(_ name: String, split: Split, directory: String? = nil) throws -> ImageDataset {
        switch name.lowercased() {
        case "mnist": return try mnist(split, directory: directory)
        case "fashion-mnist", "fashion_mnist", "fashionmnist": return try fashionMNIST(split, directory: directory)
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

    static func locate(_ name: String, explicit: String?, environment: String, systemFallback: String?) throws -> String {
        if let explicit { return explicit }
        let env = ProcessInfo.processInfo.environment
        if let dir = env[environment], !dir.isEmpty { return dir }
        if let root = env["ATELIER_DATA_DIR"], !root.isEmpty { return (root as NSString).appendingPathComponent(name) }
        var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var tried: [String] = []
        for _ in 0..<8 {
            let candidate = url.appendingPathComponent("datasets").appendingPathComponent(name).path
            tried.append(candidate)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        if let systemFallback, FileManager.default.fileExists(atPath: systemFallback) { return systemFallback }
        throw DatasetError.invalidArgument(
            "cannot find the \(name) dataset: looked in \(tried.first ?? "datasets/\(name)") and its parents"
            + (systemFallback.map { " and \($0)" } ?? "")
            + "; pass a directory or set \(environment)")
    }
}
