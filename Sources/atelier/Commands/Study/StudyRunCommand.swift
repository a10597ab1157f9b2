import ArgumentParser
import Dispatch
import Foundation
import NeuralNet
import Studies
import StudyObjectives
import TensorBoard
import TensorCore

/// `atelier study run`: a study driven by a built-in objective (training a zoo model), on one or
/// several local worker processes.
struct StudyRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a study whose objective trains a model of the zoo on MNIST or Fashion-MNIST.",
        discussion: """
        Creates the study when it does not exist (with --model's default space, seed 002's ranges, unless --space FILE is given) and joins it when it does, so a stopped or killed run continues where it stopped: --trials counts every trial the study holds. Each trial trains on a stratified split of the training set and reports the validation accuracy (the autoencoder: validation MSE) after every epoch, so pruners can stop it. --workers N starts N local worker processes on one study (not with the memory storage); a worker that dies is named with its pid and signal, the others finish the budget, and the run exits 1 (a trial the worker left RUNNING is failed after --grace-period by the next ask and retried, --retries). Default spaces: learningRate 1e-5..1e-1 (log), batchSize 3..100, optimizer adam|sgd; shallow: hidden 500..2000; mlp: layers 2..10, units 200..1000 per layer and dropout 0..0.5; autoencoder: hidden 32..512 (log), latent 2..64 (log).

        --tensorboard DIR writes TensorBoard event files: DIR/trial-N per trial, with the scalars loss/train, loss/validation, accuracy/train, accuracy/validation, learningRate and seconds after every epoch and the trial's parameters as HParams, ending as Success (complete), Failure (failed) or Unknown (pruned: TensorBoard has no pruned status); and DIR itself with the experiment, which lists every parameter of the space and the metrics, so that TensorBoard's HParams view shows them all. Workers write into the same DIR.

        Examples:
          atelier study run --study shallow --model shallow --limit 6000 \\
              --epochs 10 --trials 40 --pruner median
          atelier study run --study mlp --model mlp --timeout 3h --workers 2 \\
              --pruner median
          atelier study run --study lenet --model lenet5 --trials 100 \\
              --storage postgresql://atelier:atelier@127.0.0.1/studies
          atelier study run --study shallow --model shallow --limit 6000 \\
              --trials 20 --tensorboard runs/tensorboard/shallow-study
        """
    )

    @OptionGroup var location: StudyLocation

    @Option(help: "Model: shallow, mlp, lenet5, cnn3, autoencoder, perceptron, conv1d.")
    var model: String?

    @Option(help: "mnist or fashion-mnist.")
    var dataset: String?

    @Option(help: "Folder holding the dataset's IDX files.")
    var dataDir: String?

    @Option(help: "Use only the first N training images (split into fit and validation parts).")
    var limit: Int?

    @Option(help: "Most epochs per trial.")
    var epochs: Int?

    @Option(help: "Early stopping: epochs without a validation-loss improvement tolerated (0 turns it off).")
    var patience: Int?

    @Option(help: "Early stopping: smallest validation-loss decrease that counts.")
    var minDelta: Double?

    @Option(help: "Share of the training set held out (stratified) to score trials.")
    var validationFraction: Double?

    @Option(help: "Search space file (JSON) for a new study.")
    var space: String?

    @OptionGroup var settings: StudySettingOptions

    @Option(help: "Stop when the study holds this many trials.")
    var trials: Int?

    @Option(help: "Start no trial after this long (e.g. 90s, 10m, 3h).")
    var timeout: Duration?

    @Option(help: "Local worker processes on the study.")
    var workers = 1

    @Option(help: "Seconds between heartbeats of a running trial (0: none).")
    var heartbeatInterval: Double = 10

    @Option(help: "Seconds without a heartbeat after which a running trial is failed (default: twice the interval).")
    var gracePeriod: Double?

    @Option(help: "Retries of a trial failed by a dead worker (with the same parameters).")
    var retries = 1

    @Option(help: "TensorBoard log folder: DIR/trial-N per trial, the experiment (every parameter) in DIR.")
    var tensorboard: String?

    @Flag(help: .hidden)
    var workerProcess = false

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    /// The objective's settings, as stored with the study so that every worker trains the same way.
    struct ObjectiveSettings: Codable, Equatable {
        var model: String
        var dataset: String
        var limit: Int?
        var epochs: Int
        var patience: Int
        var minDelta: Double
        var validationFraction: Double
        var seed: UInt64
    }

    static func storedObjective(in storage: any StudyStorage, studyID: Int64) throws -> ObjectiveSettings? {
        guard let value = try storage.study(id: studyID).systemAttributes[StudySettings.objectiveKey] else { return nil }
        return try JSONDecoder().decode(ObjectiveSettings.self, from: Data(try value.jsonText().utf8))
    }

    func validate() throws {
        _ = try settings.settings.validated()
        if let model, !ModelZoo.names.contains(model.lowercased()) {
            throw ValidationError("--model must be one of \(ModelZoo.names.joined(separator: ", ")), got '\(model)'")
        }
        if let dataset, !["mnist", "fashion-mnist"].contains(dataset) {
            throw ValidationError("--dataset must be mnist or fashion-mnist, got '\(dataset)'")
        }
        if let limit, limit < 20 { throw ValidationError("--limit must be at least 20, got \(limit)") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let patience, patience < 0 { throw ValidationError("--patience must be at least 0, got \(patience)") }
        if let minDelta, minDelta < 0 { throw ValidationError("--min-delta must be at least 0, got \(minDelta)") }
        if let f = validationFraction, !(f > 0 && f < 1) { throw ValidationError("--validation-fraction must be in (0, 1), got \(f)") }
        if let trials, trials < 1 { throw ValidationError("--trials must be at least 1, got \(trials)") }
        if workers < 1 { throw ValidationError("--workers must be at least 1, got \(workers)") }
        if heartbeatInterval < 0 { throw ValidationError("--heartbeat-interval must be at least 0, got \(heartbeatInterval)") }
        if let gracePeriod, gracePeriod <= 0 { throw ValidationError("--grace-period must be positive, got \(gracePeriod)") }
        if retries < 0 { throw ValidationError("--retries must be at least 0, got \(retries)") }
        if trials == nil && timeout == nil { throw ValidationError("give a budget: --trials N and/or --timeout DURATION") }
        if workers > 1 && location.storage == "memory" {
            throw ValidationError("--workers \(workers) needs a storage the processes share (sqlite:///FILE.db or postgresql://...), not memory")
        }
    }

    struct Report: Encodable {
        var study: String
        var model: String
        var metric: String
        var direction: String
        var trials: Int
        var counts: StateCounts
        var epochs: Int
        var best: TrialReport?
        var seconds: Double
        /// The TensorBoard event files this run wrote (empty without --tensorboard).
        var files: [String]
    }

    func run() throws {
        let started = Date()
        if let tensorboard { try OutputCheck.folder(tensorboard, flag: "--tensorboard") }
        let storage = try location.open()
        let (studyID, objectiveSettings) = try prepareStudy(storage)
        let stored = try StudySettings.stored(in: storage, studyID: studyID) ?? settings.settings
        let space = try StudySettings.storedSpace(in: storage, studyID: studyID)
            ?? TrainingConfiguration.defaultSpace(model: objectiveSettings.model).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let objective = try TrainingObjective(
            model: objectiveSettings.model, dataset: objectiveSettings.dataset, dataDirectory: dataDir,
            limit: objectiveSettings.limit, validationFraction: objectiveSettings.validationFraction,
            maxEpochs: objectiveSettings.epochs,
            earlyStopping: objectiveSettings.patience > 0 ? (objectiveSettings.patience, objectiveSettings.minDelta) : nil,
            seed: objectiveSettings.seed)
        // Load the data before starting workers: a missing dataset fails here, once.
        let data = try objective.prepare()
        if let tensorboard, !workerProcess {
            let writer = try EventWriter(folder: tensorboard)
            writer.addExperiment(TensorBoardLog.experiment(study: location.study, space: space, autoencoder: objective.model == "autoencoder"))
            try writer.close()
        }

        if workers > 1 && !workerProcess {
            try runWorkers(storage: storage, studyID: studyID)
        } else {
            let study = try Study.load(name: location.study, storage: storage, sampler: try stored.makeSampler(space: space),
                                       pruner: try stored.makePruner(), heartbeat: heartbeat)
            let spaceByName = Dictionary(uniqueKeysWithValues: space.map { ($0.name, $0.distribution) })
            try study.optimize(trials: trials, timeout: timeout?.seconds, budget: .study, catchingErrors: true,
                               showsProgress: workerProcess ? false : nil) { trial in
                let log = try tensorboard.map { try TrialLog(folder: $0, trial: trial) }
                do {
                    let value = try objective.evaluate(data, space: spaceByName, suggest: { name, distribution in
                        try trial.suggest(name, distribution: distribution)
                    }, report: { value, step in
                        try trial.report(value, step: step)
                        try trial.pruneIfNeeded()
                    }, onEpoch: log?.add)
                    try log?.end(after: nil)
                    return value
                } catch {
                    try? log?.end(after: error)
                    throw error
                }
            }
        }
        guard !workerProcess else { return }
        try printSummary(storage: storage, studyID: studyID, objective: objective, started: started)
    }

    /// Joining a study keeps its stored sampler and pruner: a flag that asks for other ones is an
    /// error rather than silently ignored.
    func checkStoredSettings(_ storage: any StudyStorage, studyID: Int64) throws {
        guard let stored = try StudySettings.stored(in: storage, studyID: studyID),
              let conflict = settings.conflict(with: stored) else { return }
        throw StudyError.invalidValue("\(conflict): study \"\(location.study)\" keeps the sampler and pruner it was created with; leave the flag out or use another --study name")
    }

    /// Creates the study with its settings, space and objective, or joins the existing one.
    func prepareStudy(_ storage: any StudyStorage) throws -> (Int64, ObjectiveSettings) {
        if let id = try existingStudyID(storage) {
            guard let stored = try Self.storedObjective(in: storage, studyID: id) else {
                throw StudyError.invalidValue("study \"\(location.study)\" has no built-in objective (created by create or Optuna); drive it with ask and tell")
            }
            // Found by reading the storage, so a data error (exit 1) that names the flag (CONVENTIONS.md).
            if let model, model.lowercased() != stored.model {
                throw StudyError.invalidValue("--model \(model): study \"\(location.study)\" trains \(stored.model), not \(model); use another --study name")
            }
            if let dataset, dataset != stored.dataset {
                throw StudyError.invalidValue("--dataset \(dataset): study \"\(location.study)\" uses \(stored.dataset), not \(dataset)")
            }
            try checkStoredSettings(storage, studyID: id)
            return (id, stored)
        }
        guard let model = model?.lowercased() else {
            throw ValidationError("study \"\(location.study)\" does not exist yet: give --model to create it")
        }
        let objective = ObjectiveSettings(model: model, dataset: dataset ?? "mnist", limit: limit, epochs: epochs ?? 10,
                                          patience: patience ?? 2, minDelta: minDelta ?? 0.001,
                                          validationFraction: validationFraction ?? 0.1, seed: settings.seed ?? 0)
        let spaceList = try space.map(SpaceFile.read)
            ?? TrainingConfiguration.defaultSpace(model: model).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let settings = try settings.settings.validated()
        if settings.sampler == "grid", spaceList.contains(where: { if case .float(let d) = $0.distribution { return d.step == nil } else { return false } }) {
            throw ValidationError("--sampler grid needs every float parameter to have a step (a grid cannot enumerate a continuous range)")
        }
        let direction: StudyDirection = model == "autoencoder" ? .minimize : .maximize
        let id: Int64
        do {
            id = try storage.createStudy(name: location.study, directions: [direction])
        } catch StudyError.duplicateStudy {
            // Another worker created it between our look and our create: join it.
            let existing = try storage.studyID(named: location.study)
            guard let stored = try Self.storedObjective(in: storage, studyID: existing) else {
                throw StudyError.invalidValue("study \"\(location.study)\" was created meanwhile without an objective")
            }
            try checkStoredSettings(storage, studyID: existing)
            return (existing, stored)
        }
        try settings.store(in: storage, studyID: id)
        try StudySettings.storeSpace(spaceList, in: storage, studyID: id)
        let encoded = String(decoding: try JSONEncoder().encode(objective), as: UTF8.self)
        try storage.setStudySystemAttribute(studyID: id, key: StudySettings.objectiveKey, value: try AttributeValue(jsonText: encoded))
        return (id, objective)
    }

    /// The study's id, or nil when the storage has no study of that name (other errors throw).
    func existingStudyID(_ storage: any StudyStorage) throws -> Int64? {
        do { return try storage.studyID(named: location.study) } catch StudyError.unknownStudy { return nil }
    }

    /// Starts `workers` copies of this command as worker processes and shows their progress.
    func runWorkers(storage: any StudyStorage, studyID: Int64) throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let index = arguments.firstIndex(of: "--json") { arguments.remove(at: index) }
        arguments.append("--worker-process")
        let executable = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        let progress = ProgressLine()
        // The workers' pace counts from here: the trials finished before are earlier runs'.
        let finishedBefore = progress.isEnabled
            ? (try? storage.trialCount(studyID: studyID, states: StudyProgress.finishedStates)) ?? 0 : 0
        let workersStarted = Date()
        var processes: [Process] = []
        for _ in 0..<workers {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) { process.executableURL = executable }
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        let direction = try storage.study(id: studyID).directions.first ?? .maximize
        // A worker that dies is reported when it is seen dead; the others go on to the budget.
        var reported: Set<Int> = []
        while processes.contains(where: \.isRunning) {
            Thread.sleep(forTimeInterval: 1)
            for (index, process) in processes.enumerated() where !process.isRunning && !reported.contains(index) {
                reported.insert(index)
                let exit = Self.exit(of: process, worker: index + 1)
                guard !exit.succeeded else { continue }
                progress.finish()
                FileHandle.standardError.write(Data("atelier: \(exit.notice(running: processes.filter(\.isRunning).count))\n".utf8))
            }
            guard progress.isEnabled, let trials = try? storage.trials(studyID: studyID) else { continue }
            // Each worker's timeout starts after it loaded the data, so this time left errs short.
            let state = StudyProgress(trials: trials, direction: direction, finishedBefore: finishedBefore, budget: self.trials,
                                      timeout: timeout?.seconds, elapsed: Date().timeIntervalSince(workersStarted), workers: workers)
            progress.update(state.text)
        }
        progress.finish()
        let exits = processes.enumerated().map { Self.exit(of: $0.element, worker: $0.offset + 1) }
        if !exits.allSatisfy(\.succeeded) {
            throw StudyWorkersFailed(exits: exits, heartbeat: heartbeat)
        }
    }

    /// The heartbeats of this run's trials: none with `--heartbeat-interval 0` or the memory
    /// storage (no other process can see a stale trial there).
    var heartbeat: Heartbeat? {
        heartbeatInterval > 0 && location.storage != "memory"
            ? Heartbeat(interval: heartbeatInterval, gracePeriod: gracePeriod, retries: retries) : nil
    }

    /// How an ended worker process ended: Foundation's `terminationStatus` is the signal's number
    /// when `terminationReason` is `.uncaughtSignal`.
    static func exit(of process: Process, worker: Int) -> StudyWorkerExit {
        let ending: StudyWorkerExit.Ending = process.terminationReason == .uncaughtSignal
            ? .signalled(process.terminationStatus) : .exited(status: process.terminationStatus)
        return StudyWorkerExit(worker: worker, pid: process.processIdentifier, ending: ending)
    }

    func printSummary(storage: any StudyStorage, studyID: Int64, objective: TrainingObjective, started: Date) throws {
        let study = try Study.load(name: location.study, storage: storage, sampler: RandomSampler())
        let trials = try study.trials
        let report = Report(study: study.name, model: objective.model, metric: objective.metricName,
                            direction: study.direction.rawValue.lowercased(), trials: trials.count, counts: StateCounts(trials),
                            epochs: trials.reduce(0) { $0 + ($1.lastStep ?? 0) }, best: try study.bestTrial.map(TrialReport.init),
                            seconds: Date().timeIntervalSince(started),
                            files: tensorboard.map { TensorBoardLog.eventFiles(in: $0, since: started) } ?? [])
        if json { try Output.json(report); return }
        print("study \(report.study): \(report.trials) trials (\(report.counts.text)), \(report.epochs) epochs trained")
        if let best = report.best { print("best \(objective.metricName): \(best.text)") }
        if let tensorboard { print("wrote \(report.files.count) TensorBoard event files under \(tensorboard)") }
    }

    /// One trial's event file, DIR/trial-N: its parameters once they are drawn (at the first
    /// epoch, or at the end when it stops before one), every epoch's scalars, and how it ended.
    final class TrialLog {
        let writer: EventWriter
        let trial: Trial
        let started = Date().timeIntervalSince1970
        var hasStart = false

        init(folder: String, trial: Trial) throws {
            writer = try EventWriter(folder: (folder as NSString).appendingPathComponent("trial-\(trial.number)"))
            self.trial = trial
        }

        private func start() {
            guard !hasStart else { return }
            writer.addHParams(TensorBoardLog.hparams(of: trial.params), startTime: started)
            hasStart = true
        }

        func add(_ record: EpochRecord) throws {
            start()
            try TensorBoardLog.add(record, to: writer)
        }

        func end(after error: (any Error)?) throws {
            start()
            writer.addSessionEnd(TensorBoardLog.status(after: error))
            try writer.close()
        }
    }
}
