import Clustering
@testable import Embedding
import Foundation
import TensorCore
import TestSupport
import Testing

/// The fast PCA paths (constant columns left out, raw-data covariance, top pairs by `dsyevr`,
/// projection of raw rows) against a reference computed here in Double with the full `dsyevd`.
@Suite("PCA paths")
struct PCAPathTests {
    /// 300 x 12 correlated data whose columns 0, 1, 6 and 11 are constant (0, 0, 0.5, 0): leading,
    /// interior and trailing constant columns, as MNIST's blank border pixels.
    static func dataWithConstantColumns(seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        let rows = (0..<300).map { _ -> [Float] in
            let t = (0..<3).map { _ in generator.normal(mean: 0, standardDeviation: 1) }
            return (0..<12).map { c -> Float in
                switch c {
                case 0, 1, 11: return 0
                case 6: return 0.5
                default: return Float(c) * 0.1 + t[c % 3] * Float(c) / 4 + 0.3 * generator.normal(mean: 0, standardDeviation: 1)
                }
            }
        }
        return Tensor(rows: rows)
    }

    /// Covariance eigenpairs in Double (all of them, descending), the reference.
    static func reference(_ data: Tensor) throws -> (values: [Double], vectors: [[Double]]) {
        let n = data.shape[0], d = data.shape[1]
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<n { for c in 0..<d { mean[c] += Double(data[r, c]) / Double(n) } }
        var covariance = [Double](repeating: 0, count: d * d)
        for r in 0..<n {
            for i in 0..<d { for j in i..<d {
                covariance[i * d + j] += (Double(data[r, i]) - mean[i]) * (Double(data[r, j]) - mean[j]) / Double(n - 1)
            } }
        }
        let (values, vectors) = try LAPACK.symmetricEigen(covariance, dimension: d)
        return ((0..<d).map { values[d - 1 - $0] }, (0..<d).map { k in Array(vectors[((d - 1 - k) * d)..<((d - k) * d)]) })
    }

    @Test func constantColumnsMatchTheReference() throws {
        let data = Self.dataWithConstantColumns(seed: 1)
        let pca = try PCA(componentCount: 5).fit(data)
        let (values, vectors) = try Self.reference(data)
        let total = values.reduce(0, +)
        for k in 0..<5 {
            #expect(abs(pca.explainedVariance[k] - values[k]) <= 1e-4 * values[0])
            #expect(abs(pca.explainedVarianceRatio[k] - values[k] / total) < 1e-5)
            // Same axis up to sign; exactly zero on the constant columns.
            let dot = (0..<12).reduce(0.0) { $0 + Double(pca.components[k, $1]) * vectors[k][$1] }
            #expect(abs(abs(dot) - 1) < 1e-4)
            for c in [0, 1, 6, 11] { #expect(pca.components[k, c] == 0) }
        }
        #expect(abs(pca.totalVariance - total) <= 1e-6 * total)
    }

    /// More components than non-constant columns: the extra axes are the constant columns' unit
    /// vectors with zero variance, and the components stay orthonormal.
    @Test func componentsBeyondTheNonConstantColumns() throws {
        let data = Self.dataWithConstantColumns(seed: 2)
        let pca = try PCA(componentCount: 10).fit(data)
        #expect(pca.explainedVariance[8] == 0 && pca.explainedVariance[9] == 0)
        for a in 0..<10 {
            for b in a..<10 {
                let dot = (0..<12).reduce(Float(0)) { $0 + pca.components[a, $1] * pca.components[b, $1] }
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-4)
            }
        }
        #expect(abs(pca.explainedVarianceRatio.reduce(0, +) - 1) < 1e-6)
    }

    /// The raw-data projection (`x W^T - mean W^T`) equals projecting the centred rows.
    @Test func rawProjectionEqualsCentredProjection() throws {
        let data = Self.dataWithConstantColumns(seed: 3)
        let pca = try PCA(componentCount: 4).fit(data)
        #expect(pca.projectsRawData)
        let projected = try pca.transform(data)
        let mean = Tensor(shape: [1, 12], elements: pca.mean)
        let expected = (data - mean).matmul(pca.components, transposeOther: true)
        #expect(TestSupport.isClose(projected, expected, tolerance: 1e-5))
        // Centred coordinates have mean zero.
        for k in 0..<4 {
            let average = (0..<300).reduce(0.0) { $0 + Double(projected[$1, k]) } / 300
            #expect(abs(average) < 1e-5)
        }
    }

