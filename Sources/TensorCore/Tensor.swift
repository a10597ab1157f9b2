import Foundation

/// A dense, row-major Float32 tensor.
///
/// Storage is a Swift `[Float]`, so copies are copy-on-write: `reshaped(_:)` and passing a tensor
/// around never copies the elements until one of the copies is mutated. Every matrix product goes
/// through OpenBLAS (`cblas_sgemm`), see `Tensor+Matmul.swift`.
///
/// ```swift
/// var x = Tensor(shape: [2, 3], elements: [1, 2, 3, 4, 5, 6])
/// let y = x.reshaped([3, 2])          // no copy
/// let s = x.sum(axis: 0)              // [5, 7, 9]
/// ```
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `elements.count == shape.product`.
    public var elements: [Float]

    /// Creates a tensor from a shape and its row-major elements.
    /// - Precondition: `elements.count` equals the product of `shape`.
    public init(shape: [Int], elements: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(Tensor.count(of: shape) == elements.count,
                     "shape \(shape) needs \(Tensor.count(of: shape)) elements, got \(elements.count)")
        self.shape = shape
        self.elements = elements
    }

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, elements: [Float](repeating: value, count: Tensor.count(of: shape)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// A 2-D tensor from nested rows (all of equal length).
    public init(rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "rows of unequal length")
        self.init(shape: [rows.count, columns], elements: rows.flatMap { $0 })
    }

    /// Number of elements of a shape (1 for the scalar shape `[]`).
    @inlinable public static func count(of shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Number of elements.
    @inlinable public var count: Int { elements.count }
    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// Size of the first dimension (rows of a matrix, samples of a batch).
    @inlinable public var rowCount: Int { shape.first ?? 1 }
    /// Elements per first-dimension entry (columns of a matrix, features of a sample).
    @inlinable public var rowLength: Int { shape.isEmpty ? 1 : (shape[0] == 0 ? Tensor.count(of: Array(shape.dropFirst())) : count / shape[0]) }

    /// Row-major strides of `shape`, in elements.
    public var strides: [Int] {
        var result = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            result[axis] = step
            step *= shape[axis]
        }
        return result
    }

    /// Element access by full index.
    public subscript(_ index: Int...) -> Float {
        get { elements[offset(of: index)] }
        set { elements[offset(of: index)] = newValue }
    }

    @inlinable func offset(of index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not match rank \(shape.count)")
        var offset = 0
        for axis in 0..<index.count {
            precondition(index[axis] >= 0 && index[axis] < shape[axis],
                         "index \(index) out of bounds for shape \(shape)")
            offset = offset * shape[axis] + index[axis]
        }
        return offset
    }

    /// The same elements under another shape; one dimension may be `-1` (inferred). Never copies.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(Tensor.count(of: resolved) == count, "cannot reshape \(shape) to \(newShape)")
        var copy = self
        copy.shape = resolved
        return copy
    }

    /// Rows `range` of the first dimension, as a new tensor (one contiguous copy).
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "rows \(range) out of 0..<\(rowCount)")
        let length = rowLength
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, elements: Array(elements[(range.lowerBound * length)..<(range.upperBound * length)]))
    }

    /// The rows at `indices` (in that order), gathered into a new tensor.
    public func rows<C: Collection>(at indices: C) -> Tensor where C.Element == Int {
        let length = rowLength
        var newShape = shape
        newShape[0] = indices.count
        let rows = rowCount
        // Uninitialised storage filled row by row with memcpy: no zero-fill pass, no per-element
        // bounds checks (this runs once per training mini-batch).
        let result = elements.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: indices.count * length) { target, initialised in
                var destination = 0
                for index in indices {
                    precondition(index >= 0 && index < rows, "row \(index) out of 0..<\(rows)")
                    (target.baseAddress! + destination).initialize(from: source.baseAddress! + index * length, count: length)
                    destination += length
                }
                initialised = destination
            }
        }
        return Tensor(shape: newShape, elements: result)
    }

    /// Row `index` as a 1-D array.
    public func row(_ index: Int) -> [Float] {
        let length = rowLength
        return Array(elements[(index * length)..<((index + 1) * length)])
    }

    /// Stacks tensors of equal trailing shape along the first dimension.
    public static func concatenatingRows(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { return Tensor(shape: [0], elements: []) }
        let trailing = Array(first.shape.dropFirst())
        precondition(parts.allSatisfy { Array($0.shape.dropFirst()) == trailing }, "trailing shapes differ")
        var elements = [Float]()
        elements.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { elements.append(contentsOf: part.elements) }
        return Tensor(shape: [parts.reduce(0) { $0 + $1.rowCount }] + trailing, elements: elements)
    }

    /// The transpose of a matrix (one copy, cache-blocked).
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a matrix, got shape \(shape)")
        let rows = shape[0], columns = shape[1]
        var result = [Float](repeating: 0, count: count)
        elements.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                let block = 32
                for i0 in stride(from: 0, to: rows, by: block) {
                    for j0 in stride(from: 0, to: columns, by: block) {
                        for i in i0..<Swift.min(i0 + block, rows) {
                            for j in j0..<Swift.min(j0 + block, columns) {
                                target[j * rows + i] = source[i * columns + j]
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [columns, rows], elements: result)
    }

    /// Calls `body` with a pointer to the elements.
    @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try elements.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with a mutable pointer to the elements.
    @inlinable public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try elements.withUnsafeMutableBufferPointer(body)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = elements.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", ..." : "")])"
    }
}
