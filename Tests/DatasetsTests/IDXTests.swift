import Foundation
import Testing
import TestSupport
@testable import Datasets
import TensorCore

@Suite("IDX and gzip")
struct IDXTests {
    let directory = TestSupport.temporaryDirectory("atelier-idx")

    func randomImages(count: Int, seed: UInt64) -> IDXFile {
        var generator = RandomGenerator(seed: seed)
        let bytes = (0..<(count * 28 * 28)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        return IDXFile(magic: IDX.imagesMagic, dimensions: [count, 28, 28], bytes: bytes)
    }

    @Test("write/read round trip, raw and gzip, images and labels", arguments: [false, true])
    func roundTrip(gzip: Bool) throws {
        let images = randomImages(count: 17, seed: 3)
        let labels = IDXFile(magic: IDX.labelsMagic, dimensions: [17], bytes: (0..<17).map { UInt8($0 % 10) })
        let imagesPath = directory.appendingPathComponent("images\(gzip ? ".gz" : "")").path
        let labelsPath = directory.appendingPathComponent("labels").path
        try IDX.write(images, to: imagesPath, gzip: gzip)
        try IDX.write(labels, to: labelsPath, gzip: gzip)
        // Detected by content: the gzip file's first bytes are the gzip magic, whatever its name.
        #expect(Gzip.isGzip(try FileIO.read(imagesPath)) == gzip)
        #expect(try IDX.read(imagesPath, expectedMagic: IDX.imagesMagic) == images)
        #expect(try IDX.read(labelsPath) == labels)
        let dataset = try ImageDataset.load(images: imagesPath, labels: labelsPath, name: "round-trip", classNames: Dataset.mnistClassNames)
        #expect(dataset.labels == labels.bytes.map(Int.init))
        #expect(dataset.pixels == images.bytes)
        let scaled = try IDX.readTensor(imagesPath)
        #expect(scaled.shape == [17, 28, 28])
        // Bit-identical to NumPy's astype(np.float32) / 255, a Float32 division.
        #expect(scaled.elements == images.bytes.map { Float($0) / 255 }, "differs from Float(byte) / 255")
        #expect(images.tensor(scaled: false).elements == images.bytes.map { Float($0) })
    }

    @Test("IDX header bytes are big-endian magic then dimensions")
    func encodingLayout() {
        let file = IDXFile(magic: IDX.labelsMagic, dimensions: [3], bytes: [7, 8, 9])
        #expect([UInt8](IDX.encode(file)) == [0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9])
    }

    @Test("a header announcing an impossible size is an error, not a crash")
    func hugeHeader() throws {
        let bytes: [UInt8] = [0, 0, 8, 4] + [UInt8](repeating: 0xFF, count: 16) + [1, 2, 3]
        let path = try TestSupport.writeFile(bytes, named: "huge.idx", in: directory)
        #expect(throws: DatasetError.self) { try IDX.read(path) }
    }

    @Test("gzip: libdeflate fast path and zlib streaming agree; several members are concatenated")
    func gzipPaths() throws {
        let content = Data(randomImages(count: 40, seed: 9).bytes)
        let compressed = try Gzip.compress(content)
        #expect(Gzip.inflateSingleMember(compressed) == content)
        #expect(try Gzip.inflateStreaming(compressed, path: "x") == content)
        #expect(try Gzip.decompressBytes(compressed, path: "x") == [UInt8](content))
        let halves = try Gzip.compress(content.prefix(1000)) + Gzip.compress(content.dropFirst(1000))
        #expect(Gzip.inflateSingleMember(halves) == nil)  // not a single member: the fast path declines
        #expect(try Gzip.decompress(halves, path: "x") == content)
        #expect(try Gzip.decompressBytes(halves, path: "x") == [UInt8](content))
    }
}
