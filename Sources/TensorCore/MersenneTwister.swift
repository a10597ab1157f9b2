/// MT19937 exactly as NumPy's legacy `numpy.random.RandomState(seed)` runs it, so that code which
/// mirrors a NumPy program (Optuna's samplers draw from `RandomState`s) draws the same numbers.
///
/// `init(seed:)` is NumPy's `mt19937_seed` (Matsumoto and Nishimura's `init_genrand`), which
/// `RandomState` uses for an integer seed; `randomSample()` is NumPy's `random_sample()`: a 53-bit
/// double from two 32-bit outputs (27 and 26 bits). Atelier's own code draws from the faster
/// `RandomGenerator`; this one exists for compatibility.
public struct MersenneTwister: Sendable {
    private static let stateCount = 624
    private var state: [UInt32]
    private var index: Int

    /// The stream of `numpy.random.RandomState(seed)`.
    public init(seed: UInt32) {
        var state = [UInt32](repeating: 0, count: Self.stateCount)
        state[0] = seed
        for i in 1..<Self.stateCount {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        self.state = state
        index = Self.stateCount
    }

    /// The stream of NumPy's `init_by_array(key)` (what `RandomState` does with an array seed):
    /// for seeds wider than 32 bits. The key must not be empty (NumPy refuses an empty seed too).
    public init(key: [UInt32]) {
        precondition(!key.isEmpty, "MersenneTwister(key:) needs at least one word, as numpy.random.RandomState does")
        self.init(seed: 19_650_218)
        let n = Self.stateCount
        var i = 1, j = 0
        for _ in 0..<max(n, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= n { state[0] = state[n - 1]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(n - 1) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n { state[0] = state[n - 1]; i = 1 }
        }
        state[0] = 0x8000_0000
        index = n
    }

    /// The next 32-bit output (NumPy's `mt19937_next32`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= Self.stateCount { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        return y ^ (y >> 18)
    }

    /// A uniform double in [0, 1): NumPy's `RandomState.random_sample()`.
    public mutating func randomSample() -> Double {
        let a = nextUInt32() >> 5, b = nextUInt32() >> 6
        return (Double(a) * 67_108_864.0 + Double(b)) / 9_007_199_254_740_992.0
    }

    /// Skips `count` calls of `randomSample()` (two outputs each) without converting them.
    public mutating func skipSamples(_ count: Int) {
        var remaining = 2 * count
        while remaining > 0 {
            if index >= Self.stateCount { twist() }
            let step = min(remaining, Self.stateCount - index)
            index += step
            remaining -= step
        }
    }

    /// Regenerates the 624 words of state (NumPy's `mt19937_gen`).
    private mutating func twist() {
        let n = Self.stateCount, m = 397
        state.withUnsafeMutableBufferPointer { mt in
            for i in 0..<n {
                let y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % n] & 0x7FFF_FFFF)
                mt[i] = mt[(i + m) % n] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
            }
        }
        index = 0
    }
}
