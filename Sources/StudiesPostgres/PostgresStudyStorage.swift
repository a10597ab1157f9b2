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
public final class PostgresStudyStorage: StudyStorage, @unchecked Sendable {
    /// The database, without its password.
    public let url: PostgresURL
    private let lock = NSLock()
    private let connection: PostgresConnection
    private let finished = FinishedTrialCache()
    private let distributions = DistributionCache()

    public init(url text: String, connectTimeout: Int = 5) throws {
        url = try PostgresURL(text)
        connection = try PostgresConnection(url: url, timeout: connectTimeout)
        try prepareSchema()
    }

    private var location: String { url.description }

    // MARK: Transactions

    /// Runs `body` in a transaction, retrying it on deadlocks and serialization failures.
    private func transaction<T>(durable: Bool = false, readOnly: Bool = false, _ body: (PostgresConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            attempt += 1
            do {
                try connection.ensureConnected()
                try connection.execute(readOnly ? "BEGIN READ ONLY" : "BEGIN")
                if !durable && !readOnly { try connection.execute("SET LOCAL synchronous_commit = off") }
                let result: T
                do {
                    result = try body(connection)
                } catch {
                    _ = try? connection.execute("ROLLBACK")
                    throw error
                }
                try connection.execute("COMMIT")
                return result
            } catch let failure as PostgresConnection.Failure {
                if ["40001", "40P01"].contains(failure.state) && attempt < 20 {
                    Thread.sleep(forTimeInterval: Double.random(in: 0.001...0.02) * Double(attempt))
                    continue
                }
                if failure.connectionLost {
                    throw StudyError.storage("lost the connection to \(location): \(failure.message)")
                }
                throw StudyError.storage("\(location): \(failure.message)")
            }
        }
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

    public func createTrial(studyID: Int64, template: FrozenTrial?) throws -> (id: Int64, number: Int) {
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
        let now = UTCDateTime.format(Date())
        return try transaction { c in
            try requireStudy(c, studyID)
            let rows = try c.execute("""
                UPDATE trials SET state = 'RUNNING', datetime_start = $2
                WHERE trial_id = (SELECT trial_id FROM trials WHERE study_id = $1 AND state = 'WAITING'
                                  ORDER BY trial_id LIMIT 1 FOR UPDATE SKIP LOCKED)
                AND state = 'WAITING' RETURNING trial_id
                """, [String(studyID), now])
            return try rows.first.map { try int64($0[0]) }
        }
    }

    public func setTrialParameter(trialID: Int64, name: String, internalValue: Double, distribution: Distribution) throws {
        guard internalValue.isFinite else { throw StudyError.invalidValue("parameter \"\(name)\" is \(internalValue)") }
        try transaction { c in
            let (studyID, _) = try trialRow(c, trialID, updatable: true)
            try insertParameter(c, studyID: studyID, trialID: trialID, name: name, internalValue: internalValue, distribution: distribution)
        }
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
        return try transaction(durable: state.isFinished) { c in
            let (_, current) = try trialRow(c, trialID, updatable: false, forUpdate: true)
            if current.isFinished { return false }
            if state == .running && current != .waiting { return false }
            for (objective, value) in stored.enumerated() {
                try c.execute("""
                    INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (trial_id, objective) DO UPDATE SET value = EXCLUDED.value, value_type = EXCLUDED.value_type
                    """, [String(trialID), String(objective), text(value.value), value.type])
            }
            switch state {
            case .running:
                try c.execute("UPDATE trials SET state = $1, datetime_start = $2 WHERE trial_id = $3", [state.rawValue, now, String(trialID)])
            case .complete, .pruned, .fail:
                try c.execute("UPDATE trials SET state = $1, datetime_complete = $2 WHERE trial_id = $3", [state.rawValue, now, String(trialID)])
            case .waiting:
                try c.execute("UPDATE trials SET state = $1 WHERE trial_id = $2", [state.rawValue, String(trialID)])
            }
            return true
        }
    }

    public func setTrialIntermediateValue(trialID: Int64, step: Int, value: Double) throws {
        try transaction { c in
            try trialRow(c, trialID, updatable: true)
            try setIntermediate(c, trialID: trialID, step: step, value: value)
        }
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
        try transaction { c in
            try trialRow(c, trialID, updatable: true)
            try setAttribute(c, table: "trial_user_attributes", trialID: trialID, key: key, value: value)
        }
    }

    public func setTrialSystemAttribute(trialID: Int64, key: String, value: AttributeValue) throws {
        try transaction { c in
            try trialRow(c, trialID, updatable: true)
            try setAttribute(c, table: "trial_system_attributes", trialID: trialID, key: key, value: value)
        }
    }

    private func setAttribute(_ c: PostgresConnection, table: String, trialID: Int64, key: String, value: AttributeValue) throws {
        try c.execute("""
            INSERT INTO \(table) (trial_id, key, value_json) VALUES ($1, $2, $3)
            ON CONFLICT (trial_id, key) DO UPDATE SET value_json = EXCLUDED.value_json
            """, [String(trialID), key, try value.jsonText()])
    }

    private static let trialColumns = "trial_id, number, state, datetime_start, datetime_complete"

    public func trial(id: Int64) throws -> FrozenTrial {
        if let trial = finished.trial(id) { return trial }
        let (trial, studyID) = try transaction(readOnly: true) { c -> (FrozenTrial, Int64) in
            let (studyID, _) = try trialRow(c, id, updatable: false)
            var assembler = TrialAssembler(location: location)
            try addTrialRows(c.execute("SELECT \(Self.trialColumns) FROM trials WHERE trial_id = $1", [String(id)]), to: &assembler)
            try loadChildren(c, into: &assembler, idFilter: "= \(id)")
            return (assembler.trials[0], studyID)
        }
        finished.store([trial], studyID: studyID)
        return trial
    }

    public func trials(studyID: Int64, states: Set<TrialState>?) throws -> [FrozenTrial] {
        let known = finished.trials(studyID: studyID)
        let all = try transaction(readOnly: true) { c -> [FrozenTrial] in
            try requireStudy(c, studyID)
            var assembler = TrialAssembler(location: location)
            var fresh: [Int64] = []
            for row in try c.execute("SELECT \(Self.trialColumns) FROM trials WHERE study_id = $1 ORDER BY number", [String(studyID)]) {
                let id = try int64(row[0])
                if let trial = known[id] {
                    assembler.addKnown(trial)
                } else {
                    try assembler.addTrial(id: id, number: row[1].flatMap { Int($0) }, state: row[2] ?? "", start: row[3], complete: row[4])
                    fresh.append(id)
                }
            }
            if !fresh.isEmpty {
                let filter = fresh.count > 200
                    ? "IN (SELECT trial_id FROM trials WHERE study_id = \(studyID))"
                    : "IN (\(fresh.map(String.init).joined(separator: ",")))"
                try loadChildren(c, into: &assembler, idFilter: filter)
            }
            return assembler.trials
        }
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

    // MARK: Heartbeats

    public func recordHeartbeat(trialID: Int64) throws {
        try transaction { c in
            try trialRow(c, trialID, updatable: false)
            // The server's clock in the session's time zone, as Optuna's `func.now()` stores it.
            try c.execute("""
                INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES ($1, LOCALTIMESTAMP)
                ON CONFLICT (trial_id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat
                """, [String(trialID)])
        }
    }

    public func failStaleTrials(studyID: Int64, gracePeriod: TimeInterval) throws -> [FrozenTrial] {
        let now = UTCDateTime.format(Date())
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
