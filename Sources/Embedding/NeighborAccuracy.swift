import Clustering
import TensorCore

/// Leave-one-out k-nearest-neighbour accuracy of labels in an embedding: the fraction of points
/// whose label is the majority label among their k nearest other points (ties go to the
/// smallest label, as scikit-learn's `KNeighborsClassifier` with uniform weights).
///
/// A measure of how well an embedding keeps classes together; openTSNE and the t-SNE literature
/// report it with k = 10. Cost: one exact neighbour search, O(n^2 d).
public enum NeighborAccuracy {
    public static func score(_ embedding: Tensor, labels: [Int], neighborCount k: Int = 10) throws -> Double {
        try DataValidation.requireLabels(labels, count: embedding.rowCount)
        let graph = try NeighborGraph(embedding, neighborCount: k)
        return score(graph, labels: labels)
    }

    /// Accuracy from an already computed neighbour graph.
    public static func score(_ graph: NeighborGraph, labels: [Int]) -> Double {
        let k = graph.neighborCount
        var correct = 0
        var votes: [Int: Int] = [:]
        for i in 0..<graph.pointCount {
            votes.removeAll(keepingCapacity: true)
            for j in 0..<k { votes[labels[Int(graph.indices[i * k + j])], default: 0] += 1 }
            var bestLabel = Int.max, bestVotes = -1
            for (label, count) in votes where count > bestVotes || (count == bestVotes && label < bestLabel) {
                bestLabel = label; bestVotes = count
            }
            if bestLabel == labels[i] { correct += 1 }
        }
        return Double(correct) / Double(max(graph.pointCount, 1))
    }
}
