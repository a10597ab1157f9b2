import Foundation
import StudyViews
import TestSupport
import Testing

/// What the browser test needs from outside: a Python with selenium (`ATELIER_TEST_PYTHON`) and
/// Debian's chromium with chromium-driver beside it (`ATELIER_TEST_CHROMIUM`), both set up by
/// scripts/test-services.sh. Without them the test is skipped with a note, except under
/// `CI=true`, where a missing one fails it (the pattern of StudyStoragesTests' TestEnvironment).
enum BrowserEnvironment {
    static let variables = ProcessInfo.processInfo.environment
    static let isCI = variables["CI"] == "true"
    static let python = variables["ATELIER_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    static let chromium = variables["ATELIER_TEST_CHROMIUM"].flatMap { $0.isEmpty ? nil : $0 }
    static let runs = (python != nil && chromium != nil) || isCI

    static func require() throws -> (python: String, chromium: String, chromedriver: String) {
        let python = try #require(python, "CI=true but ATELIER_TEST_PYTHON is unset (scripts/test.sh sets it up)")
        let chromium = try #require(chromium, "CI=true but ATELIER_TEST_CHROMIUM is unset (scripts/test.sh sets it up)")
        // Debian installs chromedriver beside chromium (/usr/bin).
        let beside = URL(fileURLWithPath: chromium).deletingLastPathComponent().appendingPathComponent("chromedriver").path
        return (python, chromium, FileManager.default.isExecutableFile(atPath: beside) ? beside : "/usr/bin/chromedriver")
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/check_study_page.py").path
    }
}

/// The study page in headless Chromium, driven by Browser/check_study_page.py: no script errors,
/// nothing fetched, brushing by the page's hook and by a real mouse drag filters exactly the
/// trials inside the range, a click clears, the table sorts; a 10,000-trial page loads and
/// brushes quickly. The screenshots are kept in a temporary folder that the test prints.
@Suite("study page in a browser", .enabled(if: BrowserEnvironment.runs, "ATELIER_TEST_PYTHON or ATELIER_TEST_CHROMIUM is unset: browser test skipped"))
struct StudyPageBrowserTests {
    @Test func filteringAndSortingInChromium() throws {
        let environment = try BrowserEnvironment.require()
        let folder = TestSupport.temporaryDirectory("atelier-page-browser")
        let name = #"page "</script>" ü"#
        let snapshot = try PageFixtures.seededStudy(name: name, trials: 300)
        let page = try StudyPage(snapshot: snapshot, retrainCommand: "atelier train --model shallow --out runs/page-best")
            .write(to: folder.appendingPathComponent("page").path)[0]
        let large = try StudyPage(snapshot: try PageFixtures.largeSnapshot(trials: 10_000))
            .write(to: folder.appendingPathComponent("large").path)[0]
        let screenshots = folder.appendingPathComponent("screenshots").path

        let process = Process()
        process.executableURL = URL(fileURLWithPath: environment.python)
        process.arguments = [BrowserEnvironment.script, "--chromium", environment.chromium, "--chromedriver", environment.chromedriver,
                             "--page", page, "--drag-parameter", "dropout", "--screenshots", screenshots, "--large", large]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        nonisolated(unsafe) var errorText = Data()
        let reader = Thread { errorText = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        try #require(process.terminationStatus == 0, "the browser script failed: \(String(decoding: errorText, as: UTF8.self))")
        let report = try #require(try JSONSerialization.jsonObject(with: outputData) as? [String: Any],
                                  "not JSON: \(String(decoding: outputData, as: UTF8.self))")
        print("note: study page screenshots in \(screenshots)")
        try #require(report["failure"] == nil, "\(report["failure"] ?? "")")

        #expect((report["errors"] as? [String])?.isEmpty == true, "script errors: \(report["errors"] ?? "")")
        #expect((report["resources"] as? [String])?.isEmpty == true, "fetched: \(report["resources"] ?? "")")
        #expect(report["title"] as? String == name, "the hostile name shows as text")

        let initial = try #require(report["initial"] as? [String: Any])
        #expect(initial["shown"] as? Int == 300 && initial["total"] as? Int == 300 && initial["trials"] as? Int == 300)

        let hook = try #require(report["hookBrush"] as? [String: Any])
        let hookShown = try #require(hook["shown"] as? Int)
        #expect(hookShown == hook["expected"] as? Int && hookShown == hook["returned"] as? Int, "\(hook)")
        #expect(hookShown > 0 && hookShown < 300, "a middle range of lr keeps some trials: \(hook)")
        let combined = try #require(report["hookCombined"] as? [String: Any])
        let combinedShown = try #require(combined["shown"] as? Int)
        #expect(combinedShown == combined["expected"] as? Int && combinedShown < hookShown, "brushes combine with AND: \(combined)")
        #expect(report["afterHookClear"] as? Int == 300)

        let drag = try #require(report["drag"] as? [String: Any])
        let brushed = try #require(drag["brushed"] as? [Double], "the drag set no brush: \(drag)")
        let requested = try #require(drag["requested"] as? [Double])
        let valuePerPixel = try #require(drag["valuePerPixel"] as? Double)
        let dragShown = try #require(drag["shown"] as? Int)
        #expect(dragShown == drag["expected"] as? Int, "shown = trials inside the brushed range: \(drag)")
        #expect(abs(brushed[0] - requested[0]) <= 2 * valuePerPixel && abs(brushed[1] - requested[1]) <= 2 * valuePerPixel,
                "the brush lies where the mouse went, within 2 pixels: \(drag)")
        let fromRequest = try #require(drag["expectedFromRequest"] as? Int)
        #expect(dragShown > 0 && dragShown < 300 && abs(dragShown - fromRequest) <= 6, "\(drag)")

