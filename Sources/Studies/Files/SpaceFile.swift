import Foundation

/// A search space written as a JSON file: what `atelier study create --space FILE` reads.
///
/// Two forms are accepted, and may be mixed in one file:
/// - Optuna's own: each parameter maps to what `optuna.distributions.distribution_to_json`
///   writes, `{"lr": {"name": "FloatDistribution", "attributes": {"low": 1e-05, "high": 0.1,
///   "log": true, "step": null}}}`, so a space can be pasted from Python;
/// - a shorter one: `{"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true},
///   "units": {"type": "int", "low": 16, "high": 512, "step": 16},
///   "optimizer": ["adam", "sgd"]}` (an array is a categorical parameter).
///
/// Parameters are kept in name order (JSON objects have no order that survives every parser).
public enum SpaceFile {
    /// Parses the file at `path`; errors name the file and the parameter.
    public static func read(_ path: String) throws -> [(name: String, distribution: Distribution)] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw StudyError.invalidSpace("\(path): cannot read the file (\(error.localizedDescription))")
        }
        do { return try parse(data) } catch let StudyError.invalidSpace(message) {
            throw StudyError.invalidSpace("\(path): \(message)")
        }
    }

    /// Parses space JSON text.
    public static func parse(_ data: Data) throws -> [(name: String, distribution: Distribution)] {
        let top: [String: AttributeValue]
        do {
            top = try JSONDecoder().decode([String: AttributeValue].self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw StudyError.invalidSpace("not valid JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription)); "
                + #"expected an object from parameter name to distribution, e.g. {"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}}"#)
        } catch {
            throw StudyError.invalidSpace(#"expected a JSON object from parameter name to distribution, e.g. {"lr": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}}"#)
        }
        guard !top.isEmpty else { throw StudyError.invalidSpace("the space has no parameters") }
        return try top.keys.sorted().map { name in
            do { return (name, try distribution(top[name]!)) } catch let StudyError.invalidSpace(message) {
                throw StudyError.invalidSpace("parameter \"\(name)\": \(message)")
            }
        }
    }

    /// Writes a space in Optuna's form (name order), so `create` can store it and others read it.
    public static func optunaJSON(_ space: [(name: String, distribution: Distribution)]) -> String {
        let items = space.map { "\(Distribution.pythonJSON(.string($0.name))): \($0.distribution.optunaJSON)" }
        return "{" + items.joined(separator: ", ") + "}"
    }

    static func distribution(_ value: AttributeValue) throws -> Distribution {
        switch value {
        case .array(let choices):
            return .categorical(try CategoricalDistribution(choices.map(parameterValue)))
        case .object(let object):
            if object["name"] != nil || object["attributes"] != nil {
                let text = try value.jsonText()
                return try Distribution(optunaJSON: text)
            }
            guard case .string(let type)? = object["type"] else {
                throw StudyError.invalidSpace(#"expected "type": "float", "int" or "categorical" (or Optuna's {"name": ..., "attributes": ...})"#)
            }
            let allowed: Set<String> = type == "categorical" ? ["type", "choices"] : ["type", "low", "high", "log", "step"]
            if let unknown = object.keys.first(where: { !allowed.contains($0) }) {
                throw StudyError.invalidSpace("unknown key \"\(unknown)\" for a \(type) parameter (expected \(allowed.sorted().joined(separator: ", ")))")
            }
            func number(_ key: String) throws -> Double {
                guard case .number(let x)? = object[key] else { throw StudyError.invalidSpace("\(type) needs a number \"\(key)\"") }
                return x
            }
            func integer(_ key: String) throws -> Int {
                let x = try number(key)
                guard x.rounded() == x, abs(x) < 9e15 else { throw StudyError.invalidSpace("\"\(key)\" must be an integer, got \(x)") }
                return Int(x)
            }
            var log = false
            switch object["log"] {
            case nil, .null?: break
            case .bool(let b)?: log = b
            default: throw StudyError.invalidSpace("\"log\" must be true or false")
            }
            let hasStep = object["step"] != nil && object["step"] != .null
            switch type {
            case "float":
                return .float(try FloatDistribution(low: number("low"), high: number("high"), log: log, step: hasStep ? number("step") : nil))
            case "int":
                return .int(try IntDistribution(low: integer("low"), high: integer("high"), log: log, step: hasStep ? integer("step") : 1))
            case "categorical":
                guard case .array(let choices)? = object["choices"] else { throw StudyError.invalidSpace("categorical needs a \"choices\" array") }
                return .categorical(try CategoricalDistribution(choices.map(parameterValue)))
            default:
                throw StudyError.invalidSpace("unknown type \"\(type)\" (expected float, int or categorical)")
            }
        default:
            throw StudyError.invalidSpace("expected an object describing the distribution or an array of choices")
        }
    }

    static func parameterValue(_ value: AttributeValue) throws -> ParameterValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let x): return x.rounded() == x && abs(x) < 9e15 ? .int(Int(x)) : .double(x)
        case .string(let s): return .string(s)
        default: throw StudyError.invalidSpace("a choice must be null, a boolean, a number or a string")
        }
    }
}
