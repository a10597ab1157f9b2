import Foundation
import Studies
import StudiesPostgres
import StudiesSQLite
import StudyStorages
import TestSupport
import Testing

/// What the storage tests need from outside: PostgreSQL (`ATELIER_TEST_POSTGRES_URL`) and a Python
/// with optuna 5.1 and optuna-dashboard (`ATELIER_TEST_PYTHON`). Without them those tests are
/// skipped with a note, except under `CI=true`, where a missing one fails them.
enum TestEnvironment {
    static let variables = ProcessInfo.processInfo.environment
    static let isCI = variables["CI"] == "true"
    static let postgresURL = variables["ATELIER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let python = variables["ATELIER_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }

    /// Run the PostgreSQL tests: the URL is set, or CI requires them (and they fail without it).
    static let runsPostgres = postgresURL != nil || isCI
    static let runsPython = python != nil || isCI

    static func requirePostgres() throws -> String {
        try #require(postgresURL, "CI=true but ATELIER_TEST_POSTGRES_URL is unset (scripts/test.sh sets it up)")
    }

    static func requirePython() throws -> String {
        try #require(python, "CI=true but ATELIER_TEST_PYTHON is unset (scripts/test.sh sets it up)")
    }
}

/// The drivers the conformance suite runs against.
enum StorageKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// In-memory and SQLite always; PostgreSQL when reachable or required (CI).
    static var tested: [StorageKind] {
        TestEnvironment.runsPostgres ? [.memory, .sqlite, .postgres] : [.memory, .sqlite]
    }

    /// The drivers other processes can share (the worker tests).
    static var shared: [StorageKind] { tested.filter { $0 != .memory } }

    /// A storage URL for a fresh test: a new SQLite file, or the shared test database (tests keep
    /// apart by study name there). In-memory storages are opened once per URL (see `open`).
    func makeURL() throws -> String {
        switch self {
        case .memory:
            return "memory:" + UUID().uuidString
        case .sqlite:
            return "sqlite:///" + TestSupport.temporaryDirectory("atelier-storage").appendingPathComponent("study.db").path
        case .postgres:
            return try TestEnvironment.requirePostgres()
        }
    }

    /// Opens `url`; "another instance" of an in-memory storage is the same object.
    func open(_ url: String) throws -> any StudyStorage {
        guard self == .memory else { return try openStudyStorage(url: url) }
        return MemoryStorages.shared.storage(for: url)
    }
}

/// One `InMemoryStorage` per test URL, so a test can "reopen" it as it reopens a file.
final class MemoryStorages: @unchecked Sendable {
    static let shared = MemoryStorages()
    private let lock = NSLock()
    private var storages: [String: any StudyStorage] = [:]

    func storage(for url: String) -> any StudyStorage {
        lock.lock(); defer { lock.unlock() }
        if let storage = storages[url] { return storage }
        let storage = try! openStudyStorage(url: "memory")
        storages[url] = storage
        return storage
    }
}

/// A unique study name, so tests sharing one PostgreSQL database never meet.
func uniqueStudyName(_ prefix: String = "test") -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8))"
}

/// A child process: the worker executable or Python.
struct ChildProcess {
    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// The worker built beside this test bundle (`swift build --build-tests` builds it).
    static var worker: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("StudyStorageWorker")
    }

    static var interopScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python/optuna_interop.py").path
    }

    static func requireWorker() throws {
        try #require(FileManager.default.isExecutableFile(atPath: worker.path),
                     "\(worker.path) is missing: run `swift build --build-tests` first")
    }

    /// Starts `executable` with `arguments`; `wait()` collects its output.
    let process = Process()
    private let out = Pipe()
    private let err = Pipe()

    init(_ executable: URL, _ arguments: [String], directory: URL? = nil, environment: [String: String]? = nil) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        if let directory { process.currentDirectoryURL = directory }
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        try process.run()
    }

    /// Reads one line of stdout (blocks until it comes).
    func readLine() -> String {
        var bytes: [UInt8] = []
        let handle = out.fileHandleForReading
        while true {
            let data = handle.readData(ofLength: 1)
            if data.isEmpty || data[0] == 10 { break }
            bytes.append(data[0])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func wait() -> Output {
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let errHandle = err.fileHandleForReading
        let done = DispatchSemaphore(value: 0)
        let reader = Thread { errData = errHandle.readDataToEndOfFile(); done.signal() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs to the end and returns the JSON object it printed last; fails the test on a non-zero exit.
    static func runJSON(_ executable: URL, _ arguments: [String], directory: URL? = nil,
                        environment: [String: String]? = nil) throws -> [String: Any] {
        let output = try ChildProcess(executable, arguments, directory: directory, environment: environment).wait()
        try #require(output.status == 0, "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) failed (\(output.status)): \(output.stderr)")
        let line = try #require(output.stdout.split(separator: "\n").last, "no output; stderr: \(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static func python(_ arguments: [String], environment: [String: String]? = nil) throws -> [String: Any] {
        let python = try TestEnvironment.requirePython()
        return try runJSON(URL(fileURLWithPath: python), [interopScript] + arguments, environment: environment)
    }
}

/// Numbers a JSON array holds, as Ints.
func integers(_ value: Any?) -> [Int] {
    (value as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
}
