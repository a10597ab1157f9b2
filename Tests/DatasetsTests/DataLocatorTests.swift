import Foundation
import Testing
import TestSupport
@testable import Datasets

/// The one data lookup (CONVENTIONS.md, "Data lookup"): order, explicit choices, fall-through.
@Suite("DataLocator")
struct DataLocatorTests {
    let root = TestSupport.temporaryDirectory("atelier-locator")

    /// A folder `path` under `root` holding a marker file of MNIST-like data.
    func dataset(_ path: String) throws -> String {
        let folder = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try TestSupport.writeFile([0], named: "t10k-images-idx3-ubyte.gz", in: folder)
        return folder.path
    }

    func locate(_ locator: DataLocator = .mnist, directory: String? = nil, roots: [String] = [],
                environment: [String: String] = [:], in folder: String? = nil) throws -> String {
        try locator.locate(directory: directory, roots: roots, environment: environment,
                           currentDirectory: folder ?? root.path, executable: nil)
    }

    @Test("flag, then the dataset's variable, then ATELIER_DATA_DIR/NAME, then datasets/NAME upwards")
    func order() throws {
        let flag = try dataset("flag"), variable = try dataset("variable")
        let fromRoot = try dataset("root/mnist"), upward = try dataset("project/datasets/mnist")
        let deep = root.appendingPathComponent("project/a/b")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        let environment = ["ATELIER_MNIST_DIR": variable, "ATELIER_DATA_DIR": root.appendingPathComponent("root").path]
        #expect(try locate(directory: flag, environment: environment, in: deep.path) == flag)
        #expect(try locate(environment: environment, in: deep.path) == variable)
        #expect(try locate(environment: ["ATELIER_DATA_DIR": environment["ATELIER_DATA_DIR"]!], in: deep.path) == fromRoot)
        #expect(try locate(in: deep.path) == upward)
        // --data-dir may also name the folder holding NAME/.
        #expect(try locate(directory: root.appendingPathComponent("root").path, in: deep.path) == fromRoot)
    }

    @Test("ATELIER_DATA_DIR without the dataset falls through to the later places (Debian's Fashion-MNIST)")
    func rootFallsThrough() throws {
        let system = try dataset("usr/share/datasets/fashion-mnist")
        var locator = DataLocator.fashionMNIST
        locator.systemFolder = system
        let empty = root.appendingPathComponent("empty-root").path
        #expect(try locate(locator, environment: ["ATELIER_DATA_DIR": empty]) == system)
        #expect(try locate(locator, roots: [empty]) == system)
    }

    @Test("report --data-dir: command-line roots come before the environment and fall through when they lack a dataset")
    func commandLineRoots() throws {
        let fromFlag = try dataset("flag-root/mnist"), fromVariable = try dataset("variable")
        let flagRoot = root.appendingPathComponent("flag-root").path
        try DataLocator.$commandLineRoots.withValue([flagRoot]) {
            #expect(try locate(environment: ["ATELIER_MNIST_DIR": fromVariable]) == fromFlag)
            var fashion = DataLocator.fashionMNIST
            fashion.systemFolder = try dataset("system/fashion-mnist")
            #expect(try locate(fashion) == fashion.systemFolder)
        }
        #expect(try locate(environment: ["ATELIER_MNIST_DIR": fromVariable]) == fromVariable, "only inside withValue")
    }

    @Test("an explicit folder without the files is the error, naming it; nothing else is tried")
    func explicitIsStrict() throws {
        _ = try dataset("datasets/mnist")
        let typo = root.appendingPathComponent("mnsit").path
        #expect(try locate() == root.appendingPathComponent("datasets/mnist").path)
        for (directory, environment, name) in [(typo, [String: String](), "--data-dir"), (nil, ["ATELIER_MNIST_DIR": typo], "ATELIER_MNIST_DIR")] {
            do {
                _ = try locate(directory: directory, environment: environment)
                Issue.record("expected an error for \(name)")
            } catch {
                #expect("\(error)".hasPrefix("\(name) \(typo): no mnist files there"), "\(error)")
                #expect("\(error)".contains("t10k-images-idx3-ubyte.gz"))
            }
        }
    }

    @Test("nothing found: the error lists every place looked at and the variables to set")
    func notFound() throws {
        var locator = DataLocator.cifar10
        locator.systemFolder = root.appendingPathComponent("system/cifar10").path
        let nowhere = root.appendingPathComponent("nowhere").path
        do {
            _ = try locate(locator, environment: ["ATELIER_DATA_DIR": nowhere])
            Issue.record("expected an error")
        } catch {
            let message = "\(error)"
            for place in ["\(nowhere)/cifar10", "\(nowhere)/cifar-10-batches-bin", "\(root.path)/datasets/cifar10", "/datasets/cifar10",
                          "\(DataLocator.buildRepository)/datasets/cifar10", locator.systemFolder!] {
                #expect(message.contains(place), "\(place) missing from: \(message)")
            }
            #expect(message.contains("ATELIER_CIFAR10_DIR=DIR") && message.contains("ATELIER_DATA_DIR=ROOT") && message.contains("--data-dir"))
        }
    }

    @Test("names: mnist, fashion-mnist, cifar10, cifar100 and their spellings")
    func names() {
        #expect(DataLocator.named("Fashion_MNIST") == .fashionMNIST && DataLocator.named("cifar-10") == .cifar10)
        #expect(DataLocator.named("imagenet") == nil)
        #expect(DataLocator.all.map(\.name) == ["mnist", "fashion-mnist", "cifar10", "cifar100"])
    }
}
