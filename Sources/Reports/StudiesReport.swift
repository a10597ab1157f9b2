import Datasets
import Foundation
import NeuralNet
import Plotting
import Studies
import StudiesSQLite
import StudyObjectives
import StudyViews
import TensorCore

/// The `studies` report: seed 002's hyper-parameter search on MNIST, retold with Atelier's
/// studies engine. A grid over the shallow network with its CSV trace and correlation graph;
/// what early stopping's `min_delta` and patience do to epochs and accuracy; TPE studies with the
/// median pruner on the shallow network and on the deep MLP under a time budget, with how many
/// trials the pruner stopped and what that saved; then the best configurations retrained on the
/// whole training set and scored once on the test set, beside the seed's tuned accuracies.
///
/// Every study is stored in one SQLite file in Optuna's schema (`studies.db` beside the page), so
/// a reader can open it with `optuna-dashboard`, `optuna.load_study` or `atelier study show`.
/// Trials score a stratified validation split of the first training images; the test split is
/// used once, by the retrained models.
public enum StudiesReport: ReportBuilder {
    public static let name = "studies"
    public static let title = "Hyper-parameter studies on MNIST: seed 002's search, retold"

    /// Data and budgets of one profile.
    struct Sizes {
        /// Training images the grid and the early-stopping runs see (first N of the training
        /// split, 90 / 10 fit / validation).
        var studyImages: Int
        /// Training images of the shallow TPE study: fewer, so that the budget holds enough trials
        /// for TPE (10 random startup trials) and the median pruner (5 startup trials) to act.
        var shallowImages: Int
        var gridBatches: [Int]
        var gridHidden: [Int]
        var gridRates: [Double]
        var gridEpochs: Int
        /// Most epochs of the early-stopping runs, and the (patience, min_delta) rules tried.
        var stoppingEpochs: Int
        var stoppingRules: [(patience: Int, minimumDelta: Double)]
        /// TPE on the shallow network: wall-clock budget, most trials, most epochs per trial.
        var shallowBudget: TimeInterval
        var shallowTrials: Int
        var shallowEpochs: Int
        /// TPE on the deep MLP (its trials cost ~10x the shallow ones, so it sees fewer images).
        var mlpImages: Int
        var mlpBudget: TimeInterval
        var mlpTrials: Int
        var mlpEpochs: Int
        /// Training and test images of the final retraining (nil: all).
        var retrainImages: Int?
        var testImages: Int?
        var retrainEpochs: Int
        /// Training seconds each retrained model gets at most (nil: none): a best configuration
        /// with batch 3 and ten wide layers costs minutes per epoch on all 54,000 images.
        var retrainSeconds: TimeInterval?
        /// The parallel-coordinates filter: trials above this validation accuracy (seed 002: 0.98).
        var filterThreshold: Double
    }

    static func sizes(_ profile: ReportProfile) -> Sizes {
        switch profile {
        case .full:
            return Sizes(studyImages: 10_000, shallowImages: 10_000, gridBatches: [10, 50], gridHidden: [150, 300, 600], gridRates: [0.01, 0.1], gridEpochs: 5,
                         stoppingEpochs: 20, stoppingRules: [(1, 0.001), (2, 0.001), (5, 0.001), (2, 0.01), (2, 0)],
                         shallowBudget: 300, shallowTrials: 300, shallowEpochs: 8,
                         mlpImages: 6_000, mlpBudget: 300, mlpTrials: 300, mlpEpochs: 6,
                         retrainImages: nil, testImages: nil, retrainEpochs: 30, retrainSeconds: 120, filterThreshold: 0.98)
        case .quick:
            return Sizes(studyImages: 2_000, shallowImages: 2_000, gridBatches: [32, 128], gridHidden: [64, 256], gridRates: [0.01, 0.1], gridEpochs: 2,
                         stoppingEpochs: 6, stoppingRules: [(1, 0.001), (2, 0.001)],
                         shallowBudget: 6, shallowTrials: 16, shallowEpochs: 3,
                         mlpImages: 1_500, mlpBudget: 6, mlpTrials: 8, mlpEpochs: 2,
                         retrainImages: 4_000, testImages: 2_000, retrainEpochs: 3, retrainSeconds: 10, filterThreshold: 0.9)
        case .tiny:
            return Sizes(studyImages: 400, shallowImages: 400, gridBatches: [32], gridHidden: [16, 32], gridRates: [0.05], gridEpochs: 1,
                         stoppingEpochs: 2, stoppingRules: [(1, 0.001)],
                         shallowBudget: 60, shallowTrials: 4, shallowEpochs: 2,
                         mlpImages: 300, mlpBudget: 60, mlpTrials: 3, mlpEpochs: 1,
                         retrainImages: 600, testImages: 200, retrainEpochs: 1, retrainSeconds: nil, filterThreshold: 0.5)
        }
    }

