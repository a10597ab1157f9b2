import Foundation

/// Spearman's rank correlation, as `scipy.stats.spearmanr`: Pearson's correlation of the ranks, tied
/// values sharing their average rank. A constant column has no correlation (NaN), as in SciPy.
public enum SpearmanCorrelation {
    /// Ranks 1...n with ties averaged (`scipy.stats.rankdata(method="average")`). O(n log n).
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let average = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = average }
            start = end + 1
        }
        return ranks
    }

    /// Pearson's correlation of two equally long columns; NaN when either is constant or shorter than 2.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "columns of different lengths")
        let n = Double(x.count)
        guard x.count >= 2 else { return .nan }
        let meanX = x.reduce(0, +) / n, meanY = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for index in x.indices {
            let dx = x[index] - meanX, dy = y[index] - meanY
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return .nan }
        return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
    }

    /// The correlation matrix of `columns` (each a variable over the same observations), symmetric,
    /// 1 on the diagonal of non-constant columns, NaN in the rows and columns of constant ones.
    public static func matrix(_ columns: [[Double]]) -> [[Double]] {
        let ranked = columns.map(ranks)
        var result = [[Double]](repeating: [Double](repeating: .nan, count: columns.count), count: columns.count)
        for i in columns.indices {
            for j in i..<columns.count {
                let r = pearson(ranked[i], ranked[j])
                result[i][j] = r
                result[j][i] = r
            }
        }
        return result
    }
}
