/// Copies and sums of the short rows that column building and scattering move (7, 14 or 28
/// floats for cnn3's layers): whole 8-lane vectors and then one last vector ending at the row's
/// end, overlapping the one before, instead of an element loop or a `memmove` call per row.
/// A short row costs about as much to call `memmove` for as to copy; the profile showed
/// `buildColumns` at 7-8 % of a cnn3 epoch.
enum ShortRows {
    typealias Lanes = SIMD8<Float>
    typealias HalfLanes = SIMD4<Float>

    /// `destination[0..<count] = source[0..<count]`; the two must not overlap.
    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, _ count: Int) {
        if count >= 8 {
            var k = 0
            while k + 8 <= count {
                UnsafeMutableRawPointer(destination + k).storeBytes(of: UnsafeRawPointer(source + k).loadUnaligned(as: Lanes.self), as: Lanes.self)
                k += 8
            }
            if k < count {
                let last = count - 8
                UnsafeMutableRawPointer(destination + last).storeBytes(of: UnsafeRawPointer(source + last).loadUnaligned(as: Lanes.self), as: Lanes.self)
            }
        } else if count >= 4 {
            let last = count - 4
            let (head, tail) = (UnsafeRawPointer(source).loadUnaligned(as: HalfLanes.self), UnsafeRawPointer(source + last).loadUnaligned(as: HalfLanes.self))
            UnsafeMutableRawPointer(destination).storeBytes(of: head, as: HalfLanes.self)
            UnsafeMutableRawPointer(destination + last).storeBytes(of: tail, as: HalfLanes.self)
        } else {
            for k in 0..<count { destination[k] = source[k] }
        }
    }

    /// `destination[0..<count] += source[0..<count]` (no overlapping vectors here: each element
    /// is added once, in the same order as an element loop).
    @inline(__always)
    static func add(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, _ count: Int) {
        var k = 0
        while k + 8 <= count {
            let sum = UnsafeRawPointer(destination + k).loadUnaligned(as: Lanes.self) + UnsafeRawPointer(source + k).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(destination + k).storeBytes(of: sum, as: Lanes.self)
            k += 8
        }
        if k + 4 <= count {
            let sum = UnsafeRawPointer(destination + k).loadUnaligned(as: HalfLanes.self) + UnsafeRawPointer(source + k).loadUnaligned(as: HalfLanes.self)
            UnsafeMutableRawPointer(destination + k).storeBytes(of: sum, as: HalfLanes.self)
            k += 4
        }
        while k < count { destination[k] += source[k]; k += 1 }
    }
}
