#if canImport(Glibc)
import Glibc
#endif

/// Keeps the per-batch activation buffers in the heap.
///
/// glibc serves blocks above its mmap threshold (128 KiB at first, adapting upwards only after
/// such a block is freed) with fresh `mmap`s and trims freed heap tops back to the kernel, so a
/// training loop that allocates the same few-MB activations every batch page-faults on every
/// one of them (measured: ~5 % of a CNN epoch in `clear_page`/`exc_page_fault`). Raising both
/// thresholds once makes freed blocks reusable. It is process-wide and harmless for other code:
/// memory stays reserved for reuse instead of going back to the kernel between batches.
enum AllocatorTuning {
    private static let applied: Bool = {
        #if canImport(Glibc)
        // `mallopt` lives in <malloc.h>, which Swift's Glibc module does not import: look it
        // up in the running process (RTLD_DEFAULT is the null handle in glibc).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        if let symbol = dlsym(nil, "mallopt") {
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(-3, 256 << 20)   // M_MMAP_THRESHOLD
            _ = mallopt(-1, 512 << 20)   // M_TRIM_THRESHOLD
        }
        #endif
        return true
    }()

    static func keepLargeBlocksInHeap() { _ = applied }
}
