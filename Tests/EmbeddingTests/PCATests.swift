import Clustering
@testable import Embedding
import Foundation
import TensorCore
import TestSupport
import Testing

@Suite("PCA")
struct PCATests {
    /// Variances 2 along x and 0.5 along y, no covariance: ratios 0.8 / 0.2, axes x then y.
    @Test func handWorkedAxesAndVariances() throws {
        let data = Tensor(rows: [[2, 0], [0, 0], [-2, 0], [0, 1], [0, -1]])
        let pca = try PCA(componentCount: 2).fit(data)
        #expect(abs(pca.explainedVariance[0] - 2) < 1e-6)
        #expect(abs(pca.explainedVariance[1] - 0.5) < 1e-6)
        #expect(abs(pca.explainedVarianceRatio[0] - 0.8) < 1e-6)
        #expect(abs(pca.components[0, 0] - 1) < 1e-6 && abs(pca.components[0, 1]) < 1e-6)
        #expect(abs(abs(pca.components[1, 1]) - 1) < 1e-6)
        let projected = try pca.transform(data)
        #expect(abs(projected[0, 0] - 2) < 1e-6)
    }

    @Test func inverseTransformRestoresTheData() throws {
        var generator = RandomGenerator(seed: 2)
        let data = Tensor.normal([40, 6], generator: &generator) * 3 + 1
        let pca = try PCA(componentCount: 6).fit(data)
        let restored = try pca.inverseTransform(try pca.transform(data))
        for i in 0..<data.count { #expect(abs(restored.elements[i] - data.elements[i]) < 1e-4) }
        #expect(abs(pca.explainedVarianceRatio.reduce(0, +) - 1) < 1e-6)
        // Ratios are sorted and each component is a unit vector.
        #expect(zip(pca.explainedVarianceRatio, pca.explainedVarianceRatio.dropFirst()).allSatisfy { $0 >= $1 })
        for k in 0..<6 {
            let norm = (0..<6).reduce(Float(0)) { $0 + pca.components[k, $1] * pca.components[k, $1] }
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    /// Points near a line in 3-D: one component explains nearly everything, along (1, 2, 2) / 3.
    @Test func findsTheDominantDirection() throws {
        var generator = RandomGenerator(seed: 4)
        var rows: [[Float]] = []
        for _ in 0..<200 {
            let t = generator.normal(mean: 0, standardDeviation: 5)
            rows.append([t + generator.normal(mean: 0, standardDeviation: 0.01), 2 * t, 2 * t])
        }
        let pca = try PCA(componentCount: 1).fit(Tensor(rows: rows))
        #expect(pca.explainedVarianceRatio[0] > 0.9999)
        #expect(abs(pca.components[0, 0] - 1.0 / 3) < 1e-3 && abs(pca.components[0, 2] - 2.0 / 3) < 1e-3)
    }

    @Test func constantColumnsAreFineUnlessAllAreConstant() throws {
        let someConstant = Tensor(rows: [[1, 0, 5], [2, 0, 5], [4, 0, 5]])
        let pca = try PCA(componentCount: 1).fit(someConstant)
        #expect(abs(pca.explainedVarianceRatio[0] - 1) < 1e-6)
        let allConstant = Tensor(rows: [[1, 5], [1, 5], [1, 5]])
        #expect(throws: ClusteringError.noVariance(columns: 2)) { try PCA(componentCount: 1).fit(allConstant) }
        #expect(throws: ClusteringError.self) { try PCA(componentCount: 3).fit(someConstant.rows(0..<2)) }
        #expect(throws: ClusteringError.self) { try PCA(componentCount: 1).fit(Tensor(rows: [[1, .nan], [2, 3]])) }
    }
}

@Suite("PCA numerics")
struct PCANumericsTests {
    /// Columns far from the origin (mean 1000, sd 1) take the centred path and still match a
    /// Double computation of the covariance eigenvalues of a 2-D example.
    @Test func largeOffsetsKeepTheirPrecision() throws {
        var generator = RandomGenerator(seed: 9)
        var rows: [[Float]] = []
        for _ in 0..<500 {
            let a = generator.normal(mean: 0, standardDeviation: 1), b = generator.normal(mean: 0, standardDeviation: 1)
            rows.append([1000 + a, 1000 + 0.5 * a + 0.2 * b])
        }
        let pca = try PCA(componentCount: 2).fit(Tensor(rows: rows))
        var mean = [0.0, 0.0]
        for r in rows { mean[0] += Double(r[0]) / 500; mean[1] += Double(r[1]) / 500 }
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for r in rows {
            let x = Double(r[0]) - mean[0], y = Double(r[1]) - mean[1]
            sxx += x * x / 499; sxy += x * y / 499; syy += y * y / 499
        }
        let trace = sxx + syy, determinant = sxx * syy - sxy * sxy
        let largest = trace / 2 + (trace * trace / 4 - determinant).squareRoot()
        #expect(abs(pca.explainedVariance[0] - largest) < 1e-3 * largest)
        #expect(abs(pca.explainedVariance[1] - (trace - largest)) < 2e-3 * (trace - largest))
    }
}
