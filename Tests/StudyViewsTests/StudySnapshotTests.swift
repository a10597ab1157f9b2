import Studies
import StudyViews
import Testing

@Suite struct StudySnapshotTests {
    @Test func bestFollowsTheDirectionAndSkipsUnfinishedTrials() throws {
        let study = try Study.create(name: "s", direction: .maximize)
        for value in [0.2, 0.9, 0.5] {
            let trial = try study.ask()
            _ = try trial.suggestFloat("x", in: 0...1)
            _ = try study.tell(trial, value: value)
        }
        let pruned = try study.ask()
        _ = try study.tell(pruned, state: .pruned)
        let snapshot = try StudySnapshot(study)
        #expect(snapshot.trials.map(\.number) == [0, 1, 2, 3])
        #expect(snapshot.completed.count == 3)
        #expect(snapshot.best?.value == 0.9)
        #expect(snapshot.parameterNames == ["x"])
    }
}

@Suite struct DependentParameterTests {
    /// A dependent space where no trial has every parameter: `units2` exists only in trials with
    /// three layers, `dropout` only in those with two (the MLP study with 2-10 layers is like this).
    static func study() throws -> StudySnapshot {
        let study = try Study.create(name: "mlp", direction: .maximize, sampler: RandomSampler(seed: 1))
        for (layers, value) in [(2, 0.5), (3, 0.7), (2, 0.6), (3, 0.4)] {
            let trial = try study.ask()
            _ = try trial.suggestInt("layers", in: layers...layers)
            for k in 0..<layers { _ = try trial.suggestInt("units\(k)", in: 16...64) }
            if layers == 2 { _ = try trial.suggestFloat("dropout", in: 0...0.5) }
            _ = try study.tell(trial, value: value)
        }
        return try StudySnapshot(study)
    }

    @Test func sharedParametersAreThoseEveryCompletedTrialHas() throws {
        let snapshot = try Self.study()
        #expect(snapshot.parameterNames == ["dropout", "layers", "units0", "units1", "units2"])
        #expect(snapshot.sharedParameterNames == ["layers", "units0", "units1"])
    }

    @Test func thePageStillGetsParallelCoordinatesOverTheSharedAxes() throws {
        let snapshot = try Self.study()
        // Over every parameter no trial is complete on all axes (Optuna draws nothing then).
        #expect(throws: StudyViewsError.self) { try StudyPlots.figure(.parallel, of: snapshot, options: StudyPlotOptions(parameters: snapshot.parameterNames)) }
        let figures = try StudyPage.figures(of: snapshot)
        #expect(figures.contains { $0.title.lowercased().contains("parallel") })
        #expect(figures.count >= 5)
    }
}
