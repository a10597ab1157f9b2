import Foundation
import TestSupport
import Testing

/// `atelier data make` and `atelier fit` end to end, run from a temporary folder outside the
/// repository with relative paths, so nothing can depend on the repository's files.
@Suite("Basics CLI: data make and fit", .enabled(if: AtelierBinary.exists, "build the atelier executable first (swift build)"))
struct BasicsCommandTests {
    let folder = TestSupport.temporaryDirectory("atelier-basics-cli")

    struct Result {
        var status: Int32
        var crashed: Bool
        var out: String
        var error: String
        func json() throws -> [String: Any] { try #require(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]) }
    }

    func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = AtelierBinary.url
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = error.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        return Result(status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal,
                      out: String(decoding: outputData, as: UTF8.self), error: String(decoding: errorData, as: UTF8.self))
    }

    func write(_ text: String, _ name: String) throws { try TestSupport.writeFile(text, named: name, in: folder) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) }

    @Test func dataMakeWritesTheSameFileForTheSameSeed() throws {
        let first = try run(["data", "make", "moons", "--n", "120", "--noise", "0.1", "--seed", "3", "--out", "a.csv", "--json"])
        #expect(first.status == 0, "\(first.error)")
        let report = try first.json()
        #expect(report["files"] as? [String] == ["a.csv"])
        #expect(report["columns"] as? [String] == ["x1", "x2", "label"])
        #expect(report["classes"] as? Int == 2)
        _ = try run(["data", "make", "moons", "--n", "120", "--noise", "0.1", "--seed", "3", "--out", "b.csv"])
        _ = try run(["data", "make", "moons", "--n", "120", "--noise", "0.1", "--seed", "4", "--out", "c.csv"])
        let a = try String(contentsOf: folder.appendingPathComponent("a.csv"), encoding: .utf8)
        #expect(a == (try String(contentsOf: folder.appendingPathComponent("b.csv"), encoding: .utf8)))
        #expect(a != (try String(contentsOf: folder.appendingPathComponent("c.csv"), encoding: .utf8)))
        #expect(a.split(separator: "\n").count == 121)
        let blobs = try run(["data", "make", "blobs", "--n", "30", "--out", "blobs.csv", "--json"])
        #expect(try blobs.json()["noise"] as? Double == 1, "the default noise is reported: blobs' cluster standard deviation")
        let linear = try run(["data", "make", "linear", "--n", "30", "--out", "line.csv"])
        #expect(linear.status == 0)
        #expect(try String(contentsOf: folder.appendingPathComponent("line.csv"), encoding: .utf8).hasPrefix("x1,target\n"))
    }

    @Test("data make: usage errors exit 64 and write nothing", arguments: [
        (["data", "make", "swiss-roll", "--out", "x.csv"], "unknown data set 'swiss-roll'; expected one of linear, blobs"),
        (["data", "make", "moons", "--noise", "-1", "--out", "x.csv"], "--noise must be a finite number >= 0, got -1.0"),
        (["data", "make", "moons", "--n", "2", "--out", "x.csv"], "--n must be at least 4, got 2"),
        (["data", "make", "moons", "--out", "x.txt"], "--out must name a .csv file, got 'x.txt'"),
    ])
    func dataMakeUsageErrors(arguments: [String], expected: String) throws {
        let result = try run(arguments)
        #expect(result.status == 64, "\(result.error)")
        #expect(result.error.contains("atelier: error: \(expected)"), "\(result.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func fitLogisticOnMoonsScoresAndDrawsRegions() throws {
        _ = try run(["data", "make", "moons", "--n", "300", "--noise", "0.15", "--seed", "0", "--out", "moons.csv"])
        let result = try run(["fit", "--input", "moons.csv", "--target", "label", "--model", "logistic", "--plot", "figures/moons.png", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let report = try result.json()
        #expect((report["accuracy"] as? Double ?? 0) > 0.8)
        #expect((report["logLoss"] as? Double ?? 9) < 0.45)
        #expect(report["trainRows"] as? Int == 240 && report["testRows"] as? Int == 60)
        #expect((report["coefficients"] as? [[Double]])?.map(\.count) == [2])
        #expect((report["intercept"] as? [Double])?.count == 1)
        #expect(report["files"] as? [String] == ["figures/moons.png"])
        let png = try Data(contentsOf: folder.appendingPathComponent("figures/moons.png"))
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4e, 0x47]))
        let mlp = try run(["fit", "--input", "moons.csv", "--target", "label", "--model", "mlp", "--hidden", "16,16", "--epochs", "150", "--json"])
        #expect(mlp.status == 0, "\(mlp.error)")
        #expect((try mlp.json()["accuracy"] as? Double ?? 0) > 0.9, "a hidden layer bends around the moons")
        #expect(try mlp.json()["files"] as? [String] == [])
    }

    @Test func fitLinearRecoversAnExactPlane() throws {
        // y = 3 a - b + 2 exactly.
        var text = "a,b,y\n"
        for (a, b) in [(0, 0), (1, 0), (0, 1), (2, 3), (4, 1), (3, 3), (5, 2)] { text += "\(a),\(b),\(3 * a - b + 2)\n" }
        try write(text, "plane.csv")
        for model in ["linear", "ridge"] {
            let result = try run(["fit", "--input", "plane.csv", "--target", "y", "--model", model, "--alpha", "0", "--test-fraction", "0", "--json"])
            #expect(result.status == 0, "\(result.error)")
            let report = try result.json()
            let coefficients = try #require(report["coefficients"] as? [Double])
            #expect(abs(coefficients[0] - 3) < 1e-9 && abs(coefficients[1] + 1) < 1e-9, "\(model): \(coefficients)")
            #expect(abs((report["intercept"] as? Double ?? 0) - 2) < 1e-9)
            #expect(report["r2"] as? Double == 1)
            #expect(report["trainRows"] as? Int == 7 && report["testRows"] as? Int == 7)
        }
        let line = try run(["data", "make", "linear", "--n", "80", "--noise", "5", "--seed", "2", "--out", "line.csv", "--json"])
        let truth = try #require(try line.json()["coefficients"] as? [Double])
        let fitted = try run(["fit", "--input", "line.csv", "--target", "target", "--model", "linear", "--plot", "line.png", "--json"])
        let report = try fitted.json()
        #expect((report["r2"] as? Double ?? 0) > 0.95)
        #expect(abs(((report["coefficients"] as? [Double])?.first ?? 0) - truth[0]) < 3)
        #expect(exists("line.png"))
        // The mlp on one feature draws its fitted curve over the points, with no fallback note.
        let curve = try run(["fit", "--input", "line.csv", "--target", "target", "--model", "mlp", "--epochs", "30", "--plot", "curve.png"])
        #expect(curve.status == 0, "\(curve.error)")
        #expect(!curve.error.contains("predicted against actual"))
        #expect(exists("curve.png"))
    }

    @Test func constantFeatureIsLeftOutWithANote() throws {
        try write("a,b,c,y\n1,5,0,0.5\n2,5,1,1.9\n3,5,0,3.1\n4,5,1,4.2\n5,5,0,4.8\n6,5,1,6.3\n", "constant.csv")
        let result = try run(["fit", "--input", "constant.csv", "--target", "y", "--model", "linear", "--test-fraction", "0", "--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.error.contains("note: feature 'b' is constant (5) on the 6 training rows"))
        let report = try result.json()
        #expect((report["coefficients"] as? [Double])?[1] == 0)
        #expect((report["notes"] as? [String])?.count == 1)
    }

    @Test("fit: bad input is a clear error, never a crash", arguments: [
        (["--target", "nope", "--model", "linear"], Int32(1), "data.csv: no column named 'nope' (--target); the columns are a, b, c, y"),
        (["--target", "y", "--model", "linear", "--input", "text.csv"], Int32(1), "text.csv:3: column 2: 'many' in column 'y' is not a number; --target must name a numeric column"),
        (["--target", "y", "--model", "linear", "--input", "wide.csv", "--test-fraction", "0"], Int32(1), "wide.csv: 3 training rows for 3 features: exact least squares needs at least 4 rows"),
        (["--target", "y", "--model", "logistic", "--input", "single.csv"], Int32(1), "single.csv: class 2 of 'y' has a single row (line 6); a stratified split needs at least 2 rows per class"),
        (["--target", "y", "--model", "logistic", "--plot", "p.png"], Int32(1), "data.csv: --plot draws decision regions over exactly two features, but there are 3 (a, b, c)"),
        (["--target", "y", "--model", "logistic", "--features", "a,b,c", "--plot", "p.png"], Int32(64), "--plot draws decision regions over exactly two features, but there are 3 (a, b, c)"),
        (["--target", "a", "--model", "logistic"], Int32(1), "data.csv:2: column 1: the target 'a' is 0.5; logistic regression needs integer class labels"),
        (["--target", "y", "--model", "svm"], Int32(64), "--model must be one of linear, ridge, logistic, mlp, got 'svm'"),
        (["--target", "y", "--model", "linear", "--test-fraction", "1"], Int32(64), "--test-fraction must be in [0, 1), got 1.0"),
        (["--target", "y", "--model", "linear", "--features", "a,y"], Int32(64), "--features lists the target column 'y'"),
        (["--target", "y", "--model", "linear", "--features", "a,zz"], Int32(1), "data.csv: no column named 'zz' (--features)"),
        (["--target", "y", "--model", "linear", "--plot", "p.txt"], Int32(64), "--plot must name a .png, .svg, .pdf file, got 'p.txt'"),
        (["--target", "y", "--model", "mlp", "--hidden", "16,x"], Int32(64), "--hidden must be positive integers separated by commas"),
        (["--target", "y", "--model", "linear", "--input", "missing.csv"], Int32(1), "missing.csv: no such file"),
    ])
    func badInput(arguments: [String], status: Int32, expected: String) throws {
        var data = "a,b,c,y\n"
        for i in 0..<12 { data += "\(Double(i) + 0.5),\((i * 7) % 5),\((i * 3) % 4),\(i % 2)\n" }
        try write(data, "data.csv")
        try write("x,y\n1,2\n2,many\n", "text.csv")
        try write("a,b,c,y\n1,2,3,1\n2,1,0,2\n3,3,1,3\n", "wide.csv")
        try write("a,b,y\n1,2,0\n2,1,0\n3,3,1\n4,1,1\n5,0,2\n", "single.csv")
        let input = arguments.contains("--input") ? [] : ["--input", "data.csv"]
        let result = try run(["fit"] + input + arguments)
        #expect(!result.crashed)
        #expect(result.status == status, "\(arguments): \(result.error)")
        #expect(result.error.contains("atelier: error: \(expected)"), "\(result.error)")
        #expect(result.out.isEmpty, "nothing on stdout for a failure")
        #expect(!exists("p.png"), "no figure written")
    }

    @Test func suggestedRemediesWork() throws {
        // Ridge where exact least squares refuses; --test-fraction 0 where a class has one row.
        try write("a,b,c,y\n1,2,3,1\n2,1,0,2\n3,3,1,3\n", "wide.csv")
        let ridge = try run(["fit", "--input", "wide.csv", "--target", "y", "--model", "ridge", "--test-fraction", "0", "--json"])
        #expect(ridge.status == 0, "\(ridge.error)")
        try write("a,b,y\n1,2,0\n2,1,0\n3,3,1\n4,1,1\n5,0,2\n", "single.csv")
        let logistic = try run(["fit", "--input", "single.csv", "--target", "y", "--model", "logistic", "--test-fraction", "0", "--json"])
        #expect(logistic.status == 0, "\(logistic.error)")
        #expect(try logistic.json()["classes"] as? [Int] == [0, 1, 2])
        // A class that lands only in the held-out rows has no probability column: logLoss is null, not absent.
        var few = "a,b,y\n"
        for i in 0..<20 { few += "\(i),\((i * 7) % 5),\(i % 2)\n" }
        few += "30,1,2\n31,2,2\n"
        try write(few, "few.csv")
        let unseen = try run(["fit", "--input", "few.csv", "--target", "y", "--model", "logistic", "--test-fraction", "0.9", "--json"])
        #expect(unseen.status == 0, "\(unseen.error)")
        let unseenReport = try unseen.json()
        #expect(unseenReport["logLoss"] is NSNull)
        #expect(unseenReport["accuracy"] is Double)
        #expect(unseenReport["r2"] == nil)
        // A regression over two features falls back to predicted against actual, and says so.
        let plane = try run(["fit", "--input", "single.csv", "--target", "y", "--model", "linear", "--test-fraction", "0", "--plot", "pa.png"])
        #expect(plane.status == 0, "\(plane.error)")
        #expect(plane.error.contains("predicted against actual"))
        #expect(exists("pa.png"))
    }
}

extension BasicsCommandTests {
    @Test("negative numbers reach the range checks", arguments: [
        (["fit", "--input", "d.csv", "--target", "y", "--model", "ridge", "--alpha", "-2"], "--alpha must be a finite number >= 0, got -2.0"),
        (["fit", "--input", "d.csv", "--target", "y", "--model", "linear", "--test-fraction", "-0.1"], "--test-fraction must be in [0, 1), got -0.1"),
        (["data", "make", "blobs", "--n", "-5", "--out", "b.csv"], "--n must be at least 4, got -5"),
    ])
    func negativeValues(arguments: [String], expected: String) throws {
        let result = try run(arguments)
        #expect(result.status == 64, "\(result.error)")
        #expect(result.error.contains("atelier: error: \(expected)"), "\(result.error)")
    }
}