    /// `largestSymmetricEigenpairs` (dsyevr) against the full `dsyevd` on a hand-made matrix with
    /// known spectrum: Q diag(5, 3, 1, 0.5) Qᵀ for a Householder reflection Q.
    @Test func topEigenpairsMatchTheFullDecomposition() throws {
        let v: [Double] = [1, 2, -1, 0.5]
        let norm = v.reduce(0) { $0 + $1 * $1 }
        let q = (0..<4).map { i in (0..<4).map { j in (i == j ? 1 : 0) - 2 * v[i] * v[j] / norm } }
        let spectrum: [Double] = [5, 3, 1, 0.5]
        var matrix = [Double](repeating: 0, count: 16)
        for i in 0..<4 { for j in 0..<4 { for k in 0..<4 { matrix[i * 4 + j] += q[i][k] * spectrum[k] * q[j][k] } } }
        let (values, vectors) = try LAPACK.largestSymmetricEigenpairs(matrix, dimension: 4, count: 2)
        #expect(abs(values[0] - 5) < 1e-12 && abs(values[1] - 3) < 1e-12)
        for k in 0..<2 {
            let dot = (0..<4).reduce(0.0) { $0 + vectors[k * 4 + $1] * q[$1][k] }
            #expect(abs(abs(dot) - 1) < 1e-12)
        }
    }
}

