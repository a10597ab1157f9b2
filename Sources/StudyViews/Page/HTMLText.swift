/// Escaping for text that the page's HTML is built from in Swift (names come from users and from
/// studies that other programs wrote, so any of them may hold markup).
enum HTMLText {
    /// `text` safe as element content and as a quoted attribute value.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A number as people read it: up to 6 significant digits, exponent form for very small or
    /// large magnitudes (the script formats the same way, so the page reads consistently).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e6 {
            return trimmed(String(format: "%.6g", value))
        }
        let text = String(format: "%.4e", value)
        guard let split = text.firstIndex(of: "e") else { return text }
        let exponent = Int(text[text.index(after: split)...]) ?? 0
        return trimmed(String(text[..<split])) + "e\(exponent)"
    }

    /// Seconds to the hundredth, or two significant digits below that (as the script's `formatSeconds`).
    static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if abs(value) >= 0.01 { return number((value * 100).rounded() / 100) }
        return number(Double(String(format: "%.1e", value)) ?? value)
    }

    /// Drops trailing zeros of a decimal fraction ("1.2500" → "1.25", "3.000" → "3").
    private static func trimmed(_ text: String) -> String {
        guard text.contains("."), !text.contains("e") else { return text }
        var result = Substring(text)
        while result.hasSuffix("0") { result = result.dropLast() }
        if result.hasSuffix(".") { result = result.dropLast() }
        return String(result)
    }
}
