import ArgumentParser
import Foundation
import Studies
import StudyStorages

/// `atelier study …`: hyperparameter studies stored in Optuna's own schema.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Hyperparameter studies (grid, random, TPE; pruning) stored in SQLite or PostgreSQL in Optuna's schema.",
        discussion: """
        A study lives in a storage: --storage sqlite:///studies.db (the default, a file in the current folder), sqlite:////absolute/path.db, postgresql://user:password@host:5432/db (workers on many machines), or memory (this process only). Optuna, optuna-dashboard and Python workers open the same database.

        Examples:
          atelier study run --study shallow --model shallow --limit 6000 \\
              --trials 40 --pruner median
          atelier study create --study lr --space space.json --sampler tpe
          atelier study ask --study lr
          atelier study tell --study lr --trial 0 --value 0.125
          atelier study show --study shallow
          atelier study export --study shallow --out trials.csv
          atelier study plot parallel --study shallow --out parallel.png
          atelier study page --study shallow --out shallow-page
        """,
        subcommands: [
            StudyCreateCommand.self, StudyAskCommand.self, StudyTellCommand.self, StudyRunCommand.self,
            StudyShowCommand.self, StudyBestCommand.self, StudyExportCommand.self, StudyPlotCommand.self, StudyPageCommand.self,
            StudyDeleteCommand.self,
        ]
    )
}

/// `--storage` and `--study`, shared by every study subcommand.
struct StudyLocation: ParsableArguments {
    @Option(help: "Storage URL: sqlite:///FILE.db, postgresql://USER:PASSWORD@HOST:PORT/DB or memory.")
    var storage = "sqlite:///studies.db"

    @Option(help: "Study name.")
    var study: String

    func open() throws -> any StudyStorage {
        try openStudyStorage(url: storage)
    }

    func validate() throws {
        guard !study.isEmpty else { throw ValidationError("--study must not be empty") }
    }
}

/// How a study proposes and prunes, as stored with it (study system attributes, so that every
/// worker, `ask` process and later run uses the same settings).
struct StudySettings: Codable, Equatable {
    var sampler: String
    var pruner: String
    var seed: UInt64
    var prunerStartupTrials: Int?
    var prunerWarmupSteps: Int?
    /// TPE's random trials before it models (Optuna's `n_startup_trials`, default 10).
    var samplerStartupTrials: Int?
    /// TPE's candidates per proposal (Optuna's `n_ei_candidates`, default 24).
    var samplerCandidates: Int?

    /// The defaults of the optional settings, Optuna's: `MedianPruner`/`PercentilePruner`'s
    /// n_startup_trials and n_warmup_steps, `TPESampler`'s n_startup_trials and n_ei_candidates.
    static let defaultPrunerStartupTrials = 5
    static let defaultPrunerWarmupSteps = 0
    static let defaultSamplerStartupTrials = 10
    static let defaultSamplerCandidates = 24

    static let key = "atelier:settings"
    static let spaceKey = "atelier:space"
    static let objectiveKey = "atelier:objective"
    static let samplers = ["tpe", "random", "grid"]
    static let pruners = ["none", "median", "percentile", "halving", "hyperband", "patient"]

    func validated() throws -> StudySettings {
        guard Self.samplers.contains(sampler) else {
            throw ValidationError("--sampler must be one of \(Self.samplers.joined(separator: ", ")), got '\(sampler)'")
        }
        guard Self.pruners.contains(pruner) else {
            throw ValidationError("--pruner must be one of \(Self.pruners.joined(separator: ", ")), got '\(pruner)'")
        }
        if let n = prunerStartupTrials, n < 0 { throw ValidationError("--pruner-startup-trials must be at least 0, got \(n)") }
        if let n = prunerWarmupSteps, n < 0 { throw ValidationError("--pruner-warmup-steps must be at least 0, got \(n)") }
        for (flag, value) in [("--sampler-startup-trials", samplerStartupTrials), ("--sampler-candidates", samplerCandidates)] {
            guard let value else { continue }
            guard sampler == "tpe" else { throw ValidationError("\(flag) applies to the tpe sampler, not \(sampler)") }
            let least = flag == "--sampler-candidates" ? 1 : 0
            if value < least { throw ValidationError("\(flag) must be at least \(least), got \(value)") }
        }
        return self
    }

