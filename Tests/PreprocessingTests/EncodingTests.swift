import Testing
import TestSupport
import TensorCore
@testable import Preprocessing

@Suite("Encoders, class weights and flattening")
struct EncodingTests {
    @Test("OneHotEncoder: sorted categories, transform, inverse")
    func oneHot() throws {
        let encoder = try OneHotEncoder<String>().fit(["cat", "dog", "cat", "bird"])
        #expect(encoder.categories == ["bird", "cat", "dog"])
        let codes = try encoder.transform(["dog", "bird", "cat"])
        #expect(codes == Tensor(rows: [[0, 0, 1], [1, 0, 0], [0, 1, 0]]))
        #expect(try encoder.inverseTransform(codes) == ["dog", "bird", "cat"])
        // Soft rows decode to their largest column.
        #expect(try encoder.inverseTransform(Tensor(rows: [[0.2, 0.5, 0.3]])) == ["cat"])
    }

    @Test("OneHotEncoder: an unknown category is an error naming it, or a zero row when ignored")
    func unknown() throws {
        let strict = try OneHotEncoder<String>().fit(["a", "b"])
        do {
            _ = try strict.transform(["a", "zebra"])
            Issue.record("expected an error")
        } catch let error as PreprocessingError {
            #expect(error == .unknownCategory(value: "zebra", position: 1, known: ["a", "b"]))
            #expect(error.description.contains("unknown category 'zebra' at position 1"))
        }
        let lenient = try OneHotEncoder<String>(handleUnknown: .ignore).fit(["a", "b"])
        let codes = try lenient.transform(["zebra", "b"])
        #expect(codes == Tensor(rows: [[0, 0], [0, 1]]))
        #expect(try lenient.inverseTransform(codes) == [nil, "b"])
        let fixed = try OneHotEncoder<Int>(categories: [3, 1, 2]).fit([1, 2])
        #expect(try fixed.transform([3, 2]) == Tensor(rows: [[1, 0, 0], [0, 0, 1]]))
        #expect(throws: PreprocessingError.self) { try OneHotEncoder<Int>(categories: [1, 2]).fit([1, 7]) }
        #expect(throws: PreprocessingError.self) { try strict.inverseTransform(Tensor.zeros([1, 3])) }
    }

    @Test("toCategorical as Keras: width from the largest label or given; out-of-range labels are errors")
    func categorical() throws {
        #expect(try toCategorical([0, 2, 1]) == Tensor(rows: [[1, 0, 0], [0, 0, 1], [0, 1, 0]]))
        #expect(try toCategorical([1], classCount: 4) == Tensor(rows: [[0, 1, 0, 0]]))
        #expect(throws: PreprocessingError.labelOutOfRange(label: 5, position: 1, expected: "0..<4")) {
            try toCategorical([0, 5], classCount: 4)
        }
        #expect(throws: PreprocessingError.self) { try toCategorical([-1, 1]) }
        #expect(throws: PreprocessingError.self) { try toCategorical([]) }
    }

    @Test("balanced class weights: n / (classes * count), as scikit-learn")
    func classWeights() throws {
        let weights = try ClassWeights(balancedFrom: [0, 0, 0, 1])
        #expect(weights.classes == [0, 1])
        #expect(TestSupport.isClose(weights.weights[0], 4.0 / 6.0) && weights.weights[1] == 2)
        let uneven = try ClassWeights(balancedFrom: [5, 1, 1, 2, 5, 5])
        #expect(uneven.classes == [1, 2, 5])
        #expect(uneven[1] == 1 && uneven[2] == 2 && TestSupport.isClose(uneven[5]!, 2.0 / 3.0) && uneven[3] == nil)
        #expect(try uneven.sampleWeights(for: [2, 1]) == [2, 1])
        #expect(throws: PreprocessingError.self) { try uneven.sampleWeights(for: [4]) }
        // The fraud data: 492 frauds among 284,807 rows.
        let fraud = try ClassWeights(balancedFrom: [Int](repeating: 0, count: 284_315) + [Int](repeating: 1, count: 492))
        #expect(TestSupport.isClose(fraud[1]!, 289.4380081300813, tolerance: 1e-12))
        #expect(TestSupport.isClose(fraud[0]!, 0.5008652375006595, tolerance: 1e-12))
        #expect(throws: PreprocessingError.self) { try ClassWeights(balancedFrom: []) }
    }

    @Test("flatten 28x28 to 784 and back without copying")
    func flattening() throws {
        var generator = RandomGenerator(seed: 1)
        let images = Tensor.uniform([3, 28, 28], generator: &generator)
        let rows = try ImageFlattening.flatten(images)
        #expect(rows.shape == [3, 784] && rows.elements == images.elements)
        #expect(try ImageFlattening.unflatten(rows) == images)
        #expect(try ImageFlattening.unflatten(rows, channels: 1).shape == [3, 1, 28, 28])
        #expect(try ImageFlattening.flatten(images.reshaped([3, 1, 28, 28])) == rows)
        #expect(try ImageFlattening.unflatten(Tensor.zeros([2, 3072]), height: 32, width: 32, channels: 3).shape == [2, 3, 32, 32])
        #expect(throws: PreprocessingError.self) { try ImageFlattening.unflatten(Tensor.zeros([2, 100])) }
        #expect(throws: PreprocessingError.self) { try ImageFlattening.flatten(Tensor.zeros([784])) }
    }
}
