import Foundation
import Testing
import TestSupport
@testable import Datasets

@Suite("CSV")
struct CSVTests {
    let directory = TestSupport.temporaryDirectory("atelier-csv")

    @Test("the fraud schema: quoted names, selection by name, label column, CRLF and a final newline")
    func fraudSchema() throws {
        let names = ["Time"] + (1...28).map { "V\($0)" } + ["Amount", "Class"]
        var text = names.map { "\"\($0)\"" }.joined(separator: ",") + "\r\n"
        text += "0," + (1...28).map { "\(Double($0) / 10)" }.joined(separator: ",") + ",149.62,\"0\"\r\n"
        text += "1," + (1...28).map { "-\($0)e-2" }.joined(separator: ",") + ",2.69,\"1\"\r\n"
        let path = try TestSupport.writeFile(text, named: "fraud.csv", in: directory)
        let table = try CSV.readNumeric(path)
        #expect(table.columnNames == names)
        #expect(table.values.shape == [2, 31])
        #expect(try table.column("Class") == [0, 1])
        #expect(try table.column("Amount") == [149.62, 2.69])
        #expect(try table.column("V3") == [0.3, -0.03])
        let selected = try table.selecting(["Amount", "Time"])
        #expect(selected.values.elements == [149.62, 0, 2.69, 1])
        #expect(try table.excluding(["Class", "Time"]).columnCount == 29)
        #expect(throws: DatasetError.self) { try table.column("V29") }
    }

    @Test("write then read gives the same table")
    func roundTrip() throws {
        let table = NumericTable(columnNames: ["a", "b,c"], values: .init(shape: [2, 2], elements: [1, 0.1, -3.25e-7, 1e20]))
        let path = directory.appendingPathComponent("t.csv").path
        try CSV.write(table, to: path)
        #expect(try CSV.readNumeric(path) == table)
    }

    @Test("a large file is parsed in chunks and reports errors with the right line number")
    func chunkedLineNumbers() throws {
        var text = "x,y\n"
        for i in 0..<120_000 { text += "\(i),\(i % 7)\n" }
        text += "5,oops\n"
        let path = try TestSupport.writeFile(text, named: "big.csv", in: directory)
        #expect(throws: DatasetError.malformed(path: path, line: 120_002, column: 2, reason: "'oops' in column 'y' is not a number")) {
            try CSV.readNumeric(path)
        }
    }
}
