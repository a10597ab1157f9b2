/// Purity of a clustering against known labels: for every cluster its size, its most frequent
/// label and that label's share; overall, the fraction of samples that carry their cluster's
/// majority label (1 = every cluster holds one label only).
public struct ClusterPurity: Sendable, Equatable, Codable {
    /// One row of the purity table.
    public struct Cluster: Sendable, Equatable, Codable {
        /// The cluster identifier.
        public let cluster: Int
        /// Samples in the cluster.
        public let size: Int
        /// Its most frequent label (the smallest one on ties).
        public let majorityLabel: Int
        /// Samples of the cluster carrying `majorityLabel`.
        public let majorityCount: Int
        /// `majorityCount / size`.
        public let share: Double
    }

    /// One row per cluster, in ascending cluster order.
    public let clusters: [Cluster]
    /// `sum(majorityCount) / n`.
    public let overall: Double

    /// Purity from a contingency table.
    public init(_ table: ContingencyTable) {
        var rows: [Cluster] = []
        var majorityTotal = 0
        for (i, id) in table.clusters.enumerated() {
            let counts = table.counts[i]
            var best = 0
            for j in 1..<max(counts.count, 1) where counts[j] > counts[best] { best = j }
            let size = counts.reduce(0, +)
            majorityTotal += counts[best]
            rows.append(Cluster(cluster: id, size: size, majorityLabel: table.classes[best], majorityCount: counts[best],
                                share: size == 0 ? 0 : Double(counts[best]) / Double(size)))
        }
        clusters = rows
        let total = table.total
        overall = total == 0 ? 0 : Double(majorityTotal) / Double(total)
    }

    /// Purity of `clusters` against `labels`.
    public init(clusters assignments: [Int], labels: [Int]) throws {
        self.init(try ContingencyTable(clusters: assignments, classes: labels))
    }
}
