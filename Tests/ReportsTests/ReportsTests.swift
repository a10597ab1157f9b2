import Foundation
import Plotting
@testable import Reports
import TestSupport
import Testing

/// One `tiny` run of every report, shared by the checks below (debug builds are slow for numerics;
/// the `tiny` profile is the `quick` pipeline on a few hundred images).
enum TinyRun {
    struct Output: Sendable {
        var root: String
        var metrics: [String: [String: JSONValue]]
    }

    static let result: Result<Output, any Error> = Result {
        let root = TestSupport.temporaryDirectory("atelier-reports").path
        let metrics = try ReportCatalog.run(["all"], context: ReportContext(profile: .tiny, seed: 0, outputRoot: root))
        return Output(root: root, metrics: metrics)
    }

    static func output() throws -> Output { try result.get() }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// The values of `attribute="..."` in an HTML page.
    static func attributes(_ attribute: String, in html: String) -> [String] {
        html.components(separatedBy: "\(attribute)=\"").dropFirst().compactMap { $0.split(separator: "\"", maxSplits: 1).first.map(String.init) }
    }
}

@Suite("Reports: the tiny profile of `all`")
struct ReportOutputTests {
    @Test("every report folder holds index.html, report.md and metrics.json, and the index links each one")
    func foldersAndIndex() throws {
        let output = try TinyRun.output()
        #expect(Set(output.metrics.keys) == Set(ReportCatalog.names))
        let index = try TinyRun.read(output.root + "/index.html")
        for name in ReportCatalog.names {
            for file in ["index.html", "report.md", "metrics.json"] {
                #expect(FileManager.default.fileExists(atPath: "\(output.root)/\(name)/\(file)"), "\(name)/\(file)")
            }
            #expect(index.contains("href=\"\(name)/index.html\""), "index links \(name)")
        }
        let positions = ReportCatalog.names.compactMap { index.range(of: "href=\"\($0)/index.html\"")?.lowerBound }
        #expect(positions.count == ReportCatalog.names.count && positions == positions.sorted(), "the index lists reports in catalog order")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: output.root).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no staging folders left: \(leftovers)")
    }

