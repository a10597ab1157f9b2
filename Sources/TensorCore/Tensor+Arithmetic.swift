/// Element-wise arithmetic with the broadcasting the toolkit needs.
///
/// The right operand may have the same shape as the left, be a scalar (one element), a row
/// vector (`[columns]` or `[1, columns]`, added to every row) or a column vector (`[rows, 1]`,
/// added to every column). Any other pairing is a programming error and traps with both shapes.
extension Tensor {
    /// How `other` lines up against `self`.
    enum Broadcast { case same, scalar, row, column }

    func broadcast(against other: Tensor) -> Broadcast {
        if other.shape == shape || (other.count == count && other.count != 1) { return .same }
        if other.count == 1 { return .scalar }
        if rank >= 1 {
            let columns = rowLength
            if other.count == columns && (other.rank == 1 || other.rowCount == 1) { return .row }
            if other.count == rowCount && other.rowLength == 1 { return .column }
        }
        preconditionFailure("cannot broadcast shape \(other.shape) against \(shape)")
    }

    /// `a = op(a, b)` element by element, where `b` is `other` broadcast as `mode` says.
    /// Row and column broadcasts loop over rows and columns (no division per element).
    @inline(__always)
    static func combine(_ a: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                        count: Int, columns: Int, mode: Broadcast, _ op: (Float, Float) -> Float) {
        switch mode {
        case .same: for i in 0..<count { a[i] = op(source[i], b[i]) }
        case .scalar: let s = b[0]; for i in 0..<count { a[i] = op(source[i], s) }
        case .row:
            for r in 0..<(count / columns) {
                let offset = r * columns
                for c in 0..<columns { a[offset + c] = op(source[offset + c], b[c]) }
            }
        case .column:
            for r in 0..<(count / columns) {
                let offset = r * columns, s = b[r]
                for c in 0..<columns { a[offset + c] = op(source[offset + c], s) }
            }
        }
    }

    @inline(__always)
    mutating func combine(_ other: Tensor, _ op: (Float, Float) -> Float) {
        let mode = broadcast(against: other)
        let columns = Swift.max(rowLength, 1)
        other.elements.withUnsafeBufferPointer { b in
            elements.withUnsafeMutableBufferPointer { a in
                guard let base = a.baseAddress, let bBase = b.baseAddress else { return }
                Tensor.combine(base, base, bBase, count: a.count, columns: columns, mode: mode, op)
            }
        }
    }

    /// `op(self, other)` into a new tensor: written once into fresh storage instead of copying
    /// `self` and then overwriting the copy.
    @inline(__always)
    func combined(_ other: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
        let mode = broadcast(against: other)
        let columns = Swift.max(rowLength, 1)
        let result = elements.withUnsafeBufferPointer { a in
            other.elements.withUnsafeBufferPointer { b in
                [Float](unsafeUninitializedCapacity: a.count) { target, initialized in
                    Memory.adviseHugePages(UnsafeMutableRawBufferPointer(target))
                    if let targetBase = target.baseAddress, let aBase = a.baseAddress, let bBase = b.baseAddress {
                        Tensor.combine(targetBase, aBase, bBase, count: a.count, columns: columns, mode: mode, op)
                    }
                    initialized = a.count
                }
            }
        }
        return Tensor(shape: shape, elements: result)
    }

    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs.combine(rhs, +) }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs.combine(rhs, -) }
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs.combine(rhs, *) }
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs.combine(rhs, /) }
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.combined(rhs, +) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.combined(rhs, -) }
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.combined(rhs, *) }
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.combined(rhs, /) }

    public static func += (lhs: inout Tensor, rhs: Float) { lhs.apply { $0 + rhs } }
    public static func -= (lhs: inout Tensor, rhs: Float) { lhs.apply { $0 - rhs } }
    public static func *= (lhs: inout Tensor, rhs: Float) { lhs.apply { $0 * rhs } }
    public static func /= (lhs: inout Tensor, rhs: Float) { lhs.apply { $0 / rhs } }
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 - rhs } }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 / rhs } }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    /// Applies `transform` to every element in place.
    @inlinable public mutating func apply(_ transform: (Float) -> Float) {
        elements.withUnsafeMutableBufferPointer { a in
            for i in 0..<a.count { a[i] = transform(a[i]) }
        }
    }

    /// A tensor of the same shape with `transform` applied to every element, written once into
    /// fresh storage (not a copy of `self` overwritten in place).
    @inlinable public func map(_ transform: (Float) -> Float) -> Tensor {
        let result = elements.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: source.count) { target, initialized in
                Memory.adviseHugePages(UnsafeMutableRawBufferPointer(target))
                for i in 0..<source.count { target[i] = transform(source[i]) }
                initialized = source.count
            }
        }
        return Tensor(shape: shape, elements: result)
    }

    /// `self += alpha * other` for tensors of equal element count (BLAS `saxpy`).
    public mutating func addScaled(_ other: Tensor, alpha: Float) {
        precondition(other.count == count, "addScaled: \(other.shape) vs \(shape)")
        other.elements.withUnsafeBufferPointer { b in
            elements.withUnsafeMutableBufferPointer { a in
                for i in 0..<a.count { a[i] += alpha * b[i] }
            }
        }
    }

    /// True when no element is NaN or infinite.
    public var isFinite: Bool {
        elements.withUnsafeBufferPointer { a in
            for v in a where !v.isFinite { return false }
            return true
        }
    }
}
