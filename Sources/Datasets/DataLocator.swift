import Foundation

/// Where a named dataset's files are: the one lookup every command and report uses, so that
/// `--data-dir`, the environment variables and the fallbacks mean the same thing everywhere
/// (CONVENTIONS.md, "Data lookup").
///
/// The places, first match wins:
/// 1. the folder given on the command line (`--data-dir DIR`): DIR itself or DIR/NAME;
/// 2. the dataset's own variable (`ATELIER_MNIST_DIR`, ...), the same way;
/// 3. `$ATELIER_DATA_DIR/NAME`;
/// 4. `datasets/NAME` in the current folder or any folder above it;
/// 5. `datasets/NAME` in the repository this code was compiled in (from `#filePath`), and above
///    the running executable (a `.build/release/atelier` inside a moved checkout);
/// 6. the system folder (Debian's `/usr/share/datasets/fashion-mnist` for Fashion-MNIST).
///
/// Places 1 and 2 name this dataset explicitly, so when they lack the files that is the error
/// (a typo in `--data-dir` must not silently fall back to another copy). Places 3-6 are searched:
/// `ATELIER_DATA_DIR` usually holds only some datasets, and Fashion-MNIST must still be found in
/// the system folder when it is set. A place counts only when it holds the dataset's files.
public struct DataLocator: Sendable, Equatable {
    /// The command-line name: `mnist`, `fashion-mnist`, `cifar10`, `cifar100`.
    public var name: String
    /// Folder names the dataset is found under in a `datasets/` folder or a root, in order
    /// (the first is the canonical one; CIFAR also answers to its download's folder name).
    public var folderNames: [String]
    /// The per-dataset environment variable.
    public var environmentVariable: String
    /// Files whose presence marks a folder as holding the dataset (any one of them suffices).
    public var markerFiles: [String]
    /// A system-wide folder searched last.
    public var systemFolder: String?

    /// Folders holding one subfolder per dataset, given on a command line that reads several
    /// datasets (`report --data-dir ROOT`), searched right after `--data-dir` and before the
    /// environment. A task-local rather than a parameter so that every dataset load inside a
    /// report run sees it without each report threading it through its own helpers.
    @TaskLocal public static var commandLineRoots: [String] = []

    /// The variable naming a folder that holds one subfolder per dataset.
    public static let rootVariable = "ATELIER_DATA_DIR"

    public static let mnist = DataLocator(
        name: "mnist", folderNames: ["mnist"], environmentVariable: "ATELIER_MNIST_DIR",
        markerFiles: idxMarkers, systemFolder: "/usr/share/datasets/mnist")
    public static let fashionMNIST = DataLocator(
        name: "fashion-mnist", folderNames: ["fashion-mnist"], environmentVariable: "ATELIER_FASHION_MNIST_DIR",
        markerFiles: idxMarkers, systemFolder: "/usr/share/datasets/fashion-mnist")
    public static let cifar10 = DataLocator(
        name: "cifar10", folderNames: ["cifar10", "cifar-10-batches-bin"], environmentVariable: "ATELIER_CIFAR10_DIR",
        markerFiles: ["test_batch.bin", "data_batch_1.bin"], systemFolder: "/usr/share/datasets/cifar10")
    public static let cifar100 = DataLocator(
        name: "cifar100", folderNames: ["cifar100", "cifar-100-binary"], environmentVariable: "ATELIER_CIFAR100_DIR",
        markerFiles: ["test.bin", "train.bin"], systemFolder: "/usr/share/datasets/cifar100")

    /// Every dataset Atelier can locate, in the order help texts list them.
    public static let all: [DataLocator] = [.mnist, .fashionMNIST, .cifar10, .cifar100]

    private static let idxMarkers = ["t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte",
                                     "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"]

    /// The dataset called `name` (also `fashion_mnist`, `cifar-10`, ...), or nil.
    public static func named(_ name: String) -> DataLocator? {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        switch key {
        case "mnist": return .mnist
        case "fashion-mnist", "fashionmnist": return .fashionMNIST
        case "cifar10", "cifar-10": return .cifar10
        case "cifar100", "cifar-100": return .cifar100
        default: return nil
        }
    }

