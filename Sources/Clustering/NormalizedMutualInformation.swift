import Foundation

/// Normalised mutual information between two labellings, as scikit-learn's
/// `normalized_mutual_info_score` with the arithmetic mean: `MI / ((H(U) + H(V)) / 2)`, natural
/// logarithms. 1 for identical partitions; 0 when the mutual information is 0; two single-cluster
/// labellings score 1 (scikit-learn's convention).
public enum NormalizedMutualInformation {
    public static func score(_ table: ContingencyTable) -> Double {
        if table.clusters.count == 1 && table.classes.count == 1 { return 1 }
        let n = Double(table.total)
        guard n > 0 else { return 1 }
        let rows = table.clusterSizes.map(Double.init), columns = table.classSizes.map(Double.init)
        var mutual = 0.0
        for (i, row) in table.counts.enumerated() {
            for (j, count) in row.enumerated() where count > 0 {
                let c = Double(count)
                mutual += c / n * (log(c * n) - log(rows[i] * columns[j]))
            }
        }
        if mutual <= 0 { return 0 }
        let entropy = { (sizes: [Double]) -> Double in
            sizes.reduce(0) { $1 > 0 ? $0 - $1 / n * log($1 / n) : $0 }
        }
        let normaliser = (entropy(rows) + entropy(columns)) / 2
        return mutual / max(normaliser, .ulpOfOne)
    }

    /// Mutual information (nats) of two labellings.
    public static func mutualInformation(_ table: ContingencyTable) -> Double {
        let n = Double(table.total)
        let rows = table.clusterSizes.map(Double.init), columns = table.classSizes.map(Double.init)
        var mutual = 0.0
        for (i, row) in table.counts.enumerated() {
            for (j, count) in row.enumerated() where count > 0 {
                let c = Double(count)
                mutual += c / n * (log(c * n) - log(rows[i] * columns[j]))
            }
        }
        return max(0, mutual)
    }

    public static func score(_ first: [Int], _ second: [Int]) throws -> Double {
        score(try ContingencyTable(clusters: first, classes: second))
    }
}
