import Testing
import TestSupport
@testable import Datasets

@Suite("Splits and mini-batches")
struct SplittingTests {
    @Test("0.72/0.18/0.10 of 70,000: exact sizes, disjoint, covering, identical for identical seeds")
    func fractions() throws {
        let splitter = Splitter(fractions: [0.72, 0.18, 0.10], seed: 42)
        let parts = try splitter.split(count: 70_000)
        #expect(parts.map(\.count) == [50_400, 12_600, 7_000])
        #expect(Set(parts.joined()).count == 70_000)
        #expect(parts.joined().allSatisfy { (0..<70_000).contains($0) })
        #expect(try splitter.split(count: 70_000) == parts)
        #expect(try Splitter(fractions: [0.72, 0.18, 0.10], seed: 43).split(count: 70_000) != parts)
    }

    @Test("largest-remainder rounding: 0.5/0.3/0.2 of 7 is 4/2/1 (3.5, 2.1, 1.4 rounded to sum 7)")
    func rounding() throws {
        #expect(Splitter.sizes(7, [0.5, 0.3, 0.2]) == [4, 2, 1])
        #expect(try Splitter(fractions: [0.5, 0.3, 0.2]).split(count: 7).map(\.count) == [4, 2, 1])
    }

    @Test("stratified: each class keeps its proportion in every part")
    func stratified() throws {
        // 900 of class 0, 100 of class 1, interleaved.
        let labels = (0..<1000).map { $0 % 10 == 0 ? 1 : 0 }
        let parts = try Splitter(fractions: [0.8, 0.2], seed: 1, stratified: true).split(count: 1000, labels: labels)
        #expect(parts.map(\.count) == [800, 200])
        #expect(parts[0].filter { labels[$0] == 1 }.count == 80)
        #expect(parts[1].filter { labels[$0] == 1 }.count == 20)
        #expect(Set(parts.joined()).count == 1000)
        #expect(throws: DatasetError.self) { try Splitter(fractions: [0.8, 0.2], stratified: true).split(count: 1000, labels: [1, 2]) }
    }

    @Test("bad fractions are an error")
    func badFractions() {
        #expect(throws: DatasetError.self) { try Splitter(fractions: [0.5, 0.4]).split(count: 10) }
        #expect(throws: DatasetError.self) { try Splitter(fractions: [1.2, -0.2]).split(count: 10) }
    }

    @Test("mini-batches: partial last batch kept, every index once per epoch, new order each epoch, reproducible")
    func miniBatches() {
        var batches = MiniBatches(count: 10, batchSize: 4, seed: 7)
        #expect(batches.batchesPerEpoch == 3)
        let first = batches.nextEpoch()
        #expect(first.map(\.count) == [4, 4, 2])
        #expect(first.flatMap { $0 }.sorted() == Array(0..<10))
        let second = batches.nextEpoch()
        #expect(second.flatMap { $0 }.sorted() == Array(0..<10))
        #expect(first.flatMap { $0 } != second.flatMap { $0 })
        var again = MiniBatches(count: 10, batchSize: 4, seed: 7)
        #expect(again.nextEpoch().flatMap { $0 } == first.flatMap { $0 })
        var ordered = MiniBatches(count: 5, batchSize: 2, shuffle: false)
        #expect(ordered.nextEpoch().map(Array.init) == [[0, 1], [2, 3], [4]])
    }
}
