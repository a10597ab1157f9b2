import Foundation
import Studies
import StudyStorageSupport

/// Studies in a PostgreSQL database, in Optuna 5.1's own schema (enum types `trialstate`,
/// `studydirection`, `trialvaluetype`, `trialintermediatevaluetype`): Optuna workers, the
/// dashboard and Atelier workers on many machines share one study.
///
/// - Synchronous: each call blocks the calling thread on libpq (the reference C client) until
///   the server answers; calls from several threads take turns on the storage's connection.
/// - Every call is one transaction (READ COMMITTED, as SQLAlchemy's default). A new trial takes
///   the study row `FOR UPDATE` before counting the study's trials, as Optuna does, so numbers
///   stay gapless with Python and Atelier workers mixed; WAITING trials are taken with
///   `FOR UPDATE SKIP LOCKED`. Deadlocks and serialization failures are retried.
/// - Only transactions that finish a trial wait for the server's WAL flush
///   (`synchronous_commit`); the others commit asynchronously (a crash of the server, not of the
///   worker, can lose them, never a told trial).
/// - An unreachable server is reported within `connectTimeout` seconds (default 5), naming the URL
///   without its password.
/// - A connection lost in the middle of a call is an error naming the URL and saying whether the
///   call's transaction was rolled back (nothing written) or broke while committing (outcome
///   unknown). Such a call is not retried; the next call opens a new connection.
public final class PostgresStudyStorage: StudyStorage, @unchecked Sendable {
    /// The database, without its password.
    public let url: PostgresURL
    private let lock = NSLock()
    private let connection: PostgresConnection
    private let finished = FinishedTrialCache()
    private let distributions = DistributionCache()

    /// Connects to `url` (Optuna's forms; see `PostgresURL`) and creates Optuna's tables when the
    /// database has none. `applicationName` is what `pg_stat_activity` shows for the connection.
    public init(url text: String, connectTimeout: Int = 5, applicationName: String = "atelier") throws {
        url = try PostgresURL(text)
        connection = try PostgresConnection(url: url, timeout: connectTimeout, applicationName: applicationName)
        try prepareSchema()
    }

    private var location: String { url.description }

    // MARK: Transactions

    /// Runs `body` in a transaction, retrying it on deadlocks and serialization failures, and once
    /// on a new connection when the old one turns out dead at `BEGIN` (a server restart, an idle
    /// timeout). A connection lost later is an error: the transaction is then rolled back by the
    /// server, so nothing is half written (see `lostConnection`).
    private func transaction<T>(durable: Bool = false, readOnly: Bool = false, _ body: (PostgresConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            attempt += 1
            var begun = false
            var committing = false
            do {
                try connection.ensureConnected()
                // One round trip; only finishing transactions wait for the WAL flush (the
                // session's default is synchronous_commit = off).
                try connection.executeScript(readOnly ? "BEGIN READ ONLY"
                                             : durable ? "BEGIN; SET LOCAL synchronous_commit = on" : "BEGIN")
                begun = true
                let result: T
                do {
                    result = try body(connection)
                } catch {
                    _ = try? connection.executeScript("ROLLBACK")
                    throw error
                }
                committing = true
                try connection.execute("COMMIT")
                return result
            } catch let failure as PostgresConnection.Failure {
                if ["40001", "40P01"].contains(failure.state) && attempt < 20 {
                    Thread.sleep(forTimeInterval: Double.random(in: 0.001...0.02) * Double(attempt))
                    continue
                }
                if failure.connectionLost && !begun && attempt == 1 {
                    try? connection.reconnect()
                    continue
                }
                if failure.connectionLost {
                    // Until COMMIT is sent, the server can only roll the transaction back.
                    throw lostConnection(failure, rolledBack: !committing)
                }
                throw StudyError.storage("\(location): \(failure.message)")
            }
        }
    }

    /// The error for a connection that broke during a call, naming the server and saying what
    /// became of the call, since that decides what the caller may do next: `rolledBack` when the
    /// break is known to have come before the commit (the server rolls back a transaction whose
    /// connection is gone, so nothing of the call was written and it can simply be made again);
    /// otherwise the break came while committing and only looking at the data tells whether it was
    /// saved (making a new trial again blindly could leave a second one).
    private func lostConnection(_ failure: PostgresConnection.Failure, rolledBack: Bool) -> StudyError {
        rolledBack
            ? .storage("lost the connection to \(location) before the transaction was committed; it was rolled back, nothing of it was written (\(failure.message))")
            : .storage("lost the connection to \(location) while committing; the write may or may not have been saved (\(failure.message))")
    }

    // MARK: Schema

