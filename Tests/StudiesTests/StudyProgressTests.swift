import Foundation
@testable import Studies
import Testing

/// The progress line's text from fixed counts and elapsed seconds, and from real runs whose
/// elapsed seconds the test sets, so nothing depends on the clock or a terminal.
@Suite("Study progress line")
struct StudyProgressTests {
    @Test func countsBestAndTheTrialBudgetsEstimate() {
        // 70 s for 7 trials: 10 s each, 13 to go.
        let state = StudyProgress(finished: 7, pruned: 2, failed: 1, best: 0.123456789, budget: 20,
                                  timeout: nil, elapsed: 70, finishedHere: 7)
        #expect(state.text == "trials 7/20  pruned 2  failed 1  best 0.123457  left 2m10s")
        #expect(state.secondsLeft == 130)
    }

    @Test func noEstimateBeforeTheFirstTrialOfThisRunEnds() {
        var state = StudyProgress(finished: 30, pruned: 3, failed: 0, best: nil, budget: 40, timeout: nil,
                                  elapsed: 12, finishedHere: 0)
        #expect(state.text == "trials 30/40  pruned 3  failed 0  left ?")
        state.budget = nil   // no budget at all: nothing to count down
        #expect(state.text == "trials 30  pruned 3  failed 0")
        state.budget = 30    // a full study ends now
        #expect(state.text == "trials 30/30  pruned 3  failed 0  left 0s")
    }

    @Test func aResumedRunsPaceCountsOnlyItsOwnTrials() {
        // 30 trials from earlier runs, 5 in this run's 50 s: 10 s each, 5 to go.
        let state = StudyProgress(finished: 35, pruned: 4, failed: 1, best: -3.25, budget: 40, timeout: nil,
                                  elapsed: 50, finishedHere: 5)
        #expect(state.text == "trials 35/40  pruned 4  failed 1  best -3.25  left 50s")
    }

    @Test func timeLeftIsTheSoonerOfTimeoutAndEstimate() {
        // 10 trials in 100 s: 10 s each, 10 to go, so 100 s by the estimate.
        var state = StudyProgress(finished: 10, pruned: 0, failed: 0, best: 1, budget: 20, timeout: 600,
                                  elapsed: 100, finishedHere: 10)
        #expect(state.text.hasSuffix("left 1m40s"))
        state.timeout = 150   // 50 s to the timeout
        #expect(state.text.hasSuffix("left 50s"))
        state.budget = nil    // the timeout alone
        state.timeout = 3800
        #expect(state.text == "trials 10  pruned 0  failed 0  best 1  left 1h01m")
        state.budget = 20     // no trial of this run yet: the timeout's rest
        state.finishedHere = 0
        #expect(state.text.hasSuffix("left 1h01m"))
        state.elapsed = 4000  // past the timeout
        #expect(state.text.hasSuffix("left 0s"))
    }

    @Test func workersAndRunningTrialsFromAStudysTrials() throws {
        let study = try Study.create(name: "w", direction: .maximize, sampler: RandomSampler())
        for value in [0.5, 0.9, .nan, 0.7] {
            let trial = try study.ask()
            _ = try? study.tell(trial, value: value)   // NaN fails the trial
        }
        try study.tell(try study.ask(), state: .pruned)
        _ = try study.ask()
        _ = try study.ask()
        let state = StudyProgress(trials: try study.trials, direction: study.direction, finishedBefore: 2, budget: 10,
                                  timeout: nil, elapsed: 9, workers: 2)
        #expect(state.finished == 5 && state.finishedHere == 3 && state.running == 2)
        #expect(state.text == "2 workers  trials 5/10  pruned 1  failed 1  running 2  best 0.9  left 15s")
    }

    /// Even trials complete with half their number, every tenth from 3 is pruned and from 7 fails.
    static func objective(_ trial: Trial) throws -> Double {
        struct Boom: Error {}
        if trial.number % 10 == 3 { throw StudyError.pruned(step: 0) }
        if trial.number % 10 == 7 { throw Boom() }
        return Double(trial.number) * 0.5
    }

    /// Runs `optimize`'s loop and returns every state of its line.
    static func states(_ study: Study, trials: Int, budget: TrialBudget) throws -> [StudyProgress] {
        let seen = Seen()
        let run = try OptimizeRun(study: study, trials: trials, timeout: nil, budget: budget, showsProgress: false,
                                  observer: { seen.states.append($0) })
        try run.loop(catchingErrors: true, callback: { _, _ in }, objective: objective)
        run.finish()
        return seen.states
    }

    final class Seen: @unchecked Sendable { var states: [StudyProgress] = [] }

    @Test func aResumedStudyCountsFromWhereItStopped() throws {
        let study = try Study.create(name: "r", direction: .maximize, sampler: RandomSampler())
        try study.optimize(trials: 30, catchingErrors: true, objective: Self.objective)
        var states = try Self.states(study, trials: 40, budget: .study)
        #expect(states.count == 11)   // the start, then one per trial
        #expect(states[0].text == "trials 30/40  pruned 3  failed 3  best 14.5  left ?")
        states[5].elapsed = 50        // 5 trials of this run in 50 s: 10 s each, 5 to go
        #expect(states[5].text == "trials 35/40  pruned 4  failed 3  best 17  left 50s")
        #expect(states[10].text == "trials 40/40  pruned 4  failed 4  best 19.5  left 0s")
    }

    @Test func aThisCallBudgetCountsThisCallsTrials() throws {
        let study = try Study.create(name: "c", direction: .maximize, sampler: RandomSampler())
        try study.optimize(trials: 30, catchingErrors: true, objective: Self.objective)
        var states = try Self.states(study, trials: 10, budget: .thisCall)
        #expect(states[0].text == "trials 0/10  pruned 0  failed 0  best 14.5  left ?")
        states[10].elapsed = 20
        #expect(states[10].text == "trials 10/10  pruned 1  failed 1  best 19.5  left 0s")
    }
}
