import Foundation
import TensorCore

extension Toy {
    /// Points drawn uniformly on a board of `cellsPerSide x cellsPerSide` unit cells centred on the
    /// origin, labelled by the colour of their cell (`(⌈x⌉ + ⌈y⌉) mod 2`), then jittered by Gaussian
    /// noise of standard deviation `noise` (labels are not updated, so noise blurs the cell edges).
    /// The default 8 x 8 board over [-4, 4]² is the course generator behind seed 004
    /// (`gen_arti(data_type=2)`, "l'échiquier"). Points come in random order already.
    public static func checkerboard(samples: Int = 1000, cellsPerSide: Int = 8, noise: Double = 0, seed: UInt64 = 0) throws -> ToyDataset {
        try check(samples: samples, noise: noise, "checkerboard")
        guard cellsPerSide >= 2 else { throw DatasetError.invalidArgument("checkerboard: at least 2 cells per side, got \(cellsPerSide)") }
        var generator = RandomGenerator(seed: seed)
        let half = Double(cellsPerSide) / 2
        var xy: [Double] = [], labels: [Int] = []
        for _ in 0..<samples {
            let x = -half + 2 * half * generator.uniformDouble(), y = -half + 2 * half * generator.uniformDouble()
            xy += [x, y]
            labels.append(Int(((x.rounded(.up) + y.rounded(.up)).truncatingRemainder(dividingBy: 2) + 2).truncatingRemainder(dividingBy: 2)))
        }
        return ToyDataset(name: "checkerboard", features: points(xy, noise: noise, generator: &generator), labels: labels)
    }
}
