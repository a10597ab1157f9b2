// A worker process for the storage tests and the `study-workers` benchmark: several of these run
// at once on one study (one SQLite file or one PostgreSQL database) and report what they did as one
// JSON line on stdout. Errors go to stderr with exit status 1.
//
//   StudyStorageWorker trials URL STUDY N         create N trials, each: 4 random params, COMPLETE
//   StudyStorageWorker pop URL STUDY              take WAITING trials until none is left, complete them
//   StudyStorageWorker hang URL STUDY INTERVAL    create a trial, heartbeat every INTERVAL s, never finish
//   StudyStorageWorker fail-stale URL STUDY GRACE mark stale RUNNING trials FAIL, print their numbers
import Foundation
import Studies
import StudyStorages

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("StudyStorageWorker: error: \(message)\n".utf8))
    exit(1)
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// Opens the study, creating it when absent (several workers may race to create it).
func openStudy(_ storage: any StudyStorage, _ name: String) throws -> Int64 {
    if let id = try? storage.studyID(named: name) { return id }
    do {
        return try storage.createStudy(name: name, directions: [.minimize])
    } catch StudyError.duplicateStudy {
        return try storage.studyID(named: name)
    }
}

/// A trial as a simple objective runs it: four parameters of Optuna's three kinds, then COMPLETE.
func runTrial(_ storage: any StudyStorage, studyID: Int64, trialID: Int64, generator: inout SystemRandomNumberGenerator) throws {
    let space: [(String, Distribution)] = [
        ("x", .float(try FloatDistribution(low: -10, high: 10))),
        ("lr", .float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true))),
        ("units", .int(try IntDistribution(low: 16, high: 256))),
        ("optimizer", .categorical(try CategoricalDistribution([.string("adam"), .string("sgd"), .string("rmsprop")]))),
    ]
    var params: [String: Double] = [:]
    for (name, distribution) in space {
        let value: Double
        switch distribution {
        case .float(let d) where d.log: value = exp(Double.random(in: log(d.low)...log(d.high), using: &generator))
        case .float(let d): value = Double.random(in: d.low...d.high, using: &generator)
        case .int(let d): value = Double(Int.random(in: d.low...d.high, using: &generator))
        case .categorical(let d): value = Double(Int.random(in: 0..<d.choices.count, using: &generator))
        }
        try storage.setTrialParameter(trialID: trialID, name: name, internalValue: value, distribution: distribution)
        params[name] = value
    }
    let objective = params["x"]! * params["x"]! + log10(params["lr"]!) * log10(params["lr"]!)
    try storage.setTrialState(trialID: trialID, state: .complete, values: [objective])
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else { fail("usage: StudyStorageWorker trials|pop|hang|fail-stale URL STUDY [N]") }
let (command, url, studyName) = (arguments[1], arguments[2], arguments[3])
do {
    let storage = try openStudyStorage(url: url)
    let studyID = try openStudy(storage, studyName)
    var generator = SystemRandomNumberGenerator()
    switch command {
    case "trials":
        guard arguments.count >= 5, let count = Int(arguments[4]) else { fail("trials needs a count") }
        var numbers: [Int] = []
        let start = Date()
        for _ in 0..<count {
            let (id, number) = try storage.createTrial(studyID: studyID, template: nil)
            numbers.append(number)
            try runTrial(storage, studyID: studyID, trialID: id, generator: &generator)
            // What a sampler reads before each ask: the study's trials.
            _ = try storage.trials(studyID: studyID)
        }
        emit(["numbers": numbers, "seconds": Date().timeIntervalSince(start)])
    case "pop":
        var numbers: [Int] = []
        while let id = try storage.popWaitingTrial(studyID: studyID) {
            numbers.append(try storage.trial(id: id).number)
            try runTrial(storage, studyID: studyID, trialID: id, generator: &generator)
        }
        emit(["numbers": numbers])
    case "hang":
        guard arguments.count >= 5, let interval = Double(arguments[4]) else { fail("hang needs an interval") }
        let (id, number) = try storage.createTrial(studyID: studyID, template: nil)
        try storage.setTrialParameter(trialID: id, name: "x", internalValue: 1.5,
                                      distribution: .float(try FloatDistribution(low: -10, high: 10)))
        try storage.recordHeartbeat(trialID: id)
        emit(["number": number, "id": id])
        while true {
            Thread.sleep(forTimeInterval: interval)
            try storage.recordHeartbeat(trialID: id)
        }
    case "fail-stale":
        guard arguments.count >= 5, let grace = Double(arguments[4]) else { fail("fail-stale needs a grace period") }
        let failed = try storage.failStaleTrials(studyID: studyID, gracePeriod: grace)
        emit(["numbers": failed.map(\.number)])
    default:
        fail("unknown command \(command)")
    }
} catch {
    fail("\(error)")
}
