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
