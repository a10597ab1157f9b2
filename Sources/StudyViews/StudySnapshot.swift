import Foundation
import Studies

/// A study read once from its storage: what every study figure, the study page and the studies
/// report draw from. Reading once (one `trials` query) keeps a 10,000-trial figure fast and lets
/// figures be drawn from studies that Optuna wrote as well as Atelier's own.
public struct StudySnapshot: Sendable {
    public var name: String
    public var direction: StudyDirection
    /// Every trial, in trial-number order, whatever its state.
    public var trials: [FrozenTrial]
    /// The study's user attributes (shown on the page).
    public var userAttributes: [String: AttributeValue]

    public init(name: String, direction: StudyDirection, trials: [FrozenTrial],
                userAttributes: [String: AttributeValue] = [:]) {
        self.name = name
        self.direction = direction
        self.trials = trials.sorted { $0.number < $1.number }
        self.userAttributes = userAttributes
    }

    /// Reads the study's trials and attributes from its storage.
    public init(_ study: Study) throws {
        self.init(name: study.name, direction: study.direction, trials: try study.trials,
                  userAttributes: try study.userAttributes)
    }

    /// Completed trials that have a finite objective value.
    public var completed: [FrozenTrial] {
        trials.filter { $0.state == .complete && ($0.value?.isFinite ?? false) }
    }

    /// The best completed trial in the study's direction (the earliest on ties).
    public var best: FrozenTrial? {
        completed.reduce(nil) { best, trial in
            guard let best, let bestValue = best.value else { return trial }
            return direction.isBetter(trial.value!, than: bestValue) ? trial : best
        }
    }

    /// The parameters every completed trial has, sorted. In a space with dependent parameters
    /// (the MLP's `units2`… exist only in trials with that many layers) this is what a figure
    /// drawing each trial on every axis can show.
    public var sharedParameterNames: [String] {
        let sets = completed.map { Set($0.params.keys) }
        guard let first = sets.first else { return [] }
        return sets.dropFirst().reduce(first) { $0.intersection($1) }.sorted()
    }

    /// Parameter names over all trials, sorted.
    public var parameterNames: [String] {
        Array(Set(trials.flatMap { $0.params.keys })).sorted()
    }
}
