import Testing
import TensorCore

/// `MersenneTwister` against NumPy 2.4's legacy `RandomState` (values printed by
/// `numpy.random.RandomState(seed).random_sample()`).
@Suite("MersenneTwister: NumPy's RandomState")
struct MersenneTwisterTests {
    @Test func firstSamplesEqualNumPys() {
        var zero = MersenneTwister(seed: 0)
        #expect(zero.randomSample() == 0.5488135039273248)
        #expect(zero.randomSample() == 0.7151893663724195)
        var largest = MersenneTwister(seed: 4_294_967_295)
        #expect([largest.randomSample(), largest.randomSample(), largest.randomSample()]
                == [0.0976320289940138, 0.9123828453026218, 0.78903530185164])
    }

    @Test func arraySeedsEqualNumPys() {
        // RandomState([1, 2, 3]) and a seven-word key (init_by_array).
        var short = MersenneTwister(key: [1, 2, 3])
        #expect([short.randomSample(), short.randomSample()] == [0.6098612722867289, 0.8866970434146851])
        var long = MersenneTwister(key: [0xFFFF_FFFF, 7, 0, 5, 2, 0, 9])
        #expect(long.randomSample() == 0.5033596690680625)
    }

    @Test func skippingEqualsDrawing() {
        // RandomState(7): the 1001st sample (2,000 outputs: three regenerations of the 624-word
        // state), drawn, skipped from the start, and skipped from the middle of a block.
        var drawn = MersenneTwister(seed: 7)
        for _ in 0..<1000 { _ = drawn.randomSample() }
        var skipped = MersenneTwister(seed: 7)
        skipped.skipSamples(1000)
        var partly = MersenneTwister(seed: 7)
        for _ in 0..<3 { _ = partly.randomSample() }
        partly.skipSamples(997)
        #expect(drawn.randomSample() == 0.08378587007198324)
        #expect(skipped.randomSample() == 0.08378587007198324)
        #expect(partly.randomSample() == 0.08378587007198324)
    }
}
