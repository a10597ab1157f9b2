import Foundation

/// Optuna's distribution JSON, both ways: what `optuna.distributions.distribution_to_json`
/// writes into `trial_params.distribution_json` and what the space files hold.
///
/// Written byte-for-byte as Python's `json.dumps` would (attribute order, `": "` and `", "`
/// separators, `repr` of floats), so a row Atelier writes cannot be told from Optuna's.
/// Read leniently: any key order, integers for floats, and the pre-3.0 names
/// (`UniformDistribution`, `LogUniformDistribution`, `DiscreteUniformDistribution`,
/// `IntUniformDistribution`, `IntLogUniformDistribution`) that old databases still hold.
extension Distribution {
    /// `{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}`
    public var optunaJSON: String {
        switch self {
        case .float(let d):
            let step = d.step.map(Self.pythonFloat) ?? "null"
            return #"{"name": "FloatDistribution", "attributes": {"step": \#(step), "low": \#(Self.pythonFloat(d.low)), "high": \#(Self.pythonFloat(d.high)), "log": \#(d.log)}}"#
        case .int(let d):
            return #"{"name": "IntDistribution", "attributes": {"log": \#(d.log), "step": \#(d.step), "low": \#(d.low), "high": \#(d.high)}}"#
        case .categorical(let d):
            let choices = d.choices.map(Self.pythonJSON).joined(separator: ", ")
            return #"{"name": "CategoricalDistribution", "attributes": {"choices": [\#(choices)]}}"#
        }
    }

    /// Parses Optuna's distribution JSON text.
    public init(optunaJSON text: String) throws {
        do {
            self = try JSONDecoder().decode(Distribution.self, from: Data(text.utf8))
        } catch let error as StudyError {
            throw error
        } catch {
            throw StudyError.invalidSpace("distribution is not valid JSON: \(text.prefix(120))")
        }
    }

    static func optunaName(_ name: String, attributes a: [String: AttributeValue], choices: [ParameterValue]?) throws -> Distribution {
        func number(_ key: String) throws -> Double {
            guard case .number(let x)? = a[key] else { throw StudyError.invalidSpace("\(name) needs a number \"\(key)\"") }
            return x
        }
        func optionalNumber(_ key: String) throws -> Double? {
            if a[key] == nil || a[key] == .null { return nil }
            return try number(key)
        }
        func flag(_ key: String) throws -> Bool {
            switch a[key] {
            case nil, .null?: return false
            case .bool(let b)?: return b
            default: throw StudyError.invalidSpace("\(name): \"\(key)\" must be true or false")
            }
        }
        func integer(_ key: String, default value: Int? = nil) throws -> Int {
            if let value, a[key] == nil || a[key] == .null { return value }
            let x = try number(key)
            guard x.rounded() == x, abs(x) < 9e15 else { throw StudyError.invalidSpace("\(name): \"\(key)\" must be an integer, got \(x)") }
            return Int(x)
        }
        switch name {
        case "FloatDistribution":
            return .float(try FloatDistribution(low: number("low"), high: number("high"), log: flag("log"), step: optionalNumber("step")))
        case "UniformDistribution":
            return .float(try FloatDistribution(low: number("low"), high: number("high")))
        case "LogUniformDistribution":
            return .float(try FloatDistribution(low: number("low"), high: number("high"), log: true))
        case "DiscreteUniformDistribution":
            return .float(try FloatDistribution(low: number("low"), high: number("high"), step: number("q")))
        case "IntDistribution":
            return .int(try IntDistribution(low: integer("low"), high: integer("high"), log: flag("log"), step: integer("step", default: 1)))
        case "IntUniformDistribution":
            return .int(try IntDistribution(low: integer("low"), high: integer("high"), step: integer("step", default: 1)))
        case "IntLogUniformDistribution":
            return .int(try IntDistribution(low: integer("low"), high: integer("high"), log: true))
        case "CategoricalDistribution":
            guard let choices else { throw StudyError.invalidSpace("CategoricalDistribution needs a \"choices\" array") }
            return .categorical(try CategoricalDistribution(choices))
        default:
            throw StudyError.invalidSpace("unknown distribution \"\(name)\" (expected FloatDistribution, IntDistribution or CategoricalDistribution)")
        }
    }

    /// Python's `repr(float)`: shortest round-trip digits, exponent below 1e-4 and from 1e16.
    static func pythonFloat(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        let magnitude = abs(x)
        if magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e16) {
            // Swift writes "1e-05" like Python; make sure the exponent keeps two digits and a sign.
            var text = "\(x)"
            if !text.contains("e") { text = String(format: "%.17g", x) }
            let parts = text.split(separator: "e")
            guard parts.count == 2 else { return text }
            var mantissa = String(parts[0])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            var exponent = String(parts[1])
            var sign = "+"
            if exponent.hasPrefix("-") { sign = "-"; exponent.removeFirst() } else if exponent.hasPrefix("+") { exponent.removeFirst() }
            if exponent.count < 2 { exponent = "0" + exponent }
            return "\(mantissa)e\(sign)\(exponent)"
        }
        var text = "\(x)"
        if text.contains("e") { text = String(format: "%.1f", x) }  // 1e15 region Swift may write with an exponent
        return text
    }

    /// `json.dumps` of one choice (ASCII only, as Python's default `ensure_ascii`).
    static func pythonJSON(_ value: ParameterValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return "\(i)"
        case .double(let d): return pythonFloat(d)
        case .string(let s):
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 || scalar.value > 0x7E {
                        if scalar.value > 0xFFFF {
                            let v = scalar.value - 0x10000
                            out += String(format: "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
                        } else {
                            out += String(format: "\\u%04x", scalar.value)
                        }
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
    }
}

/// Distributions decode from and encode to Optuna's JSON form, so a space file is simply a
/// `[String: Distribution]`.
extension Distribution: Codable {
    private enum Keys: String, CodingKey { case name, attributes }
    private struct Choices: Decodable { let choices: [ParameterValue]? }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let name = try container.decode(String.self, forKey: .name)
        let attributes = try container.decode([String: AttributeValue].self, forKey: .attributes)
        let choices = name == "CategoricalDistribution" ? try container.decode(Choices.self, forKey: .attributes).choices : nil
        self = try Distribution.optunaName(name, attributes: attributes, choices: choices)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(optunaName, forKey: .name)
        switch self {
        case .float(let d):
            var a: [String: AttributeValue] = ["low": .number(d.low), "high": .number(d.high), "log": .bool(d.log)]
            a["step"] = d.step.map(AttributeValue.number) ?? .null
            try container.encode(a, forKey: .attributes)
        case .int(let d):
            let a: [String: AttributeValue] = ["low": .number(Double(d.low)), "high": .number(Double(d.high)),
                                               "step": .number(Double(d.step)), "log": .bool(d.log)]
            try container.encode(a, forKey: .attributes)
        case .categorical(let d):
            try container.encode(["choices": d.choices], forKey: .attributes)
        }
    }
}