    private func prepareSchema() throws {
        let present = try transaction(readOnly: true) { c in
            try c.execute("SELECT to_regclass('studies') IS NOT NULL")[0][0] == "t"
        }
        if !present {
            try transaction(durable: true) { c in
                // Two workers starting on an empty database: one creates, the other waits and sees.
                try c.execute("SELECT pg_advisory_xact_lock(7346001)")
                guard try c.execute("SELECT to_regclass('studies') IS NULL")[0][0] == "t" else { return }
                for statement in OptunaSchema.postgresDDL { try c.execute(statement) }
                try c.execute("INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, $1, $2)",
                              [String(OptunaSchema.schemaVersion), OptunaSchema.libraryVersion])
                try c.execute("INSERT INTO alembic_version (version_num) VALUES ($1)", [OptunaSchema.alembicVersion])
            }
        }
        try transaction(readOnly: true) { c in
            let alembic = try c.execute("SELECT to_regclass('alembic_version') IS NOT NULL")[0][0] == "t"
                ? try c.execute("SELECT version_num FROM alembic_version").first?[0] ?? nil : nil
            var schema: Int?
            var library: String?
            if try c.execute("SELECT to_regclass('version_info') IS NOT NULL")[0][0] == "t",
               let row = try c.execute("SELECT schema_version, library_version FROM version_info").first {
                schema = row[0].flatMap { Int($0) }
                library = row[1]
            }
            try OptunaSchema.check(alembicVersion: alembic, schemaVersion: schema, libraryVersion: library, location: location)
        }
    }

    // MARK: Helpers

    private func double(_ text: String?) -> Double? { text.flatMap { Double($0) } }
    private func int64(_ text: String?) throws -> Int64 {
        guard let text, let value = Int64(text) else { throw StudyError.storage("\(location): expected an integer, got \(text ?? "NULL")") }
        return value
    }
    private func text(_ value: Double?) -> String? { value.map { "\($0)" } }

    private func requireStudy(_ c: PostgresConnection, _ id: Int64, forUpdate: Bool = false) throws {
        guard try !c.execute("SELECT study_id FROM studies WHERE study_id = $1\(forUpdate ? " FOR UPDATE" : "")", [String(id)]).isEmpty else {
            throw StudyError.unknownStudy("id \(id)")
        }
    }

    @discardableResult
    private func trialRow(_ c: PostgresConnection, _ trialID: Int64, updatable: Bool, forUpdate: Bool = false) throws -> (studyID: Int64, state: TrialState) {
        guard let row = try c.execute("SELECT study_id, state, number FROM trials WHERE trial_id = $1\(forUpdate ? " FOR UPDATE" : "")",
                                      [String(trialID)]).first else {
            throw StudyError.unknownTrial("id \(trialID) in \(location)")
        }
        guard let state = row[1].flatMap(TrialState.init(rawValue:)) else {
            throw StudyError.storage("\(location): trial \(trialID) has unknown state \(row[1] ?? "NULL")")
        }
        if updatable && state.isFinished {
            throw StudyError.trialFinished("trial \(row[2] ?? "?") is \(state.rawValue)")
        }
        return (try int64(row[0]), state)
    }

    // MARK: Studies

    public func createStudy(name: String, directions: [StudyDirection]) throws -> Int64 {
        guard !directions.isEmpty else { throw StudyError.invalidValue("a study needs at least one direction") }
        return try transaction { c in
            let inserted = try c.execute("INSERT INTO studies (study_name) VALUES ($1) ON CONFLICT (study_name) DO NOTHING RETURNING study_id", [name])
            guard let row = inserted.first else { throw StudyError.duplicateStudy(name) }
            let id = try int64(row[0])
            for (objective, direction) in directions.enumerated() {
                try c.execute("INSERT INTO study_directions (direction, study_id, objective) VALUES ($1, $2, $3)",
                              [direction.rawValue, String(id), String(objective)])
            }
            return id
        }
    }

    public func deleteStudy(id: Int64) throws {
        try transaction { c in
            try requireStudy(c, id, forUpdate: true)
            let trials = "SELECT trial_id FROM trials WHERE study_id = $1"
            for table in ["trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes",
                          "trial_system_attributes", "trial_heartbeats"] {
                try c.execute("DELETE FROM \(table) WHERE trial_id IN (\(trials))", [String(id)])
            }
            for table in ["trials", "study_directions", "study_user_attributes", "study_system_attributes", "studies"] {
                try c.execute("DELETE FROM \(table) WHERE study_id = $1", [String(id)])
            }
        }
        finished.forget(studyID: id)
        distributions.forget(studyID: id)
    }

    public func studyID(named name: String) throws -> Int64 {
        try transaction(readOnly: true) { c in
            guard let row = try c.execute("SELECT study_id FROM studies WHERE study_name = $1", [name]).first else {
                throw StudyError.unknownStudy(name)
            }
            return try int64(row[0])
        }
    }

    public func allStudies() throws -> [StudySummary] {
        try transaction(readOnly: true) { c in try summaries(c, id: nil) }
    }

    public func study(id: Int64) throws -> StudySummary {
        try transaction(readOnly: true) { c in
            guard let study = try summaries(c, id: id).first else { throw StudyError.unknownStudy("id \(id)") }
            return study
        }
    }

