/// Adjusted Rand index (Hubert & Arabie 1985) between two labellings, as scikit-learn's
/// `adjusted_rand_score`: 1 for identical partitions (up to renaming), about 0 for independent
/// ones, negative when agreement is below chance.
///
/// Computed from the pair-confusion counts, `2 (tp tn - fn fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))`,
/// with scikit-learn's convention that two partitions without any disagreeing pair score 1
/// (e.g. both a single cluster). Counts are exact integers up to n of about 4 billion.
public enum AdjustedRandIndex {
    public static func score(_ table: ContingencyTable) -> Double {
        let n = table.total
        var sumSquares = 0
        for row in table.counts { for value in row { sumSquares += value * value } }
        let rowSquares = table.clusterSizes.reduce(0) { $0 + $1 * $1 }
        let columnSquares = table.classSizes.reduce(0) { $0 + $1 * $1 }
        // Ordered pair counts, as scikit-learn's pair_confusion_matrix.
        let truePositive = Double(sumSquares - n)
        let falsePositive = Double(rowSquares - sumSquares)
        let falseNegative = Double(columnSquares - sumSquares)
        let trueNegative = Double(n) * Double(n) - truePositive - falsePositive - falseNegative - Double(n)
        if falseNegative == 0 && falsePositive == 0 { return 1 }
        return 2 * (truePositive * trueNegative - falseNegative * falsePositive)
            / ((truePositive + falseNegative) * (falseNegative + trueNegative)
               + (truePositive + falsePositive) * (falsePositive + trueNegative))
    }

    public static func score(_ first: [Int], _ second: [Int]) throws -> Double {
        score(try ContingencyTable(clusters: first, classes: second))
    }
}
