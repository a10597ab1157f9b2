import Foundation
import Testing
@testable import Plotting

@Suite("Nice ticks and compact labels")
struct TicksTests {
    @Test("0...1 gets steps of 0.2 with one decimal")
    func unitInterval() {
        let ticks = Ticks.linear(lower: 0, upper: 1, maximumCount: 8)
        #expect(ticks.values.count == 6)
        for (value, expected) in zip(ticks.values, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) { #expect(abs(value - expected) < 1e-12) }
        #expect(ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test("0.1 + 0.2 prints as 0.3, never 0.30000000000000004")
    func noFloatingNoise() {
        let ticks = Ticks.linear(lower: 0.1, upper: 0.3, maximumCount: 3)
        #expect(ticks.labels == ["0.1", "0.2", "0.3"])
        #expect(ticks.labels.allSatisfy { $0.count <= 4 })
    }

    @Test("steps are 1, 2, 2.5 or 5 times a power of ten, and ticks stay inside the range")
    func stepsAreNice() {
        let ranges: [(Double, Double)] = [(0, 7), (-3.2, 41.7), (0.001, 0.0093), (12, 13), (-1e6, 3e6), (0, 97)]
        for (low, high) in ranges {
            let ticks = Ticks.linear(lower: low, upper: high, maximumCount: 7)
            #expect(ticks.values.count >= 2 && ticks.values.count <= 7, "\(low)...\(high): \(ticks.values)")
            #expect(ticks.values.allSatisfy { $0 >= low - 1e-12 && $0 <= high + 1e-12 })
            let step = ticks.values[1] - ticks.values[0]
            let mantissa = step / pow(10, floor(log10(step)))
            #expect([1, 2, 2.5, 5].contains { abs($0 - mantissa) < 1e-6 }, "step \(step) for \(low)...\(high)")
        }
    }

    @Test("large and tiny magnitudes use compact scientific labels")
    func scientific() {
        let large = Ticks.linear(lower: 0, upper: 1.2e7, maximumCount: 7)
        #expect(large.labels == ["0", "2e6", "4e6", "6e6", "8e6", "1e7", "1.2e7"])
        let tiny = Ticks.linear(lower: 0, upper: 4e-4, maximumCount: 5)
        #expect(tiny.labels == ["0", "1e\u{2212}4", "2e\u{2212}4", "3e\u{2212}4", "4e\u{2212}4"])
    }

    @Test("whole-number data gets whole-number ticks")
    func integersOnly() {
        #expect(Ticks.linear(lower: 0.95, upper: 2.05, maximumCount: 8).labels.contains("1.2"))
        let epochs = Ticks.linear(lower: 0.95, upper: 2.05, maximumCount: 8, integersOnly: true)
        #expect(epochs.values == [1, 2])
        #expect(epochs.labels == ["1", "2"])
        let long = Ticks.linear(lower: 0, upper: 30, maximumCount: 7, integersOnly: true)
        #expect(long.values == [0, 5, 10, 15, 20, 25, 30])
    }

    @Test("negative labels use the minus sign U+2212")
    func minusSign() {
        let ticks = Ticks.linear(lower: -2, upper: 2, maximumCount: 5)
        #expect(ticks.labels == ["\u{2212}2", "\u{2212}1", "0", "1", "2"])
    }

    @Test("log ticks sit on powers of ten with minor ticks between")
    func logarithmic() {
        let ticks = Ticks.logarithmic(lower: 1, upper: 1000)
        #expect(ticks.values == [1, 10, 100, 1000])
        #expect(ticks.labels == ["1", "10", "100", "1000"])
        #expect(ticks.minorValues.contains(20) && ticks.minorValues.contains(900))
        let wide = Ticks.logarithmic(lower: 1e-6, upper: 1)
        #expect(wide.labels.first == "1e\u{2212}6")
        #expect(wide.labels.last == "1")
        // Forty decades: labels every few decades, and only the skipped decades as minor ticks.
        let huge = Ticks.logarithmic(lower: 1, upper: 1e40, maximumCount: 8)
        #expect(huge.values.count <= 9 && huge.minorValues.count < 41)
        #expect(huge.minorValues.allSatisfy { value in [1.0, 10].contains(value / pow(10, floor(log10(value) + 1e-9))) })
        let narrow = Ticks.logarithmic(lower: 15, upper: 80)
        #expect(narrow.values == [20, 50])
    }
}




