import Foundation
import Testing
import TestSupport
@testable import Datasets

/// CIFAR files cannot be downloaded here, so these tests write files in the binary format by
/// hand (record by record, independently of `CIFAR.encode`) and read them back.
@Suite("CIFAR binary format")
struct CIFARTests {
    let directory = TestSupport.temporaryDirectory("atelier-cifar")

    /// A record whose pixel at (channel c, row y, column x) is `(seed + 3c + y + 2x) % 256`.
    func record(labels: [UInt8], seed: Int) -> [UInt8] {
        var bytes = labels
        for c in 0..<3 { for y in 0..<32 { for x in 0..<32 { bytes.append(UInt8((seed + 3 * c + y + 2 * x) % 256)) } } }
        return bytes
    }

    @Test("CIFAR-10: five train batches and a test batch with class names from batches.meta.txt")
    func cifar10() throws {
        for batch in 1...5 {
            let bytes = (0..<4).flatMap { record(labels: [UInt8((batch + $0) % 10)], seed: batch * 10 + $0) }
            try TestSupport.writeFile(bytes, named: "data_batch_\(batch).bin", in: directory)
        }
        try TestSupport.writeFile(record(labels: [9], seed: 99) + record(labels: [0], seed: 98), named: "test_batch.bin", in: directory)
        try TestSupport.writeFile("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n", named: "batches.meta.txt", in: directory)
        let train = try Dataset.cifar10(.train, directory: directory.path)
        #expect(train.count == 20)
        #expect(train.labels.prefix(5) == [1, 2, 3, 4, 2])
        #expect(train.coarseLabels == nil)
        #expect(train.classNames == CIFAR.cifar10ClassNames)
        let tensor = train.imageTensor(scaled: false)
        #expect(tensor.shape == [20, 3, 32, 32])
        // Image 4 is batch 2 record 0 (seed 20): pixel (c 2, y 4, x 7) = 20 + 6 + 4 + 14 = 44.
        #expect(tensor[4, 2, 4, 7] == 44)
        #expect(train.images()[4, 2 * 1024 + 4 * 32 + 7] == Float(44) / 255)
        let test = try Dataset.cifar10(.test, directory: directory.path)
        #expect(test.labels == [9, 0] && test.classNames[test.labels[0]] == "truck")
    }

    @Test("CIFAR-100: coarse then fine label bytes, gzip accepted, encode/read round trip")
    func cifar100() throws {
        let bytes = record(labels: [19, 99], seed: 1) + record(labels: [0, 4], seed: 2) + record(labels: [11, 30], seed: 3)
        let raw = try TestSupport.writeFile(bytes, named: "train.bin", in: directory)
        try TestSupport.writeFile([UInt8](try Gzip.compress(Data(bytes))), named: "test.bin", in: directory)
        let train = try Dataset.cifar100(.train, directory: directory.path)
        #expect(train.labels == [99, 4, 30])
        #expect(train.coarseLabels == [19, 0, 11])
        #expect(train.classNames[99] == "worm" && train.coarseClassNames?[19] == "vehicles_2")
        #expect(train.classNames[30] == "dolphin" && train.coarseClassNames?[0] == "aquatic_mammals")
        let test = try Dataset.cifar100(.test, directory: directory.path)
        #expect(test.pixels == train.pixels)
        #expect(try CIFAR.encode(train, variant: .cifar100) == bytes)
        let copy = directory.appendingPathComponent("copy.bin").path
        try CIFAR.write(train.subset([2, 0]), variant: .cifar100, to: copy)
        let reread = try CIFAR.read([copy], variant: .cifar100, name: "copy")
        #expect(reread.labels == [30, 99] && reread.coarseLabels == [11, 19])
        _ = raw
    }

    @Test("a partial record and an out-of-range label are errors naming file and offset")
    func badFiles() throws {
        let partial = try TestSupport.writeFile(record(labels: [1], seed: 0) + [1, 2, 3], named: "partial.bin", in: directory)
        do {
            _ = try CIFAR.read([partial], variant: .cifar10, name: "x")
            Issue.record("expected an error")
        } catch let error as DatasetError {
            #expect(error == .invalidHeader(path: partial, offset: 3073,
                                            reason: "the file ends 3 bytes into record 2; expected a whole number of 3073-byte CIFAR-10 records (1 label byte + 3072 pixels), found 3076 bytes"))
        }
        let badLabel = try TestSupport.writeFile(record(labels: [3], seed: 0) + record(labels: [10], seed: 0), named: "label.bin", in: directory)
        do {
            _ = try CIFAR.read([badLabel], variant: .cifar10, name: "x")
            Issue.record("expected an error")
        } catch let error as DatasetError {
            #expect(error == .invalidHeader(path: badLabel, offset: 3073, reason: "label 10 of record 2 is out of range; expected 0..<10"))
            #expect(error.description.hasPrefix(badLabel))
        }
        let empty = try TestSupport.writeFile([UInt8](), named: "empty.bin", in: directory)
        #expect(throws: DatasetError.emptyFile(path: empty)) { try CIFAR.read([empty], variant: .cifar100, name: "x") }
    }
}
