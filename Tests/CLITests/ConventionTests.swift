import Foundation
import Testing
import TestSupport

/// CONVENTIONS.md checked on the built binary, run as a user runs it: from a temporary folder
/// outside the repository, with the data found through `ATELIER_DATA_DIR` (Fashion-MNIST then
/// still comes from Debian's /usr/share/datasets), on small data.
@Suite("the command-line convention", .enabled(if: AtelierBinary.exists, "build the atelier executable first (swift build)"))
struct ConventionTests {
    /// A folder outside the repository, the current folder of every run.
    let folder = TestSupport.temporaryDirectory("atelier-convention")
    static let datasets = TestSupport.repositoryRoot.appendingPathComponent("datasets").path
    /// The per-dataset variables are removed so only the root and the fallbacks are at work.
    static let unset = ["ATELIER_MNIST_DIR", "ATELIER_FASHION_MNIST_DIR", "ATELIER_CIFAR10_DIR", "ATELIER_CIFAR100_DIR"]

    func atelier(_ arguments: [String], environment: [String: String] = ["ATELIER_DATA_DIR": datasets]) throws -> AtelierBinary.Result {
        try AtelierBinary.run(arguments, environment: environment, removing: Self.unset, in: folder)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Object keys that are not lowerCamelCase, with where they are. The keys of maps whose keys
    /// are data (label values, report names, configuration entries, step names) are not checked;
    /// their values are.
    static func badKeys(_ value: Any, at path: String = "", keysAreData: Bool = false) -> [String] {
        let nameMaps: Set<String> = ["labelHistogram", "reports", "configuration", "timingsSeconds", "params"]
        if let object = value as? [String: Any] {
            return object.flatMap { key, member -> [String] in
                let here = path + "." + key
                let wellFormed = key.first.map { $0.isLowercase && $0.isASCII } == true && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
                return (wellFormed || keysAreData ? [] : [here]) + badKeys(member, at: here, keysAreData: nameMaps.contains(key))
            }
        }
        if let array = value as? [Any] { return array.flatMap { badKeys($0, at: path + "[]") } }
        return []
    }

    /// Runs a command that must succeed with `--json`, checks its keys and, when it writes, that
    /// `"files"` lists files that exist. Returns the object.
    @discardableResult
    func json(_ arguments: [String], writes: Bool = true, environment: [String: String] = ["ATELIER_DATA_DIR": datasets],
              sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let result = try atelier(arguments + ["--json"], environment: environment)
        try #require(result.status == 0, "\(arguments.joined(separator: " ")): \(result.standardError)", sourceLocation: sourceLocation)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                                  "\(arguments.first!): stdout is one JSON object", sourceLocation: sourceLocation)
        #expect(Self.badKeys(object).isEmpty, "\(arguments.first!): \(Self.badKeys(object))", sourceLocation: sourceLocation)
        if writes {
            let files = try #require(object["files"] as? [String], "\(arguments.joined(separator: " ")): no \"files\"", sourceLocation: sourceLocation)
            #expect(!files.isEmpty, sourceLocation: sourceLocation)
            for file in files {
                let absolute = file.hasPrefix("/") ? file : folder.appendingPathComponent(file).path
                #expect(FileManager.default.fileExists(atPath: absolute), "\(file) listed but missing", sourceLocation: sourceLocation)
            }
        }
        return object
    }

    @Test("every subcommand runs from a folder outside the repository; --json keys are lowerCamelCase; written files are under \"files\"")
    func everyCommandFromAnywhere() throws {
        // Data lookup: MNIST from $ATELIER_DATA_DIR/mnist, Fashion-MNIST past it from /usr/share/datasets.
        let info = try json(["dataset", "info"], writes: false)
        #expect((info["summaries"] as? [[String: Any]])?.count == 4)
        let folderInfo = try json(["dataset", "info", Self.datasets + "/mnist"], writes: false)
        #expect((folderInfo["summaries"] as? [[String: Any]])?.compactMap { $0["records"] as? Int }.sorted() == [10_000, 10_000, 60_000, 60_000])
        try json(["gallery", "--dataset", "fashion-mnist", "--rows", "1", "--cols", "3", "--out", path("fashion.png")])
        try json(["gallery", "--rows", "1", "--cols", "2", "--out", path("digits.svg")], environment: [:])   // found beside the build

        // Training, evaluation, encoding.
        try json(["train", "--model", "perceptron", "--epochs", "1", "--limit", "200", "--out", path("run")])
        let history = try String(contentsOfFile: path("run/history.csv"), encoding: .utf8)
        #expect(history.hasPrefix("epoch,trainLoss,valLoss,trainAccuracy,valAccuracy,learningRate,seconds,samplesPerSecond\n"))
        try json(["evaluate", "--checkpoint", path("run/checkpoint.atnn"), "--limit", "100"], writes: false)
        try json(["train", "--model", "autoencoder", "--latent", "3", "--epochs", "1", "--limit", "200", "--out", path("ae")])
        try json(["encode", "--checkpoint", path("ae/checkpoint.atnn"), "--limit", "80", "--out", "latent.csv"])

        // Analysis of encode's CSV: its label column is the class, not a feature.
        let clustered = try json(["cluster", "--input", "latent.csv", "--k", "3", "--n-init", "1", "--out", "assignments.csv"])
        #expect(clustered["features"] as? Int == 3 && clustered["adjustedRandIndex"] != nil)
        let pca = try json(["pca", "--input", "latent.csv", "--components", "2", "--out", "pca.csv"])
        #expect(pca["features"] as? Int == 3)
        let tsne = try json(["tsne", "--input", "latent.csv", "--components", "0", "--perplexity", "5", "--iterations", "250",
                             "--out", "tsne.csv", "--plot", "tsne.png"])
        #expect(tsne["features"] as? Int == 3 && (tsne["files"] as? [String]) == ["tsne.csv", "tsne.png"])
        try json(["cluster", "--dataset", "fashion-mnist", "--limit", "60", "--k", "3", "--n-init", "1"], writes: false)
        try json(["pca", "--dataset", "mnist", "--split", "train", "--limit", "60", "--components", "3"], writes: false)

        // Plots, including a training history without validation (empty valLoss cells).
        try json(["plot", "line", "--input", path("run/history.csv"), "--x", "epoch", "--y", "trainLoss", "--out", "loss.png"])
        try json(["plot", "scatter", "--input", "tsne.csv", "--x", "x", "--y", "y", "--color", "label", "--out", "tsne-again.pdf"])
        try json(["plot", "hist", "--input", "latent.csv", "--x", "z0", "--color", "label", "--out", "z0.png"])
        try json(["plot", "demo", "--out", "demo"])

        // Fraud, with the statistics built into the binary.
        try json(["fraud", "synth", "--rows", "4000", "--fraud-rows", "40", "--out", "creditcard.csv"])
        try json(["fraud", "explore", "--input", "creditcard.csv", "--bins", "10", "--out", "explore"])
        let selected = try json(["fraud", "select", "--input", "creditcard.csv", "--top", "4", "--out", "select"])
        #expect((selected["selected"] as? [String])?.count == 4)
        try json(["fraud", "train", "--input", "creditcard.csv", "--top", "4", "--hidden", "8", "--mlp-epochs", "1", "--out", "fraud-train"])

        // Toy data and linear models; fit leaves encode's label column out of the features too.
        try json(["data", "make", "moons", "--n", "80", "--noise", "0.2", "--out", "moons.csv"])
        try json(["fit", "--input", "moons.csv", "--target", "label", "--model", "logistic", "--plot", "moons.png"])
        let fitted = try json(["fit", "--input", "latent.csv", "--target", "z0", "--model", "linear"], writes: false)
        #expect(fitted["features"] as? [String] == ["z1", "z2"])

        // A study in an SQLite file of this folder: every subcommand's JSON.
        try TestSupport.writeFile(#"{"x": {"type": "float", "low": -2, "high": 2}}"#, named: "space.json", in: folder)
        try json(["study", "create", "--study", "q", "--space", "space.json", "--sampler", "random"], writes: false)
        let asked = try json(["study", "ask", "--study", "q"], writes: false)
        let number = try #require(asked["number"] as? Int)
        try json(["study", "tell", "--study", "q", "--trial", "\(number)", "--value", "-0.5"], writes: false)
        try json(["study", "show", "--study", "q"], writes: false)
        try json(["study", "best", "--study", "q"], writes: false)
        try json(["study", "export", "--study", "q", "--out", "trials.csv"])
        try json(["study", "page", "--study", "q", "--out", "study-page"])
        try json(["study", "plot", "history", "--study", "q", "--out", "history.png"])
        try json(["study", "delete", "--study", "q"], writes: false)

        // A report, with the metrics of metrics.json in its JSON; the default folder is runs/reports.
        let report = try json(["report", "datasets"])
        #expect(report["files"] as? [String] == ["runs/reports/index.html", "runs/reports/datasets"])
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("runs/reports/datasets/metrics.json"))))
        #expect(Self.badKeys(metrics, at: "metrics.json").isEmpty, "\(Self.badKeys(metrics, at: "metrics.json"))")
        #expect(!FileManager.default.fileExists(atPath: path("reports")), "the committed reports/ name is never the default")
        // Every CSV header Atelier wrote is lowerCamelCase too. creditcard.csv keeps the Kaggle schema's
        // names, and the correlation matrix is labelled by them (user-given names are kept as given).
        let written = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".csv") && $0 != "creditcard.csv" && !$0.hasSuffix("correlation.csv") } ?? []
        #expect(written.count == 14, "\(written)")
        for file in written {
            let header = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).prefix { $0 != "\n" }
            let names = header.split(separator: ",").map { String($0) }
            #expect(Self.badKeys(Dictionary(uniqueKeysWithValues: names.map { ($0, 0) })).isEmpty, "\(file): \(header)")
        }
        #expect(Self.badKeys(["a_b": 1, "ok": ["rocAUC": 1, "Bad": 2], "reports": ["any-name": ["x_y": 1]]]).sorted()
                == [".a_b", ".ok.Bad", ".reports.any-name.x_y"], "the checker itself")
    }

    @Test("--version prints the version and exits 0")
    func version() throws {
        let result = try atelier(["--version"])
        #expect(result.status == 0)
        #expect(result.standardOutput.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(result.standardOutput)")
    }

    /// A bad input, the exit status it must get and the texts its one-line message must hold.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var status: Int32
        var expected: [String]
        var testDescription: String { name }
    }

    /// Files the cases read, made in `folder`; `FOLDER` in a case stands for the folder.
    func makeFiles() throws {
        try TestSupport.writeFile("a,b,label\n1,2,0\n2,1,1\n3,3,0\n8,9,1\n", named: "small.csv", in: folder)
        try TestSupport.writeFile("a,b\n", named: "header-only.csv", in: folder)
        try TestSupport.writeFile("a;b\n1.5;2\n2.5;3\n", named: "semicolons.csv", in: folder)
        try TestSupport.writeFile("a\tb\n1\t2\n", named: "tabs.csv", in: folder)
        try TestSupport.writeFile([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52], named: "figure.png", in: folder)
        try TestSupport.writeFile("a,b,c\n1,,5\n2,,6\n3,,7\n", named: "empty-column.csv", in: folder)
        try TestSupport.writeFile("a,b,notes\n1,2,\n2,,\n3,4,\n", named: "gaps.csv", in: folder)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("run"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty-folder"), withIntermediateDirectories: true)
    }

    static let cases: [Case] = [
        Case(name: "negative --k reaches the range check", arguments: ["cluster", "--input", "small.csv", "--k", "-3"],
             status: 64, expected: ["--k must be at least 1, got -3"]),
        Case(name: "negative --limit", arguments: ["pca", "--input", "small.csv", "--limit", "-1"],
             status: 64, expected: ["--limit must be at least 1, got -1"]),
        Case(name: "unknown flag", arguments: ["gallery", "--out", "g.png", "--colour", "red"], status: 64, expected: ["Unknown option '--colour'"]),
        Case(name: "fraud's old --k", arguments: ["fraud", "select", "--input", "small.csv", "--k", "3"], status: 64, expected: ["'--k'"]),
        Case(name: "fraud's old --mlp-hidden", arguments: ["fraud", "train", "--input", "small.csv", "--mlp-hidden", "3"], status: 64, expected: ["'--mlp-hidden'"]),
        Case(name: "tsne's old --pca", arguments: ["tsne", "--input", "small.csv", "--pca", "5"], status: 64, expected: ["'--pca'"]),
        Case(name: "unknown dataset name", arguments: ["cluster", "--dataset", "imagenet"], status: 64,
             expected: ["--dataset must be one of mnist, fashion-mnist, got 'imagenet'"]),
        Case(name: "unknown model", arguments: ["train", "--model", "vgg", "--out", "r"], status: 64, expected: ["unknown model 'vgg'"]),
        Case(name: "bad --delimiter", arguments: ["cluster", "--input", "small.csv", "--delimiter", "ab"], status: 64, expected: ["--delimiter"]),
        Case(name: "header-only CSV", arguments: ["cluster", "--input", "header-only.csv"], status: 1,
             expected: ["header-only.csv: a header row but no data rows"]),
        Case(name: "PNG given as CSV", arguments: ["tsne", "--input", "figure.png"], status: 1,
             expected: ["figure.png: binary data", "expected a text CSV"]),
        Case(name: "PNG given to plot", arguments: ["plot", "line", "--input", "figure.png", "--y", "a", "--out", "x.png"], status: 1,
             expected: ["figure.png: binary data"]),
        Case(name: "semicolon-separated CSV", arguments: ["pca", "--input", "semicolons.csv", "--components", "1"], status: 1,
             expected: ["semicolons.csv:1: expected comma-separated values, found semicolon (set --delimiter ';')"]),
        Case(name: "tab-separated CSV", arguments: ["plot", "scatter", "--input", "tabs.csv", "--x", "a", "--y", "b", "--out", "t.png"], status: 1,
             expected: ["tabs.csv:1: expected comma-separated values, found tab (set --delimiter tab)"]),
        Case(name: "semicolon CSV given to fraud", arguments: ["fraud", "explore", "--input", "semicolons.csv", "--out", "explore"], status: 1,
             expected: ["semicolons.csv:1:", "(set --delimiter ';')"]),
        Case(name: "more components than features", arguments: ["pca", "--input", "small.csv", "--components", "5"], status: 1,
             expected: ["--components 5 is more than the 2 features of small.csv; expected at most 2"]),
        Case(name: "all-empty column in plot scatter", arguments: ["plot", "scatter", "--input", "empty-column.csv", "--x", "a", "--y", "b", "--out", "s.png"],
             status: 1, expected: ["empty-column.csv: column 'b' has no numbers"]),
        Case(name: "a gap in a used column", arguments: ["cluster", "--input", "gaps.csv", "--features", "a,b", "--k", "2"], status: 1,
             expected: ["gaps.csv:3: column 2: missing value (empty cell or NaN) in column 'b'"]),
        Case(name: "evaluate on the run folder", arguments: ["evaluate", "--checkpoint", "run"], status: 1,
             expected: ["--checkpoint run is a folder; expected the checkpoint file run/checkpoint.atnn"]),
        Case(name: "train into an unwritable folder fails before training", arguments: ["train", "--model", "perceptron", "--out", "/proc/atelier-run"],
             status: 1, expected: ["--out /proc/atelier-run: cannot create the folder"]),
        Case(name: "unwritable output file", arguments: ["cluster", "--input", "small.csv", "--k", "2", "--out", "/proc/atelier/a.csv"], status: 1,
             expected: ["--out /proc/atelier/a.csv:"]),
        Case(name: "unwritable plot", arguments: ["tsne", "--input", "small.csv", "--perplexity", "1", "--plot", "/proc/x.png"], status: 1,
             expected: ["--plot /proc/x.png: cannot write in /proc"]),
        Case(name: "unwritable report folder", arguments: ["report", "datasets", "--out", "/proc/atelier-reports"], status: 1,
             expected: ["--out /proc/atelier-reports: cannot create the folder"]),
        Case(name: "output file that is a folder", arguments: ["gallery", "--out", "run"], status: 64, expected: ["--out: "]),
        Case(name: "--data-dir without the data", arguments: ["gallery", "--data-dir", "empty-folder", "--out", "g.png"], status: 1,
             expected: ["--data-dir empty-folder: no mnist files there or in empty-folder/mnist"]),
        Case(name: "dataset info on a folder without data", arguments: ["dataset", "info", "empty-folder"], status: 1,
             expected: ["empty-folder: a folder without data files"]),
        Case(name: "semicolon CSV given to fit", arguments: ["fit", "--input", "semicolons.csv", "--target", "b", "--model", "linear"], status: 1,
             expected: ["semicolons.csv:1: expected comma-separated values, found semicolon (set --delimiter ';')"]),
        Case(name: "a gap in a feature given to fit", arguments: ["fit", "--input", "gaps.csv", "--target", "a", "--features", "b", "--model", "linear"],
             status: 1, expected: ["gaps.csv:3: column 2: missing value (empty cell or NaN) in column 'b'"]),
        Case(name: "unknown model of fit (found in run) is a usage error too", arguments: ["fit", "--input", "small.csv", "--target", "a", "--model", "svm"],
             status: 64, expected: ["--model must be one of linear, ridge, logistic, mlp, got 'svm'"]),
        Case(name: "too few synthetic rows for two frauds", arguments: ["fraud", "synth", "--rows", "100", "--out", "c.csv"], status: 64,
             expected: ["--rows 100 gives 0 fraud rows at the real 0.1727 %; expected --rows of at least 869, or --fraud-rows N (at least 2)"]),
        Case(name: "unknown column names file and flag", arguments: ["cluster", "--input", "small.csv", "--label-column", "class"], status: 1,
             expected: ["small.csv: no column named 'class' (--label-column); the columns are a, b, label"]),
    ]

    @Test("every bad input: one line on stderr naming the file or flag and what was expected, and the right exit status", arguments: cases)
    func badInput(_ badCase: Case) throws {
        try makeFiles()
        let result = try atelier(badCase.arguments)
        #expect(result.status == badCase.status, "status \(result.status): \(result.standardError)")
        #expect(!result.crashed)
        #expect(result.standardOutput.isEmpty, "nothing on stdout: \(result.standardOutput)")
        let lines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("atelier: error: ") }
        #expect(lines.count == 1, "one error line: \(result.standardError)")
        for text in badCase.expected {
            #expect(result.standardError.contains(text), "expected '\(text)' in: \(result.standardError)")
        }
    }

    @Test("gaps outside the used columns are fine; the data lookup error lists the places and the variables")
    func gapsAndLookup() throws {
        try makeFiles()
        let gaps = try atelier(["pca", "--input", "gaps.csv", "--features", "a", "--components", "1", "--json"])
        #expect(gaps.status == 0, "\(gaps.standardError)")
        let nowhere = path("no-data-here")
        let lost = try AtelierBinary.run(["cluster", "--dataset", "mnist", "--k", "2"],
                                         environment: ["ATELIER_MNIST_DIR": nowhere], removing: ["ATELIER_DATA_DIR"], in: folder)
        #expect(lost.status == 1)
        #expect(lost.standardError.contains("ATELIER_MNIST_DIR \(nowhere): no mnist files there"), "\(lost.standardError)")
    }

    @Test("help: discussions are not hard-wrapped, and Examples: follows a blank line")
    func help() throws {
        for command in [["cluster"], ["pca"], ["tsne"], ["train"], ["report"], ["fraud"], ["plot"], ["gallery"], ["encode"], ["evaluate"], ["dataset", "info"], ["fit"], ["data", "make"], ["study"], ["study", "run"], ["study", "create"], ["study", "ask"], ["study", "tell"], ["study", "show"], ["study", "best"], ["study", "export"], ["study", "page"], ["study", "delete"], ["study", "plot"]] {
            let result = try atelier(command + ["--help"])
            #expect(result.status == 0)
            let text = result.standardOutput
            #expect(text.contains("\n\nExamples:\n") || text.contains("\n\n  Examples:\n"), "\(command): \(text)")
            // Every example is a whole command that fits 80 columns, continued with a backslash
            // (so argument-parser's wrapping never breaks one and it can be pasted as it is).
            let examples = text.components(separatedBy: "Examples:\n").last?.split(separator: "\n").prefix { $0.hasPrefix("  ") } ?? []
            #expect(!examples.isEmpty && examples.first?.hasPrefix("  atelier ") == true, "\(command): \(examples)")
            for (previous, line) in zip([Substring("")] + examples, examples) {
                #expect(line.count <= 80, "\(command): \(line)")
                #expect(previous.hasSuffix(" \\") ? line.hasPrefix("      --") : line.hasPrefix("  atelier "), "\(command): \(line)")
            }
        }
    }
}