    @Test("every figure an index.html references exists and decodes as a PNG; report.md references the same figures")
    func figuresAreValidPNGs() throws {
        let output = try TinyRun.output()
        for name in ReportCatalog.names {
            let folder = "\(output.root)/\(name)"
            let html = try TinyRun.read(folder + "/index.html")
            let markdown = try TinyRun.read(folder + "/report.md")
            let figures = Set(TinyRun.attributes("src", in: html))
            #expect(figures.count >= 3, "\(name) has figures")
            for figure in figures {
                #expect(figure.hasPrefix("figures/") && figure.hasSuffix(".png"))
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(figure)")))
                #expect(bytes.prefix(8) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "\(name)/\(figure) has the PNG signature")
                let image = try RasterImage.readPNG("\(folder)/\(figure)")
                #expect(image.width >= 300 && image.height >= 150, "\(name)/\(figure) is \(image.width)x\(image.height)")
                // A blank picture would be one colour: a real figure has ink on white.
                #expect(Set(image.pixels.prefix(200_000)).count > 2, "\(name)/\(figure) is not blank")
                #expect(markdown.contains("](\(figure))"), "report.md shows \(figure)")
            }
            let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder + "/figures")
            #expect(Set(onDisk.map { "figures/" + $0 }) == figures, "\(name): no unreferenced figure files")
        }
    }

    @Test("metrics.json on disk equals what the run returned and holds the numbers the pages show")
    func metricsMatchPages() throws {
        let output = try TinyRun.output()
        for name in ReportCatalog.names {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(output.root)/\(name)/metrics.json"))
            let onDisk = try JSONDecoder().decode([String: JSONValue].self, from: data)
            for (key, value) in output.metrics[name] ?? [:] { #expect(onDisk[key] == value, "\(name): \(key)") }
            #expect(onDisk["timingsSeconds"] != nil && onDisk["configuration"]?["profile"] == "tiny")
        }
        func page(_ name: String) throws -> (html: String, markdown: String) {
            (try TinyRun.read("\(output.root)/\(name)/index.html"), try TinyRun.read("\(output.root)/\(name)/report.md"))
        }
        func expectShown(_ text: String, in name: String) throws {
            let (html, markdown) = try page(name)
            #expect(html.contains(HTMLRenderer.escape(text)), "\(name)/index.html shows \(text)")
            #expect(markdown.contains(text), "\(name)/report.md shows \(text)")
        }
        let cnn = output.metrics["cnn"] ?? [:]
        for key in ["mnistShallow", "mnistMLP", "mnistLenet5", "fashionMNISTLenet5"] {
            let accuracy = try #require(cnn[key]?["testAccuracy"]?.number, "\(key) test accuracy")
            try expectShown(ReportFormat.percent(accuracy), in: "cnn")
            try expectShown(ReportFormat.fixed(try #require(cnn[key]?["testLoss"]?.number), 4), in: "cnn")
        }
        let autoencoder = output.metrics["autoencoder"] ?? [:]
        for space in ["raw", "latent"] {
            try expectShown(ReportFormat.fixed(try #require(autoencoder[MetricKey.join("kmeans", space)]?["silhouette"]?.number), 4), in: "autoencoder")
            try expectShown(ReportFormat.percent(try #require(autoencoder[MetricKey.join("kmeans", space)]?["purity"]?.number)), in: "autoencoder")
            try expectShown(ReportFormat.percent(try #require(autoencoder[MetricKey.join("classifier", space, "test", "accuracy")]?.number)), in: "autoencoder")
        }
        let fraud = output.metrics["fraud"] ?? [:]
        #expect(fraud["synthetic"] == .bool(true))
        let (fraudPage, fraudMarkdown) = try page("fraud")
        #expect(fraudPage.contains("<p class=\"callout\">SYNTHETIC DATA") && fraudMarkdown.contains("> **SYNTHETIC DATA"))
        #expect(fraudPage.components(separatedBy: "(synthetic data)").count > 5, "figure captions and tables say synthetic")
        if case let .array(classifiers) = fraud["classifiers"] ?? .null {
            #expect(classifiers.count == 12, "logistic regression and MLP x 3 balancings x 2 feature sets")
            for classifier in classifiers {
                try expectShown(ReportFormat.fixed(try #require(classifier["auprc"]?.number), 4), in: "fraud")
            }
        } else {
            Issue.record("fraud metrics have no classifiers")
        }
        let datasets = output.metrics["datasets"] ?? [:]
        try expectShown(ReportFormat.grouped(try #require(datasets["mnistTrainCount"]?.number)), in: "datasets")
        try expectShown(ReportFormat.fixed(try #require(datasets["fashionMNISTMeanPixel"]?.number), 4), in: "datasets")
    }

    @Test("every metrics.json key is lowerCamelCase (the maps keyed by step and configuration names excepted)")
    func metricKeysAreLowerCamelCase() throws {
        let output = try TinyRun.output()
        func offending(_ value: JSONValue, at path: String) -> [String] {
            switch value {
            case let .object(members):
                return members.flatMap { key, member -> [String] in
                    let here = path + "." + key
                    return (MetricKey.isLowerCamelCase(key) ? [] : [here]) + offending(member, at: here)
                }
            case let .array(items): return items.flatMap { offending($0, at: path + "[]") }
            default: return []
            }
        }
        for name in ReportCatalog.names {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(output.root)/\(name)/metrics.json"))
            var metrics = try JSONDecoder().decode([String: JSONValue].self, from: data)
            #expect(metrics.removeValue(forKey: "timingsSeconds") != nil && metrics.removeValue(forKey: "configuration") != nil)
            #expect(offending(.object(metrics), at: name).isEmpty, "\(offending(.object(metrics), at: name))")
        }
        #expect(MetricKey.join("fashion_mnist", "lenet5") == "fashionMNISTLenet5")
        #expect(!MetricKey.isLowerCamelCase("roc_auc") && MetricKey.isLowerCamelCase("rocAUC"))
    }

    @Test("trained models clear floors a broken trainer would not (chance is 10 %)")
    func accuracyFloors() throws {
        let output = try TinyRun.output()
        let cnn = output.metrics["cnn"] ?? [:]
        // 800 training images, at most 3 epochs: the MLPs reach ~85 %, LeNet-5 ~75-90 %.
        for (key, floor) in [("mnistShallow", 0.75), ("mnistMLP", 0.75), ("mnistLenet5", 0.6), ("fashionMNISTLenet5", 0.5)] {
            let accuracy = try #require(cnn[key]?["testAccuracy"]?.number)
            #expect(accuracy > floor, "\(key): \(accuracy)")
            let losses = try #require(cnn[key]?["trainLoss"])
            if case let .array(values) = losses, let first = values.first?.number, let last = values.last?.number {
                #expect(last < first, "\(key): training loss falls")
            } else {
                Issue.record("\(key): no training loss series")
            }
        }
        // Frauds are 0.17 % of the rows: a detector that guesses has AUPRC ~0.002 and ROC-AUC 0.5.
        if case let .array(classifiers) = output.metrics["fraud"]?["classifiers"] ?? .null {
            let best = classifiers.compactMap { $0["auprc"]?.number }.max() ?? 0
            #expect(best > 0.3, "best AUPRC \(best)")
            // Logistic regression converges on any of the balancings; the small MLP may not on 30 frauds.
            let logistic = classifiers.filter { $0["model"] == .string("logistic regression") }
            #expect(logistic.count == 6 && logistic.allSatisfy { ($0["rocAUC"]?.number ?? 0) > 0.8 })
        } else {
            Issue.record("fraud metrics have no classifiers")
        }
        let autoencoder = output.metrics["autoencoder"] ?? [:]
        #expect((autoencoder["classifierLatentTestAccuracy"]?.number ?? 0) > 0.5)
        // Predicting the mean image gives an MSE around 0.067 on MNIST; a trained autoencoder is below it.
        #expect((autoencoder["reconstructionMSETest"]?.number ?? 1) < 0.06)
        #expect((autoencoder["kmeansRaw"]?["purity"]?.number ?? 0) > 0.3)
    }
}

/// A report whose second step fails after writing a figure.
enum FailingReport: ReportBuilder {
    static let name = "datasets"
    static let title = "A report that fails"
    static func build(_ writer: ReportWriter, context: ReportContext) throws {
        try writer.step("draw") {
            var figure = Figure(width: 400, height: 300)
            try figure[0].line(x: [0.0, 1.0], y: [0.0, 1.0])
            try figure.save(writer.figurePath("line.png"))
            writer.figure("line.png", caption: "a line")
        }
        try writer.step("train model") { throw CocoaError(.fileReadCorruptFile) }
    }
}

@Suite("Reports: failures and rendering")
struct ReportFailureTests {
    @Test("a failing step throws an error naming report and step, and leaves the previous folder as it was")
    func failureKeepsPreviousFolder() throws {
        let root = TestSupport.temporaryDirectory("atelier-report-failure")
        let previous = root.appendingPathComponent("datasets")
        try FileManager.default.createDirectory(at: previous.appendingPathComponent("figures"), withIntermediateDirectories: true)
        try TestSupport.writeFile("previous page", named: "index.html", in: previous)
        let context = ReportContext(profile: .tiny, seed: 0, outputRoot: root.path)
        do {
            try ReportCatalog.run(builders: [FailingReport.self], context: context)
            Issue.record("the failing report did not throw")
        } catch let error as ReportError {
            #expect(error.report == "datasets" && error.step == "train model")
            #expect(error.description.contains("train model") && error.description.contains("intact"))
        }
        #expect(try TinyRun.read(previous.appendingPathComponent("index.html").path) == "previous page")
        #expect(try FileManager.default.contentsOfDirectory(atPath: previous.appendingPathComponent("figures").path).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["datasets", "index.html"], "no staging folder left behind")
        let index = try TinyRun.read(root.appendingPathComponent("index.html").path)
        #expect(index.contains("from an earlier run: this run failed") && index.contains("failed at step 'train model'"))
    }

    @Test("a batch with a failing report still writes the others and an index; no earlier folder is not claimed as kept")
    func failureWithoutPreviousFolder() throws {
        let root = TestSupport.temporaryDirectory("atelier-report-failure-fresh")
        let context = ReportContext(profile: .tiny, seed: 0, outputRoot: root.path)
        do {
            try ReportCatalog.run(builders: [FailingReport.self, FraudReport.self], context: context)
            Issue.record("the failing report did not throw")
        } catch let error as ReportError {
            #expect(error.previousFolderKept == false && error.completed == ["fraud"])
            #expect(error.description.contains("no datasets/ folder was written") && !error.description.contains("intact"), "\(error)")
            #expect(error.description.contains("index.html links the reports written: fraud"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["fraud", "index.html"])
        let index = try TinyRun.read(root.appendingPathComponent("index.html").path)
        #expect(index.contains("fraud/index.html") && index.contains("Failed in this run") && index.contains("train model"))
    }

    @Test("staging folders of killed runs are removed; those of a live process are kept")
    func staleStagingFolders() throws {
        let root = TestSupport.temporaryDirectory("atelier-report-stale")
        // PIDs above the kernel's pid_max (4,194,304 at most) belong to no process.
        let dead = [".cnn.staging-99999999", ".fraud.old-99999998"]
        let alive = ".cnn.staging-\(ProcessInfo.processInfo.processIdentifier)"
        for name in dead + [alive, ".hidden-notes"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let removed = ReportWriter.removeStaleFolders(in: root.path)
        #expect(Set(removed.map { ($0 as NSString).lastPathComponent }) == Set(dead))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == [alive, ".hidden-notes"].sorted())
    }

    @Test("an unknown report name is a clear error")
    func unknownName() throws {
        let context = ReportContext(profile: .tiny, seed: 0, outputRoot: TestSupport.temporaryDirectory().path)
        #expect(throws: ReportError.self) { try ReportCatalog.run(["histogram"], context: context) }
    }

    @Test("pages escape text and show tables, figures and timings in both formats")
    func rendering() throws {
        var document = ReportDocument(name: "x", title: "A <b> & C")
        document.configuration = [("seed", "0")]
        document.table(ReportTable(caption: "t", header: ["model", "accuracy"], rows: [["lenet5", "99.10 %"]]))
        document.figure("figures/a.png", caption: "pred / true")
        document.timings = [("train", 2.5)]
        let html = HTMLRenderer.render(document, generatedAt: "now")
        #expect(html.contains("A &lt;b&gt; &amp; C"))
        #expect(html.contains("<td class=\"num\">99.10 %</td>"))
        #expect(html.contains("<img src=\"figures/a.png\""))
        #expect(html.contains("2.5 s"))
        let markdown = MarkdownRenderer.render(document, generatedAt: "now")
        #expect(markdown.contains("| lenet5 | 99.10 % |"))
        #expect(markdown.contains("![pred / true](figures/a.png)"))
    }
}

@Suite("Reports: reproducibility")
struct ReportReproducibilityTests {
    @Test("the same seed gives the same numbers and byte-identical figures (autoencoder: training, k-means, t-SNE)")
    func sameSeedSameReport() throws {
        let first = try TinyRun.output()
        let root = TestSupport.temporaryDirectory("atelier-reports-again").path
        let again = try ReportCatalog.run(builders: [AutoencoderReport.self], context: ReportContext(profile: .tiny, seed: 0, outputRoot: root))
        var before = first.metrics["autoencoder"] ?? [:], after = again["autoencoder"] ?? [:]
        for volatile in ["timingsSeconds", "generated"] {
            before[volatile] = nil
            after[volatile] = nil
        }
        #expect(before == after)
        let figures = try FileManager.default.contentsOfDirectory(atPath: first.root + "/autoencoder/figures")
        #expect(!figures.isEmpty)
        for figure in figures {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(first.root)/autoencoder/figures/\(figure)"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(root)/autoencoder/figures/\(figure)"))
            #expect(a == b, "\(figure) is byte-identical")
        }
    }
}
