import TensorCore

/// Seeded splits of sample indices by fractions, e.g. the seeds' train/validation/test 0.72/0.18/0.10.
public struct Splitter: Sendable {
    /// Fractions of the samples per part; they must be positive and sum to 1 (within 1e-6).
    public var fractions: [Double]
    /// Seed of the shuffle.
    public var seed: UInt64
    /// When true, every class is split by the same fractions (scikit-learn's `stratify=`).
    public var stratified: Bool

    public init(fractions: [Double], seed: UInt64 = 0, stratified: Bool = false) {
        self.fractions = fractions
        self.seed = seed
        self.stratified = stratified
    }

    /// The index sets of each part: disjoint, covering `0..<count`, identical for identical seeds.
    ///
    /// Part sizes are `floor(fraction * n)` with the remainder given to the parts with the largest
    /// fractional parts (largest-remainder rounding), so 0.72/0.18/0.10 of 70,000 is 50,400/12,600/7,000.
    public func split(count: Int, labels: [Int]? = nil) throws -> [[Int]] {
        guard !fractions.isEmpty, fractions.allSatisfy({ $0 > 0 }), abs(fractions.reduce(0, +) - 1) < 1e-6 else {
            throw DatasetError.invalidArgument("split fractions must be positive and sum to 1, got \(fractions)")
        }
        guard count > 0 else { throw DatasetError.invalidArgument("cannot split an empty set") }
        var generator = RandomGenerator(seed: seed)
        if stratified {
            guard let labels, labels.count == count else {
                throw DatasetError.invalidArgument("a stratified split needs one label per sample (\(count)), got \(labels?.count ?? 0)")
            }
            var byClass: [Int: [Int]] = [:]
            for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
            var parts = [[Int]](repeating: [], count: fractions.count)
            for label in byClass.keys.sorted() {
                var members = byClass[label]!
                generator.shuffle(&members)
                var start = 0
                for (p, size) in Splitter.sizes(members.count, fractions).enumerated() {
                    parts[p].append(contentsOf: members[start..<(start + size)])
                    start += size
                }
            }
            for p in parts.indices { generator.shuffle(&parts[p]) }
            return parts
        }
        let order = generator.permutation(count)
        var parts: [[Int]] = []
        var start = 0
        for size in Splitter.sizes(count, fractions) {
            parts.append(Array(order[start..<(start + size)]))
            start += size
        }
        return parts
    }

    /// Largest-remainder sizes of `fractions` of `count`.
    static func sizes(_ count: Int, _ fractions: [Double]) -> [Int] {
        let exact = fractions.map { $0 * Double(count) }
        var sizes = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(sizes[$0])) > (exact[$1] - Double(sizes[$1])) }
        var remaining = count - sizes.reduce(0, +)
        for i in order where remaining > 0 { sizes[i] += 1; remaining -= 1 }
        return sizes
    }
}

/// Shuffled mini-batches of sample indices, reshuffled every epoch; the last partial batch is kept.
///
/// ```swift
/// var batches = MiniBatches(count: 60_000, batchSize: 64, seed: 0)
/// for epoch in 0..<3 {
///     for indices in batches.nextEpoch() { let x = images.rows(at: indices) ... }
/// }
/// ```
public struct MiniBatches: Sendable {
    public let count: Int
    public let batchSize: Int
    public var shuffle: Bool
    private var generator: RandomGenerator

    public init(count: Int, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0) {
        precondition(batchSize > 0, "batch size must be positive")
        self.count = count
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.generator = RandomGenerator(seed: seed)
    }

    /// Number of batches per epoch (the last may be smaller).
    public var batchesPerEpoch: Int { (count + batchSize - 1) / batchSize }

    /// The batches of the next epoch, in a new order when shuffling.
    public mutating func nextEpoch() -> [ArraySlice<Int>] {
        let order = shuffle ? generator.permutation(count) : Array(0..<count)
        return stride(from: 0, to: count, by: batchSize).map { order[$0..<Swift.min($0 + batchSize, count)] }
    }
}