    private func summaries(_ c: PostgresConnection, id: Int64?) throws -> [StudySummary] {
        let filter = id == nil ? "" : " WHERE study_id = \(id!)"
        var studies: [Int64: StudySummary] = [:]
        var order: [Int64] = []
        for row in try c.execute("SELECT study_id, study_name FROM studies\(filter) ORDER BY study_id") {
            let studyID = try int64(row[0])
            studies[studyID] = StudySummary(id: studyID, name: row[1] ?? "", directions: [])
            order.append(studyID)
        }
        for row in try c.execute("SELECT study_id, direction FROM study_directions\(filter) ORDER BY study_id, objective") {
            guard let direction = row[1].flatMap(StudyDirection.init(rawValue:)) else {
                throw StudyError.storage("\(location): study \(row[0] ?? "?") has direction \(row[1] ?? "NULL"); expected MINIMIZE or MAXIMIZE")
            }
            studies[try int64(row[0])]?.directions.append(direction)
        }
        for (table, system) in [("study_user_attributes", false), ("study_system_attributes", true)] {
            for row in try c.execute("SELECT study_id, key, value_json FROM \(table)\(filter)") {
                let key = row[1] ?? ""
                guard let value = try? AttributeValue(jsonText: row[2] ?? "") else {
                    throw StudyError.storage("\(location): study attribute \"\(key)\" is not JSON: \(row[2] ?? "NULL")")
                }
                if system { studies[try int64(row[0])]?.systemAttributes[key] = value } else { studies[try int64(row[0])]?.userAttributes[key] = value }
            }
        }
        return order.compactMap { studies[$0] }
    }

    public func setStudyUserAttribute(studyID: Int64, key: String, value: AttributeValue) throws {
        try setStudyAttribute(table: "study_user_attributes", studyID: studyID, key: key, value: value)
    }

    public func setStudySystemAttribute(studyID: Int64, key: String, value: AttributeValue) throws {
        try setStudyAttribute(table: "study_system_attributes", studyID: studyID, key: key, value: value)
    }

    private func setStudyAttribute(table: String, studyID: Int64, key: String, value: AttributeValue) throws {
        let json = try value.jsonText()
        try transaction { c in
            try requireStudy(c, studyID)
            try c.execute("""
                INSERT INTO \(table) (study_id, key, value_json) VALUES ($1, $2, $3)
                ON CONFLICT (study_id, key) DO UPDATE SET value_json = EXCLUDED.value_json
                """, [String(studyID), key, json])
        }
    }

    // MARK: Trials

    // MARK: One round trip per call

    /// Sends the statements `build` makes (literals inlined with the connection's escaping) in one
    /// round trip, inside `BEGIN … COMMIT` when `transaction`, and returns each statement's rows.
    /// Retries on deadlocks and serialization failures, and once on a new connection when no
    /// statement had answered yet and either the batch never left this process or the server said
    /// it ended the session (a restart, an idle timeout, `pg_terminate_backend`: a SQLSTATE), so
    /// it ran none of it. A break with neither an answer nor an error from the server (a network
    /// failure) is an error, not retried: the server may have committed the batch before it, and
    /// a batch is not idempotent in general (a new trial, a WAITING trial taken); see
    /// `lostConnection`. A call marked `idempotent` (a read, an upsert: running it twice leaves
    /// what running it once does) is sent again after any break before its first answer.
    /// TCP keepalives (`PostgresURL.connectionString`) keep idle connections open.
    private func send(transaction: Bool, durable: Bool = false, idempotent: Bool = false,
                      _ build: (PostgresConnection) -> [String]) throws -> [[[String?]]] {
        lock.lock()
        defer { lock.unlock() }
        let prefix = transaction ? (durable ? ["BEGIN", "SET LOCAL synchronous_commit = on"] : ["BEGIN"]) : []
        var attempt = 0
        while true {
            attempt += 1
            // Where the transaction commits: at COMMIT, or with the last statement without BEGIN.
            var commitIndex = prefix.count
            do {
                try connection.ensureConnected()
                let statements = build(connection)
                commitIndex = prefix.count + statements.count - (transaction ? 0 : 1)
                let results = try connection.batch((prefix + statements + (transaction ? ["COMMIT"] : [])).joined(separator: ";\n"))
                return Array(results[prefix.count..<(prefix.count + statements.count)])
            } catch let failure as PostgresConnection.Failure {
                if ["40001", "40P01"].contains(failure.state) && attempt < 20 {
                    Thread.sleep(forTimeInterval: Double.random(in: 0.001...0.02) * Double(attempt))
                    continue
                }
                // Sent again only when the server cannot have run it: it never left, or the server
                // itself said it ended the session before the first statement answered.
                if failure.connectionLost && failure.resultsBefore == 0 && attempt == 1
                    && (idempotent || failure.beforeSending || !failure.state.isEmpty) {
                    try? connection.reconnect()
                    continue
                }
                if failure.connectionLost && idempotent {
                    throw StudyError.storage("lost the connection to \(location) again after reconnecting (\(failure.message))")
                }
                if failure.connectionLost {
                    // The statements run in order: an error the server itself reported (it has a
                    // SQLSTATE, e.g. 57P01 for pg_terminate_backend) on a statement before the
                    // commit means it never got there. A break without one leaves the outcome
                    // unknown: answers may have been lost on the way.
                    throw lostConnection(failure, rolledBack: !failure.state.isEmpty && failure.resultsBefore < commitIndex)
                }
                throw StudyError.storage("\(location): \(failure.message)")
            }
        }
    }

