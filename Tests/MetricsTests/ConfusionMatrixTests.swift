import Metrics
import Testing

@Suite("ConfusionMatrix and accuracy")
struct ConfusionMatrixTests {
    // truth:      0 0 0 1 1 2 2 2 2
    // prediction: 0 0 1 1 2 2 2 0 2
    let labels = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    let predictions = [0, 0, 1, 1, 2, 2, 2, 0, 2]

    @Test func countsAndRatesWorkedByHand() throws {
        let matrix = try ConfusionMatrix(predictions: predictions, labels: labels)
        #expect(matrix.counts == [[2, 1, 0], [0, 1, 1], [1, 0, 3]])
        #expect(matrix.total == 9)
        #expect(abs(matrix.accuracy - 6.0 / 9) < 1e-12)
        // precision: column sums 3, 2, 4
        #expect(matrix.precisions.enumerated().allSatisfy { abs($0.element - [2.0 / 3, 0.5, 0.75][$0.offset]) < 1e-12 })
        // recall: row sums 3, 2, 4
        #expect(matrix.recalls.enumerated().allSatisfy { abs($0.element - [2.0 / 3, 0.5, 0.75][$0.offset]) < 1e-12 })
        #expect(abs(matrix.f1(2) - 0.75) < 1e-12)
        #expect(abs(try accuracy(predictions: predictions, labels: labels) - 6.0 / 9) < 1e-12)
    }

    @Test func absentClassesHaveZeroRates() throws {
        let matrix = try ConfusionMatrix(predictions: [0, 0], labels: [0, 1], classCount: 3)
        #expect(matrix.precision(1) == 0)   // never predicted
        #expect(matrix.recall(2) == 0)      // never present
        #expect(matrix.recall(1) == 0)
        #expect(matrix.precision(0) == 0.5)
        let text = matrix.table(classNames: ["cat", "dog", "eel"])
        #expect(text.contains("dog"))
        #expect(text.contains("accuracy 0.5000 (2 samples)"))
    }

    @Test func badInputsAreTypedErrors() {
        #expect(throws: ClassificationMetricError.lengthMismatch(predictions: 2, labels: 1)) {
            try ConfusionMatrix(predictions: [0, 1], labels: [0])
        }
        #expect(throws: ClassificationMetricError.labelOutOfRange(position: 1, value: 5, classCount: 3)) {
            try ConfusionMatrix(predictions: [0, 5], labels: [0, 1], classCount: 3)
        }
        #expect(throws: ClassificationMetricError.empty) { try accuracy(predictions: [], labels: []) }
        #expect(throws: ClassificationMetricError.self) { try accuracy(predictions: [1], labels: [1, 2]) }
    }
}
