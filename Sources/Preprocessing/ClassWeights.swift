/// Per-class weights that balance a skewed label distribution, as scikit-learn's
/// `compute_class_weight("balanced", classes=np.unique(y), y=y)`.
///
/// `weight[c] = sampleCount / (classCount * count[c])`: a class with half the average frequency
/// weighs 2. The fraud data (492 frauds in 284,807 rows) gives about 289.4 for fraud and 0.5009
/// for legitimate rows.
public struct ClassWeights: Sendable, Equatable {
    /// The classes present in the labels, ascending.
    public let classes: [Int]
    /// The weight of each class, in `classes` order.
    public let weights: [Double]

    /// Balanced weights from the labels.
    /// - Throws: `PreprocessingError.emptyInput` for no labels.
    public init(balancedFrom labels: [Int]) throws {
        guard !labels.isEmpty else { throw PreprocessingError.emptyInput(what: "list of labels") }
        var counts: [Int: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        classes = counts.keys.sorted()
        let total = Double(labels.count), classCount = Double(classes.count)
        weights = classes.map { total / (classCount * Double(counts[$0]!)) }
    }

    /// The weight of `label`, or nil when the label was not among the fitted classes.
    public subscript(label: Int) -> Double? {
        guard let index = classes.firstIndex(of: label) else { return nil }
        return weights[index]
    }

    /// The weight of every sample, for weighted losses.
    /// - Throws: `PreprocessingError.labelOutOfRange` for a label that has no weight.
    public func sampleWeights(for labels: [Int]) throws -> [Float] {
        var lookup: [Int: Float] = [:]
        for (label, weight) in zip(classes, weights) { lookup[label] = Float(weight) }
        return try labels.enumerated().map { position, label in
            guard let weight = lookup[label] else {
                throw PreprocessingError.labelOutOfRange(label: label, position: position, expected: "one of \(classes)")
            }
            return weight
        }
    }
}
