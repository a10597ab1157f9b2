import Foundation
import Studies
import StudyStorages
import TestSupport
import Testing

/// The README's library example, as written there, on a SQLite file: it must compile, run and
/// find Branin's minimum region.
@Suite("README: the studies library example")
struct ReadmeExampleTests {
    @Test func braninExampleRuns() throws {
        let folder = TestSupport.temporaryDirectory("atelier-readme-study")
        let storage = try openStudyStorage(url: "sqlite:///" + folder.appendingPathComponent("studies.db").path)
        let study = try Study.create(name: "branin", storage: storage, direction: .minimize,
                                     sampler: TPESampler(seed: 0), pruner: try MedianPruner(), loadIfExists: true)
        try study.optimize(trials: 60) { trial in
            let x = try trial.suggestFloat("x", in: -5...10)
            let y = try trial.suggestFloat("y", in: 0...15)
            return pow(y - 5.1 / (4 * .pi * .pi) * x * x + 5 / .pi * x - 6, 2) + 10 * (1 - 1 / (8 * .pi)) * cos(x) + 10
        }
        let best = try #require(try study.bestValue)
        #expect(best < 2, "TPE gets near Branin's minimum 0.398 in 60 trials (random search's median is ~1.3 after 50)")
        #expect(try study.trials.count == 60)
        #expect(Set(try study.bestParams?.keys.sorted() ?? []) == ["x", "y"])
    }
}
