import Foundation

/// A study's trials as a table: what `atelier study export --csv` writes, the CSV trace seed 002
/// kept by hand (one row per trial: number, state, value, times, last step, then each parameter).
///
/// Column names follow the project's lowerCamelCase rule; parameter columns keep the user's names
/// (prefixed with `param:` only when a name would clash with a fixed column). Parameters are
/// written as the objective saw them; an absent parameter (dependent spaces) is an empty cell.
public enum TrialTable {
    public static let fixedColumns = ["number", "state", "value", "start", "complete", "durationSeconds", "lastStep"]

    public static func csv(_ trials: [FrozenTrial]) -> String {
        let names = Set(trials.flatMap(\.params.keys)).sorted()
        let header = fixedColumns + names.map { fixedColumns.contains($0) ? "param:\($0)" : $0 }
        var lines = [header.map(escape).joined(separator: ",")]
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for trial in trials.sorted(by: { $0.number < $1.number }) {
            let external = trial.externalParams
            let value: String = trial.value.map(number) ?? ""
            let start: String = trial.start.map { formatter.string(from: $0) } ?? ""
            let complete: String = trial.complete.map { formatter.string(from: $0) } ?? ""
            let duration: String = trial.duration.map { String(format: "%.3f", $0) } ?? ""
            let lastStep: String = trial.lastStep.map { String($0) } ?? ""
            var row: [String] = ["\(trial.number)", trial.state.rawValue, value, start, complete, duration, lastStep]
            row += names.map { name in
                switch external[name] {
                case nil, .null?: return ""
                case .double(let x)?: return number(x)
                case let value?: return escape(value.description)
                }
            }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ x: Double) -> String {
        x.isFinite ? "\(x)" : (x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf"))
    }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
