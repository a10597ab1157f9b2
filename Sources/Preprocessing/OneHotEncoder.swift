import TensorCore

/// One-hot encoding of a column of categories, as scikit-learn's `OneHotEncoder` for one feature.
///
/// ```swift
/// let encoder = try OneHotEncoder<String>().fit(["cat", "dog", "cat", "bird"])
/// encoder.categories                                   // ["bird", "cat", "dog"]
/// let codes = try encoder.transform(["dog", "bird"])   // [[0, 0, 1], [1, 0, 0]]
/// let back = try encoder.inverseTransform(codes)       // ["dog", "bird"]
/// ```
/// Categories are sorted (scikit-learn's `categories='auto'`) unless given explicitly. A value
/// not seen when fitting is an error naming it, or, with `handleUnknown: .ignore`, a row of zeros
/// (which `inverseTransform` returns as nil).
public struct OneHotEncoder<Category: Hashable & Comparable & Sendable>: Sendable {
    /// What to do with a category that was not seen when fitting.
    public enum UnknownCategoryHandling: Sendable { case error, ignore }

    /// Fixed categories in output-column order, or nil to learn them (sorted) from the data.
    public var categories: [Category]?
    public var handleUnknown: UnknownCategoryHandling

    public init(categories: [Category]? = nil, handleUnknown: UnknownCategoryHandling = .error) {
        self.categories = categories
        self.handleUnknown = handleUnknown
    }

    /// Learns the categories (or checks the given ones against the data when `handleUnknown` is `.error`).
    public func fit(_ values: [Category]) throws -> FittedOneHotEncoder<Category> {
        let learned: [Category]
        if let categories {
            guard !categories.isEmpty, Set(categories).count == categories.count else {
                throw PreprocessingError.invalidArgument("OneHotEncoder categories must be non-empty and distinct, got \(categories)")
            }
            learned = categories
        } else {
            guard !values.isEmpty else { throw PreprocessingError.emptyInput(what: "list of categories") }
            learned = Array(Set(values)).sorted()
        }
        let fitted = FittedOneHotEncoder(categories: learned, handleUnknown: handleUnknown)
        if categories != nil && handleUnknown == .error { _ = try fitted.columnIndices(values) }
        return fitted
    }
}

/// A fitted `OneHotEncoder`: the categories in output-column order.
public struct FittedOneHotEncoder<Category: Hashable & Comparable & Sendable>: Sendable {
    /// The categories; column `j` of the output is 1 for `categories[j]`.
    public let categories: [Category]
    public let handleUnknown: OneHotEncoder<Category>.UnknownCategoryHandling
    private let columnOf: [Category: Int]

    init(categories: [Category], handleUnknown: OneHotEncoder<Category>.UnknownCategoryHandling) {
        self.categories = categories
        self.handleUnknown = handleUnknown
        var columnOf: [Category: Int] = [:]
        for (j, category) in categories.enumerated() { columnOf[category] = j }
        self.columnOf = columnOf
    }

    /// Number of output columns.
    public var categoryCount: Int { categories.count }

    /// The output column of each value (nil for an ignored unknown one).
    func columnIndices(_ values: [Category]) throws -> [Int?] {
        try values.enumerated().map { position, value in
            if let column = columnOf[value] { return column }
            if handleUnknown == .ignore { return nil }
            throw PreprocessingError.unknownCategory(value: String(describing: value), position: position,
                                                     known: categories.map { String(describing: $0) })
        }
    }

    /// A `[values.count, categoryCount]` matrix with a single 1 per row (or none for an ignored unknown value).
    public func transform(_ values: [Category]) throws -> Tensor {
        let columns = try columnIndices(values)
        var result = Tensor.zeros([values.count, categoryCount])
        result.withUnsafeMutableBufferPointer { p in
            for (row, column) in columns.enumerated() {
                if let column { p[row * categoryCount + column] = 1 }
            }
        }
        return result
    }

    /// The category of each row: the column holding the largest value (first on ties, so soft
    /// probabilities decode too); nil for an all-zero row, which only `.ignore` produces.
    public func inverseTransform(_ codes: Tensor) throws -> [Category?] {
        guard codes.rank == 2, codes.shape[1] == categoryCount else {
            throw PreprocessingError.badShape(expected: "[n, \(categoryCount)]", found: codes.shape)
        }
        try ColumnStatistics.checkFinite(codes)
        let width = categoryCount
        return codes.withUnsafeBufferPointer { p in
            (0..<codes.shape[0]).map { row -> Category? in
                var best = 0
                var allZero = true
                for j in 0..<width {
                    let v = p[row * width + j]
                    if v != 0 { allZero = false }
                    if v > p[row * width + best] { best = j }
                }
                return allZero ? nil : categories[best]
            }
        }
    }
}

/// Integer class labels to one-hot rows, as Keras' `to_categorical(y, num_classes)`.
///
/// - Parameters:
///   - labels: class indices, each in `0..<classCount`.
///   - classCount: number of columns; `max(labels) + 1` when nil (as Keras).
/// - Returns: a `[labels.count, classCount]` Float32 matrix.
/// - Throws: `PreprocessingError.labelOutOfRange` for a negative label or one `>= classCount`.
public func toCategorical(_ labels: [Int], classCount: Int? = nil) throws -> Tensor {
    let width = classCount ?? ((labels.max() ?? -1) + 1)
    guard width > 0 else {
        throw PreprocessingError.invalidArgument("toCategorical needs at least one class (got \(labels.isEmpty ? "no labels" : "classCount \(width)"))")
    }
    var result = Tensor.zeros([labels.count, width])
    try result.withUnsafeMutableBufferPointer { p in
        for (row, label) in labels.enumerated() {
            guard label >= 0 && label < width else {
                throw PreprocessingError.labelOutOfRange(label: label, position: row, expected: "0..<\(width)")
            }
            p[row * width + label] = 1
        }
    }
    return result
}
