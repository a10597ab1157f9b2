@testable import Embedding
import Foundation
import TensorCore
import Testing

@Suite("FFT-accelerated t-SNE")
struct FFTTests {
    /// The 2-D transform against the DFT definition, and the inverse back to the input.
    @Test func goodSizesHaveFactorsTwoThreeAndFive() {
        #expect(FFT2D.goodSize(atLeast: 600) == 640)
        #expect(FFT2D.goodSize(atLeast: 33) == 64)
        #expect(FFT2D.goodSize(atLeast: 1) == 32)
        #expect(FFT2D.goodSize(atLeast: 1000) == 1024)
        #expect(FFT2D.goodSize(atLeast: 900) == 960)
    }

    @Test(arguments: [32, 64, 96, 160, 128])
    func transformMatchesTheDefinitionAndInverts(m: Int) {
        var generator = RandomGenerator(seed: 1)
        let inputReal = (0..<(m * m)).map { _ in generator.uniform(-1, 1) }
        let inputImaginary = (0..<(m * m)).map { _ in generator.uniform(-1, 1) }
        var real = inputReal, imaginary = inputImaginary
        let fft = FFT2D(size: m)
        real.withUnsafeMutableBufferPointer { r in imaginary.withUnsafeMutableBufferPointer { i in
            fft.forward(real: r.baseAddress!, imaginary: i.baseAddress!)
        } }
        for (u, v) in [(0, 0), (1, 0), (3, 7), (31, 2), (16, 16), (m - 1, m / 2 + 1)] {
            var sumReal = 0.0, sumImaginary = 0.0
            for x in 0..<m { for y in 0..<m {
                let angle = -2 * Double.pi * Double(u * x + v * y) / Double(m)
                let a = Double(inputReal[x * m + y]), b = Double(inputImaginary[x * m + y])
                sumReal += a * cos(angle) - b * sin(angle); sumImaginary += a * sin(angle) + b * cos(angle)
            } }
            // The forward result is transposed: spectrum (u, v) sits at row v, column u.
            #expect(abs(Double(real[v * m + u]) - sumReal) < 1e-5 * Double(m * m))
            #expect(abs(Double(imaginary[v * m + u]) - sumImaginary) < 1e-5 * Double(m * m))
        }
        real.withUnsafeMutableBufferPointer { r in imaginary.withUnsafeMutableBufferPointer { i in
            fft.inverse(real: r.baseAddress!, imaginary: i.baseAddress!)
        } }
        for k in 0..<(m * m) {
            #expect(abs(real[k] / Float(m * m) - inputReal[k]) < 1e-5)
            #expect(abs(imaginary[k] / Float(m * m) - inputImaginary[k]) < 1e-5)
        }
    }

    @Test func interpolatedRepulsionApproachesExact() {
        var generator = RandomGenerator(seed: 6)
        let n = 300
        let y = (0..<(2 * n)).map { i in 6 * generator.normal() + (i % 2 == 0 ? 10 : -3) }
        var exactForces = [Double](repeating: 0, count: 2 * n), fftForces = exactForces
        var exact = ExactRepulsion(), fft = FFTRepulsion()
        let exactZ = y.withUnsafeBufferPointer { p in exactForces.withUnsafeMutableBufferPointer { exact.repulsion(positions: p, forces: $0) } }
        let fftZ = y.withUnsafeBufferPointer { p in fftForces.withUnsafeMutableBufferPointer { fft.repulsion(positions: p, forces: $0) } }
        #expect(abs(fftZ - exactZ) < 3e-3 * exactZ)
        let scale = exactForces.map(abs).max()!
        var worst = 0.0
        for i in 0..<(2 * n) { worst = max(worst, abs(fftForces[i] - exactForces[i])) }
        // openTSNE's default grid (1 box per unit, at least 50 boxes, 3 nodes per box): a few
        // per cent of the largest force on this spread of points (span about 50).
        #expect(worst < 5e-2 * scale)
        // Third-order interpolation: finer boxes shrink the error quickly.
        var previous = worst
        for perUnit in [2.0, 4.0] {
            var finer = FFTRepulsion(minimumBoxes: 50, boxesPerUnit: perUnit)
            var f = exactForces
            let z = y.withUnsafeBufferPointer { p in f.withUnsafeMutableBufferPointer { finer.repulsion(positions: p, forces: $0) } }
            var error = 0.0
            for i in 0..<(2 * n) { error = max(error, abs(f[i] - exactForces[i])) }
            #expect(error < previous / 4)
            #expect(abs(z - exactZ) < 3e-4 * exactZ)
            previous = error
        }
    }

    @Test func fftEmbeddingKeepsGaussianClustersApart() throws {
        let (data, labels) = TSNETests.clusters(count: 60, seed: 4)
        var tsne = TSNE(perplexity: 15, method: .fft, iterations: 300, seed: 2)
        tsne.fftMinimumBoxes = 16
        tsne.fftBoxesPerUnit = 0.5
        let result = try tsne.fit(data)
        #expect(result.method == .fft)
        #expect(result.klDivergence.isFinite)
        #expect(try NeighborAccuracy.score(result.embedding, labels: labels) > 0.95)
    }
}
