import Foundation
import Studies

/// The trial data a study page embeds as JSON and its script draws from.
///
/// One entry per parameter (an axis of the parallel coordinates, a column of the table) and one
/// per trial, whose `params` line up with `parameters`. Trials of one study may disagree on a
/// parameter's distribution (a search space that changed, a study Optuna wrote with dynamic
/// spaces), so each parameter is merged over every trial: numeric bounds widen to cover them
/// all, categorical choices are the union in order of first appearance. A categorical value is
/// therefore written as its index in the *merged* `choices`, not the trial's own internal index.
struct PageData: Encodable {
    struct Parameter: Encodable, Equatable {
        /// `float`, `int` or `categorical`.
        var kind: String
        var name: String
        /// A log axis: every trial's distribution of this parameter is on a log scale.
        var log: Bool
        /// Bounds of a numeric parameter over every distribution and value seen.
        var low: Double?
        var high: Double?
        /// The choices of a categorical parameter, as JSON values (`"adam"`, `64`, `true`, `null`).
        var choices: [ParameterValue]?
    }

    struct Trial: Encodable {
        var number: Int
        var state: String
        /// The objective, `null` when the trial has none or it is not finite.
        var value: Double?
        /// One entry per parameter: the number, the index in `choices`, or `null` when the trial
        /// did not suggest that parameter.
        var params: [Double?]
        var durationSeconds: Double?

        enum CodingKeys: String, CodingKey { case number, state, value, params, durationSeconds }

        /// Written by hand so that a missing value is an explicit `null`, as everywhere in Atelier's JSON.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(number, forKey: .number)
            try container.encode(state, forKey: .state)
            try container.encode(value, forKey: .value)
            try container.encode(params, forKey: .params)
            try container.encode(durationSeconds, forKey: .durationSeconds)
        }
    }

    var study: String
    /// `minimize` or `maximize`.
    var direction: String
    var parameters: [Parameter]
    var trials: [Trial]
    /// The best trial's number, when a trial completed.
    var bestTrial: Int?

    init(_ snapshot: StudySnapshot) {
        study = snapshot.name
        direction = snapshot.direction.rawValue.lowercased()
        parameters = snapshot.parameterNames.map { Self.parameter($0, over: snapshot.trials) }
        bestTrial = snapshot.best?.number
        let parameters = self.parameters
        trials = snapshot.trials.map { trial in
            let external = trial.externalParams
            return Trial(number: trial.number, state: trial.state.rawValue,
                         value: trial.value.flatMap { $0.isFinite ? $0 : nil },
                         params: parameters.map { parameter in external[parameter.name].flatMap { Self.position(of: $0, on: parameter) } },
                         durationSeconds: trial.duration.flatMap { $0.isFinite ? $0 : nil })
        }
    }

    /// The merged description of parameter `name` over the trials that suggested it.
    static func parameter(_ name: String, over trials: [FrozenTrial]) -> Parameter {
        var distributions: [Distribution] = []
        var values: [ParameterValue] = []
        for trial in trials {
            guard let distribution = trial.distributions[name], let value = trial.params[name] else { continue }
            if !distributions.contains(distribution) { distributions.append(distribution) }
            values.append(distribution.toExternal(value))
        }
        var numeric: [(low: Double, high: Double, log: Bool, isInt: Bool)] = []
        var choices: [ParameterValue] = []
        for distribution in distributions {
            switch distribution {
            case .float(let d): numeric.append((d.low, d.high, d.log, false))
            case .int(let d): numeric.append((Double(d.low), Double(d.high), d.log, true))
            case .categorical(let d): choices.append(contentsOf: d.choices.filter { !choices.contains($0) })
            }
        }
        if choices.isEmpty {
            let seen = values.compactMap(\.doubleValue)
            return Parameter(kind: numeric.allSatisfy(\.isInt) ? "int" : "float", name: name,
                             log: !numeric.isEmpty && numeric.allSatisfy(\.log),
                             low: (numeric.map(\.low) + seen).min(), high: (numeric.map(\.high) + seen).max(), choices: nil)
        }
        // A parameter categorical in some trials and numeric in others is shown as categorical:
        // its values are then the union of the choices and the numbers seen.
        for value in values where !choices.contains(value) { choices.append(value) }
        return Parameter(kind: "categorical", name: name, log: false, low: nil, high: nil, choices: choices)
    }

    /// Where `value` sits on `parameter`'s axis: the number itself, or the choice's index.
    static func position(of value: ParameterValue, on parameter: Parameter) -> Double? {
        if let choices = parameter.choices {
            return choices.firstIndex(of: value).map(Double.init)
        }
        return value.doubleValue
    }

    /// The data as JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&`
    /// only ever occur inside JSON strings, where `\u003c`, `\u003e` and `\u0026` mean the same
    /// characters to `JSON.parse`, so no name can close the script element (`</script>`) or open
    /// a comment (`<!--`) that would change how the HTML parser reads the rest of the page.
    func scriptJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(self), as: UTF8.self)
        return text.replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }
}
