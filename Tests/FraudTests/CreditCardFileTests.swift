import Datasets
import Foundation
import Fraud
import TestSupport
import Testing

/// Reading creditcard.csv: schema, Class values and NaN cells give typed errors naming the line.
@Suite struct CreditCardFileTests {
    static let header = CreditCardSchema.columnNames.map { "\"\($0)\"" }.joined(separator: ",")

    static func row(time: String = "0", v: String = "0.5", amount: String = "12.5", label: String = "\"0\"") -> String {
        ([time] + [String](repeating: v, count: 28) + [amount, label]).joined(separator: ",")
    }

    static func write(_ text: String) -> String {
        let path = TestSupport.temporaryDirectory("fraud").appendingPathComponent("creditcard.csv").path
        try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func readsTheKaggleLayout() throws {
        let path = Self.write([Self.header, Self.row(), Self.row(time: "7", v: "-1.25", amount: "0", label: "\"1\""), ""].joined(separator: "\n"))
        let data = try CreditCardData.load(path)
        #expect(data.labels == [0, 1])
        #expect(data.features.columnNames == CreditCardSchema.featureNames)
        #expect(try data.features.column("Time") == [0, 7])
        #expect(try data.features.column("V28") == [0.5, -1.25])
        #expect(!data.source.isSynthetic)
    }

    @Test func wrongSchemaNamesTheColumns() {
        let renamed = Self.header.replacingOccurrences(of: "\"V28\"", with: "\"V29\"")
        let path = Self.write([renamed, Self.row()].joined(separator: "\n"))
        #expect(throws: FraudError.wrongSchema(path: path, missing: ["V28"], unexpected: ["V29"], duplicated: [])) { try CreditCardData.load(path) }
        do { _ = try CreditCardData.load(path) } catch {
            #expect("\(error)".contains("missing column V28"))
            #expect("\(error)".contains("unexpected column V29"))
        }
    }

    @Test func missingClassColumn() {
        let header = CreditCardSchema.featureNames.map { "\"\($0)\"" }.joined(separator: ",")
        let path = Self.write([header, ([String](repeating: "1", count: 30)).joined(separator: ",")].joined(separator: "\n"))
        #expect(throws: FraudError.wrongSchema(path: path, missing: ["Class"], unexpected: [], duplicated: [])) { try CreditCardData.load(path) }
    }

    @Test func classOtherThanZeroOrOne() {
        // A blank line before the bad row: the reported line is the file line, not the row index.
        let path = Self.write([Self.header, Self.row(), "", Self.row(label: "2")].joined(separator: "\n"))
        #expect(throws: FraudError.classNotBinary(path: path, line: 4, found: "2")) { try CreditCardData.load(path) }
    }

    @Test func nanCellNamesLineAndColumn() {
        let bad = Self.row(amount: "nan")
        let path = Self.write([Self.header, Self.row(), Self.row(), bad].joined(separator: "\n"))
        #expect(throws: FraudError.missingValue(path: path, line: 4, column: "Amount")) { try CreditCardData.load(path) }
        do { _ = try CreditCardData.load(path) } catch { #expect("\(error)".contains(":4: column Amount: NaN")) }
    }

    @Test func emptyCellsAreMissingValuesAndTextCellsComeFromTheCSVReader() {
        // An empty cell reads as a missing value (as in pandas); every creditcard.csv column is used, so it is an error.
        let path = Self.write([Self.header, Self.row(v: "")].joined(separator: "\n"))
        #expect(throws: FraudError.missingValue(path: path, line: 2, column: "V1")) { try CreditCardData.load(path) }
        let text = Self.write([Self.header, Self.row(amount: "twelve")].joined(separator: "\n"))
        #expect(throws: DatasetError.self) { try CreditCardData.load(text) }
    }
}
