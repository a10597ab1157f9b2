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

    @inline(__always)
    mutating func combine(_ other: Tensor, _ op: (Float, Float) -> Float) {
        let mode = broadcast(against: other)
        let columns = Swift.max(rowLength, 1)
        other.elements.withUnsafeBufferPointer { b in
            elements.withUnsafeMutableBufferPointer { a in
                switch mode {
                case .same: for i in 0..<a.count { a[i] = op(a[i], b[i]) }
                case .scalar: let s = b[0]; for i in 0..<a.count { a[i] = op(a[i], s) }
                case .row: for i in 0..<a.count { a[i] = op(a[i], b[i % columns]) }
                case .column: for i in 0..<a.count { a[i] = op(a[i], b[i / columns]) }
                }
            }
        }
    }

    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs.combine(rhs, +) }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs.combine(rhs, -) }
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs.combine(rhs, *) }
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs.combine(rhs, /) }
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { var r = lhs; r += rhs; return r }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { var r = lhs; r -= rhs; return r }
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { var r = lhs; r *= rhs; return r }
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { var r = lhs; r /= rhs; return r }

    public static func += (lhs: inout Tensor, rhs: Float) { lhs.apply { $0 + rhs } }
    public static func -= (lhs: inout Tensor, rhs: Float) { lhs.apply { $0 - rhs } }
    public static func *= (lhs: inout Tensor, rhs: Float) { lhs.apply { $0 * rhs } }
    public static func /= (lhs: inout Tensor, rhs: Float) { lhs.apply { $0 / rhs } }
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { var r = lhs; r += rhs; return r }
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { var r = lhs; r -= rhs; return r }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { var r = lhs; r *= rhs; return r }
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { var r = lhs; r /= rhs; return r }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    /// Applies `transform` to every element in place.
    @inlinable public mutating func apply(_ transform: (Float) -> Float) {
        elements.withUnsafeMutableBufferPointer { a in
            for i in 0..<a.count { a[i] = transform(a[i]) }
        }
    }

    /// A tensor of the same shape with `transform` applied to every element.
    @inlinable public func map(_ transform: (Float) -> Float) -> Tensor {
        var result = self
        result.apply(transform)
        return result
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
