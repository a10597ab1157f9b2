import Testing
import TestSupport
import TensorCore
@testable import Preprocessing

/// Column 0 spans 1..3, column 1 is constant, column 2 spans -1..5.
let training = Tensor(rows: [[1, 10, 5], [3, 10, -1], [2, 10, 2]])

@Suite("Scalers")
struct ScalerTests {
    @Test("MinMaxScaler: hand-worked values, a constant column maps to low, inverse restores")
    func minMax() throws {
        let scaler = try MinMaxScaler().fit(training)
        #expect(scaler.dataMinimum == [1, 10, -1] && scaler.dataMaximum == [3, 10, 5])
        #expect(scaler.scale == [0.5, 1, Float(1.0 / 6.0)])
        let scaled = try scaler.transform(training)
        #expect(TestSupport.isClose(scaled, Tensor(rows: [[0, 0, 1], [1, 0, 0], [0.5, 0, 0.5]]), tolerance: 1e-6))
        // Data outside the fitted range leaves [0, 1] (no clipping).
        let other = try scaler.transform(Tensor(rows: [[5, 11, -4]]))
        #expect(TestSupport.isClose(other, Tensor(rows: [[2, 1, -0.5]]), tolerance: 1e-6))
        #expect(TestSupport.isClose(try scaler.inverseTransform(scaled), training, tolerance: 1e-6))
        let symmetric = try MinMaxScaler(low: -1, high: 1).fit(training)
        #expect(TestSupport.isClose(try symmetric.transform(training),
                                    Tensor(rows: [[-1, -1, 1], [1, -1, -1], [0, -1, 0]]), tolerance: 1e-6))
    }

    @Test("StandardScaler: population variance, constant column scale 1, inverse restores")
    func standard() throws {
        let scaler = try StandardScaler().fit(training)
        #expect(scaler.mean == [2, 10, 2])
        #expect(TestSupport.isClose(Double(scaler.variance[0]), 2.0 / 3.0) && scaler.variance[1] == 0 && scaler.variance[2] == 6)
        #expect(scaler.scale[1] == 1)
        let z = try scaler.transform(training)
        let a = Float((3.0 / 2.0).squareRoot())  // (1 - 2) / sqrt(2/3) = -sqrt(3/2); (5 - 2) / sqrt(6) = sqrt(3/2)
        #expect(TestSupport.isClose(z, Tensor(rows: [[-a, 0, a], [a, 0, -a], [0, 0, 0]]), tolerance: 1e-6))
        #expect(TestSupport.isClose(z.mean(axis: 0), Tensor.zeros([3]), tolerance: 1e-6))
        #expect(TestSupport.isClose(try scaler.inverseTransform(z), training, tolerance: 1e-6))
        let centredOnly = try StandardScaler(withStandardDeviation: false).fit(training)
        #expect(try centredOnly.transform(training) == Tensor(rows: [[-1, 0, 3], [1, 0, -3], [0, 0, 0]]))
    }

    @Test("a constant column whose mean is inexact in binary still gets scale 1 (scikit-learn's rounding bound)")
    func nearConstant() throws {
        // 0.1 is not exact in binary: the Double mean of 999 copies may differ from each value by
        // an ulp, leaving a variance of ~1e-34 instead of 0. The bound treats that as constant.
        let x = Tensor(shape: [999, 2], elements: (0..<999).flatMap { [Float(0.1), Float($0 % 3)] })
        let scaler = try StandardScaler().fit(x)
        #expect(scaler.scale[0] == 1)
        #expect(scaler.scale[1] != 1)
        let z = try scaler.transform(x)
        #expect((0..<999).allSatisfy { z[$0, 0] == 0 })
    }

    @Test("NaN or infinity is an error naming row and column; so is a feature-count mismatch")
    func badInput() throws {
        var x = training
        x[2, 1] = .nan
        #expect(throws: PreprocessingError.self) { try MinMaxScaler().fit(x) }
        do {
            _ = try StandardScaler().fit(x)
            Issue.record("expected an error")
        } catch let error as PreprocessingError {
            guard case .nonFiniteValue(_, 2, 1) = error else { Issue.record("wrong case \(error)"); return }
            #expect(error.description.contains("row 2, column 1"))
        }
        let scaler = try MinMaxScaler().fit(training)
        var y = training
        y[0, 0] = .infinity
        #expect(throws: PreprocessingError.nonFiniteValue(value: .infinity, row: 0, column: 0)) { try scaler.transform(y) }
        #expect(throws: PreprocessingError.featureCountMismatch(expected: 3, found: 2)) { try scaler.transform(Tensor.zeros([4, 2])) }
        #expect(throws: PreprocessingError.self) { try MinMaxScaler().fit(Tensor.zeros([0, 3])) }
        #expect(throws: PreprocessingError.self) { try MinMaxScaler(low: 1, high: 1).fit(training) }
    }

    @Test("fit on a larger matrix split over threads equals the single-chunk statistics")
    func parallelFit() throws {
        var generator = RandomGenerator(seed: 8)
        let x = Tensor.normal([3_000, 5], mean: 4, standardDeviation: 2, generator: &generator)
        let scaler = try StandardScaler().fit(x)
        for c in 0..<5 {
            let column = (0..<3_000).map { Double(x[$0, c]) }
            let mean = column.reduce(0, +) / 3_000
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 3_000
            #expect(TestSupport.isClose(Double(scaler.mean[c]), mean, tolerance: 1e-6))
            #expect(TestSupport.isClose(Double(scaler.variance[c]), variance, tolerance: 1e-6))
        }
        let minMax = try MinMaxScaler().fit(x)
        let scaled = try minMax.transform(x)
        #expect(scaled.min(axis: 0) == Tensor.zeros([5]))
        #expect(TestSupport.isClose(scaled.max(axis: 0), Tensor.ones([5]), tolerance: 1e-6))
    }
}
