import Foundation
import Testing
import TestSupport
@testable import Datasets

/// The shipped MNIST files against the checksums and label counts in their provenance note.
@Suite("MNIST files")
struct MNISTTests {
    static let directory = TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist")

    /// `file -> (md5, records)` parsed from the table in `datasets/mnist/README.md`, so the test
    /// checks the files against the note users read, not against a second copy of the numbers.
    static func provenance() throws -> [String: String] {
        let text = try String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") && line.contains(".gz") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            result[cells[0]] = cells[1]
        }
        return result
    }

    /// The label counts line for `split` ("train" or "test") of the provenance note.
    static func noteCounts(_ split: String) throws -> [Int] {
        let text = try String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: " ")
        let marker = "\(split): "
        let start = try #require(text.range(of: marker)).upperBound
        return text[start...].split(separator: " ").prefix(10).map { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: ";."))) ?? -1 }
    }

    @Test("uncompressed MD5 of the four files match the provenance note")
    func checksums() throws {
        let expected = try Self.provenance()
        #expect(expected.count == 4)
        for (file, md5) in expected {
            let path = Self.directory.appendingPathComponent(file).path
            let bytes = try Gzip.decompressBytes(try FileIO.read(path), path: path)
            #expect(MD5.hexDigest(of: bytes) == md5, "\(file)")
        }
    }

    @Test("label counts match the note; the first ten training labels are 5 0 4 1 9 2 1 3 1 4")
    func labels() throws {
        let directory = Self.directory.path
        let train = try IDX.read(directory + "/train-labels-idx1-ubyte.gz", expectedMagic: IDX.labelsMagic)
        let test = try IDX.read(directory + "/t10k-labels-idx1-ubyte.gz", expectedMagic: IDX.labelsMagic)
        #expect(Array(train.bytes.prefix(10)) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
        func counts(_ bytes: [UInt8]) -> [Int] {
            var c = [Int](repeating: 0, count: 10)
            for b in bytes { c[Int(b)] += 1 }
            return c
        }
        #expect(counts(train.bytes) == (try Self.noteCounts("train")))
        #expect(counts(test.bytes) == (try Self.noteCounts("test")))
        #expect(counts(train.bytes).reduce(0, +) == 60_000)
    }

    @Test("Dataset.mnist(.test) loads images and labels of matching shape, scaled to [0, 1]")
    func loadTest() throws {
        let test = try Dataset.mnist(.test, directory: Self.directory.path)
        #expect(test.count == 10_000 && test.height == 28 && test.width == 28)
        #expect(test.classCounts == (try Self.noteCounts("test")))
        let first = test.prefix(100)
        let images = first.images()
        #expect(images.shape == [100, 784])
        #expect(images.min() == 0 && images.max() == 1)
        #expect(first.imageTensor().shape == [100, 1, 28, 28])
        // The same pixels through the direct tensor reader.
        let direct = try IDX.readTensor(Self.directory.path + "/t10k-images-idx3-ubyte.gz", expectedMagic: IDX.imagesMagic)
        #expect(direct.shape == [10_000, 28, 28])
        #expect(Array(direct.elements.prefix(78_400)) == images.elements)
    }
}

@Suite("MD5")
struct MD5Tests {
    @Test("RFC 1321 test suite")
    func rfcVectors() {
        let vectors: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (input, digest) in vectors {
            #expect(MD5.hexDigest(of: Array(input.utf8)) == digest, "\(input)")
        }
    }

    @Test("padding boundaries: 55, 56, 63, 64 and 65 bytes")
    func boundaries() {
        // Values from `printf 'aaa...' | md5sum` (GNU coreutils).
        let expected = [
            55: "ef1772b6dff9a122358552954ad0df65",
            56: "3b0c8ac703f828b04c6c197006d17218",
            63: "b06521f39153d618550606be297466d5",
            64: "014842d480b571495a4a0363793f7367",
            65: "c743a45e0d2e6a95cb859adae0248435",
        ]
        for (length, digest) in expected {
            #expect(MD5.hexDigest(of: [UInt8](repeating: 0x61, count: length)) == digest, "\(length) bytes")
        }
    }
}

/// Fashion-MNIST from Debian's `dataset-fashion-mnist` (installed by scripts/setup.sh); skipped
/// when the package is absent.
@Suite("Fashion-MNIST", .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")))
struct FashionMNISTTests {
    @Test("the test split has 1,000 images of each of the ten named classes")
    func testSplit() throws {
        let test = try Dataset.fashionMNIST(.test, directory: "/usr/share/datasets/fashion-mnist")
        #expect(test.count == 10_000 && test.height == 28 && test.width == 28)
        #expect(test.classCounts == [Int](repeating: 1_000, count: 10))
        #expect(test.classNames[9] == "Ankle boot" && test.classNames[0] == "T-shirt/top")
        #expect(try Dataset.named("fashion-mnist", split: .test, directory: "/usr/share/datasets/fashion-mnist").count == 10_000)
    }
}
