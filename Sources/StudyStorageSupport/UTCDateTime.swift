import Foundation

/// Optuna 5.1's relational datetimes: naive UTC (`trials.datetime_start`, `datetime_complete`,
/// `trial_heartbeats.heartbeat`), written by SQLAlchemy as `YYYY-MM-DD HH:MM:SS.ffffff` on SQLite;
/// PostgreSQL's `timestamp without time zone` reads and prints the same text (fraction trimmed).
public enum UTCDateTime {
    /// `2026-12-06 17:10:00.123456`: microseconds always, as SQLAlchemy's SQLite `DATETIME` writes.
    public static func format(_ date: Date) -> String {
        var micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if !micros.isFinite { micros = 0 }
        let totalMicros = Int64(micros)
        var seconds = totalMicros / 1_000_000
        var fraction = totalMicros % 1_000_000
        if fraction < 0 { fraction += 1_000_000; seconds -= 1 }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        let f = String(fraction)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 6 - f.count) + f
    }

    /// Parses `YYYY-MM-DD[ T]HH:MM:SS[.f…]` as UTC; `nil` when the text is not such a datetime.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<(from + count) {
                let b = bytes[i]
                guard b >= 48 && b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == 45, let month = number(5, 2), bytes[7] == 45,
              let day = number(8, 2), bytes[10] == 32 || bytes[10] == 84, let hour = number(11, 2),
              bytes[13] == 58, let minute = number(14, 2), bytes[16] == 58, let second = number(17, 2)
        else { return nil }
        var fraction = 0.0
        if bytes.count > 19 {
            guard bytes[19] == 46 else { return nil }
            var scale = 0.1
            for b in bytes[20...] {
                guard b >= 48 && b <= 57 else { return nil }
                fraction += Double(b - 48) * scale
                scale /= 10
            }
        }
        // Days from the civil date (Howard Hinnant's algorithm): no calendar objects per row.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 + second)
        // Round to the microsecond so that format(parse(s)) == s.
        return Date(timeIntervalSince1970: ((seconds + fraction) * 1_000_000).rounded() / 1_000_000)
    }

    /// `date` rounded to the microsecond, as it comes back from the database.
    public static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
    }
}