    /// A float as SQL (`NULL` for none).
    private func sqlDouble(_ value: Double?) -> String {
        guard let value else { return "CAST(NULL AS double precision)" }
        return "CAST('\(value)' AS double precision)"
    }

    /// Which study each trial belongs to (trials never move), so the per-study distribution
    /// cache answers without a query.
    private let trialStudies = TrialStudyMap()

    private func studyOf(trialID: Int64) throws -> Int64 {
        if let study = trialStudies[trialID] { return study }
        let rows = try send(transaction: false, idempotent: true) { _ in ["SELECT study_id FROM trials WHERE trial_id = \(trialID)"] }[0]
        guard let row = rows.first else { throw StudyError.unknownTrial("id \(trialID) in \(location)") }
        let study = try int64(row[0])
        trialStudies[trialID] = study
        return study
    }

    /// The distribution the study first used for `name`, read once.
    private func previousDistribution(studyID: Int64, name: String) throws -> Distribution? {
        if let known = distributions.distribution(studyID: studyID, name: name) { return known }
        let rows = try send(transaction: false, idempotent: true) { c in ["""
            SELECT p.distribution_json FROM trial_params p JOIN trials t ON p.trial_id = t.trial_id
            WHERE t.study_id = \(studyID) AND p.param_name = \(c.literal(name)) LIMIT 1
            """] }[0]
        guard let json = rows.first?[0] ?? nil, let distribution = try? Distribution(optunaJSON: json) else { return nil }
        distributions.remember(distribution, studyID: studyID, name: name)
        return distribution
    }

    /// Throws for a missing trial (no row) or a finished one (`state`), after a conditional write.
    private func checkUpdatable(_ rows: [[String?]], trialID: Int64) throws {
        guard let row = rows.first else { throw StudyError.unknownTrial("id \(trialID) in \(location)") }
        if let state = row[0].flatMap(TrialState.init(rawValue:)), state.isFinished {
            throw StudyError.trialFinished("trial \(row[1] ?? "?") is \(state.rawValue)")
        }
    }

    /// `WITH t AS (…)`: the trial's state and number, the row share-locked so that it cannot finish
    /// under the write that follows.
    private func lockedTrial(_ trialID: Int64) -> String {
        "t AS (SELECT state::text AS state, number FROM trials WHERE trial_id = \(trialID) FOR SHARE)"
    }

    private static let updatable = "t.state IN ('RUNNING', 'WAITING')"
    private static let trialColumns = "trial_id, number, state, datetime_start, datetime_complete"

    // MARK: Trials

    public func createTrial(studyID: Int64, template: FrozenTrial?) throws -> (id: Int64, number: Int) {
        if template != nil { return try createTrial(studyID: studyID, fromTemplate: template) }
        let now = UTCDateTime.format(Date())
        // Optuna's lock, the study row, then the count: the INSERT's snapshot is taken after the
        // lock is held, so it sees every trial committed before (numbers stay gapless).
        let results = try send(transaction: true) { c in [
            "SELECT study_id FROM studies WHERE study_id = \(studyID) FOR UPDATE",
            """
            INSERT INTO trials (number, study_id, state, datetime_start)
            SELECT count(*), \(studyID), 'RUNNING'::trialstate, CAST(\(c.literal(now)) AS timestamp) FROM trials WHERE study_id = \(studyID)
            RETURNING trial_id, number
            """,
        ] }
        guard !results[0].isEmpty else { throw StudyError.unknownStudy("id \(studyID)") }
        let row = results[1][0]
        let id = try int64(row[0])
        trialStudies[id] = studyID
        return (id, Int(try int64(row[1])))
    }

    private func createTrial(studyID: Int64, fromTemplate template: FrozenTrial?) throws -> (id: Int64, number: Int) {
        let now = UTCDateTime.format(Date())
        if let template, template.values.contains(where: \.isNaN) {
            throw StudyError.invalidValue("trial template has a NaN value")
        }
        return try transaction(durable: template?.state.isFinished ?? false) { c in
            // Optuna's lock: the study row, held until commit, so counting and inserting is atomic.
            try requireStudy(c, studyID, forUpdate: true)
            let state = template?.state ?? .running
            let start = template == nil ? now : template!.start.map(UTCDateTime.format)
            let complete = template?.complete.map(UTCDateTime.format)
            let row = try c.execute("""
                INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete)
                VALUES ((SELECT count(*) FROM trials WHERE study_id = $1), $1, $2, $3, $4) RETURNING trial_id, number
                """, [String(studyID), state.rawValue, start, complete])[0]
            let id = try int64(row[0])
            let number = Int(try int64(row[1]))
            if let template {
                for (objective, value) in template.values.enumerated() {
                    let stored = try StoredValue.objective(value)
                    try c.execute("INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES ($1, $2, $3, $4)",
                                  [String(id), String(objective), text(stored.value), stored.type])
                }
                for name in template.params.keys.sorted() {
                    guard let distribution = template.distributions[name] else {
                        throw StudyError.invalidValue("trial template parameter \"\(name)\" has no distribution")
                    }
                    try insertParameter(c, studyID: studyID, trialID: id, name: name,
                                        internalValue: template.params[name]!, distribution: distribution)
                }
                for (key, value) in template.userAttributes {
                    try setAttribute(c, table: "trial_user_attributes", trialID: id, key: key, value: value)
                }
                for (key, value) in template.systemAttributes {
                    try setAttribute(c, table: "trial_system_attributes", trialID: id, key: key, value: value)
                }
                for (step, value) in template.intermediateValues {
                    try setIntermediate(c, trialID: id, step: step, value: value)
                }
            }
            return (id, number)
        }
    }

