import Foundation
import Studies
@testable import StudiesPostgres
import StudyStorages
import TestSupport
import Testing

/// What only the PostgreSQL driver does: Optuna's enum types and DDL on a new database.
@Suite("PostgreSQL storage", .enabled(if: TestEnvironment.runsPostgres, "ATELIER_TEST_POSTGRES_URL is unset: PostgreSQL storage tests and the PostgreSQL cases of the conformance suite skipped"))
struct PostgresStorageTests {
    /// Runs a PostgreSQL client program (`psql`, `pg_dump`) and returns its stdout.
    func client(_ program: String, _ arguments: [String]) throws -> String {
        let output = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments).wait()
        try #require(output.status == 0, "\(program) failed: \(output.stderr)")
        return output.stdout
    }

    @Test("a new database gets Optuna 5.1's schema: pg_dump -s equals Optuna's")
    func createsOptunaSchema() throws {
        let base = try TestEnvironment.requirePostgres()
        let name = "atelier_schema_\(UUID().uuidString.prefix(8).lowercased())"
        let url = try PostgresURL(base)
        var scratch = url
        scratch.database = name
        let scratchURL = "postgresql://\(url.user ?? "")\(url.password.map { ":\($0)" } ?? "")@\(url.host):\(url.port)/\(name)"
        _ = try client("psql", [base, "-qc", "CREATE DATABASE \(name)"])
        defer { _ = try? client("psql", [base, "-qc", "DROP DATABASE \(name)"]) }

        let storage = try PostgresStudyStorage(url: scratchURL)
        _ = try storage.createStudy(name: "s", directions: [.minimize])
        let dumped = try client("pg_dump", ["-s", "--no-owner", scratchURL])
        func normalized(_ text: String) -> [String] {
            text.split(separator: "\n").map(String.init).filter {
                !$0.isEmpty && !$0.hasPrefix("--") && !$0.hasPrefix("SET ") && !$0.hasPrefix("\\")
                    && !$0.hasPrefix("SELECT pg_catalog") && !$0.contains("OWNER TO")
            }
        }
        let expected = try String(contentsOf: SQLiteStorageTests.fixtures.appendingPathComponent("optuna-postgresql-schema.sql"), encoding: .utf8)
        #expect(normalized(dumped) == normalized(expected))
        let versions = try client("psql", [scratchURL, "-tAc", "SELECT version_info_id, schema_version, library_version FROM version_info; SELECT version_num FROM alembic_version"])
        #expect(versions == "1|12|5.1.0\nv3.2.0.a\n")
        _ = scratch
    }

    @Test("values are stored with Optuna's enum types: NULL and INF_POS / NAN")
    func storedRepresentation() throws {
        let base = try TestEnvironment.requirePostgres()
        let storage = try PostgresStudyStorage(url: base)
        let study = try storage.createStudy(name: uniqueStudyName("repr"), directions: [.minimize])
        let (id, _) = try storage.createTrial(studyID: study, template: nil)
        try storage.setTrialIntermediateValue(trialID: id, step: 0, value: .nan)
        try storage.setTrialState(trialID: id, state: .complete, values: [.infinity])
        let rows = try client("psql", [base, "-tAc", """
            SELECT coalesce(v.value::text, 'NULL'), v.value_type, coalesce(i.intermediate_value::text, 'NULL'), i.intermediate_value_type, t.state
            FROM trials t JOIN trial_values v USING (trial_id) JOIN trial_intermediate_values i USING (trial_id) WHERE t.trial_id = \(id)
            """])
        #expect(rows == "NULL|INF_POS|NULL|NAN|COMPLETE\n")
    }

    @Test("a connection the server dropped is replaced; nothing is half written")
    func droppedConnection() throws {
        let base = try TestEnvironment.requirePostgres()
        let application = "atelier-test-\(UUID().uuidString.prefix(8))"
        let storage = try PostgresStudyStorage(url: base, applicationName: application)
        let study = try storage.createStudy(name: uniqueStudyName("dropped"), directions: [.minimize])
        let (first, _) = try storage.createTrial(studyID: study, template: nil)
        let killed = try client("psql", [base, "-tAc", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(application)'"])
        #expect(killed == "1\n")
        // The next call finds the connection dead before sending anything, reconnects and goes on.
        let (second, number) = try storage.createTrial(studyID: study, template: nil)
        #expect(number == 1)
        try storage.setTrialState(trialID: second, state: .complete, values: [1])
        #expect(try storage.trials(studyID: study).map(\.id) == [first, second])
    }

    @Test("a connection killed inside a write transaction: a clear error, nothing half written, the next call reconnects")
    func connectionKilledMidTransaction() throws {
        let base = try TestEnvironment.requirePostgres()
        // A database of its own: the test locks whole tables, which would stall the tests beside it.
        let url = try PostgresURL(base)
        let name = "atelier_killed_\(UUID().uuidString.prefix(8).lowercased())"
        let scratchURL = "postgresql://\(url.user ?? "")\(url.password.map { ":\($0)" } ?? "")@\(url.host):\(url.port)/\(name)"
        _ = try client("psql", [base, "-qc", "CREATE DATABASE \(name)"])
        defer { _ = try? client("psql", [base, "-qc", "DROP DATABASE \(name) WITH (FORCE)"]) }

        let application = "atelier-test-\(UUID().uuidString.prefix(8))"
        let storage = try PostgresStudyStorage(url: scratchURL, applicationName: application)
        let study = try storage.createStudy(name: uniqueStudyName("killed"), directions: [.minimize])
        let (first, _) = try storage.createTrial(studyID: study, template: nil)
        try storage.setTrialParameter(trialID: first, name: "x", internalValue: 1, distribution: StorageConformanceTests.float)
        // Two more sessions: one holds a table lock in an open transaction, one watches
        // pg_stat_activity (inside a transaction that view is a snapshot) and kills.
        let holder = try PostgresConnection(url: PostgresURL(scratchURL), timeout: 5, applicationName: "\(application)-holder")
        let watcher = try PostgresConnection(url: PostgresURL(scratchURL), timeout: 5, applicationName: "\(application)-watcher")
        func rowCounts() throws -> [String?] {
            try watcher.execute("""
                SELECT (SELECT count(*) FROM trials), (SELECT count(*) FROM trial_params), (SELECT count(*) FROM trial_values),
                       (SELECT count(*) FROM trial_user_attributes)
                """)[0]
        }

        /// Locks `table`, runs `write` on another thread until it waits for that lock inside its
        /// transaction, terminates the storage's backend and returns what `write` threw. The lock is
        /// released only after `write` returned: the kill lands while the write is still blocked.
        func killedInside(locking table: String, _ write: @escaping @Sendable () throws -> Void) throws -> (any Error)? {
            try holder.executeScript("BEGIN; LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE")
            defer { try? holder.executeScript("ROLLBACK") }
            let outcome = Outcome()
            Thread { do { try write(); outcome.finish(nil) } catch { outcome.finish(error) } }.start()
            let deadline = Date().addingTimeInterval(3)
            var pid: String?
            while pid == nil {
                pid = try watcher.execute("""
                    SELECT pid FROM pg_stat_activity
                    WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'
                    """, [application]).first?[0] ?? nil
                if pid == nil {
                    try #require(Date() < deadline, "the write on \(table) never waited for the lock")
                    Thread.sleep(forTimeInterval: 0.005)
                }
            }
            #expect(try watcher.execute("SELECT pg_terminate_backend($1::int)", [pid])[0][0] == "t")
            return try #require(outcome.wait(seconds: 3), "the write on \(table) did not return within 3 s after its connection was killed")
        }

        func expectClearError(_ error: (any Error)?, _ what: Comment) {
            guard case .storage(let message)? = error as? StudyError else {
                Issue.record("\(what): expected StudyError.storage, got \(String(describing: error))")
                return
            }
            #expect(message.contains("lost the connection to") && message.contains("\(url.host):\(url.port)"), what)
            #expect(message.contains("nothing of it was written"), what)
        }

        // 1. A new trial (one round trip: BEGIN, lock the study row, INSERT, COMMIT) waits at the INSERT.
        var before = try rowCounts()
        expectClearError(try killedInside(locking: "trials") { _ = try storage.createTrial(studyID: study, template: nil) },
                         "createTrial")
        #expect(try rowCounts() == before)
        let (second, number) = try storage.createTrial(studyID: study, template: nil)  // reconnects
        #expect(number == 1)

        // 2. An enqueued trial with parameters (one statement at a time): its trials row is
        // inserted, then the transaction waits at trial_params. No WAITING trial without them.
        let template = FrozenTrial(id: 0, number: 0, state: .waiting, params: ["x": 2, "c": 1],
                                   distributions: ["x": StorageConformanceTests.float, "c": StorageConformanceTests.choice],
                                   userAttributes: ["source": .string("enqueued")])
        before = try rowCounts()
        expectClearError(try killedInside(locking: "trial_params") { _ = try storage.createTrial(studyID: study, template: template) },
                         "createTrial(template:)")
        #expect(try rowCounts() == before)
        #expect(try storage.popWaitingTrial(studyID: study) == nil)
        let (enqueued, enqueuedNumber) = try storage.createTrial(studyID: study, template: template)
        #expect(enqueuedNumber == 2)

        // 3. Finishing a trial (state and value in one statement) waits at trial_values: the trial
        // stays RUNNING without a value, and finishing it again works.
        before = try rowCounts()
        expectClearError(try killedInside(locking: "trial_values") { try storage.setTrialState(trialID: second, state: .complete, values: [0.5]) },
                         "setTrialState")
        #expect(try rowCounts() == before)
        #expect(try storage.trial(id: second).state == .running)
        #expect(try storage.setTrialState(trialID: second, state: .complete, values: [0.5]))

        let trials = try storage.trials(studyID: study)
        try #require(trials.count == 3)
        #expect(trials.map(\.number) == [0, 1, 2])
        #expect(trials.map(\.id) == [first, second, enqueued])
        #expect(trials.map(\.state) == [.running, .complete, .waiting])
        #expect(trials[2].params == ["x": 2, "c": 1] && trials[1].values == [0.5])
        #expect(try rowCounts() == ["3", "3", "1", "1"])
    }
}

/// What a call on another thread ended with, waited for with a timeout.
private final class Outcome: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var error: (any Error)?

    func finish(_ error: (any Error)?) {
        self.error = error
        done.signal()
    }

    /// `.some(error)` (`.some(nil)`: no error) when the call returned within `seconds`, else `nil`.
    func wait(seconds: Double) -> (any Error)?? {
        done.wait(timeout: .now() + seconds) == .timedOut ? nil : .some(error)
    }
}
