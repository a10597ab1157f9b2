import TensorCore

/// Unsigned bytes to Float32, the last step of loading every image dataset.
enum ByteConversion {
    /// `Float(byte) / divisor` for every byte (a division, not a multiplication by the
    /// reciprocal, so the result is bit-identical to NumPy's `astype(np.float32) / 255`), split over the cores in chunks of at least 1 MiB
    /// (below that, thread start-up costs more than the loop).
    static func floats(_ bytes: [UInt8], divisor: Float) -> [Float] {
        bytes.withUnsafeBufferPointer { floats($0, divisor: divisor) }
    }

    /// The same, from any run of bytes (e.g. the data after an IDX header).
    static func floats(_ source: UnsafeBufferPointer<UInt8>, divisor: Float) -> [Float] {
            [Float](unsafeUninitializedCapacity: source.count) { target, initialized in
                Memory.adviseHugePages(UnsafeMutableRawBufferPointer(target))
                if let sourceBase = source.baseAddress, let targetBase = target.baseAddress {
                    let s = SendableRawPointer(UnsafeRawPointer(sourceBase))
                    let t = SendablePointer(targetBase)
                    Parallel.forEachChunk(source.count, minimumChunk: 1 << 20) { range in
                        let input = s.base.assumingMemoryBound(to: UInt8.self)
                        let output = t.base
                        for i in range { output[i] = Float(input[i]) / divisor }
                    }
                }
                initialized = source.count
            }
    }
}
