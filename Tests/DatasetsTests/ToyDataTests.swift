import Datasets
import Foundation
import TensorCore
import TestSupport
import Testing

/// The toy generators: shapes, class sizes as scikit-learn's `make_*` split them, the geometry
/// each promises, the statistics of their noise, and seeding.
@Suite("Toy data generators")
struct ToyDataTests {
    static func column(_ data: ToyDataset, _ j: Int) -> [Double] {
        (0..<data.sampleCount).map { Double(data.features[$0, j]) }
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    static func standardDeviation(_ values: [Double]) -> Double {
        let m = mean(values)
        return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    @Test("every generator is seeded, shaped [n, d] and labelled as documented", arguments: Toy.names)
    func seededAndShaped(name: String) throws {
        let a = try Toy.make(name, samples: 101, seed: 3), b = try Toy.make(name, samples: 101, seed: 3), c = try Toy.make(name, samples: 101, seed: 4)
        #expect(a == b)
        #expect(a.features != c.features)
        #expect(a.sampleCount == 101)
        #expect(a.features.elements.allSatisfy { $0.isFinite })
        let table = a.table
        #expect(table.columnNames.last == (name == "linear" ? "target" : "label"))
        #expect(table.columnNames.dropLast() == (1...a.featureCount).map { "x\($0)" })
        #expect(table.rowCount == 101)
        if let labels = a.labels { #expect(labels.count == 101 && labels.allSatisfy { $0 >= 0 }) }
    }

    /// Without noise, scikit-learn's moons and circles are fixed point sets: ours hold the same
    /// points with the same labels (in another order, as both shuffle).
    @Test func noiseFreeMoonsAndCirclesEqualScikitLearns() throws {
        for (data, points, labels) in [(try Toy.moons(samples: 11, seed: 1), ScikitLearnToyFixtures.moonsPoints, ScikitLearnToyFixtures.moonsLabels),
                                       (try Toy.circles(samples: 11, seed: 1), ScikitLearnToyFixtures.circlesPoints, ScikitLearnToyFixtures.circlesLabels)] {
            func key(_ label: Int, _ x: Double, _ y: Double) -> [Double] { [Double(label), (x * 1e5).rounded(), (y * 1e5).rounded()] }
            let ours = (0..<11).map { key(data.labels![$0], Double(data.features[$0, 0]), Double(data.features[$0, 1])) }
            let theirs = (0..<11).map { key(labels[$0], points[$0][0], points[$0][1]) }
            let order = { (a: [Double], b: [Double]) in a.lexicographicallyPrecedes(b) }
            #expect(ours.sorted(by: order) == theirs.sorted(by: order), "\(data.name)")
        }
    }

    @Test func circlesLieOnTheirCircles() throws {
        let data = try Toy.circles(samples: 101, noise: 0, factor: 0.5, seed: 1)
        let labels = try #require(data.labels)
        #expect(labels.filter { $0 == 0 }.count == 50 && labels.filter { $0 == 1 }.count == 51)   // n // 2 outside, as scikit-learn
        for i in 0..<101 {
            let radius = (pow(Double(data.features[i, 0]), 2) + pow(Double(data.features[i, 1]), 2)).squareRoot()
            #expect(abs(radius - (labels[i] == 0 ? 1 : 0.5)) < 1e-6)
        }
        #expect(throws: DatasetError.self) { try Toy.circles(samples: 10, factor: 1) }
    }

    @Test func moonsLieOnTheirHalfCircles() throws {
        let data = try Toy.moons(samples: 100, noise: 0, seed: 2)
        let labels = try #require(data.labels)
        #expect(labels.filter { $0 == 0 }.count == 50)
        for i in 0..<100 {
            let x = Double(data.features[i, 0]), y = Double(data.features[i, 1])
            if labels[i] == 0 {
                #expect(abs(x * x + y * y - 1) < 1e-5 && y >= -1e-6)
            } else {
                #expect(abs((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5) - 1) < 1e-5 && y <= 0.5 + 1e-6)
            }
        }
    }

    @Test func noiseHasTheStatedStandardDeviation() throws {
        // Circles with factor 0.5 and noise 0.05: radii spread around 1 and 0.5 by about the noise.
        let circles = try Toy.circles(samples: 6000, noise: 0.05, factor: 0.5, seed: 5)
        for (label, radius) in [(0, 1.0), (1, 0.5)] {
            let radii = (0..<6000).filter { circles.labels![$0] == label }.map {
                (pow(Double(circles.features[$0, 0]), 2) + pow(Double(circles.features[$0, 1]), 2)).squareRoot()
            }
            #expect(abs(Self.mean(radii) - radius) < 0.01)
            #expect(abs(Self.standardDeviation(radii) - 0.05) < 0.006)
        }
        let regression = try Toy.regression(samples: 5000, features: 3, noise: 7, seed: 6)
        let coefficients = try #require(regression.coefficients)
        #expect(coefficients.allSatisfy { $0 >= 0 && $0 < 100 })
        let residuals = (0..<5000).map { i in regression.targets![i] - (0..<3).reduce(0.0) { $0 + Double(regression.features[i, $1]) * coefficients[$1] } }
        // float32 features round x·w by ~1e-5 of 100: negligible next to 7.
        #expect(abs(Self.standardDeviation(residuals) - 7) < 0.35)
        #expect(abs(Self.mean(residuals)) < 0.35)
        for j in 0..<3 {
            #expect(abs(Self.mean(Self.column(regression, j))) < 0.05)
            #expect(abs(Self.standardDeviation(Self.column(regression, j)) - 1) < 0.05)
        }
        let exact = try Toy.regression(samples: 50, features: 2, informative: 1, bias: 4, noise: 0, seed: 7)
        #expect(exact.coefficients![1] == 0)
        for i in 0..<50 {
            #expect(abs(exact.targets![i] - 4 - Double(exact.features[i, 0]) * exact.coefficients![0]) < 1e-4 * max(1, abs(exact.targets![i])))
        }
    }

    @Test func blobsCentreAndSpreadAsAsked() throws {
        let data = try Toy.blobs(samples: 3001, centers: [[-5, 0], [5, 2], [0, 8]], clusterStandardDeviation: 1.5, seed: 8)
        let labels = try #require(data.labels)
        #expect([0, 1, 2].map { c in labels.filter { $0 == c }.count } == [1001, 1000, 1000])
        for (c, centre) in [[-5.0, 0], [5, 2], [0, 8]].enumerated() {
            let rows = labels.indices.filter { labels[$0] == c }
            for j in 0..<2 {
                let values = rows.map { Double(data.features[$0, j]) }
                #expect(abs(Self.mean(values) - centre[j]) < 0.15)
                #expect(abs(Self.standardDeviation(values) - 1.5) < 0.1)
            }
        }
        let random = try Toy.blobs(samples: 90, features: 3, centers: 4, seed: 1)
        #expect(random.featureCount == 3 && random.classCount == 4)
    }

    @Test func fourGaussiansAreAnXOR() throws {
        let data = try Toy.fourGaussians(samples: 402, standardDeviation: 0.1, seed: 9)
        let labels = try #require(data.labels)
        #expect(labels.filter { $0 == 1 }.count == 202)   // 402 = 4 x 100 + 2: the first two quadrants, both class 1, take one more
        // With a spread of 0.1 around (±1, ±1) every point stays in its quadrant: label = same signs.
        for i in 0..<402 { #expect(labels[i] == ((data.features[i, 0] > 0) == (data.features[i, 1] > 0) ? 1 : 0)) }
    }

    @Test func checkerboardLabelsFollowTheCells() throws {
        let data = try Toy.checkerboard(samples: 4000, noise: 0, seed: 10)
        let labels = try #require(data.labels)
        for i in 0..<4000 {
            let x = Double(data.features[i, 0]), y = Double(data.features[i, 1])
            #expect(abs(x) <= 4 && abs(y) <= 4)
            // Neighbouring cells alternate: shifting a point by one cell flips its colour.
            let cell = (Int(x.rounded(.up)) + Int(y.rounded(.up)) + 100) % 2
            #expect(labels[i] == cell)
        }
        let share = Double(labels.filter { $0 == 1 }.count) / 4000
        #expect(abs(share - 0.5) < 0.03)
        let small = try Toy.checkerboard(samples: 100, cellsPerSide: 4, seed: 1)
        #expect(small.features.elements.allSatisfy { Swift.abs($0) <= 2 })
    }

    @Test func spiralArmsAreHalfATurnApart() throws {
        let data = try Toy.spirals(samples: 200, noise: 0, seed: 11)
        let labels = try #require(data.labels)
        #expect(labels.filter { $0 == 0 }.count == 100)
        let radii = (0..<200).map { (pow(Double(data.features[$0, 0]), 2) + pow(Double(data.features[$0, 1]), 2)).squareRoot() }
        #expect(radii.allSatisfy { $0 > 0 && $0 <= 1 + 1e-6 })
        // Arm 1 is arm 0 turned by π: for every point of one arm, its negation is on the other.
        let arm0 = Set((0..<200).filter { labels[$0] == 0 }.map { "\(Int((data.features[$0, 0] * 1e4).rounded())),\(Int((data.features[$0, 1] * 1e4).rounded()))" })
        let mirrored = (0..<200).filter { labels[$0] == 1 }.map { "\(Int((-data.features[$0, 0] * 1e4).rounded())),\(Int((-data.features[$0, 1] * 1e4).rounded()))" }
        #expect(mirrored.filter { arm0.contains($0) }.count >= 95)
    }

    @Test func badArgumentsAreRefused() {
        #expect(throws: DatasetError.self) { try Toy.make("swiss-roll", samples: 10) }
        #expect(throws: DatasetError.self) { try Toy.moons(samples: 10, noise: -1) }
        #expect(throws: DatasetError.self) { try Toy.blobs(samples: 0) }
        #expect(throws: DatasetError.self) { try Toy.blobs(samples: 10, centers: [[0, 0], [1]]) }
        #expect(throws: DatasetError.self) { try Toy.spirals(samples: 10, turns: 0) }
        do {
            _ = try Toy.make("swiss-roll", samples: 10)
            Issue.record("an unknown name must throw")
        } catch {
            #expect("\(error)".contains("expected one of linear, blobs, four-gaussians, circles, moons, checkerboard, spirals"))
        }
    }
}
