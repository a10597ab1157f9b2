import Foundation
import Studies
import Testing

/// Every pruner against Optuna 5.1 on the same hand-made curves (`PrunerFixtures`, made by
/// `Benchmarks/python/pruner_fixtures.py`): trials run one after another, report steps 1...20 and
/// stop at the first step the pruner says to; the step each trial stopped at must be Optuna's.
@Suite("Pruners against Optuna 5.1")
struct PrunerOracleTests {
    static let pruners: [String: @Sendable () throws -> any Pruner] = [
        "median": { try MedianPruner() },
        "medianWarmup": { try MedianPruner(startupTrials: 2, warmupSteps: 3, intervalSteps: 2) },
        "percentile25": { try PercentilePruner(percentile: 25, startupTrials: 3, minimumTrials: 2) },
        "halving": { try SuccessiveHalvingPruner() },
        "halvingFixed": { try SuccessiveHalvingPruner(minResource: 2, reductionFactor: 3) },
        "hyperband": { try HyperbandPruner() },
        "hyperbandFixed": { try HyperbandPruner(minResource: 1, maxResource: 20, reductionFactor: 2) },
        "patientMedian": { try PatientPruner(wrapping: MedianPruner(), patience: 2) },
        "patientAlone": { try PatientPruner(wrapping: nil, patience: 2, minDelta: 0.005) },
    ]

    static func run(_ pruner: any Pruner, direction: StudyDirection) throws -> [Int?] {
        // The study name matters: Hyperband assigns brackets by CRC-32 of "<name>_<number>".
        let study = try Study.create(name: "curves", direction: direction, sampler: RandomSampler(), pruner: pruner)
        let sign = direction == .minimize ? 1.0 : -1.0
        return try PrunerFixtures.curves.map { curve in
            let trial = try study.ask()
            for (index, value) in curve.enumerated() {
                try trial.report(sign * value, step: index + 1)
                if try trial.shouldPrune {
                    try study.tell(trial, state: .pruned)
                    return index + 1
                }
            }
            _ = try? study.tell(trial, value: sign * curve.last!)   // NaN: FAIL, as Optuna
            return nil
        }
    }

    @Test(arguments: ["minimize", "maximize"], ["median", "medianWarmup", "percentile25", "halving", "halvingFixed",
                                                 "hyperband", "hyperbandFixed", "patientMedian", "patientAlone"])
    func prunesWhereOptunaPrunes(direction: String, name: String) throws {
        let steps = try Self.run(try Self.pruners[name]!(), direction: direction == "minimize" ? .minimize : .maximize)
        #expect(steps == PrunerFixtures.prunedSteps["\(direction) \(name)"]!)
    }

    @Test func haltingRungsAreStoredAsOptunaStoresThem() throws {
        let study = try Study.create(name: "rungs", sampler: RandomSampler(), pruner: try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2))
        for _ in 0..<3 {
            let trial = try study.ask()
            for step in 1...4 {
                try trial.report(1.0 / Double(step), step: step)
                _ = try trial.shouldPrune
            }
            try study.tell(trial, value: 0.25)
        }
        let first = try study.trials[0]
        #expect(first.systemAttributes["completed_rung_0"] == .number(1))
        #expect(first.systemAttributes["completed_rung_1"] == .number(0.5))
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: StudyError.self) { try PercentilePruner(percentile: 120) }
        #expect(throws: StudyError.self) { try MedianPruner(intervalSteps: 0) }
        #expect(throws: StudyError.self) { try SuccessiveHalvingPruner(reductionFactor: 1) }
        #expect(throws: StudyError.self) { try HyperbandPruner(minResource: 5, maxResource: 2) }
        #expect(throws: StudyError.self) { try PatientPruner(wrapping: nil, patience: -1) }
    }
}
