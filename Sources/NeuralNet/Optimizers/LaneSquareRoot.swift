#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The IEEE square root of eight lanes at once.
///
/// `SIMD8<Float>.squareRoot()` compiles lane by lane on Linux: each lane is compared with zero
/// and either `sqrtss` or a call to `sqrtf` (for errno) is taken, then the lanes are inserted
/// back — that made the vectorised Adam update ~2x slower than it needs to be (perf: most of
/// `Adam.step` sat behind the per-lane inserts). `sqrtps` is the same correctly rounded IEEE
/// operation as `sqrtss`, so the result is bit-for-bit the scalar one; with AVX the two 4-lane
/// halves merge into one `vsqrtps ymm`. Other architectures use the generic form.
@inline(__always)
func laneSquareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> {
    #if arch(x86_64)
    return SIMD8(lowHalf: _mm_sqrt_ps(x.lowHalf), highHalf: _mm_sqrt_ps(x.highHalf))
    #else
    return x.squareRoot()
    #endif
}