    func makeSampler(space: [(name: String, distribution: Distribution)]) throws -> any Sampler {
        switch sampler {
        case "random": return RandomSampler(seed: seed)
        case "grid":
            return try GridSampler(space: Dictionary(uniqueKeysWithValues: try space.map { ($0.name, try StudyPruners.gridValues($0.name, $0.distribution)) }),
                                   seed: seed)
        default:
            return TPESampler(seed: seed, startupTrials: samplerStartupTrials ?? Self.defaultSamplerStartupTrials,
                              candidateCount: samplerCandidates ?? Self.defaultSamplerCandidates)
        }
    }

    func makePruner() throws -> any Pruner {
        try StudyPruners.make(name: pruner, startupTrials: prunerStartupTrials, warmupSteps: prunerWarmupSteps)
    }

    func store(in storage: any StudyStorage, studyID: Int64) throws {
        let data = try JSONEncoder().encode(self)
        try storage.setStudySystemAttribute(studyID: studyID, key: Self.key,
                                            value: try AttributeValue(jsonText: String(decoding: data, as: UTF8.self)))
    }

    /// The settings stored with the study, or nil for a study Atelier did not create (Optuna's).
    static func stored(in storage: any StudyStorage, studyID: Int64) throws -> StudySettings? {
        guard let value = try storage.study(id: studyID).systemAttributes[key] else { return nil }
        return try JSONDecoder().decode(StudySettings.self, from: Data(try value.jsonText().utf8))
    }

    /// The search space stored with the study, if any.
    static func storedSpace(in storage: any StudyStorage, studyID: Int64) throws -> [(name: String, distribution: Distribution)]? {
        guard case .string(let text)? = try storage.study(id: studyID).systemAttributes[spaceKey] else { return nil }
        return try SpaceFile.parse(Data(text.utf8))
    }

    static func storeSpace(_ space: [(name: String, distribution: Distribution)], in storage: any StudyStorage, studyID: Int64) throws {
        try storage.setStudySystemAttribute(studyID: studyID, key: spaceKey, value: .string(SpaceFile.optunaJSON(space)))
    }
}

/// The sampler and pruner flags of `create` and `run`.
struct StudySettingOptions: ParsableArguments {
    @Option(help: "Sampler: tpe (Optuna 5's defaults), random or grid (each combination once).")
    var sampler: String?

    @Option(help: "Pruner: none, median, percentile (25th), halving (asynchronous successive halving), hyperband, patient (median with patience 3).")
    var pruner: String?

    @Option(help: "Trials before the median/percentile pruner acts (Optuna's n_startup_trials, default 5).")
    var prunerStartupTrials: Int?

    @Option(help: "Steps of each trial before the median/percentile pruner acts (n_warmup_steps, default 0).")
    var prunerWarmupSteps: Int?

    @Option(help: "Random trials before TPE models the study (Optuna's n_startup_trials, default 10).")
    var samplerStartupTrials: Int?

    @Option(help: "Candidates TPE draws and scores per proposal (Optuna's n_ei_candidates, default 24). More candidates search closer to the best trials: 96 found better optima than 24 on most 4- to 6-parameter test functions and no better on 2- and 3-parameter ones, at twice the time per ask (BENCHMARKS.md).")
    var samplerCandidates: Int?

    @Option(help: "Seed of the sampler (and of `run`'s training; default 0).")
    var seed: UInt64?

    var settings: StudySettings {
        StudySettings(sampler: sampler ?? "tpe", pruner: pruner ?? "none", seed: seed ?? 0,
                      prunerStartupTrials: prunerStartupTrials, prunerWarmupSteps: prunerWarmupSteps,
                      samplerStartupTrials: samplerStartupTrials, samplerCandidates: samplerCandidates)
    }