    public func popWaitingTrial(studyID: Int64) throws -> Int64? {
        while true {
            // Every ask looks: one read first, so that the usual answer (none) takes no lock.
            let found = try send(transaction: false, idempotent: true) { _ in ["""
                SELECT (SELECT count(*) FROM studies WHERE study_id = \(studyID)),
                       EXISTS (SELECT 1 FROM trials WHERE study_id = \(studyID) AND state = 'WAITING')
                """] }[0][0]
            guard found[0] == "1" else { throw StudyError.unknownStudy("id \(studyID)") }
            guard found[1] == "t" else { return nil }
            let now = UTCDateTime.format(Date())
            // Not idempotent: sent twice, it could take a second WAITING trial.
            let taken = try send(transaction: false) { c in ["""
                UPDATE trials SET state = 'RUNNING', datetime_start = \(c.literal(now))
                WHERE trial_id = (SELECT trial_id FROM trials WHERE study_id = \(studyID) AND state = 'WAITING'
                                  ORDER BY trial_id LIMIT 1 FOR UPDATE SKIP LOCKED)
                AND state = 'WAITING' RETURNING trial_id
                """] }[0]
            if let row = taken.first {
                let id = try int64(row[0])
                trialStudies[id] = studyID
                return id
            }
            // Another worker took it between the look and the update: look again.
        }
    }

    public func setTrialParameter(trialID: Int64, name: String, internalValue: Double, distribution: Distribution) throws {
        guard internalValue.isFinite else { throw StudyError.invalidValue("parameter \"\(name)\" is \(internalValue)") }
        let studyID = try studyOf(trialID: trialID)
        if let previous = try previousDistribution(studyID: studyID, name: name),
           !distributionsAreCompatible(previous, distribution) {
            throw StudyError.incompatibleDistribution("parameter \"\(name)\" was \(previous) in this study, cannot be \(distribution)")
        }
        // A second value for the same name is ignored, as Optuna ignores the IntegrityError.
        let rows = try send(transaction: false, idempotent: true) { c in ["""
            WITH \(lockedTrial(trialID)),
            i AS (INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json)
                  SELECT \(trialID), \(c.literal(name)), \(sqlDouble(internalValue)), \(c.literal(distribution.optunaJSON))
                  FROM t WHERE \(Self.updatable) ON CONFLICT (trial_id, param_name) DO NOTHING)
            SELECT state, number FROM t
            """] }[0]
        try checkUpdatable(rows, trialID: trialID)
        distributions.remember(distribution, studyID: studyID, name: name)
    }

    private func insertParameter(_ c: PostgresConnection, studyID: Int64, trialID: Int64, name: String,
                                 internalValue: Double, distribution: Distribution) throws {
        var previous = distributions.distribution(studyID: studyID, name: name)
        if previous == nil, let json = try c.execute("""
            SELECT p.distribution_json FROM trial_params p JOIN trials t ON p.trial_id = t.trial_id
            WHERE t.study_id = $1 AND p.param_name = $2 LIMIT 1
            """, [String(studyID), name]).first?[0] ?? nil {
            previous = try? Distribution(optunaJSON: json)
            if let previous { distributions.remember(previous, studyID: studyID, name: name) }
        }
        if let previous, !distributionsAreCompatible(previous, distribution) {
            throw StudyError.incompatibleDistribution("parameter \"\(name)\" was \(previous) in this study, cannot be \(distribution)")
        }
        try c.execute("""
            INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES ($1, $2, $3, $4)
            ON CONFLICT (trial_id, param_name) DO NOTHING
            """, [String(trialID), name, text(internalValue), distribution.optunaJSON])
        distributions.remember(distribution, studyID: studyID, name: name)
    }

    @discardableResult
    public func setTrialState(trialID: Int64, state: TrialState, values: [Double]?) throws -> Bool {
        let stored = try (values ?? []).map(StoredValue.objective)
        let now = UTCDateTime.format(Date())
        let results = try send(transaction: true, durable: state.isFinished) { c in
            let allowed = state == .running ? "t.state = 'WAITING'" : "t.state IN ('RUNNING', 'WAITING')"
            let column = state == .running ? "datetime_start = \(c.literal(now))"
                : state.isFinished ? "datetime_complete = \(c.literal(now))" : "datetime_start = datetime_start"
            var ctes = ["t AS (SELECT state::text AS state FROM trials WHERE trial_id = \(trialID))",
                        "ok AS (SELECT 1 FROM t WHERE \(allowed))"]
            if !stored.isEmpty {
                let rows = stored.enumerated().map { "(\($0.offset), \(sqlDouble($0.element.value)), '\($0.element.type)'::trialvaluetype)" }
                ctes.append("""
                    v AS (INSERT INTO trial_values (trial_id, objective, value, value_type)
                          SELECT \(trialID), x.objective, x.value, x.value_type FROM ok,
                          (VALUES \(rows.joined(separator: ", "))) AS x(objective, value, value_type)
                          ON CONFLICT (trial_id, objective) DO UPDATE SET value = EXCLUDED.value, value_type = EXCLUDED.value_type)
                    """)
            }
            ctes.append("""
                u AS (UPDATE trials SET state = '\(state.rawValue)', \(column)
                      WHERE trial_id = \(trialID) AND EXISTS (SELECT 1 FROM ok) RETURNING 1)
                """)
            return [
                // The row lock first (a separate statement): the next one reads the state after it.
                "SELECT state FROM trials WHERE trial_id = \(trialID) FOR UPDATE",
                "WITH \(ctes.joined(separator: ",\n")) SELECT count(*) FROM u",
            ]
        }
        guard !results[0].isEmpty else { throw StudyError.unknownTrial("id \(trialID) in \(location)") }
        return results[1].first?[0] == "1"
    }

