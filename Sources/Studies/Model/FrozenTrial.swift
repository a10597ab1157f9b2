import Foundation

/// A trial as a storage holds it: what samplers, pruners, views and exports read.
///
/// `params` holds *internal* values (see `Distribution`); `externalParams` gives what the
/// objective saw. Times are wall-clock `Date`s (storages convert to and from Optuna's columns).
public struct FrozenTrial: Hashable, Sendable {
    /// The storage's key (`trials.trial_id`), unique across studies.
    public var id: Int64
    /// 0, 1, 2, … within the study, in creation order, without gaps.
    public var number: Int
    public var state: TrialState
    /// The objective's value(s); empty until the trial is COMPLETE (one per study direction).
    public var values: [Double]
    public var start: Date?
    public var complete: Date?
    public var params: [String: Double]
    public var distributions: [String: Distribution]
    public var userAttributes: [String: AttributeValue]
    public var systemAttributes: [String: AttributeValue]
    /// Reported learning-curve values by step.
    public var intermediateValues: [Int: Double]

    public init(id: Int64, number: Int, state: TrialState, values: [Double] = [], start: Date? = nil,
                complete: Date? = nil, params: [String: Double] = [:], distributions: [String: Distribution] = [:],
                userAttributes: [String: AttributeValue] = [:], systemAttributes: [String: AttributeValue] = [:],
                intermediateValues: [Int: Double] = [:]) {
        self.id = id
        self.number = number
        self.state = state
        self.values = values
        self.start = start
        self.complete = complete
        self.params = params
        self.distributions = distributions
        self.userAttributes = userAttributes
        self.systemAttributes = systemAttributes
        self.intermediateValues = intermediateValues
    }

    /// The single objective value, for single-objective studies.
    public var value: Double? { values.first }

    /// The parameters as the objective saw them.
    public var externalParams: [String: ParameterValue] {
        var result: [String: ParameterValue] = [:]
        for (name, internalValue) in params {
            if let distribution = distributions[name] { result[name] = distribution.toExternal(internalValue) }
        }
        return result
    }

    /// Seconds from start to completion, when both are known.
    public var duration: TimeInterval? {
        guard let start, let complete else { return nil }
        return complete.timeIntervalSince(start)
    }

    /// The last reported step, if any.
    public var lastStep: Int? { intermediateValues.keys.max() }
}

/// A study as a storage lists it.
public struct StudySummary: Hashable, Sendable {
    public var id: Int64
    public var name: String
    public var directions: [StudyDirection]
    public var userAttributes: [String: AttributeValue]
    public var systemAttributes: [String: AttributeValue]

    public init(id: Int64, name: String, directions: [StudyDirection],
                userAttributes: [String: AttributeValue] = [:], systemAttributes: [String: AttributeValue] = [:]) {
        self.id = id
        self.name = name
        self.directions = directions
        self.userAttributes = userAttributes
        self.systemAttributes = systemAttributes
    }
}
