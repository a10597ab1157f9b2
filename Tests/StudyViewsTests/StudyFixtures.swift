import Foundation
@testable import Plotting
import Studies
import StudyViews

/// Small studies built in memory for the figure tests: four parameters (log float, int, categorical,
/// float), a maximised accuracy that the learning rate dominates, every 7th trial pruned.
enum StudyFixtures {
    static let learningRate = Distribution.float(try! FloatDistribution(low: 1e-5, high: 1e-1, log: true))
    static let units = Distribution.int(try! IntDistribution(low: 16, high: 256))
    static let optimizer = Distribution.categorical(try! CategoricalDistribution([.string("adam"), .string("sgd"), .string("rmsprop")]))
    static let dropout = Distribution.float(try! FloatDistribution(low: 0, high: 0.5))
    static let origin = Date(timeIntervalSince1970: 1_800_000_000)

    /// A SplitMix64 stream: the same numbers on every machine.
    struct Random {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    /// Accuracy peaks at lr = 1e-3; units, optimizer and dropout matter little.
    static func accuracy(lr: Double, units: Double, optimizer: Double, dropout: Double, noise: Double) -> Double {
        let distance = log10(lr) + 3
        return 0.99 - 0.02 * distance * distance - 0.002 * abs(units - 128) / 128 - 0.001 * optimizer - 0.002 * dropout + 0.001 * noise
    }

    static func study(trials count: Int = 60, direction: StudyDirection = .maximize, seed: UInt64 = 1) -> StudySnapshot {
        var random = Random(state: seed)
        var trials: [FrozenTrial] = []
        for number in 0..<count {
            let lr = pow(10, -5 + 4 * random.next())
            let units = Double(16 + Int(random.next() * 241))
            let optimizer = Double(Int(random.next() * 3))
            let dropout = 0.5 * random.next()
            let value = accuracy(lr: lr, units: units, optimizer: optimizer, dropout: dropout, noise: random.next())
            let pruned = number % 7 == 6
            let steps = pruned ? 3 : 10
            var intermediate: [Int: Double] = [:]
            for step in 1...steps { intermediate[step] = value - (pruned ? 0.05 : 0) - 0.3 * pow(0.6, Double(step)) }
            let start = origin.addingTimeInterval(Double(number) * 10)
            let duration = Double(steps) * (0.5 + units / 256)
            trials.append(FrozenTrial(id: Int64(number + 1), number: number, state: pruned ? .pruned : .complete,
                                      values: pruned ? [] : [value], start: start, complete: start.addingTimeInterval(duration),
                                      params: ["lr": lr, "units": units, "optimizer": optimizer, "dropout": dropout],
                                      distributions: ["lr": learningRate, "units": Self.units, "optimizer": Self.optimizer, "dropout": Self.dropout],
                                      intermediateValues: intermediate))
        }
        return StudySnapshot(name: "fixture", direction: direction, trials: trials)
    }

    /// Saves a copy of `figure` to $STUDY_FIGURES_OUT/NAME.png when that variable is set (to look at them).
    static func keep(_ figure: Figure, _ name: String) throws {
        guard let folder = ProcessInfo.processInfo.environment["STUDY_FIGURES_OUT"], !folder.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try figure.save(folder + "/" + name + ".png")
    }
}

extension RasterImage {
    /// Pixels within `tolerance` (per channel, 0...255) of `color` in the rectangle (the whole image by default).
    func count(near color: Color, tolerance: Int = 30, x: Range<Int>? = nil, y: Range<Int>? = nil) -> Int {
        let target = color.bytes
        var total = 0
        for row in (y ?? 0..<height).clamped(to: 0..<height) {
            for column in (x ?? 0..<width).clamped(to: 0..<width) {
                let word = pixels[row * width + column]
                if abs(Int((word >> 16) & 0xff) - Int(target.red)) <= tolerance && abs(Int((word >> 8) & 0xff) - Int(target.green)) <= tolerance
                    && abs(Int(word & 0xff) - Int(target.blue)) <= tolerance { total += 1 }
            }
        }
        return total
    }
}