    public func setTrialIntermediateValue(trialID: Int64, step: Int, value: Double) throws {
        let stored = StoredValue.intermediate(value)
        let rows = try send(transaction: false, idempotent: true) { _ in ["""
            WITH \(lockedTrial(trialID)),
            i AS (INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
                  SELECT \(trialID), \(step), \(sqlDouble(stored.value)), '\(stored.type)'::trialintermediatevaluetype FROM t WHERE \(Self.updatable)
                  ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = EXCLUDED.intermediate_value,
                  intermediate_value_type = EXCLUDED.intermediate_value_type)
            SELECT state, number FROM t
            """] }[0]
        try checkUpdatable(rows, trialID: trialID)
    }

    private func setIntermediate(_ c: PostgresConnection, trialID: Int64, step: Int, value: Double) throws {
        let stored = StoredValue.intermediate(value)
        try c.execute("""
            INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
            VALUES ($1, $2, $3, $4) ON CONFLICT (trial_id, step) DO UPDATE
            SET intermediate_value = EXCLUDED.intermediate_value, intermediate_value_type = EXCLUDED.intermediate_value_type
            """, [String(trialID), String(step), text(stored.value), stored.type])
    }

    public func setTrialUserAttribute(trialID: Int64, key: String, value: AttributeValue) throws {
        try setTrialAttribute(table: "trial_user_attributes", trialID: trialID, key: key, value: value)
    }

    public func setTrialSystemAttribute(trialID: Int64, key: String, value: AttributeValue) throws {
        try setTrialAttribute(table: "trial_system_attributes", trialID: trialID, key: key, value: value)
    }

    private func setTrialAttribute(table: String, trialID: Int64, key: String, value: AttributeValue) throws {
        let json = try value.jsonText()
        let rows = try send(transaction: false, idempotent: true) { c in ["""
            WITH \(lockedTrial(trialID)),
            i AS (INSERT INTO \(table) (trial_id, key, value_json) SELECT \(trialID), \(c.literal(key)), \(c.literal(json))
                  FROM t WHERE \(Self.updatable) ON CONFLICT (trial_id, key) DO UPDATE SET value_json = EXCLUDED.value_json)
            SELECT state, number FROM t
            """] }[0]
        try checkUpdatable(rows, trialID: trialID)
    }

    private func setAttribute(_ c: PostgresConnection, table: String, trialID: Int64, key: String, value: AttributeValue) throws {
        try c.execute("""
            INSERT INTO \(table) (trial_id, key, value_json) VALUES ($1, $2, $3)
            ON CONFLICT (trial_id, key) DO UPDATE SET value_json = EXCLUDED.value_json
            """, [String(trialID), key, try value.jsonText()])
    }

    /// One statement (one snapshot, one round trip) returning the rows of `trials` matching
    /// `trialFilter` (kind 0, with the study id) and the child rows of those matching
    /// `childFilter`, all as text, tagged by kind.
    private static func trialQuery(trialFilter: String, childFilter: String) -> String {
        """
        WITH t AS (SELECT * FROM trials WHERE \(trialFilter)), f AS (SELECT trial_id FROM t WHERE \(childFilter))
        SELECT 0, trial_id, number::text, state::text, datetime_start::text, datetime_complete::text, study_id::text FROM t
        UNION ALL SELECT 1, p.trial_id, p.param_name, p.param_value::text, p.distribution_json, NULL, p.param_id::text
            FROM trial_params p JOIN f ON f.trial_id = p.trial_id
        UNION ALL SELECT 2, v.trial_id, v.objective::text, v.value::text, v.value_type::text, NULL, NULL
            FROM trial_values v JOIN f ON f.trial_id = v.trial_id
        UNION ALL SELECT 3, i.trial_id, i.step::text, i.intermediate_value::text, i.intermediate_value_type::text, NULL, NULL
            FROM trial_intermediate_values i JOIN f ON f.trial_id = i.trial_id
        UNION ALL SELECT 4, a.trial_id, a.key, a.value_json, NULL, NULL, NULL FROM trial_user_attributes a JOIN f ON f.trial_id = a.trial_id
        UNION ALL SELECT 5, a.trial_id, a.key, a.value_json, NULL, NULL, NULL FROM trial_system_attributes a JOIN f ON f.trial_id = a.trial_id
        """
    }

