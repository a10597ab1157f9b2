import Foundation

/// Where a parameter's values come from: Optuna's three distributions, with its rules.
///
/// Values travel in two forms, as in Optuna: the *external* value the objective sees
/// (`ParameterValue`) and the *internal* `Double` that storages keep in `trial_params.param_value`
/// and samplers work on (the value itself for numbers, the choice index for categoricals).
public enum Distribution: Hashable, Sendable {
    case float(FloatDistribution)
    case int(IntDistribution)
    case categorical(CategoricalDistribution)

    /// The internal form of `value`, or an error when the value does not belong here.
    public func toInternal(_ value: ParameterValue) throws -> Double {
        switch self {
        case .float(let d):
            guard let x = value.doubleValue, !x.isNaN else {
                throw StudyError.invalidValue("\(value) is not a number for \(d)")
            }
            return x
        case .int(let d):
            guard let x = value.intValue else { throw StudyError.invalidValue("\(value) is not an integer for \(d)") }
            return Double(x)
        case .categorical(let d):
            // Python compares 1 == 1.0 == True; match numbers by value so Optuna's choices round-trip.
            if let index = d.choices.firstIndex(of: value) { return Double(index) }
            if let x = value.doubleValue, let index = d.choices.firstIndex(where: { $0.doubleValue == x }) {
                return Double(index)
            }
            throw StudyError.invalidValue("\(value) is not one of the choices \(d.choices)")
        }
    }

    /// The external form of an internal value.
    public func toExternal(_ internalValue: Double) -> ParameterValue {
        switch self {
        case .float: .double(internalValue)
        case .int: .int(Int(internalValue.rounded()))
        case .categorical(let d): d.choices[max(0, min(d.choices.count - 1, Int(internalValue)))]
        }
    }

    /// Whether `internalValue` is a value of this distribution (bounds, step, index).
    public func contains(_ internalValue: Double) -> Bool {
        switch self {
        case .float(let d):
            guard internalValue >= d.low && internalValue <= d.high else { return false }
            guard let step = d.step else { return true }
            let k = (internalValue - d.low) / step
            return abs(k - k.rounded()) < 1e-8
        case .int(let d):
            guard internalValue.rounded() == internalValue else { return false }
            let value = Int(internalValue)
            return value >= d.low && value <= d.high && (value - d.low) % d.step == 0
        case .categorical(let d):
            let index = Int(internalValue)
            return Double(index) == internalValue && index >= 0 && index < d.choices.count
        }
    }

    /// A distribution with one possible value: samplers skip it.
    public var isSingle: Bool {
        switch self {
        case .float(let d):
            if d.low == d.high { return true }
            guard let step = d.step else { return false }
            return d.high - d.low < step
        case .int(let d): return d.low == d.high
        case .categorical(let d): return d.choices.count == 1
        }
    }

    /// Optuna's class name.
    public var optunaName: String {
        switch self {
        case .float: "FloatDistribution"
        case .int: "IntDistribution"
        case .categorical: "CategoricalDistribution"
        }
    }
}

/// A float in `[low, high]`, on a log scale or with a step (not both), as
/// `optuna.distributions.FloatDistribution`.
public struct FloatDistribution: Hashable, Sendable, CustomStringConvertible {
    public let low: Double
    public let high: Double
    public let log: Bool
    public let step: Double?

    /// Checks Optuna's rules; with a step, `high` is lowered to the last reachable value.
    public init(low: Double, high: Double, log: Bool = false, step: Double? = nil) throws {
        guard low.isFinite, high.isFinite else { throw StudyError.invalidSpace("bounds must be finite, got [\(low), \(high)]") }
        guard low <= high else { throw StudyError.invalidSpace("low must be at most high, got low \(low) > high \(high)") }
        if log && step != nil { throw StudyError.invalidSpace("a float parameter cannot have both log and step") }
        if log && low <= 0 { throw StudyError.invalidSpace("a log float parameter needs low > 0, got \(low)") }
        if let step, !(step > 0) { throw StudyError.invalidSpace("step must be positive, got \(step)") }
        self.low = low
        self.log = log
        self.step = step
        if let step {
            // Optuna's _adjust_discrete_uniform_high, in decimal to avoid 0.1 + 0.2 artefacts.
            let range = Decimal(string: "\(high - low)") ?? Decimal(high - low)
            let q = Decimal(string: "\(step)") ?? Decimal(step)
            var quotient = range / q
            var floored = Decimal()
            NSDecimalRound(&floored, &quotient, 0, .down)
            let adjusted = NSDecimalNumber(decimal: floored * q).doubleValue + low
            self.high = floored * q == range ? high : adjusted
        } else {
            self.high = high
        }
    }

    public var description: String {
        "FloatDistribution(low: \(low), high: \(high)\(log ? ", log" : "")\(step.map { ", step: \($0)" } ?? ""))"
    }
}

/// An integer in `[low, high]`, on a log scale or with a step (log needs step 1), as
/// `optuna.distributions.IntDistribution`.
public struct IntDistribution: Hashable, Sendable, CustomStringConvertible {
    public let low: Int
    public let high: Int
    public let log: Bool
    public let step: Int

    public init(low: Int, high: Int, log: Bool = false, step: Int = 1) throws {
        guard low <= high else { throw StudyError.invalidSpace("low must be at most high, got low \(low) > high \(high)") }
        if log && step != 1 { throw StudyError.invalidSpace("a log int parameter needs step 1, got \(step)") }
        if log && low < 1 { throw StudyError.invalidSpace("a log int parameter needs low >= 1, got \(low)") }
        guard step > 0 else { throw StudyError.invalidSpace("step must be positive, got \(step)") }
        self.low = low
        self.high = low + (high - low) / step * step
        self.log = log
        self.step = step
    }

    public var description: String {
        "IntDistribution(low: \(low), high: \(high)\(log ? ", log" : "")\(step != 1 ? ", step: \(step)" : ""))"
    }
}

/// One of a list of choices, as `optuna.distributions.CategoricalDistribution`.
public struct CategoricalDistribution: Hashable, Sendable, CustomStringConvertible {
    public let choices: [ParameterValue]

    public init(_ choices: [ParameterValue]) throws {
        guard !choices.isEmpty else { throw StudyError.invalidSpace("a categorical parameter needs at least one choice") }
        self.choices = choices
    }

    public var description: String { "CategoricalDistribution(\(choices))" }
}