    /// Seed 002's tuned test accuracies (its sections 3.4, 4.3 and 5.3).
    static let seedAccuracies: [(model: String, title: String, accuracy: Double, configuration: String)] = [
        ("shallow", "shallow network", 0.9878, "batch 100, 1685 hidden units, Adam lr 0.0005 (TPE, 1000 trials)"),
        ("mlp", "deep MLP", 0.9869, "TPE, 133 trials in 3 hours"),
        ("lenet5", "LeNet-5", 0.9917, "TPE, 956 trials in 3 hours"),
    ]

    /// What a TPE study found, for the retraining section.
    struct StudyOutcome {
        var model: String
        var studyName: String
        var best: FrozenTrial
        var configuration: TrainingConfiguration
    }

    public static func build(_ writer: ReportWriter, context: ReportContext) throws {
        let started = Date()
        let sizes = sizes(context.profile)
        let seed = context.seed
        writer.configure("study data", "first \(ReportFormat.grouped(Double(sizes.studyImages))) MNIST training images for the grid, \(ReportFormat.grouped(Double(sizes.shallowImages))) for the shallow TPE study, \(ReportFormat.grouped(Double(sizes.mlpImages))) for the deep MLP's; stratified 90 / 10 fit / validation; trials score validation accuracy")
        writer.configure("storage", "studies.db: SQLite in Optuna's schema (v3.2.0.a), written by Atelier's StudiesSQLite")
        writer.configure("TPE studies", "Optuna 5's TPE defaults (multivariate, 10 startup trials, 24 candidates), median pruner (5 startup trials), seed \(seed); budgets \(ReportFormat.seconds(sizes.shallowBudget)) (shallow) and \(ReportFormat.seconds(sizes.mlpBudget)) (deep MLP)")
        writer.configure("final scores", (sizes.retrainImages.map { "first \(ReportFormat.grouped(Double($0))) training images" } ?? "all 60,000 training images")
                         + " (90 / 10 for the best epoch), " + (sizes.testImages.map { "first \(ReportFormat.grouped(Double($0))) test images" } ?? "all 10,000 test images") + ", scored once")
        writer.paragraph("""
        Seed 002 spent most of its pages looking for hyper-parameters: a grid search over batch size, hidden units and \
        learning rate written to CSV files and read through a correlation graph, early stopping to choose the number of \
        epochs, then Optuna's TPE sampler with a pruner over hours of trials, read in TensorBoard's HParams view. This \
        report runs the same story with Atelier's studies engine on this machine, under budgets that keep the whole page \
        within twenty minutes. Every study below is in studies.db, in Optuna's own schema: \
        optuna-dashboard sqlite:///studies.db opens it, and so does atelier study show --storage sqlite:///studies.db --study grid. \
        Each study also has its own interactive page (listed under Files below), where dragging along an axis of the \
        parallel coordinates filters the trials as TensorBoard's HParams view does.
        """)

        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("atelier-studies-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let database = scratch.appendingPathComponent("studies.db").path
        var outcomes: [StudyOutcome] = []
        var files: [(path: String, description: String)] = []
        // The storage lives in this scope only: closing it checkpoints SQLite's write-ahead log
        // into the one file that is then copied beside the page.
        try {
            let storage = try SQLiteStudyStorage(path: database)
            let shallowData = try writer.step("load study data") {
                try objective("shallow", images: sizes.studyImages, epochs: sizes.gridEpochs, earlyStopping: nil, seed: seed).prepare()
            }
            let gridBest = try writer.step("grid search") { try grid(writer, storage: storage, data: shallowData, sizes: sizes, context: context) }
            files.append(("grid.csv", "the grid's trace, one row per trial (number, state, value, start, complete, durationSeconds, lastStep, parameters)"))
            try writer.step("early stopping") { try earlyStopping(writer, data: shallowData, best: gridBest, sizes: sizes, context: context) }
            for model in ["shallow", "mlp"] {
                let outcome = try writer.step("TPE study: \(model)") { try tpe(model, writer: writer, storage: storage, sizes: sizes, context: context) }
                outcomes.append(outcome)
                files.append(("\(outcome.studyName).csv", "the \(model == "mlp" ? "deep MLP" : "shallow") TPE study's trials"))
            }
            // One interactive page per study (`atelier study page`): drag on the parallel
            // coordinates' axes to filter, as seed 002 filtered TensorBoard's HParams view.
            for name in ["grid"] + outcomes.map(\.studyName) {
                try writer.step("page: \(name)") {
                    let snapshot = try StudySnapshot(try Study.load(name: name, storage: storage))
                    let command = outcomes.first { $0.studyName == name }.map { outcome in
                        (["atelier", "train"] + outcome.configuration.trainArguments(model: outcome.model, dataset: "mnist", epochs: sizes.retrainEpochs)
                         + ["--out", "runs/\(name)-best"]).joined(separator: " ")
                    }
                    let page = StudyPage(snapshot: snapshot, figures: try StudyPage.figures(of: snapshot), retrainCommand: command)
                    _ = try page.write(to: writer.filePath("pages/\(name)"))
                    files.append(("pages/\(name)/index.html", "the \(name) study's interactive page: parallel coordinates filtered by dragging on an axis, a sortable trial table, every study figure"))
                }
            }
        }()
        try FileIO.writeAtomically(try Data(contentsOf: URL(fileURLWithPath: database)), to: writer.filePath("studies.db"))
        files.insert(("studies.db", "every study of this page in Optuna's schema (optuna-dashboard sqlite:///studies.db)"), at: 0)
        try writer.step("retrain the best") { try retrain(writer, outcomes: outcomes, sizes: sizes, context: context) }

        writer.heading("Files")
        writer.files(files)
        let seconds = Date().timeIntervalSince(started)
        writer.heading("Run time")
        writer.paragraph("This \(context.profile.rawValue)-profile run took \(ReportFormat.seconds(seconds)) on this machine (2 cores)\(context.profile == .full ? ", within the 20 minutes the page is allowed" : ""); the studies' time budgets are in the run configuration above and each step's time is below.")
        writer.metric("totalSeconds", .finite(seconds))
    }

    /// The built-in training objective on the first `images` training images.
    static func objective(_ model: String, images: Int, epochs: Int, earlyStopping: (patience: Int, minimumDelta: Double)?, seed: UInt64,
                          fixed: [String: ParameterValue] = [:]) throws -> TrainingObjective {
        try TrainingObjective(model: model, dataset: "mnist", limit: images, validationFraction: 0.1, maxEpochs: epochs,
                              earlyStopping: earlyStopping, seed: seed, fixed: fixed)
    }

    /// Runs `objective` on `study` until a budget ends; failed trials (a diverging learning
    /// rate) are recorded and the study goes on, as `optuna.Study.optimize(catch=...)` would.
    static func optimize(_ study: Study, objective: TrainingObjective, data: TrainingObjective.PreparedData, space: [String: Distribution],
                         trials: Int?, timeout: TimeInterval?, log: @escaping @Sendable (String) -> Void) throws {
        try study.optimize(trials: trials, timeout: timeout, catchingErrors: true, showsProgress: false, callback: { _, trial in
            let value = trial.value.map { String(format: "%.4f", $0) } ?? "-"
            log("  \(study.name) trial \(trial.number): \(trial.state.rawValue.lowercased()) \(value) after \(trial.lastStep ?? 0) epochs")
        }) { trial in
            try objective.evaluate(data, space: space, suggest: { name, distribution in
                try trial.suggest(name, distribution: distribution)
            }, report: { value, step in
                try trial.report(value, step: step)
                try trial.pruneIfNeeded()
            })
        }
    }

    // MARK: 1. Grid search

    static func grid(_ writer: ReportWriter, storage: any StudyStorage, data: TrainingObjective.PreparedData, sizes: Sizes,
                     context: ReportContext) throws -> FrozenTrial {
        writer.heading("1. Grid search on the shallow network")
        let values: [String: [ParameterValue]] = [
            "batchSize": sizes.gridBatches.map(ParameterValue.int),
            "hidden": sizes.gridHidden.map(ParameterValue.int),
            "learningRate": sizes.gridRates.map(ParameterValue.double),
        ]
        let space = try values.mapValues { Distribution.categorical(try CategoricalDistribution($0)) }
        let study = try Study.create(name: "grid", storage: storage, direction: .maximize, sampler: try GridSampler(space: values, seed: context.seed))
        // Seed 002's grid trained with SGD for a fixed number of epochs, without early stopping.
        let objective = try objective("shallow", images: sizes.studyImages, epochs: sizes.gridEpochs, earlyStopping: nil, seed: context.seed,
                                      fixed: ["optimizer": .string("sgd")])
        try optimize(study, objective: objective, data: data, space: space, trials: nil, timeout: nil, log: context.log)
        let snapshot = try StudySnapshot(study)
        try FileIO.writeAtomically(Data(TrialTable.csv(snapshot.trials).utf8), to: writer.filePath("grid.csv"))
        guard let best = snapshot.best else { throw StudyError.invalidValue("the grid finished no trial") }
        let ranked = snapshot.completed.sorted { ($0.value ?? 0) > ($1.value ?? 0) }
        writer.paragraph("""
        Every combination of \(sizes.gridBatches.count) batch sizes, \(sizes.gridHidden.count) hidden widths and \
        \(sizes.gridRates.count) learning rates, trained with SGD for \(sizes.gridEpochs) epochs (seed 002's first grid: batch 3, 5 \
        or 10, 150 to 300 units, learning rates 1e-5 to 1e-2, 5 to 20 epochs). The grid sampler hands trial n the n-th \
        combination, so workers sharing the study never repeat one. The trace is grid.csv, as the seed kept its CSV files.
        """)
        writer.table(ReportTable(caption: "The grid, best first (validation accuracy after \(sizes.gridEpochs) epochs)",
                                 header: ["trial", "batch size", "hidden units", "learning rate", "validation accuracy", "seconds"],
                                 rows: ranked.map { trial in
                                     let p = trial.externalParams
                                     return ["\(trial.number)", p["batchSize"]?.description ?? "", p["hidden"]?.description ?? "",
                                             p["learningRate"]?.description ?? "", ReportFormat.percent(trial.value ?? .nan),
                                             ReportFormat.fixed(trial.duration ?? .nan, 1)]
                                 }))
        try draw(.correlation, snapshot, file: "grid_correlation.png", writer: writer,
                 caption: "Spearman rank correlation between the grid's parameters, the validation accuracy and each trial's duration: seed 002's \"graphe de corrélation\". Read a row as how strongly ranking the trials by that column agrees with ranking them by another.")
        try draw(.duration, snapshot, file: "grid_duration.png", writer: writer,
                 caption: "Each trial's duration against each parameter: small batches and wide layers cost time, as the seed found (377 s at batch 1 against 147 s at batch 3 there).")
        writer.metric("grid", .object([
            "trials": .number(Double(snapshot.trials.count)), "bestValue": .finite(best.value ?? .nan),
            "bestParams": .object(best.externalParams.mapValues(JSONValue.init)),
        ]))
        return best
    }

    // MARK: 2. Early stopping

    static func earlyStopping(_ writer: ReportWriter, data: TrainingObjective.PreparedData, best: FrozenTrial, sizes: Sizes,
                              context: ReportContext) throws {
        writer.heading("2. Early stopping: min_delta and patience")
        let params = best.externalParams
        let configuration = try TrainingConfiguration(model: "shallow") { name in name == "optimizer" ? .string("sgd") : params[name] }
        let prepared = PreparedData(fit: data.fit, validation: data.validation, test: data.validation, name: "mnist")
        var rows: [[String]] = []
        var curves: [LossCurvesFigure.Curve] = []
        var records: [JSONValue] = []
        let rules: [(patience: Int, minimumDelta: Double)?] = [nil] + sizes.stoppingRules.map { Optional($0) }
        for rule in rules {
            // The objective's recipe (what a study trial trains), with this section's epochs and rule.
            var recipe = try objective("shallow", images: sizes.studyImages, epochs: sizes.stoppingEpochs, earlyStopping: nil, seed: context.seed)
                .recipe(for: configuration)
            // Keras' rule as the seed used it: the last epoch's weights, not the best ones.
            recipe.earlyStopping = rule.map { EarlyStopping(patience: $0.patience, minimumDelta: $0.minimumDelta, restoreBest: false) }
            let outcome = try TrainingRun(recipe, showsProgress: false).train(on: prepared)
            let label = rule.map { "patience \($0.patience), min_delta \($0.minimumDelta)" } ?? "no early stopping"
            let epochs = outcome.history.records.count
            rows.append([label, "\(epochs)", ReportFormat.percent(outcome.testAccuracy ?? .nan), ReportFormat.fixed(outcome.seconds, 1)])
            curves.append(.init(label: label, losses: outcome.history.records.map { $0.validationLoss ?? .nan }))
            records.append(.object(["patience": rule.map { .number(Double($0.patience)) } ?? .null,
                                    "minDelta": rule.map { .finite($0.minimumDelta) } ?? .null,
                                    "epochs": .number(Double(epochs)), "validationAccuracy": .finite(outcome.testAccuracy ?? .nan),
                                    "seconds": .finite(outcome.seconds)]))
        }
        writer.paragraph("""
        The grid's best configuration retrained with Keras' early-stopping rule, as seed 002 implemented it: an epoch counts \
        as an improvement when the validation loss drops by more than min_delta, and training stops after `patience` \
        epochs without one (the seed's min_delta 0.001 and patience 2 "often stopped around 6 epochs"). At most \
        \(sizes.stoppingEpochs) epochs; the weights of the last epoch are scored.
        """)
        writer.table(ReportTable(caption: "Early stopping on the grid's best configuration (\(params.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")), SGD)",
                                 header: ["rule", "epochs", "validation accuracy", "seconds"], rows: rows))
        let figure = try LossCurvesFigure.figure(curves, title: "Validation loss per epoch under each early-stopping rule", yLabel: "validation loss (log scale)")
        try figure.save(writer.figurePath("early_stopping.png"))
        writer.figure("early_stopping.png", caption: "Validation loss per epoch: each rule's curve ends where it stopped training.")
        writer.metric("earlyStopping", .array(records))
    }

    // MARK: 3. TPE with the median pruner

    static func tpe(_ model: String, writer: ReportWriter, storage: any StudyStorage, sizes: Sizes, context: ReportContext) throws -> StudyOutcome {
        let isMLP = model == "mlp"
        let title = isMLP ? "deep MLP" : "shallow network"
        writer.heading("\(isMLP ? 4 : 3). TPE with the median pruner: the \(title)")
        let (images, budget, trials, epochs) = isMLP ? (sizes.mlpImages, sizes.mlpBudget, sizes.mlpTrials, sizes.mlpEpochs)
            : (sizes.shallowImages, sizes.shallowBudget, sizes.shallowTrials, sizes.shallowEpochs)
        let objective = try objective(model, images: images, epochs: epochs, earlyStopping: (2, 0.001), seed: context.seed)
        let data = try objective.prepare()
        let space = TrainingConfiguration.defaultSpace(model: model)
        let studyName = "\(model)-tpe"
        let study = try Study.create(name: studyName, storage: storage, direction: .maximize,
                                     sampler: TPESampler(seed: context.seed), pruner: try MedianPruner())
        let started = Date()
        try optimize(study, objective: objective, data: data, space: space, trials: trials, timeout: budget, log: context.log)
        let elapsed = Date().timeIntervalSince(started)
        let snapshot = try StudySnapshot(study)
        try FileIO.writeAtomically(Data(TrialTable.csv(snapshot.trials).utf8), to: writer.filePath("\(studyName).csv"))
        guard let best = snapshot.best else { throw StudyError.invalidValue("study \(studyName) completed no trial within its budget") }
        let pruning = PruningSummary(snapshot.trials, maximumEpochs: epochs)
        let spaceText = space.keys.sorted().map { "\($0) \(describe(space[$0]!))" }.joined(separator: ", ")
        writer.paragraph("""
        Seed 002's space for the \(title) (\(spaceText)), searched by TPE with the median pruner for \
        \(ReportFormat.seconds(budget)) (the seed ran \(isMLP ? "3 hours, 133 trials" : "1000 trials")). Each trial trains on \
        \(ReportFormat.grouped(Double(data.fit.count))) images for at most \(epochs) epochs (early stopping: patience 2, min_delta \
        0.001) and reports its validation accuracy after every epoch; the pruner stops a trial whose accuracy at an epoch is \
        below the median of the earlier trials at that epoch.
        """)
        writer.callout("\(snapshot.trials.count) trials in \(ReportFormat.seconds(elapsed)): \(pruning.complete) complete, \(pruning.pruned) pruned, \(pruning.failed) failed. The pruned trials stopped after \(ReportFormat.fixed(pruning.meanPrunedEpochs, 1)) epochs on average; run to \(epochs) epochs they would have cost about \(ReportFormat.seconds(pruning.savedSeconds)) more, \(ReportFormat.percent(pruning.savedFraction, 0)) of the study's training time (an upper bound: early stopping might have ended some of them sooner).")
        writer.table(ReportTable(caption: "The five best trials", header: ["trial", "validation accuracy", "epochs"] + space.keys.sorted().filter { $0 != "units" } + (isMLP ? ["units per layer"] : []),
                                 rows: snapshot.completed.sorted { ($0.value ?? 0) > ($1.value ?? 0) }.prefix(5).map { trial in
                                     let p = trial.externalParams
                                     var row = ["\(trial.number)", ReportFormat.percent(trial.value ?? .nan), "\(trial.lastStep ?? 0)"]
                                     row += space.keys.sorted().filter { $0 != "units" }.map { p[$0].map(format) ?? "" }
                                     if isMLP {
                                         row.append((0..<(p["layers"]?.intValue ?? 0)).compactMap { p["units\($0)"]?.description }.joined(separator: "-"))
                                     }
                                     return row
                                 }))
        try draw(.history, snapshot, file: "\(model)_history.png", writer: writer,
                 caption: "Every trial's validation accuracy in the order TPE proposed them, the best so far as a line; pruned trials are marked at the last accuracy they reported.")
        // Seed 002 kept the trials above 0.98 in TensorBoard's view; on fewer images and epochs
        // fewer trials get there, so the filter falls back to the best quarter.
        let values = snapshot.completed.compactMap(\.value).sorted()
        let threshold = values.filter { $0 > sizes.filterThreshold }.count >= 3 ? sizes.filterThreshold
            : values.count >= 8 ? values[values.count * 3 / 4] : nil
        try draw(.parallel, snapshot, options: StudyPlotOptions(parameters: snapshot.sharedParameterNames, minimumValue: threshold), file: "\(model)_parallel.png", writer: writer,
                 caption: "Parallel coordinates of the completed trials, coloured by validation accuracy" + (isMLP ? " (the widths of layers beyond the second exist only in some trials, so their axes are left out; the study's page shows them)" : "") + (threshold.map { ", filtered to those at or above \(ReportFormat.percent($0, 2)) as seed 002 filtered its TensorBoard view (> 0.98)." } ?? "."))
        try draw(.intermediate, snapshot, file: "\(model)_intermediate.png", writer: writer,
                 caption: "Every trial's validation accuracy per epoch; a cross marks where the pruner stopped a trial.")
        try draw(.importance, snapshot, file: "\(model)_importance.png", writer: writer,
                 caption: "How much of the validation accuracy's variance each parameter explains across the completed trials (method named on the figure).")
        if !isMLP {
            try draw(.duration, snapshot, file: "\(model)_duration.png", writer: writer,
                     caption: "Trial duration against each parameter: seed 002's time-against-parameter graphs (large batches with many units: fast and accurate, the combination the seed had not tried).")
        }
        writer.metric(MetricKey.join(model, "tpe"), .object([
            "trials": .number(Double(snapshot.trials.count)), "complete": .number(Double(pruning.complete)),
            "pruned": .number(Double(pruning.pruned)), "failed": .number(Double(pruning.failed)),
            "epochsTrained": .number(Double(pruning.epochsTrained)), "epochsSaved": .number(Double(pruning.epochsSaved)),
            "secondsSaved": .finite(pruning.savedSeconds), "savedFraction": .finite(pruning.savedFraction),
            "seconds": .finite(elapsed), "bestValue": .finite(best.value ?? .nan),
            "bestParams": .object(best.externalParams.mapValues(JSONValue.init)),
        ]))
        let params = best.externalParams
        let configuration = try TrainingConfiguration(model: model) { name in
            if let own = params[name] { return own }
            return TrainingConfiguration.distribution(for: name, in: space) == nil ? nil : params[name]
        }
        return StudyOutcome(model: model, studyName: studyName, best: best, configuration: configuration)
    }

    /// What the pruner saved in one study.
    struct PruningSummary {
        var complete = 0, pruned = 0, failed = 0
        var epochsTrained = 0, epochsSaved = 0
        var savedSeconds = 0.0, trainedSeconds = 0.0
        var prunedEpochs = 0

        init(_ trials: [FrozenTrial], maximumEpochs: Int) {
            for trial in trials {
                let epochs = trial.lastStep ?? 0
                epochsTrained += epochs
                trainedSeconds += trial.duration ?? 0
                switch trial.state {
                case .complete: complete += 1
                case .fail: failed += 1
                case .pruned:
                    pruned += 1
                    prunedEpochs += epochs
                    let skipped = max(maximumEpochs - epochs, 0)
                    epochsSaved += skipped
                    if epochs > 0, let duration = trial.duration { savedSeconds += Double(skipped) * duration / Double(epochs) }
                default: break
                }
            }
        }

        var meanPrunedEpochs: Double { pruned > 0 ? Double(prunedEpochs) / Double(pruned) : 0 }
        var savedFraction: Double { trainedSeconds + savedSeconds > 0 ? savedSeconds / (trainedSeconds + savedSeconds) : 0 }
    }

    // MARK: 5. Retraining

    static func retrain(_ writer: ReportWriter, outcomes: [StudyOutcome], sizes: Sizes, context: ReportContext) throws {
        writer.heading("5. The best configurations, retrained and tested once")
        let train = try Dataset.named("mnist", split: .train).prefix(sizes.retrainImages)
        let test = try Dataset.named("mnist", split: .test).prefix(sizes.testImages)
        let parts = try Splitter(fractions: [0.9, 0.1], seed: context.seed, stratified: true).split(count: train.count, labels: train.labels)
        let data = PreparedData(fit: train.subset(parts[0], name: "mnist-fit"), validation: train.subset(parts[1], name: "mnist-validation"),
                                test: test, name: "mnist")
        var rows: [[String]] = []
        for seedRow in seedAccuracies {
            guard let outcome = outcomes.first(where: { $0.model == seedRow.model }) else {
                rows.append([seedRow.title, "not searched here (the cnn report trains LeNet-5 with the seed's and the modern recipe)", "", "", "", "", ReportFormat.percent(seedRow.accuracy)])
                continue
            }
            var recipe = try objective(outcome.model, images: sizes.studyImages, epochs: sizes.retrainEpochs, earlyStopping: nil, seed: context.seed)
                .recipe(for: outcome.configuration)
            recipe.epochs = sizes.retrainEpochs
            recipe.earlyStopping = EarlyStopping(patience: 4, minimumDelta: 0, restoreBest: true)
            recipe.timeLimit = sizes.retrainSeconds
            let run = TrainingRun(recipe, log: { context.log("  retrain \(outcome.model) " + $0) }, showsProgress: false)
            let result = try run.train(on: data)
            let arguments = outcome.configuration.trainArguments(model: outcome.model, dataset: "mnist", epochs: sizes.retrainEpochs)
            let epochs = result.history.records.count
            let stopped = result.history.stoppedByTimeLimit ? ", time limit" : result.history.stoppedEarly ? ", stopped early" : ""
            rows.append([seedRow.title, arguments.joined(separator: " "), ReportFormat.percent(outcome.best.value ?? .nan),
                         ReportFormat.percent(result.testAccuracy ?? .nan), "\(epochs)\(stopped)", ReportFormat.fixed(result.seconds, 0),
                         ReportFormat.percent(seedRow.accuracy)])
            writer.metric(MetricKey.join(outcome.model, "retrained"), .object([
                "testAccuracy": .finite(result.testAccuracy ?? .nan), "epochs": .number(Double(result.history.records.count)),
                "stoppedByTimeLimit": .bool(result.history.stoppedByTimeLimit),
                "seconds": .finite(result.seconds), "studyValue": .finite(outcome.best.value ?? .nan),
                "seedTestAccuracy": .finite(seedRow.accuracy),
            ]))
        }
        writer.paragraph("""
        Each study's best configuration trained again on \(ReportFormat.grouped(Double(data.fit.count))) images (the best of at most \
        \(sizes.retrainEpochs) epochs on the remaining \(ReportFormat.grouped(Double(data.validation?.count ?? 0))) chosen by \
        validation loss, stopping after 4 epochs without a better one\(sizes.retrainSeconds.map { ", and no new epoch after \(ReportFormat.seconds($0)) of training, so that a configuration with tiny batches and wide layers cannot take the page past its time" } ?? "")) \
        and scored once on \(ReportFormat.grouped(Double(data.test.count))) test images. The seed's numbers come from hours of \
        search and training on a GPU-less laptop; these from minutes.
        """)
        writer.table(ReportTable(caption: "Best configurations: study validation accuracy, test accuracy after retraining, and seed 002's tuned test accuracy",
                                 header: ["model", "configuration (atelier train arguments)", "study validation", "test (retrained)", "epochs", "seconds", "seed 002"],
                                 rows: rows, numericColumns: [2, 3, 5, 6]))
    }

    // MARK: Helpers

    /// Draws one study figure into the report. A kind this study cannot support (no completed
    /// trial passes the filter in a short run, say) gets a line saying why instead of failing
    /// the whole report; any other error is thrown.
    static func draw(_ kind: StudyPlotKind, _ snapshot: StudySnapshot, options: StudyPlotOptions = StudyPlotOptions(), file: String,
                     writer: ReportWriter, caption: String) throws {
        let figure: Figure
        do {
            figure = try StudyPlots.figure(kind, of: snapshot, options: options)
        } catch let error as StudyViewsError {
            switch error {
            case .noCompletedTrials, .tooFewParameters, .nothingToDraw:
                writer.paragraph("(The \(kind.rawValue) figure is left out: \(error).)")
                return
            default: throw error
            }
        }
        try figure.save(writer.figurePath(file))
        writer.figure(file, caption: caption)
    }

    static func describe(_ distribution: Distribution) -> String {
        switch distribution {
        case let .float(d): return "\(format(.double(d.low)))-\(format(.double(d.high)))\(d.log ? " (log)" : "")"
        case let .int(d): return "\(d.low)-\(d.high)\(d.log ? " (log)" : "")"
        case let .categorical(d): return d.choices.map(\.description).joined(separator: " or ")
        }
    }

    static func format(_ value: ParameterValue) -> String {
        if case let .double(x) = value { return String(format: "%.3g", x) }
        return value.description
    }
}

extension JSONValue {
    /// A study parameter as JSON.
    init(_ value: ParameterValue) {
        switch value {
        case let .double(x): self = .finite(x)
        case let .int(x): self = .number(Double(x))
        case let .string(s): self = .string(s)
        case let .bool(b): self = .bool(b)
        case .null: self = .null
        }
    }
}
