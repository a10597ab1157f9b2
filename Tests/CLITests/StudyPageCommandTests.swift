import Foundation
import TestSupport
import Testing

/// `atelier study page` end to end on SQLite studies, from a folder outside the repository.
@Suite("atelier study page", .enabled(if: AtelierBinary.exists, "build the atelier executable first (swift build)"))
struct StudyPageCommandTests {
    let folder = TestSupport.temporaryDirectory("atelier-study-page")

    func atelier(_ arguments: [String]) throws -> AtelierBinary.Result {
        try AtelierBinary.run(arguments, in: folder)
    }

    func object(_ result: AtelierBinary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                     "not JSON: \(result.standardOutput) \(result.standardError)")
    }

    @Test func pageOfAnAskAndTellStudy() throws {
        try TestSupport.writeFile(#"{"lr": {"type": "float", "low": 1e-4, "high": 1, "log": true}, "kind": ["a", "b"]}"#,
                                  named: "space.json", in: folder)
        #expect(try atelier(["study", "create", "--study", "small", "--space", "space.json", "--sampler", "random", "--direction", "maximize"]).status == 0)
        for value in [0.5, 0.75, 0.25] {
            let number = try #require(try object(try atelier(["study", "ask", "--study", "small", "--json"]))["number"] as? Int)
            #expect(try atelier(["study", "tell", "--study", "small", "--trial", "\(number)", "--value", "\(value)"]).status == 0)
        }
        let result = try atelier(["study", "page", "--study", "small", "--out", "runs/small-page", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try object(result)
        #expect(report["study"] as? String == "small" && report["trials"] as? Int == 3)
        #expect(report["files"] as? [String] == ["runs/small-page/index.html"])
        let html = try String(contentsOf: folder.appendingPathComponent("runs/small-page/index.html"), encoding: .utf8)
        #expect(html.contains("<h1>small</h1>") && html.contains("best value <strong>0.75</strong> (trial 1)"))
        #expect(html.contains(#"<strong>3</strong> of 3 trials"#) && html.contains(#""log":true"#))
        #expect(!html.contains(#"<pre id="retrain-command">"#), "a study driven by ask and tell has no retrain command")

        let text = try atelier(["study", "page", "--study", "small", "--out", "runs/small-page"])
        #expect(text.status == 0 && text.standardOutput == "wrote the page of study small (3 trials) to runs/small-page/index.html\n")
    }

    @Test func pageOfABuiltInObjectiveShowsTheRetrainCommand() throws {
        let mnist = TestSupport.repositoryRoot.appendingPathComponent("datasets/mnist").path
        let run = try atelier(["study", "run", "--study", "tiny", "--model", "shallow", "--data-dir", mnist, "--limit", "200",
                               "--epochs", "1", "--trials", "2", "--sampler", "random"])
        try #require(run.status == 0, "\(run.standardError)")
        let best = try object(try atelier(["study", "best", "--study", "tiny", "--json"]))
        let command = try #require(best["command"] as? String)
        #expect(command.hasPrefix("atelier train --model shallow --dataset mnist") && command.hasSuffix("--out runs/tiny-best"))
        #expect(try atelier(["study", "page", "--study", "tiny", "--out", "page"]).status == 0)
        let html = try String(contentsOf: folder.appendingPathComponent("page/index.html"), encoding: .utf8)
        #expect(html.contains(#"<pre id="retrain-command">\#(command)</pre>"#), "the page shows what study best prints")
    }

    @Test func emptyStudiesMissingStudiesAndBadFolders() throws {
        try TestSupport.writeFile(#"{"x": {"type": "float", "low": 0, "high": 1}}"#, named: "space.json", in: folder)
        #expect(try atelier(["study", "create", "--study", "fresh", "--space", "space.json"]).status == 0)
        let empty = try atelier(["study", "page", "--study", "fresh", "--out", "fresh", "--json"])
        #expect(empty.status == 0, "\(empty.standardError)")
        #expect(try object(empty)["trials"] as? Int == 0)
        #expect(empty.standardError.contains("no trials yet"), "\(empty.standardError)")
        let html = try String(contentsOf: folder.appendingPathComponent("fresh/index.html"), encoding: .utf8)
        #expect(html.contains("No trials yet"))

        let missing = try atelier(["study", "page", "--study", "nobody", "--out", "nobody"])
        #expect(missing.status == 1 && missing.standardError.contains("nobody"), "\(missing.standardError)")
        try TestSupport.writeFile("x", named: "a-file", in: folder)
        let blocked = try atelier(["study", "page", "--study", "fresh", "--out", "a-file"])
        #expect(blocked.status == 1 && blocked.standardError.contains("--out a-file"), "\(blocked.standardError)")
        let noOut = try atelier(["study", "page", "--study", "fresh"])
        #expect(noOut.status == 64 && noOut.standardError.contains("--out"), "\(noOut.standardError)")
    }
}
