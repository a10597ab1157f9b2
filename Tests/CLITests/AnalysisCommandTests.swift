import Foundation
import TestSupport
import Testing

/// End-to-end runs of `atelier cluster`, `atelier pca` and `atelier tsne` on small CSV files.
@Suite("Analysis commands")
struct AnalysisCommandTests {
    /// The `atelier` executable built next to the test bundle.
    static var executable: String {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("atelier").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return TestSupport.repositoryRoot.appendingPathComponent(".build/debug/atelier").path
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, out: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), error = Pipe()
        process.standardOutput = out
        process.standardError = error
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    /// 90 points in three blobs 10 apart; `label` is the blob, `shifted` a relabelled copy.
    static func blobs() throws -> (directory: URL, path: String) {
        var text = "a,b,c,label,shifted\n"
        var state: UInt64 = 12345
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        for i in 0..<90 {
            let c = i % 3
            text += "\(Double(c) * 10 + noise()),\(noise()),\(Double(c) * 5 + noise()),\(c),\((c + 1) % 3)\n"
        }
        let directory = TestSupport.temporaryDirectory("atelier-analysis-cli")
        return (directory, try TestSupport.writeFile(text, named: "blobs.csv", in: directory))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func clusterFindsTheBlobsAndWritesAssignments() throws {
        let (directory, path) = try AnalysisCommandTests.blobs()
        let out = directory.appendingPathComponent("assignments.csv").path
        let result = try AnalysisCommandTests.run(["cluster", "--input", path, "--label-column", "label",
                                                   "--exclude-columns", "shifted", "--k", "3", "--n-init", "2",
                                                   "--out", out, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let report = try AnalysisCommandTests.json(result.out)
        #expect(report["adjustedRandIndex"] as? Double == 1)
        #expect(report["features"] as? Int == 3)
        #expect((report["silhouette"] as? Double ?? 0) > 0.8)
        #expect(((report["purity"] as? [String: Any])?["overall"] as? Double) == 1)
        let written = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(written.first == "cluster,label")
        #expect(written.count == 91)
    }

    @Test func clusterScoresAnExistingAssignment() throws {
        let (_, path) = try AnalysisCommandTests.blobs()
        let result = try AnalysisCommandTests.run(["cluster", "--input", path, "--assignment-column", "shifted",
                                                   "--label-column", "label", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let report = try AnalysisCommandTests.json(result.out)
        #expect(report["inertia"] == nil)
        #expect(report["adjustedRandIndex"] as? Double == 1)
        #expect(report["clusters"] as? Int == 3)
    }

    @Test func clusterReportsBadInputClearly() throws {
        let (_, path) = try AnalysisCommandTests.blobs()
        let tooMany = try AnalysisCommandTests.run(["cluster", "--input", path, "--k", "500"])
        #expect(tooMany.status == 1)
        #expect(tooMany.error.contains("--k 500 is more than the 90 samples of \(path)"))
        let noInput = try AnalysisCommandTests.run(["cluster", "--k", "3"])
        #expect(noInput.status == 64)
        let missingColumn = try AnalysisCommandTests.run(["cluster", "--input", path, "--label-column", "nope"])
        #expect(missingColumn.status == 1)
        #expect(missingColumn.error.contains("\(path): no column named 'nope' (--label-column)"))
    }

    @Test func pcaWritesCoordinates() throws {
        let (directory, path) = try AnalysisCommandTests.blobs()
        let out = directory.appendingPathComponent("pca.csv").path
        let result = try AnalysisCommandTests.run(["pca", "--input", path, "--label-column", "label", "--features", "a,b,c",
                                                   "--components", "2", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let report = try AnalysisCommandTests.json(result.out)
        let ratios = try #require(report["explainedVarianceRatio"] as? [Double])
        #expect(ratios.count == 2 && ratios[0] > 0.9)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "pc1,pc2,label" && lines.count == 91)
    }

    @Test func tsneEmbedsAndReportsAccuracy() throws {
        let (directory, path) = try AnalysisCommandTests.blobs()
        let out = directory.appendingPathComponent("tsne.csv").path
        let result = try AnalysisCommandTests.run(["tsne", "--input", path, "--label-column", "label", "--exclude-columns", "shifted",
                                                   "--perplexity", "10", "--iterations", "500", "--out", out,
                                                   "--plot", directory.appendingPathComponent("tsne.png").path, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let report = try AnalysisCommandTests.json(result.out)
        #expect((report["neighborAccuracy"] as? Double ?? 0) > 0.95)
        #expect(report["method"] as? String == "exact")
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("x,y,label\n"))
        let png = try Data(contentsOf: directory.appendingPathComponent("tsne.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)
        let bad = try AnalysisCommandTests.run(["tsne", "--input", path, "--perplexity", "90"])
        #expect(bad.status == 1 && bad.error.contains("perplexity"))
        let usage = try AnalysisCommandTests.run(["tsne", "--input", path, "--method", "magic"])
        #expect(usage.status == 64)
    }
}
