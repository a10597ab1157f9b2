/// Counts of samples per (cluster, class) pair: the table behind purity, ARI and NMI.
///
/// Cluster and class identifiers may be any integers (e.g. -1 for noise); rows and columns are
/// their distinct values in ascending order.
public struct ContingencyTable: Sendable, Equatable {
    /// Distinct cluster identifiers, ascending (the rows).
    public let clusters: [Int]
    /// Distinct class labels, ascending (the columns).
    public let classes: [Int]
    /// `counts[i][j]`: samples in cluster `clusters[i]` with label `classes[j]`.
    public let counts: [[Int]]

    /// Builds the table from one cluster and one class per sample.
    /// - Throws: `ClusteringError.labelCountMismatch` when the arrays differ in length.
    public init(clusters assignments: [Int], classes labels: [Int]) throws {
        try DataValidation.requireLabels(labels, count: assignments.count)
        let (clusterIds, clusterIndex) = ContingencyTable.encode(assignments)
        let (classIds, classIndex) = ContingencyTable.encode(labels)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classIds.count), count: clusterIds.count)
        for i in 0..<assignments.count { counts[clusterIndex[i]][classIndex[i]] += 1 }
        self.clusters = clusterIds
        self.classes = classIds
        self.counts = counts
    }

    /// Total number of samples.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Samples per cluster (row sums).
    public var clusterSizes: [Int] { counts.map { $0.reduce(0, +) } }
    /// Samples per class (column sums).
    public var classSizes: [Int] {
        (0..<classes.count).map { j in counts.reduce(0) { $0 + $1[j] } }
    }

    /// Distinct values in ascending order and each element's position among them.
    static func encode(_ values: [Int]) -> (ids: [Int], index: [Int]) {
        let ids = Array(Set(values)).sorted()
        var position: [Int: Int] = [:]
        for (i, id) in ids.enumerated() { position[id] = i }
        return (ids, values.map { position[$0]! })
    }
}