@Suite("PCA span Gram")
struct SpanGramTests {
    /// 2,600 rows (several chunks) of 40 columns whose non-zeros sit in a random span, some rows
    /// all zero: the span product equals `Xᵀ X` summed in Double, on the upper triangle.
    @Test func equalsTheDirectProduct() throws {
        var generator = RandomGenerator(seed: 11)
        let rows = 2600, columns = 40
        var elements = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows where r % 13 != 0 {
            let low = generator.integer(below: 20), high = 20 + generator.integer(below: 20)
            for c in low...high where generator.uniformDouble() < 0.7 {
                elements[r * columns + c] = Float(generator.integer(below: 256)) / 255
            }
        }
        // Columns 15 and 22 are zero inside every span (as the blank margins of each image row):
        // every chunk drops them.
        for r in 0..<rows { elements[r * columns + 15] = 0; elements[r * columns + 22] = 0 }
        // Columns 1...38 only, as PCA passes the range between the first and last non-constant column.
        let first = 1, width = 38
        var expected = [Double](repeating: 0, count: width * width)
        for i in 0..<width {
            for j in i..<width {
                for r in 0..<rows { expected[i * width + j] += Double(elements[r * columns + first + i]) * Double(elements[r * columns + first + j]) }
            }
        }
        #expect(expected.max()! > 100)
        // Rows ordered by first non-zero column, or by bounding box as images 8 wide (the order
        // changes only how products are grouped), or with a width that does not divide the
        // columns (ignored). As images 10 wide these rows group so badly that the chunks would
        // cost more than 3/4 of one ssyrk: declined (PCA then runs the plain product).
        #expect(elements.withUnsafeBufferPointer {
            SpanGram.gram($0, rows: rows, columns: columns, first: first, width: width, imageWidth: 10)
        } == nil)
        for imageWidth in [nil, 8, 7] as [Int?] {
            let gram = try #require(elements.withUnsafeBufferPointer {
                SpanGram.gram($0, rows: rows, columns: columns, first: first, width: width, imageWidth: imageWidth)
            })
            var worst = 0.0
            for i in 0..<width {
                for j in i..<width {
                    worst = max(worst, abs(gram[i * width + j] - expected[i * width + j]) / max(1, expected[i * width + j]))
                }
            }
            #expect(worst <= 1e-5, "image width \(String(describing: imageWidth))")
        }
    }

    /// The image width is read from the column variances: 28 for MNIST's pixels (here the 300
    /// images of the fixture), none for unstructured columns.
    @Test func imageWidthFromColumnVariances() throws {
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/mnist-t10k-first300.u8")
        let bytes = [UInt8](try Data(contentsOf: url))
        try #require(bytes.count == 300 * 784)
        let variances = (0..<784).map { c -> Double in
            let column = (0..<300).map { Double(bytes[$0 * 784 + c]) / 255 }
            let mean = column.reduce(0, +) / 300
            return column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 299
        }
        #expect(SpanGram.imageWidth(variances: variances) == 28)
        var generator = RandomGenerator(seed: 14)
        let unstructured = (0..<784).map { _ in generator.uniformDouble() }
        #expect(SpanGram.imageWidth(variances: unstructured) == nil)
        #expect(SpanGram.imageWidth(variances: [1, 2, 3]) == nil)
        #expect(SpanGram.imageWidth(variances: [Double](repeating: 1, count: 64)) == nil)
    }

    /// Dense rows save nothing: no span product (PCA then runs one ssyrk).
    @Test func denseDataIsDeclined() {
        var generator = RandomGenerator(seed: 12)
        let data = (0..<300 * 10).map { _ in generator.normal(mean: 1, standardDeviation: 1) }
        #expect(data.withUnsafeBufferPointer { SpanGram.gram($0, rows: 300, columns: 10, first: 0, width: 10) } == nil)
    }

    /// PCA through the span product agrees with the reference on bordered data.
    @Test func pcaOnBorderedDataMatchesTheReference() throws {
        var generator = RandomGenerator(seed: 13)
        let rows = (0..<1500).map { _ -> [Float] in
            let t = generator.normal(mean: 0, standardDeviation: 1), u = generator.normal(mean: 0, standardDeviation: 1)
            let low = 1 + generator.integer(below: 8), high = low + 4
            return (0..<16).map { c in c >= low && c <= high ? abs(t * Float(c) / 5 + u + 0.2 * generator.normal(mean: 0, standardDeviation: 1)) + 0.1 : 0 }
        }
        let data = Tensor(rows: rows)
        // Columns 0, 13, 14 and 15 are always zero; the span product is taken (not declined).
        #expect(data.withUnsafeBufferPointer { SpanGram.gram($0, rows: 1500, columns: 16, first: 1, width: 12) } != nil)
        let pca = try PCA(componentCount: 3).fit(data)
        let (values, vectors) = try PCAPathTests.reference(data)
        for k in 0..<3 {
            #expect(abs(pca.explainedVariance[k] - values[k]) <= 1e-4 * values[0])
            let dot = (0..<16).reduce(0.0) { $0 + Double(pca.components[k, $1]) * vectors[k][$1] }
            #expect(abs(abs(dot) - 1) < 1e-4)
        }
    }

    /// From 256 non-constant features the eigenproblem runs in single precision (`ssyevr`):
    /// on 300 real MNIST images (784 pixels, 67 of them blank in all 300) the variances and axes
    /// must still match the Double reference, and the blank pixels stay exactly zero.
    @Test func singlePrecisionEigenOnMNISTMatchesTheReference() throws {
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/mnist-t10k-first300.u8")
        let bytes = [UInt8](try Data(contentsOf: url))
        try #require(bytes.count == 300 * 784)
        let data = Tensor(shape: [300, 784], elements: bytes.map { Float($0) / 255 })
        let blank = (0..<784).filter { c in (0..<300).allSatisfy { bytes[$0 * 784 + c] == 0 } }
        #expect(784 - blank.count >= PCA.singlePrecisionEigenDimension)
        let pca = try PCA(componentCount: 10).fit(data)
        let (values, vectors) = try Self.fastReference(bytes.map { Double($0) / 255 }, rows: 300, columns: 784)
        for k in 0..<10 {
            #expect(abs(pca.explainedVariance[k] - values[k]) <= 1e-5 * values[0], "variance \(k)")
            let dot = (0..<784).reduce(0.0) { $0 + Double(pca.components[k, $1]) * vectors[k][$1] }
            #expect(abs(abs(dot) - 1) < 1e-4, "axis \(k): |cos| = \(abs(dot))")
            for c in blank { #expect(pca.components[k, c] == 0) }
        }
    }

    /// `PCAPathTests.reference` on a flat Double array, with pointer loops (a debug build runs
    /// the 92 M multiply-adds of a 300 x 784 covariance in about a second this way).
    static func fastReference(_ x: [Double], rows n: Int, columns d: Int) throws -> (values: [Double], vectors: [[Double]]) {
        var centered = x
        for c in 0..<d {
            var mean = 0.0
            for r in 0..<n { mean += x[r * d + c] }
            mean /= Double(n)
            for r in 0..<n { centered[r * d + c] -= mean }
        }
        var covariance = [Double](repeating: 0, count: d * d)
        centered.withUnsafeBufferPointer { z in
            covariance.withUnsafeMutableBufferPointer { out in
                for r in 0..<n {
                    let row = z.baseAddress! + r * d
                    for i in 0..<d where row[i] != 0 {
                        let target = out.baseAddress! + i * d, scaled = row[i] / Double(n - 1)
                        for j in i..<d { target[j] += scaled * row[j] }
                    }
                }
            }
        }
        let (values, vectors) = try LAPACK.symmetricEigen(covariance, dimension: d)
        return ((0..<d).map { values[d - 1 - $0] }, (0..<d).map { k in Array(vectors[((d - 1 - k) * d)..<((d - k) * d)]) })
    }
}
