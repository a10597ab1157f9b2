import Foundation
import Studies
@testable import StudyViews
import TestSupport
import Testing

/// The study page's HTML read as text: the embedded data, escaping, self-containment, the empty
/// study. What the page does in a browser is StudyPageBrowserTests' part.
@Suite struct StudyPageTests {
    static let dataOpening = #"<script type="application/json" id="study-data">"#

    /// The embedded trial data, parsed back as a browser's `JSON.parse` would see it.
    static func embeddedData(_ html: String) throws -> [String: Any] {
        let start = try #require(html.range(of: dataOpening), "no data script in the page")
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let text = String(html[start.upperBound..<end.lowerBound])
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func embeddedDataRoundTripsToTheTrials() throws {
        let snapshot = try PageFixtures.seededStudy(trials: 60)
        let data = try Self.embeddedData(try StudyPage(snapshot: snapshot).html())
        #expect(data["study"] as? String == "page" && data["direction"] as? String == "maximize")
        #expect(data["bestTrial"] as? Int == snapshot.best?.number)
        let parameters = try #require(data["parameters"] as? [[String: Any]])
        #expect(parameters.compactMap { $0["name"] as? String } == ["dropout", "layers", "lr", "optimizer"])
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0["name"] as! String, $0) })
        #expect(byName["lr"]?["kind"] as? String == "float" && byName["lr"]?["log"] as? Bool == true)
        #expect(byName["lr"]?["low"] as? Double == 1e-5 && byName["lr"]?["high"] as? Double == 1e-1)
        #expect(byName["dropout"]?["kind"] as? String == "float" && byName["dropout"]?["log"] as? Bool == false)
        #expect(byName["layers"]?["kind"] as? String == "int" && byName["layers"]?["low"] as? Double == 1)
        #expect(byName["optimizer"]?["kind"] as? String == "categorical")
        #expect(byName["optimizer"]?["choices"] as? [String] == ["sgd", "adam", "rmsprop"])

        let trials = try #require(data["trials"] as? [[String: Any]])
        try #require(trials.count == snapshot.trials.count)
        let names = parameters.map { $0["name"] as! String }
        for (row, trial) in zip(trials, snapshot.trials) {
            #expect(row["number"] as? Int == trial.number && row["state"] as? String == trial.state.rawValue)
            #expect(close(row["value"] as? Double, trial.value), "trial \(trial.number)")
            #expect(trial.value != nil || row["value"] is NSNull, "a missing value is an explicit null")
            #expect((row["durationSeconds"] as? Double).map { TestSupport.isClose($0, trial.duration!) } == true)
            let params = try #require(row["params"] as? [Any])
            for (name, cell) in zip(names, params) {
                switch trial.externalParams[name] {
                case .string(let choice)?:
                    let index = try #require(cell as? Int)
                    #expect(["sgd", "adam", "rmsprop"][index] == choice)
                case let value?:
                    #expect(close(cell as? Double, value.doubleValue), "trial \(trial.number) \(name)")
                case nil:
                    #expect(cell is NSNull)
                }
            }
        }
        #expect(trials.contains { $0["state"] as? String == "PRUNED" && $0["value"] is NSNull }, "the fixture has pruned trials")

        // Exactly, through JSONDecoder (as exact as the browser's JSON.parse).
        struct Row: Decodable { var number: Int; var value: Double?; var params: [Double?] }
        struct Page: Decodable { var trials: [Row] }
        let html = try StudyPage(snapshot: snapshot).html()
        let start = try #require(html.range(of: Self.dataOpening))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let rows = try JSONDecoder().decode(Page.self, from: Data(html[start.upperBound..<end.lowerBound].utf8)).trials
        for (row, trial) in zip(rows, snapshot.trials) {
            #expect(row.value == trial.value && row.params[0] == trial.params["dropout"] && row.params[2] == trial.params["lr"])
        }
    }

    /// Equal to 1e-15 relative: swift-corelibs-foundation's JSONSerialization reads some doubles
    /// one unit in the last place off (JSONDecoder and browsers read them exactly; see above).
    func close(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= 1e-15 * max(abs(a), abs(b))
    }

    @Test func hostileNamesAreEscapedEverywhere() throws {
        let hostile = #"</script><script>alert("x")</script> 'q' & <!-- ü 🎉"#
        let study = try Study.create(name: hostile, direction: .minimize, sampler: RandomSampler(seed: 1))
        try study.setUserAttribute("note</script>", .string("<img src=x onerror=alert(1)>"))
        for _ in 0..<3 {
            let trial = try study.ask()
            _ = try trial.suggestCategorical("p</script>\"", [.string("</script>"), .string("a\"b"), .string("ü")])
            _ = try study.tell(trial, value: 1)
        }
        let page = StudyPage(snapshot: try StudySnapshot(study), retrainCommand: "atelier train --out 'runs/</script>'")
        let html = try page.html()
        // Only the page's own two script elements open and close; no name ends one early.
        #expect(html.components(separatedBy: "<script").count - 1 == 2)
        #expect(html.components(separatedBy: "</script>").count - 1 == 2)
        #expect(!html.contains("<img src=x") && !html.contains("<!-- ü"))
        #expect(html.contains("<h1>&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;q&#39; &amp; &lt;!-- ü 🎉</h1>"))
        #expect(html.contains("<title>&lt;/script&gt;"))
        #expect(html.contains("runs/&lt;/script&gt;"))
        let data = try Self.embeddedData(html)
        #expect(data["study"] as? String == hostile, "the name survives the escaping exactly")
        let parameter = try #require((data["parameters"] as? [[String: Any]])?.first)
        #expect(parameter["name"] as? String == "p</script>\"")
        #expect(parameter["choices"] as? [String] == ["</script>", "a\"b", "ü"])
    }

    @Test func pageFetchesNothing() throws {
        let svg = Data(#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#.utf8)
        let page = StudyPage(snapshot: try PageFixtures.seededStudy(trials: 20),
                             figures: [StudyPage.Figure(title: "History <1>", svg: svg)])
        let html = try page.html()
        #expect(!html.contains("http://") && !html.contains("https://"), "no URL at all, so nothing to fetch")
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        let references = html.matches(of: /(?:src|href)\s*=\s*"([^"]*)"/).map { String($0.output.1) }
        #expect(references.count == 1)
        for reference in references {
            #expect(reference.hasPrefix("data:") && !reference.hasPrefix("//"), "\(reference.prefix(60))")
        }
        let encoded = try #require(references.first?.split(separator: ",").last)
        #expect(Data(base64Encoded: String(encoded)) == svg, "the figure is inside the page, as it was given")
        #expect(html.contains("<figcaption>History &lt;1&gt;</figcaption>"))
    }

    @Test func emptyStudyGetsAPageThatSaysSo() throws {
        let snapshot = StudySnapshot(name: "fresh", direction: .minimize, trials: [])
        let folder = TestSupport.temporaryDirectory("atelier-page-empty")
        let files = try StudyPage(snapshot: snapshot).write(to: folder.appendingPathComponent("page").path)
        #expect(files == [folder.appendingPathComponent("page/index.html").path])
        let html = try String(contentsOfFile: files[0], encoding: .utf8)
        #expect(html == (try StudyPage(snapshot: snapshot).html()))
        #expect(html.contains("No trials yet") && html.contains("atelier study run"))
        #expect(!html.contains(#"id="pc""#) && !html.contains(#"id="trial-table""#), "no empty views")
        #expect((try Self.embeddedData(html)["trials"] as? [Any])?.isEmpty == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("page").path) == ["index.html"],
                "no temporary file left behind")
    }

    @Test func bestTrialAndRetrainCommandAreShown() throws {
        let snapshot = try PageFixtures.seededStudy(trials: 30)
        let best = try #require(snapshot.best)
        let html = try StudyPage(snapshot: snapshot, retrainCommand: "atelier train --model shallow --lr 0.001 --out runs/page-best").html()
        #expect(html.contains("Trial <strong>\(best.number)</strong>"))
        #expect(html.contains(#"<pre id="retrain-command">atelier train --model shallow --lr 0.001 --out runs/page-best</pre>"#))
        let optimizer = try #require(best.externalParams["optimizer"]?.stringValue)
        #expect(html.contains(#"<tr><th scope="row">optimizer</th><td>\#(optimizer)</td></tr>"#))
        #expect(!(try StudyPage(snapshot: snapshot).html()).contains(#"<pre id="retrain-command">"#), "no command without an objective")
    }

    @Test func parametersAreMergedOverChangingSpaces() throws {
        let narrow = Distribution.float(try FloatDistribution(low: 0, high: 1, log: false))
        let wide = Distribution.float(try FloatDistribution(low: 0.5, high: 2, log: false))
        let first = Distribution.categorical(try CategoricalDistribution([.string("a"), .string("b")]))
        let second = Distribution.categorical(try CategoricalDistribution([.string("b"), .string("c")]))
        let trials = [
            FrozenTrial(id: 1, number: 0, state: .complete, values: [1], params: ["x": 0.25, "k": 0], distributions: ["x": narrow, "k": first]),
            FrozenTrial(id: 2, number: 1, state: .complete, values: [.nan], params: ["x": 1.5, "k": 1], distributions: ["x": wide, "k": second]),
        ]
        let data = try Self.embeddedData(try StudyPage(snapshot: StudySnapshot(name: "m", direction: .minimize, trials: trials)).html())
        let parameters = try #require(data["parameters"] as? [[String: Any]])
        #expect(parameters[0]["name"] as? String == "k" && parameters[0]["choices"] as? [String] == ["a", "b", "c"])
        #expect(parameters[1]["low"] as? Double == 0 && parameters[1]["high"] as? Double == 2)
        let rows = try #require(data["trials"] as? [[String: Any]])
        #expect(rows[1]["params"] as? [Double] == [2, 1.5], "\"c\" is choice 2 of the merged list, not 1 of its own")
        #expect(rows[1]["value"] is NSNull, "a NaN objective is written as null")
    }
}

/// Numbers on the page: the Swift side (header, best trial) and the script (table, axes) write
/// them by the same rule, checked here on the Swift side.
@Suite struct PageNumberTests {
    @Test func numbersReadLikeTheScriptWritesThem() {
        #expect(HTMLText.number(3) == "3" && HTMLText.number(-42) == "-42")
        #expect(HTMLText.number(0.123456789) == "0.123457" && HTMLText.number(0.25) == "0.25")
        #expect(HTMLText.number(1.5e-5) == "1.5e-5" && HTMLText.number(1234567.5) == "1.2346e6")
        #expect(HTMLText.number(.nan) == "–")
        #expect(HTMLText.seconds(12.345) == "12.35" && HTMLText.seconds(0.0041) == "0.0041" && HTMLText.seconds(0) == "0")
    }
}