    /// The repository the `Datasets` module was compiled in: three folders above this file.
    /// Used so a binary built from a checkout finds the checkout's `datasets/` from any folder.
    public static let buildRepository: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// One place looked at, with why it was looked at (for the error message).
    public struct Place: Sendable, Equatable {
        public var path: String
        public var reason: String
        /// True when this place is the user's explicit choice: missing files there are the error.
        public var explicit: Bool
    }

    /// True when `folder` holds one of the marker files.
    public func holdsFiles(_ folder: String) -> Bool {
        markerFiles.contains { FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent($0)) }
    }

    /// The places to look, in order. `roots` are folders holding one subfolder per dataset given
    /// on the command line (`report --data-dir`), searched before the environment.
    public func places(directory: String? = nil, roots: [String] = [],
                       environment: [String: String] = ProcessInfo.processInfo.environment,
                       currentDirectory: String = FileManager.default.currentDirectoryPath,
                       executable: String? = Bundle.main.executablePath) -> [Place] {
        var places: [Place] = []
        func explicitFolder(_ folder: String, _ reason: String) {
            places.append(Place(path: folder, reason: reason, explicit: true))
            for sub in folderNames { places.append(Place(path: (folder as NSString).appendingPathComponent(sub), reason: reason, explicit: true)) }
        }
        func under(_ root: String, _ reason: String) {
            for sub in folderNames { places.append(Place(path: (root as NSString).appendingPathComponent(sub), reason: reason, explicit: false)) }
        }
        if let directory { explicitFolder(directory, "--data-dir") }
        for root in roots + Self.commandLineRoots { under(root, "--data-dir") }
        if let value = environment[environmentVariable], !value.isEmpty { explicitFolder(value, environmentVariable) }
        if let root = environment[Self.rootVariable], !root.isEmpty { under(root, Self.rootVariable) }
        var url = URL(fileURLWithPath: currentDirectory).standardizedFileURL
        while true {
            under(url.appendingPathComponent("datasets").path, "the current folder or above")
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        under((Self.buildRepository as NSString).appendingPathComponent("datasets"), "the repository atelier was built in")
        if let executable {
            var folder = URL(fileURLWithPath: executable).deletingLastPathComponent().standardizedFileURL
            while folder.path != "/" {
                under(folder.appendingPathComponent("datasets").path, "above the atelier executable")
                folder = folder.deletingLastPathComponent()
            }
        }
        if let systemFolder { places.append(Place(path: systemFolder, reason: "the system folder", explicit: false)) }
        var seen = Set<String>()
        return places.filter { seen.insert($0.path).inserted }
    }

    /// The folder holding the dataset's files.
    /// - Throws: `DatasetError.notFound` listing every place looked at and the variables to set.
    public func locate(directory: String? = nil, roots: [String] = [],
                       environment: [String: String] = ProcessInfo.processInfo.environment,
                       currentDirectory: String = FileManager.default.currentDirectoryPath,
                       executable: String? = Bundle.main.executablePath) throws -> String {
        let candidates = places(directory: directory, roots: roots, environment: environment,
                                currentDirectory: currentDirectory, executable: executable)
        // In order; the first explicit choice reached (flag, else variable) decides alone: its folder
        // or the error, never a later place. Command-line roots before it are searched as usual.
        for (index, place) in candidates.enumerated() {
            if place.explicit {
                let group = candidates[index...].prefix { $0.explicit && $0.reason == place.reason }
                if let found = group.first(where: { holdsFiles($0.path) }) { return found.path }
                throw DatasetError.invalidArgument(
                    "\(place.reason) \(place.path): no \(name) files there or in \(folderNames.map { "\(place.path)/\($0)" }.joined(separator: " or ")); "
                    + "expected \(markerFiles.joined(separator: " or "))")
            }
            if holdsFiles(place.path) { return place.path }
        }
        throw DatasetError.invalidArgument(notFoundMessage(candidates))
    }

    /// "cannot find the mnist dataset (expected ...); looked in: ...; set ..."
    func notFoundMessage(_ candidates: [Place]) -> String {
        "cannot find the \(name) dataset (expected \(markerFiles.joined(separator: " or "))); looked in "
            + candidates.map(\.path).joined(separator: ", ")
            + "; pass --data-dir DIR, or set \(environmentVariable)=DIR or \(Self.rootVariable)=ROOT (holding \(folderNames[0])/)"
    }
}
