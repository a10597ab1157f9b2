import Foundation
import Studies
import StudiesPostgres
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
}
