import Foundation
import Studies

/// How Optuna stores floats that SQL cannot hold: `(value, value_type)` pairs, the value `NULL`
/// for ±inf (and NaN intermediate values), as `TrialValueModel.value_to_stored_repr` and
/// `TrialIntermediateValueModel.intermediate_value_to_stored_repr` do. Types are the enum names
/// (`FINITE`, `INF_POS`, `INF_NEG`, `NAN`): SQLAlchemy's `Enum` stores names, on SQLite as text.
public enum StoredValue {
    /// An objective value; NaN is refused (Optuna fails such a trial before storing it).
    public static func objective(_ value: Double) throws -> (value: Double?, type: String) {
        if value.isNaN { throw StudyError.invalidValue("an objective value cannot be NaN") }
        if value == .infinity { return (nil, "INF_POS") }
        if value == -.infinity { return (nil, "INF_NEG") }
        return (value, "FINITE")
    }

    /// A reported intermediate value; NaN is kept (type `NAN`).
    public static func intermediate(_ value: Double) -> (value: Double?, type: String) {
        if value.isNaN { return (nil, "NAN") }
        if value == .infinity { return (nil, "INF_POS") }
        if value == -.infinity { return (nil, "INF_NEG") }
        return (value, "FINITE")
    }

    /// The float a stored pair stands for; `location` names the row for the error.
    public static func decode(_ value: Double?, type: String, location: @autoclosure () -> String) throws -> Double {
        switch type {
        case "FINITE":
            guard let value else { throw StudyError.storage("\(location()): FINITE value is NULL") }
            return value
        case "INF_POS": return .infinity
        case "INF_NEG": return -.infinity
        case "NAN": return .nan
        default: throw StudyError.storage("\(location()): unknown value type \(type)")
        }
    }
}

/// Optuna's `check_distribution_compatibility`: a parameter name keeps its kind of distribution
/// across a study, a float or int its log scale, and a categorical its choices.
public func distributionsAreCompatible(_ a: Distribution, _ b: Distribution) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x.log == y.log
    case (.float(let x), .float(let y)): return x.log == y.log
    case (.categorical(let x), .categorical(let y)): return x.choices == y.choices
    default: return false
    }
}
