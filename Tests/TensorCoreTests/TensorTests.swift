import Testing
import TestSupport
@testable import TensorCore

@Suite("Tensor basics, broadcasting and reductions")
struct TensorTests {
    let x = Tensor(rows: [[1, 2, 3], [4, 5, 6]])

    @Test("reshape shares storage, infers -1; rows, gather, concatenation, transpose")
    func shapes() {
        let y = x.reshaped([3, -1])
        #expect(y.shape == [3, 2] && y.elements == x.elements)
        #expect(x.reshaped([-1]).shape == [6])
        #expect(x.strides == [3, 1])
        #expect(Tensor.zeros([2, 3, 4]).strides == [12, 4, 1])
        #expect(x.rows(1..<2) == Tensor(rows: [[4, 5, 6]]))
        #expect(x.rows(at: [1, 0, 1]) == Tensor(rows: [[4, 5, 6], [1, 2, 3], [4, 5, 6]]))
        #expect(x.row(0) == [1, 2, 3])
        #expect(Tensor.concatenatingRows([x, x.rows(0..<1)]).shape == [3, 3])
        #expect(x.transposed() == Tensor(rows: [[1, 4], [2, 5], [3, 6]]))
        #expect(x[1, 2] == 6)
        var z = x
        z[0, 1] = 9
        #expect(z.elements == [1, 9, 3, 4, 5, 6] && x[0, 1] == 2)  // copy-on-write
    }

    @Test("broadcasting: same shape, scalar, row vector, column vector")
    func broadcasting() {
        #expect(x + x == Tensor(rows: [[2, 4, 6], [8, 10, 12]]))
        #expect(x - Tensor(shape: [1], elements: [1]) == Tensor(rows: [[0, 1, 2], [3, 4, 5]]))
        #expect(x * Tensor(shape: [3], elements: [10, 0, -1]) == Tensor(rows: [[10, 0, -3], [40, 0, -6]]))
        #expect(x / Tensor(shape: [1, 3], elements: [1, 2, 4]) == Tensor(rows: [[1, 1, 0.75], [4, 2.5, 1.5]]))
        #expect(x - Tensor(shape: [2, 1], elements: [1, 4]) == Tensor(rows: [[0, 1, 2], [0, 1, 2]]))
        #expect(x * 2 == Tensor(rows: [[2, 4, 6], [8, 10, 12]]))
        #expect(2 * x == x + x)
        #expect(x / 2 - 0.5 == Tensor(rows: [[0, 0.5, 1], [1.5, 2, 2.5]]))
        #expect(-x == x * -1)
        var y = x
        y.addScaled(x, alpha: -2)
        #expect(y == -x)
        #expect(x.isFinite && !(x / Tensor.zeros([1])).isFinite)
    }

    @Test("broadcast results equal element-by-element loops, in place and into new tensors")
    func broadcastingAgainstLoops() {
        var generator = RandomGenerator(seed: 21)
        let a = Tensor.uniform([7, 5], low: -2, high: 2, generator: &generator)
        let row = Tensor.uniform([5], low: 1, high: 2, generator: &generator)
        let column = Tensor.uniform([7, 1], low: 1, high: 2, generator: &generator)
        var inPlace = a
        inPlace /= column
        inPlace -= row
        let fresh = a / column - row
        for r in 0..<7 {
            for c in 0..<5 {
                let expected = a[r, c] / column[r, 0] - row[c]
                #expect(inPlace[r, c] == expected && fresh[r, c] == expected)
            }
        }
        #expect(fresh.shape == [7, 5])
        // Rank 3 viewed as rows of 6: a row vector of 6 broadcasts over the first axis.
        let cube = Tensor(shape: [2, 2, 3], elements: (0..<12).map(Float.init))
        #expect((cube + Tensor(shape: [6], repeating: 1)).elements == (1...12).map(Float.init))
    }

    @Test("reductions over everything and along each axis")
    func reductions() {
        #expect(x.sum() == 21 && x.mean() == 3.5 && x.max() == 6 && x.min() == 1 && x.argmax() == 5)
        #expect(x.sum(axis: 0) == Tensor(shape: [3], elements: [5, 7, 9]))
        #expect(x.sum(axis: 1) == Tensor(shape: [2], elements: [6, 15]))
        #expect(x.mean(axis: 0) == Tensor(shape: [3], elements: [2.5, 3.5, 4.5]))
        #expect(x.max(axis: 1) == Tensor(shape: [2], elements: [3, 6]))
        #expect(x.min(axis: 0) == Tensor(shape: [3], elements: [1, 2, 3]))
        let logits = Tensor(rows: [[0.1, 0.7, 0.2], [3, -1, 3], [-5, -4, -6]])
        #expect(logits.argmax(axis: 1) == [1, 0, 1])  // first index on ties
        #expect(logits.argmax(axis: 0) == [1, 0, 1])
        // Rank 3: [2, 2, 2], reduce the middle axis.
        let cube = Tensor(shape: [2, 2, 2], elements: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(cube.sum(axis: 1) == Tensor(shape: [2, 2], elements: [4, 6, 12, 14]))
        #expect(cube.argmax(axis: 2) == [1, 1, 1, 1])
        // Double accumulation: a million 0.1s sum to 100000 within Float rounding.
        #expect(abs(Tensor(shape: [1_000_000], repeating: 0.1).sum() - 100_000) < 0.01)
    }
}

@Suite("Random generator and parallel chunks")
struct RandomTests {
    @Test("xoshiro256** seeded by SplitMix64 matches an independent Python implementation")
    func referenceSequence() {
        // Computed with a 15-line Python transcription of Blackman & Vigna's C reference code;
        // SplitMix64(0)'s first output 0xE220A8397B1DCDAF is the published test value.
        var zero = RandomGenerator(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
        var fortyTwo = RandomGenerator(seed: 42)
        #expect([fortyTwo.next(), fortyTwo.next()] == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E])
    }

    @Test("uniform and normal samples have the right moments; the same seed repeats them")
    func moments() {
        var generator = RandomGenerator(seed: 3)
        let u = Tensor.uniform([100_000], low: -1, high: 3, generator: &generator)
        #expect(u.min() >= -1 && u.max() < 3)
        #expect(abs(u.mean() - 1) < 0.02)
        let z = Tensor.normal([100_000], mean: 2, standardDeviation: 0.5, generator: &generator)
        let mean = Double(z.mean())
        let variance = z.elements.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(z.count)
        #expect(abs(mean - 2) < 0.01 && abs(variance.squareRoot() - 0.5) < 0.01)
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        #expect(Tensor.normal([50], generator: &a) == Tensor.normal([50], generator: &b))
        #expect(a.permutation(100) == b.permutation(100))
        #expect(a.permutation(100).sorted() == Array(0..<100))
    }

    @Test("integers below a bound are uniform over the bound")
    func integers() {
        var generator = RandomGenerator(seed: 4)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[generator.integer(below: 6)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
    }

    @Test("forEachChunk covers every index exactly once")
    func chunks() {
        for count in [0, 1, 7, 1000, 100_003] {
            var hits = [Int32](repeating: 0, count: count)
            hits.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                let pointer = SendablePointer(base)
                Parallel.forEachChunk(count, minimumChunk: 100) { range in
                    for i in range { pointer[i] += 1 }
                }
            }
            #expect(hits.allSatisfy { $0 == 1 }, "count \(count)")
        }
    }
}
