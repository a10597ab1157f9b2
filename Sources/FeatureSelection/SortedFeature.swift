/// One feature column sorted increasingly, with the class of every value: the shared first step
/// of the rank-based scores (Kolmogorov-Smirnov, ROC-AUC, mode share), computed once per feature.
struct SortedFeature {
    /// Values in increasing order.
    var values: [Double]
    /// `labels[i]` is the class (0/1) of `values[i]`.
    var labels: [Int]
    var positiveCount: Int
    var negativeCount: Int

    init(values input: [Float], labels inputLabels: [Int]) {
        let order = input.withUnsafeBufferPointer { v in (0..<v.count).sorted { v[$0] < v[$1] } }
        values = order.map { Double(input[$0]) }
        labels = order.map { inputLabels[$0] }
        positiveCount = labels.reduce(0, +)
        negativeCount = labels.count - positiveCount
    }

    /// Calls `body(start, end)` for each run of equal values `values[start..<end]`.
    func forEachRun(_ body: (Int, Int) -> Void) {
        var start = 0
        while start < values.count {
            var end = start + 1
            while end < values.count && values[end] == values[start] { end += 1 }
            body(start, end)
            start = end
        }
    }

    /// Share of rows holding the most frequent value.
    var mostFrequentShare: Double {
        var longest = 0
        forEachRun { start, end in longest = max(longest, end - start) }
        return values.isEmpty ? 0 : Double(longest) / Double(values.count)
    }
}