        let cleared = try #require(report["clickClears"] as? [String: Any])
        #expect((cleared["brushes"] as? [String: Any])?.isEmpty == true && cleared["shown"] as? Int == 300, "\(cleared)")

        let quick = try #require(report["quickFilter"] as? [String: Any])
        #expect(quick["shown"] as? Int == quick["expected"] as? Int && (quick["shown"] as? Int ?? 0) >= 29, "best 10 %: \(quick)")
        let states = try #require(report["statesFilter"] as? [String: Any])
        #expect(states["shown"] as? Int == states["expected"] as? Int && states["again"] as? Int == 300, "\(states)")
        #expect((states["shown"] as? Int ?? 300) < 300, "the fixture has pruned trials to hide")

        let sort = try #require(report["sort"] as? [String: Any])
        #expect(sort["ascending"] as? Bool == true && sort["descending"] as? Bool == true, "\(sort)")
        #expect(sort["firstAscending"] as? Double == sort["smallest"] as? Double)
        #expect(sort["firstDescending"] as? Double == sort["largest"] as? Double)
        #expect(sort["ascendingRows"] as? Int == 200, "the table renders 200 rows at a time")
        #expect(sort["headerArrow"] as? String == "▼")

        let shots = try #require(report["screenshots"] as? [String])
        #expect(shots.count == 3)
        for shot in shots {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: shot))
            #expect(bytes.count > 10_000 && bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(shot)")
        }

        let big = try #require(report["large"] as? [String: Any])
        #expect(big["trials"] as? Int == 10_000)
        #expect((big["errors"] as? [String])?.isEmpty == true, "\(big["errors"] ?? "")")
        let ready = try #require(big["readyMilliseconds"] as? Double)
        let update = try #require(big["brushUpdateMilliseconds"] as? Double)
        print("note: 10,000-trial page ready after \(Int(ready)) ms (navigation \(Int(big["loadMilliseconds"] as? Double ?? 0)) ms), brush update \(Int(update)) ms")
        #expect(ready < 5_000, "the 10,000-trial page is usable within seconds: \(big)")
        #expect(update < 500, "a brush on 10,000 trials redraws within half a second: \(big)")
        #expect((big["shownAfterBrush"] as? Int ?? 0) > 0)
    }
}