    /// Assembles the rows of `trialQuery`: trials in number order, `known` ones taken as they are.
    private func assemble(_ rows: [[String?]], known: [Int64: FrozenTrial]) throws -> (trials: [FrozenTrial], studies: [Int64: Int64]) {
        var assembler = TrialAssembler(location: location)
        var studies: [Int64: Int64] = [:]
        var trialRows: [(number: Int, row: [String?])] = []
        for row in rows where row[0] == "0" {
            trialRows.append((row[2].flatMap { Int($0) } ?? -1, row))
        }
        trialRows.sort { $0.number < $1.number }
        for (_, row) in trialRows {
            let id = try int64(row[1])
            studies[id] = try int64(row[6])
            if let trial = known[id] {
                // A cached trial is used only while its row still says the same (a study deleted
                // and its ids reused would not): otherwise the caller reads again without cache.
                guard trial.number == row[2].flatMap({ Int($0) }), trial.state.rawValue == row[3] else { throw StaleCache() }
                assembler.addKnown(trial)
            } else {
                try assembler.addTrial(id: id, number: row[2].flatMap { Int($0) }, state: row[3] ?? "", start: row[4], complete: row[5])
            }
        }
        // Parameters in the order they were set (param_id), as Optuna reads them.
        let params = rows.filter { $0[0] == "1" }.sorted { (Int64($0[6] ?? "") ?? 0) < (Int64($1[6] ?? "") ?? 0) }
        for row in params {
            try assembler.addParam(trialID: try int64(row[1]), name: row[2] ?? "", value: double(row[3]), distributionJSON: row[4] ?? "")
        }
        for row in rows {
            switch row[0] {
            case "2": try assembler.addValue(trialID: try int64(row[1]), objective: Int(try int64(row[2])), value: double(row[3]), type: row[4] ?? "")
            case "3": try assembler.addIntermediate(trialID: try int64(row[1]), step: Int(try int64(row[2])), value: double(row[3]), type: row[4] ?? "")
            case "4", "5": try assembler.addAttribute(trialID: try int64(row[1]), key: row[2] ?? "", json: row[3] ?? "", system: row[0] == "5")
            default: break
            }
        }
        return (assembler.trials, studies)
    }

    public func trial(id: Int64) throws -> FrozenTrial {
        if let trial = finished.trial(id) { return trial }
        let rows = try send(transaction: false, idempotent: true) { _ in [Self.trialQuery(trialFilter: "trial_id = \(id)", childFilter: "true")] }[0]
        let (trials, studies) = try assemble(rows, known: [:])
        guard let trial = trials.first, let studyID = studies[id] else { throw StudyError.unknownTrial("id \(id) in \(location)") }
        trialStudies[id] = studyID
        finished.store([trial], studyID: studyID)
        return trial
    }

    private struct StaleCache: Error {}

    public func trials(studyID: Int64, states: Set<TrialState>?) throws -> [FrozenTrial] {
        do {
            return try trials(studyID: studyID, states: states, known: finished.trials(studyID: studyID))
        } catch is StaleCache {
            finished.forget(studyID: studyID)
            return try trials(studyID: studyID, states: states, known: [:])
        }
    }

    private func trials(studyID: Int64, states: Set<TrialState>?, known: [Int64: FrozenTrial]) throws -> [FrozenTrial] {
        let cached = "'{\(known.keys.map(String.init).joined(separator: ","))}'::int[]"
        let rows = try send(transaction: false, idempotent: true) { _ in [
            Self.trialQuery(trialFilter: "study_id = \(studyID)", childFilter: "NOT (trial_id = ANY(\(cached)))")
                + "\nUNION ALL SELECT 9, study_id, NULL, NULL, NULL, NULL, NULL FROM studies WHERE study_id = \(studyID)",
        ] }[0]
        guard rows.contains(where: { $0[0] == "9" }) else { throw StudyError.unknownStudy("id \(studyID)") }
        let (all, studies) = try assemble(rows, known: known)
        for (trial, study) in studies { trialStudies[trial] = study }
        finished.store(all, studyID: studyID)
        guard let states else { return all }
        return all.filter { states.contains($0.state) }
    }

    private func addTrialRows(_ rows: [[String?]], to assembler: inout TrialAssembler) throws {
        for row in rows {
            try assembler.addTrial(id: try int64(row[0]), number: row[1].flatMap { Int($0) }, state: row[2] ?? "",
                                   start: row[3], complete: row[4])
        }
    }