    /// The first flag given here that disagrees with the settings stored with an existing study,
    /// as "--flag given (the study has stored)", or that does not apply to its sampler or pruner;
    /// nil when every given flag agrees. A study keeps the settings it was created with, so that
    /// all its workers and ask processes draw alike.
    func conflict(with stored: StudySettings) -> String? {
        if let sampler, sampler != stored.sampler { return "--sampler \(sampler) (the study has \(stored.sampler))" }
        if let pruner, pruner != stored.pruner { return "--pruner \(pruner) (the study has \(stored.pruner))" }
        if let seed, seed != stored.seed { return "--seed \(seed) (the study has \(stored.seed))" }
        let thresholdPruners = ["median", "percentile", "patient"]
        // (flag, given, stored or default, the samplers or pruners it applies to, which of the two)
        let settings: [(String, Int?, Int, [String], String)] = [
            ("--pruner-startup-trials", prunerStartupTrials,
             stored.prunerStartupTrials ?? StudySettings.defaultPrunerStartupTrials, thresholdPruners, "pruner"),
            ("--pruner-warmup-steps", prunerWarmupSteps,
             stored.prunerWarmupSteps ?? StudySettings.defaultPrunerWarmupSteps, thresholdPruners, "pruner"),
            ("--sampler-startup-trials", samplerStartupTrials,
             stored.samplerStartupTrials ?? StudySettings.defaultSamplerStartupTrials, ["tpe"], "sampler"),
            ("--sampler-candidates", samplerCandidates,
             stored.samplerCandidates ?? StudySettings.defaultSamplerCandidates, ["tpe"], "sampler"),
        ]
        for (flag, given, kept, appliesTo, kind) in settings {
            guard let given else { continue }
            let storedName = kind == "pruner" ? stored.pruner : stored.sampler
            if !appliesTo.contains(storedName) {
                return "\(flag) (the study's \(kind) is \(storedName), which has no such setting)"
            }
            if given != kept { return "\(flag) \(given) (the study has \(kept))" }
        }
        return nil
    }
}

/// What every study subcommand prints about a trial.
struct TrialReport: Encodable {
    var number: Int
    var state: String
    var value: Double?
    var params: [String: ParameterValue]
    var durationSeconds: Double?
    var lastStep: Int?

    init(_ trial: FrozenTrial) {
        number = trial.number
        state = trial.state.rawValue
        value = trial.value.flatMap { $0.isFinite ? $0 : nil }
        params = trial.externalParams
        durationSeconds = trial.duration
        lastStep = trial.lastStep
    }

    var text: String {
        let shown = params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: " ")
        return "trial \(number): \(state)\(value.map { " value \($0)" } ?? "")\(shown.isEmpty ? "" : "  " + shown)"
    }
}

/// "90", "45s", "10m", "3h", "1h30m": a duration in seconds.
struct Duration: ExpressibleByArgument {
    let seconds: TimeInterval

    init?(argument: String) {
        if let plain = Double(argument) {
            guard plain > 0 else { return nil }
            seconds = plain
            return
        }
        var total = 0.0
        var number = ""
        for character in argument {
            if character.isNumber || character == "." { number.append(character); continue }
            guard let value = Double(number) else { return nil }
            switch character {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86400
            default: return nil
            }
            number = ""
        }
        guard number.isEmpty, total > 0 else { return nil }
        seconds = total
    }

    static var defaultValueDescription: String { "e.g. 90s, 10m, 3h, 1h30m" }
}

/// Counts of a study's trials by state.
struct StateCounts: Encodable {
    var complete = 0, pruned = 0, fail = 0, running = 0, waiting = 0

    init(_ trials: [FrozenTrial]) {
        for trial in trials {
            switch trial.state {
            case .complete: complete += 1
            case .pruned: pruned += 1
            case .fail: fail += 1
            case .running: running += 1
            case .waiting: waiting += 1
            }
        }
    }

    var text: String { "\(complete) complete, \(pruned) pruned, \(fail) failed, \(running) running, \(waiting) waiting" }
}
