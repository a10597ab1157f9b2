import Foundation

/// Short number labels for ticks, cells and titles.
enum Format {
    /// Three significant digits, no trailing zeros ("0.985", "1.2e-05", "128").
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        if value == value.rounded(), abs(value) < 1e6 { return String(Int(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e5 {
            var text = String(format: "%.3g", value)
            if text.contains("e") { text = String(format: "%.1f", value) }
            return text
        }
        return String(format: "%.2g", value).replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e")
    }
}