    private func loadChildren(_ c: PostgresConnection, into assembler: inout TrialAssembler, idFilter: String) throws {
        for row in try c.execute("SELECT trial_id, param_name, param_value, distribution_json FROM trial_params WHERE trial_id \(idFilter) ORDER BY param_id") {
            try assembler.addParam(trialID: try int64(row[0]), name: row[1] ?? "", value: double(row[2]), distributionJSON: row[3] ?? "")
        }
        for row in try c.execute("SELECT trial_id, objective, value, value_type FROM trial_values WHERE trial_id \(idFilter)") {
            try assembler.addValue(trialID: try int64(row[0]), objective: Int(try int64(row[1])), value: double(row[2]), type: row[3] ?? "")
        }
        for row in try c.execute("""
            SELECT trial_id, step, intermediate_value, intermediate_value_type FROM trial_intermediate_values WHERE trial_id \(idFilter)
            """) {
            try assembler.addIntermediate(trialID: try int64(row[0]), step: Int(try int64(row[1])), value: double(row[2]), type: row[3] ?? "")
        }
        for (table, system) in [("trial_user_attributes", false), ("trial_system_attributes", true)] {
            for row in try c.execute("SELECT trial_id, key, value_json FROM \(table) WHERE trial_id \(idFilter)") {
                try assembler.addAttribute(trialID: try int64(row[0]), key: row[1] ?? "", json: row[2] ?? "", system: system)
            }
        }
    }

    public func trialID(studyID: Int64, number: Int) throws -> Int64 {
        let row = try send(transaction: false, idempotent: true) { _ in [
            "SELECT (SELECT count(*) FROM studies WHERE study_id = \(studyID)), (SELECT trial_id FROM trials WHERE study_id = \(studyID) AND number = \(number))",
        ] }[0][0]
        guard row[0] == "1" else { throw StudyError.unknownStudy("id \(studyID)") }
        guard let id = row[1].flatMap(Int64.init) else { throw StudyError.unknownTrial("trial \(number) in \(location)") }
        return id
    }

    public func trialCount(studyID: Int64, states: Set<TrialState>?) throws -> Int {
        let filter = states.map { " AND state IN (" + $0.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")" } ?? ""
        let row = try send(transaction: false, idempotent: true) { _ in [
            states?.isEmpty == true
                ? "SELECT count(*), 0 FROM studies WHERE study_id = \(studyID)"
                : "SELECT (SELECT count(*) FROM studies WHERE study_id = \(studyID)), (SELECT count(*) FROM trials WHERE study_id = \(studyID)\(filter))",
        ] }[0][0]
        guard row[0] == "1" else { throw StudyError.unknownStudy("id \(studyID)") }
        return Int(row[1] ?? "0") ?? 0
    }

    // MARK: Heartbeats

    public func recordHeartbeat(trialID: Int64) throws {
        // The server's clock in the session's time zone, as Optuna's `func.now()` stores it.
        let rows = try send(transaction: false, idempotent: true) { _ in ["""
            INSERT INTO trial_heartbeats (trial_id, heartbeat) SELECT trial_id, LOCALTIMESTAMP FROM trials WHERE trial_id = \(trialID)
            ON CONFLICT (trial_id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat RETURNING 1
            """] }[0]
        guard !rows.isEmpty else { throw StudyError.unknownTrial("id \(trialID) in \(location)") }
    }

    public func failStaleTrials(studyID: Int64, gracePeriod: TimeInterval) throws -> [FrozenTrial] {
        let now = UTCDateTime.format(Date())
        // Every ask looks: one read first, so that the usual answer (none) takes no lock.
        let found = try send(transaction: false, idempotent: true) { _ in ["""
            SELECT (SELECT count(*) FROM studies WHERE study_id = \(studyID)),
                   EXISTS (SELECT 1 FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id
                           WHERE t.study_id = \(studyID) AND t.state = 'RUNNING'
                           AND h.heartbeat < LOCALTIMESTAMP - make_interval(secs => \(gracePeriod)))
            """] }[0][0]
        guard found[0] == "1" else { throw StudyError.unknownStudy("id \(studyID)") }
        guard found[1] == "t" else { return [] }
        let failed = try transaction(durable: true) { c -> [FrozenTrial] in
            try requireStudy(c, studyID)
            // Rows another worker failed first are skipped when their lock is released
            // (READ COMMITTED re-checks `state = 'RUNNING'`): each stale trial fails once.
            let ids = try c.execute("""
                UPDATE trials SET state = 'FAIL', datetime_complete = $2
                WHERE trial_id IN (SELECT t.trial_id FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id
                                   WHERE t.study_id = $1 AND t.state = 'RUNNING'
                                   AND h.heartbeat < LOCALTIMESTAMP - make_interval(secs => $3))
                AND state = 'RUNNING' RETURNING trial_id
                """, [String(studyID), now, "\(gracePeriod)"]).map { try int64($0[0]) }
            guard !ids.isEmpty else { return [] }
            let list = ids.map(String.init).joined(separator: ",")
            var assembler = TrialAssembler(location: location)
            try addTrialRows(c.execute("SELECT \(Self.trialColumns) FROM trials WHERE trial_id IN (\(list)) ORDER BY number"), to: &assembler)
            try loadChildren(c, into: &assembler, idFilter: "IN (\(list))")
            return assembler.trials
        }
        finished.store(failed, studyID: studyID)
        return failed
    }
}

/// trial id -> study id, shared by the threads using one storage.
final class TrialStudyMap: @unchecked Sendable {
    private let lock = NSLock()
    private var map: [Int64: Int64] = [:]

    subscript(trialID: Int64) -> Int64? {
        get { lock.lock(); defer { lock.unlock() }; return map[trialID] }
        set { lock.lock(); defer { lock.unlock() }; map[trialID] = newValue }
    }
}
