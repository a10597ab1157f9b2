import Foundation
import Testing
import TestSupport
import TensorCore
@testable import Datasets

/// The one-pass CSV cell parser: every value is the correctly rounded Float (checked against
/// Swift's `Float(String)`), special words, quotes, spaces and line ends.
@Suite struct CSVParsingTests {
    @Test func randomDecimalsRoundCorrectly() throws {
        var generator = RandomGenerator(seed: 42)
        var texts: [String] = []
        for i in 0..<6000 {
            let magnitude = Foundation.pow(10, Double(generator.integer(below: 12)) - 6)
            let value = (generator.uniformDouble() - 0.5) * magnitude
            switch i % 4 {
            case 0: texts.append(String(format: "%.17g", value))          // 17 digits, like the Kaggle file
            case 1: texts.append(String(format: "%.6f", value))
            case 2: texts.append(String(format: "%.9e", value))
            default: texts.append("\(Float(value))")                        // shortest round-trip Float text
            }
        }
        // Float midpoints written out exactly: ties must go to even, like strtof.
        let one: Float = 1
        texts.append(String(format: "%.30f", Double(one) + Double(one.ulp) / 2))
        texts.append(String(format: "%.30f", Double(one) + 3 * Double(one.ulp) / 2))
        texts.append("1234567890123456789012e-1000")     // many digits with a cancelling exponent
        texts.append("000000000000000000000000.5")
        texts.append("1.0000000596046447753906250001")   // just above the midpoint: rounds up
        texts.append("1.0000000596046447753906249999")   // just below: rounds down
        texts.append("0.99999997019767761230468750")     // midpoint below 1 (half the gap): ties to even
        var text = "x\n"
        for t in texts { text += t + "\n" }
        let table = try CSV.parseNumeric(Data(text.utf8), path: "random.csv")
        #expect(table.rowCount == texts.count)
        for (k, t) in texts.enumerated() {
            #expect(table.values.elements[k] == Float(t)!, "\(t)")
        }
    }

    @Test func quotesSpacesSpecialsAndLineEnds() throws {
        let text = "\"a\",\"b\",c\r\n\"1\", 2.5 ,nan\r\n\r\n-0.125,\"inf\",-1E3\n+7,.5,1e-3"
        let table = try CSV.parseNumeric(Data(text.utf8), path: "mixed.csv")
        #expect(table.columnNames == ["a", "b", "c"])
        #expect(table.rowCount == 3)
        let v = table.values.elements
        #expect(v[0] == 1 && v[1] == 2.5 && v[2].isNaN)
        #expect(v[3] == -0.125 && v[4] == .infinity && v[5] == -1000)
        #expect(v[6] == 7 && v[7] == 0.5 && v[8] == 0.001)
    }

    @Test func badCellsNameLineAndColumn() {
        let cases: [(String, Int, Int?, String)] = [
            ("a,b\n1,2\n3,1.5e\n", 3, 2, "'1.5e' in column 'b' is not a number"),
            ("a,b\n1,2\n1 2,3\n", 3, 1, "'1 2' in column 'a' is not a number"),
            ("a,b\n1,2\n\n1,2,3\n", 4, nil, "expected 2 cells (as in the header), found 3"),
            ("a,b\n1\n", 2, nil, "expected 2 cells (as in the header), found 1"),
        ]
        for (text, line, column, reason) in cases {
            #expect(throws: DatasetError.malformed(path: "bad.csv", line: line, column: column, reason: reason)) {
                try CSV.parseNumeric(Data(text.utf8), path: "bad.csv")
            }
        }
    }
}
