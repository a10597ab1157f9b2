/// Reductions over all elements or along one axis of a matrix-like view.
///
/// Along-axis reductions view the tensor as `[outer, axisLength, inner]`, so they work for any
/// rank; sums accumulate in Double so that means over 47 million MNIST pixels stay exact to Float.
extension Tensor {
    /// Sum of all elements (accumulated in Double).
    public func sum() -> Float {
        elements.withUnsafeBufferPointer { a in
            // Four running sums break the dependency chain of one Double add per element.
            var partial: (Double, Double, Double, Double) = (0, 0, 0, 0)
            let blocks = a.count / 4
            for b in 0..<blocks {
                partial.0 += Double(a[4 * b])
                partial.1 += Double(a[4 * b + 1])
                partial.2 += Double(a[4 * b + 2])
                partial.3 += Double(a[4 * b + 3])
            }
            var total = (partial.0 + partial.1) + (partial.2 + partial.3)
            for i in (4 * blocks)..<a.count { total += Double(a[i]) }
            return Float(total)
        }
    }

    /// Mean of all elements; NaN for an empty tensor.
    public func mean() -> Float { count == 0 ? .nan : Float(Double(sum()) / Double(count)) }

    /// Largest element; `-infinity` for an empty tensor.
    public func max() -> Float { elements.max() ?? -.infinity }
    /// Smallest element; `+infinity` for an empty tensor.
    public func min() -> Float { elements.min() ?? .infinity }

    /// Index of the largest element (first on ties).
    public func argmax() -> Int {
        var best = 0
        for i in 1..<Swift.max(count, 1) where elements[i] > elements[best] { best = i }
        return best
    }

    private func axisView(_ axis: Int) -> (outer: Int, length: Int, inner: Int, shape: [Int]) {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        var reduced = shape
        reduced.remove(at: axis)
        return (outer, shape[axis], inner, reduced)
    }

    // Always inlined so that `step` and `finish` are inlined into each loop (a closure call per
    // element made `sum(axis: 1)` of MNIST train take 0.33 s instead of 0.03 s).
    @inline(__always)
    private func reduce(axis: Int, initial: Double, _ step: (Double, Float) -> Double,
                        finish: (Double, Int) -> Float) -> Tensor {
        let (outer, length, inner, reducedShape) = axisView(axis)
        var accumulator = [Double](repeating: initial, count: outer * inner)
        elements.withUnsafeBufferPointer { a in
            accumulator.withUnsafeMutableBufferPointer { acc in
                if inner == 1 {
                    // Reducing the last axis: one running value per row, kept in a register.
                    for o in 0..<outer {
                        var value = initial
                        let base = o * length
                        for l in 0..<length { value = step(value, a[base + l]) }
                        acc[o] = value
                    }
                } else {
                    for o in 0..<outer {
                        for l in 0..<length {
                            let base = (o * length + l) * inner
                            for i in 0..<inner { acc[o * inner + i] = step(acc[o * inner + i], a[base + i]) }
                        }
                    }
                }
            }
        }
        return Tensor(shape: reducedShape, elements: accumulator.map { finish($0, length) })
    }

    /// Sums along `axis`, removing it: `[n, d].sum(axis: 0)` is the `[d]` column sums.
    public func sum(axis: Int) -> Tensor {
        reduce(axis: axis, initial: 0, { $0 + Double($1) }, finish: { total, _ in Float(total) })
    }

    /// Means along `axis`, removing it.
    public func mean(axis: Int) -> Tensor {
        reduce(axis: axis, initial: 0, { $0 + Double($1) }, finish: { total, n in n == 0 ? .nan : Float(total / Double(n)) })
    }

    /// Maxima along `axis`, removing it.
    public func max(axis: Int) -> Tensor {
        reduce(axis: axis, initial: -.infinity, { Swift.max($0, Double($1)) }, finish: { value, _ in Float(value) })
    }

    /// Minima along `axis`, removing it.
    public func min(axis: Int) -> Tensor {
        reduce(axis: axis, initial: .infinity, { Swift.min($0, Double($1)) }, finish: { value, _ in Float(value) })
    }

    /// Indices of the maxima along `axis` (first on ties), e.g. predicted classes from logits.
    public func argmax(axis: Int) -> [Int] {
        let (outer, length, inner, _) = axisView(axis)
        var result = [Int](repeating: 0, count: outer * inner)
        elements.withUnsafeBufferPointer { a in
            for o in 0..<outer {
                for i in 0..<inner {
                    var best = 0
                    var bestValue = a[o * length * inner + i]
                    for l in 1..<Swift.max(length, 1) {
                        let v = a[(o * length + l) * inner + i]
                        if v > bestValue { bestValue = v; best = l }
                    }
                    result[o * inner + i] = best
                }
            }
        }
        return result
    }
}
