import Foundation
import NeuralNet
import TensorCore
import TestSupport
import Testing

@Suite("Checkpoints: round trip, corruption, mismatch")
struct CheckpointTests {
    func smallConvolutional(seed: UInt64) -> Sequential {
        Sequential(name: "small", inputShape: [1, 8, 8], seed: seed) {
            Conv2D(1, 3, kernel: 3); ReLU(); MaxPool2D(2); Flatten(); Dropout(0.1); Linear(27, 4)
        }
    }

    @Test func roundTripGivesIdenticalPredictions() throws {
        let directory = TestSupport.temporaryDirectory()
        let path = directory.appendingPathComponent("model.atnn").path
        let model = smallConvolutional(seed: 3)
        try Checkpoint(model: model, metadata: ["model": "small", "dataset": "synthetic"]).write(to: path)
        let loaded = try Checkpoint.load(path)
        #expect(loaded.metadata["dataset"] == "synthetic")
        #expect(loaded.model.inputShape == [1, 8, 8])
        #expect(loaded.model.specification == model.specification)
        var generator = RandomGenerator(seed: 4)
        let x = Tensor.uniform([5, 1, 8, 8], generator: &generator)
        #expect(loaded.model(x) == model(x))

        let autoencoder = try ModelZoo.make("autoencoder", latent: 4, seed: 1)
        let aePath = directory.appendingPathComponent("ae.atnn").path
        try Checkpoint(model: autoencoder).write(to: aePath)
        let reloaded = try Checkpoint.load(aePath).model
        let images = Tensor.uniform([3, 784], generator: &generator)
        #expect(reloaded.submodel(named: "encoder")!(images) == autoencoder.submodel(named: "encoder")!(images))
        #expect(reloaded(images) == autoencoder(images))
    }

    @Test func corruptFilesAreReportedWithOffsets() throws {
        let directory = TestSupport.temporaryDirectory()
        let path = directory.appendingPathComponent("model.atnn").path
        let data = try Checkpoint(model: smallConvolutional(seed: 1)).encoded()

        var flipped = data
        flipped[flipped.count - 20] ^= 0x40
        #expect(throws: NeuralNetError.self) { try Checkpoint.decode(flipped, path: path) }
        do {
            _ = try Checkpoint.decode(flipped, path: path)
        } catch let NeuralNetError.corruptCheckpoint(_, _, reason) {
            #expect(reason.contains("checksum"))
        }

        let truncated = data.prefix(data.count - 100)
        #expect(throws: NeuralNetError.self) { try Checkpoint.decode(Data(truncated), path: path) }

        var wrongMagic = data
        wrongMagic[0] = UInt8(ascii: "X")
        do {
            _ = try Checkpoint.decode(wrongMagic, path: path)
            Issue.record("expected a bad magic error")
        } catch let NeuralNetError.corruptCheckpoint(_, offset, reason) {
            #expect(offset == 0)
            #expect(reason.contains("magic"))
        }

        var futureVersion = data
        futureVersion[8] = 9
        #expect(throws: NeuralNetError.self) { try Checkpoint.decode(futureVersion, path: path) }
        #expect(throws: NeuralNetError.self) { try Checkpoint.decode(Data("hello".utf8), path: path) }
        #expect(throws: (any Error).self) { try Checkpoint.load(directory.appendingPathComponent("missing.atnn").path) }
    }

    @Test func mismatchedModelNamesTheLayer() throws {
        let directory = TestSupport.temporaryDirectory()
        let path = directory.appendingPathComponent("linear.atnn").path
        try Checkpoint(model: Sequential(inputShape: [4], seed: 0) { Linear(4, 3); ReLU(); Linear(3, 2) }).write(to: path)
        let other = Sequential(inputShape: [4], seed: 0) { Linear(4, 5); ReLU(); Linear(5, 2) }
        do {
            try Checkpoint.loadParameters(path, into: other)
            Issue.record("expected a mismatch")
        } catch let NeuralNetError.checkpointMismatch(_, layer, parameter, expected, found) {
            #expect(layer == "layer 0 (Linear(4 -> 5))")
            #expect(parameter == "0.weight")
            #expect(expected == [5, 4])
            #expect(found == [3, 4])
        }
        let same = Sequential(inputShape: [4], seed: 9) { Linear(4, 3); ReLU(); Linear(3, 2) }
        try Checkpoint.loadParameters(path, into: same)
        #expect(same.snapshot() == (try Checkpoint.load(path)).model.snapshot())
    }

    /// A well-formed file (valid hash) whose header says something else than its data.
    func handMade(header: String, floats: Int) -> Data {
        var data = Data("ATNNCKPT".utf8)
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(1)
        append(UInt32(header.utf8.count))
        data.append(Data(header.utf8))
        data.append(Data(repeating: 0, count: floats * 4))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        withUnsafeBytes(of: hash.littleEndian) { data.append(contentsOf: $0) }
        return data
    }

    @Test func headerThatDisagreesWithItsDataIsRejected() throws {
        let valid = #"{"architecture":{"sequential":{"layers":[{"linear":{"inputs":2,"outputs":1}}]}},"metadata":{},"parameters":[{"path":"0.weight","shape":[1,2]},{"path":"0.bias","shape":[1]}]}"#
        let loaded = try Checkpoint.decode(handMade(header: valid, floats: 3), path: "ok.atnn")
        #expect(loaded.model.parameterCount == 3)
        // A huge architecture over 3 stored floats: refused before anything is allocated.
        let huge = valid.replacingOccurrences(of: #""inputs":2,"outputs":1"#, with: #""inputs":1000000,"outputs":1000000"#)
        #expect(throws: NeuralNetError.self) { try Checkpoint.decode(handMade(header: huge, floats: 3), path: "huge.atnn") }
        // Shapes whose product overflows.
        let overflow = valid.replacingOccurrences(of: "[1,2]", with: "[4611686018427387904,4]")
        #expect(throws: NeuralNetError.self) { try Checkpoint.decode(handMade(header: overflow, floats: 3), path: "overflow.atnn") }
        // A shape that disagrees with the architecture names the layer.
        let swapped = valid.replacingOccurrences(of: "[1,2]", with: "[2,1]")
        do {
            _ = try Checkpoint.decode(handMade(header: swapped, floats: 3), path: "swapped.atnn")
            Issue.record("expected a mismatch")
        } catch let NeuralNetError.checkpointMismatch(_, layer, _, expected, found) {
            #expect(layer == "layer 0 (Linear(2 -> 1))")
            #expect(expected == [1, 2] && found == [2, 1])
        }
        #expect(throws: NeuralNetError.self) { try Checkpoint.decode(handMade(header: "{not json", floats: 0), path: "bad.atnn") }
    }
}
