import Foundation
import Studies
import StudyViews

/// Studies the page tests draw: four parameters of the kinds a page must scale differently
/// (a log float, an int, a categorical, a linear float), as a seeded search of a made-up
/// training objective with an optimum inside the space and some pruned trials.
enum PageFixtures {
    static let optimizers: [ParameterValue] = [.string("sgd"), .string("adam"), .string("rmsprop")]

    /// A made-up validation accuracy: best near lr 1e-3, 3 layers, adam or rmsprop, no dropout.
    static func accuracy(lr: Double, layers: Int, optimizer: String, dropout: Double) -> Double {
        0.99 - 0.02 * pow(log10(lr) + 3, 2) - 0.01 * Double(abs(layers - 3)) - (optimizer == "sgd" ? 0.01 : 0) - 0.03 * dropout
    }

    /// `count` trials of a random search (seed 7) through the study API; a trial with 6 layers and
    /// dropout above 0.45 is pruned.
    static func seededStudy(name: String = "page", trials count: Int = 300) throws -> StudySnapshot {
        let study = try Study.create(name: name, direction: .maximize, sampler: RandomSampler(seed: 7))
        for _ in 0..<count {
            let trial = try study.ask()
            let lr = try trial.suggestFloat("lr", in: 1e-5...1e-1, log: true)
            let layers = try trial.suggestInt("layers", in: 1...6)
            let optimizer = try trial.suggestCategorical("optimizer", ["sgd", "adam", "rmsprop"])
            let dropout = try trial.suggestFloat("dropout", in: 0...0.5)
            if layers == 6 && dropout > 0.45 {
                _ = try study.tell(trial, state: .pruned)
            } else {
                _ = try study.tell(trial, value: accuracy(lr: lr, layers: layers, optimizer: optimizer, dropout: dropout))
            }
        }
        return try StudySnapshot(study)
    }

    /// `count` trials made directly (10,000 through ask and tell would take the debug build a
    /// while, and the page reads snapshots, not storages): the same space, values drawn from a
    /// SplitMix64 stream so every run sees the same study.
    static func largeSnapshot(trials count: Int = 10_000) throws -> StudySnapshot {
        let lr = Distribution.float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true))
        let layers = Distribution.int(try IntDistribution(low: 1, high: 6))
        let optimizer = Distribution.categorical(try CategoricalDistribution(optimizers))
        let dropout = Distribution.float(try FloatDistribution(low: 0, high: 0.5))
        var random = SplitMix64(seed: 12)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let trials = (0..<count).map { number -> FrozenTrial in
            let params = ["lr": pow(10, -5 + 4 * random.unit()), "layers": Double(1 + Int(random.unit() * 6)),
                          "optimizer": Double(Int(random.unit() * 3)), "dropout": 0.5 * random.unit()]
            let value = accuracy(lr: params["lr"]!, layers: Int(params["layers"]!),
                                 optimizer: optimizers[Int(params["optimizer"]!)].stringValue!, dropout: params["dropout"]!)
            let began = start.addingTimeInterval(Double(number) * 30)
            return FrozenTrial(id: Int64(number + 1), number: number, state: number % 25 == 7 ? .pruned : .complete,
                               values: number % 25 == 7 ? [] : [value], start: began,
                               complete: began.addingTimeInterval(5 + 20 * random.unit()), params: params,
                               distributions: ["lr": lr, "layers": layers, "optimizer": optimizer, "dropout": dropout])
        }
        return StudySnapshot(name: "large", direction: .maximize, trials: trials)
    }
}

/// Steele, Lea and Flood's SplitMix64: a tiny seeded generator for fixtures.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
