import Foundation
import GRDB
import Studies
import StudyStorageSupport

/// Studies in one SQLite file, in Optuna 5.1's own schema: `optuna.load_study(storage=
/// "sqlite:///path")` and `optuna-dashboard` open what this writes, and this opens what Optuna
/// wrote (alembic revision `v3.2.0.a`; any other is refused with an error naming both).
///
/// - Every call is one transaction. Writers take the file's write lock up front (`BEGIN
///   IMMEDIATE`), so trial numbers stay gapless across processes; a busy file is waited for
///   (busy timeout, then retries), "database is locked" is never thrown.
/// - The file is switched to WAL (Optuna, SQLAlchemy and optuna-dashboard open WAL files as any
///   other); commits run with `synchronous=NORMAL` except those that finish a trial, which run
///   with `synchronous=FULL`: a told trial is on disk when `setTrialState` returns, and every
///   write before it with it.
/// - Finished trials are immutable and cached: `trials(studyID:)` reads the `trials` rows of the
///   study and the child rows of new or unfinished trials only.
/// - Every transaction checks, before it commits, that the path still names the file it opened
///   and that the file is still a SQLite database (`DatabaseFileGuard`): a file deleted, replaced
///   or overwritten while a study runs is an error naming it, not a run that goes on writing to an
///   unlinked inode and reports success.
public final class SQLiteStudyStorage: StudyStorage, @unchecked Sendable {
    /// The database file.
    public let path: String
    private let queue: DatabaseQueue
    private let finished = FinishedTrialCache()
    private let distributions = DistributionCache()
    /// How long a call waits for other processes holding the file before it gives up.
    private let busyTimeout: TimeInterval
    /// When commits reach the disk.
    public let durability: Durability
    /// The file as opened, checked by every transaction.
    private let fileGuard: DatabaseFileGuard?

    /// When a commit is on disk, not only in the file (which a killed process never loses).
    public enum Durability: Sendable {
        /// A commit that finishes a trial (and every commit before it) is synced to disk before
        /// the call returns: a told trial survives a power cut. One `fdatasync` per told trial
        /// (5-7 ms on this project's virtual disk).
        case everyToldTrial
        /// Nothing waits for the disk (WAL, `synchronous=NORMAL`): every commit survives a crash of
        /// the process, the last ones may be lost in a power cut or a crash of the machine.
        case processCrash
    }

    /// Opens `path`, creating it and Optuna's tables when the file is new or empty.
    /// - Parameters:
    ///   - busyTimeout: the longest a call waits for other writers (default 120 s).
    ///   - durability: `.everyToldTrial` (default) or `.processCrash`.
    /// - Throws: `StudyError.storage` naming the file when it cannot be opened, is not a SQLite
    ///   database, or holds an Optuna schema of another version.
    public init(path: String, busyTimeout: TimeInterval = 120, durability: Durability = .everyToldTrial) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        self.durability = durability
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.journalMode = .wal
        configuration.label = "atelier.sqlite"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let location = path
        do {
            queue = try Self.retrying(location: location, timeout: busyTimeout) {
                try DatabaseQueue(path: path, configuration: configuration)
            }
        } catch {
            throw Self.storageError(error, location: location, opening: true)
        }
        fileGuard = DatabaseFileGuard(path: path)
        try prepareSchema()
    }

    deinit {
        // The guard's descriptor only once the connection is closed (closing it drops SQLite's
        // locks); when the connection cannot close now, the descriptor stays open.
        do {
            try queue.close()
            fileGuard?.closeDescriptor()
        } catch {}
    }

    // MARK: Transactions

    private static func retrying<T>(location: String, timeout: TimeInterval, _ body: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        var pause = 0.002
        while true {
            do { return try body() } catch let error as DatabaseError
                where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                // The busy handler already waited; this covers what it cannot (a busy WAL
                // recovery, a lock upgrade), with a jittered back-off.
                if Date() > deadline {
                    throw StudyError.storage("\(location): still busy after \(Int(timeout)) s (other processes hold the database)")
                }
                Thread.sleep(forTimeInterval: pause * Double.random(in: 0.5...1.5))
                pause = min(pause * 2, 0.1)
            }
        }
    }

    static func storageError(_ error: any Error, location: String, opening: Bool = false) -> any Error {
        if error is StudyError { return error }
        if let error = error as? DatabaseError {
            let message = error.message ?? "\(error.resultCode)"
            switch error.resultCode {
            case .SQLITE_NOTADB:
                return StudyError.storage("\(location) is not a SQLite database (\(message))")
            case .SQLITE_CORRUPT:
                return StudyError.storage("\(location) is a corrupt SQLite database (\(message))")
            case .SQLITE_CANTOPEN:
                return StudyError.storage("cannot open \(location) (\(message); does its folder exist and is it writable?)")
            case .SQLITE_READONLY:
                return StudyError.storage("\(location) is read-only (\(message))")
            default:
                return StudyError.storage("\(location): \(message)")
            }
        }
        return StudyError.storage("\(location): \(error)")
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction (it commits when `body` returns).
    private func write<T>(durable requested: Bool = false, _ body: (Database) throws -> T) throws -> T {
        let durable = requested && durability == .everyToldTrial
        do {
            return try Self.retrying(location: path, timeout: busyTimeout) {
                try queue.writeWithoutTransaction { db in
                    if durable { try db.execute(sql: "PRAGMA synchronous = FULL") }
                    defer { if durable { try? db.execute(sql: "PRAGMA synchronous = NORMAL") } }
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(db)
                        // Under the write lock, so a failed check rolls back what `body` wrote.
                        try fileGuard?.check()
                        return .commit
                    }
                    return result!
                }
            }
        } catch {
            // SQLite's own error for a file overwritten under it ("not a database", "disk I/O")
            // says less than what happened to the file.
            try fileGuard?.check()
            throw Self.storageError(error, location: path)
        }
    }

    /// Runs `body` in a read transaction (one consistent snapshot).
    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try Self.retrying(location: path, timeout: busyTimeout) {
                try queue.writeWithoutTransaction { db in
                    var result: T?
                    try db.inTransaction(.deferred) {
                        result = try body(db)
                        try fileGuard?.check()
                        return .commit
                    }
                    return result!
                }
            }
        } catch {
            // SQLite's own error for a file overwritten under it ("not a database", "disk I/O")
            // says less than what happened to the file.
            try fileGuard?.check()
            throw Self.storageError(error, location: path)
        }
    }

    // MARK: Schema

    private func prepareSchema() throws {
        let hasTables = try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'studies'") ?? 0
        }
        if hasTables == 0 {
            try write { db in
                // Another process may have created them since the check above.
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'studies'") ?? 0
                guard count == 0 else { return }
                for statement in OptunaSchema.sqliteDDL { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, ?, ?)",
                               arguments: [OptunaSchema.schemaVersion, OptunaSchema.libraryVersion])
                try db.execute(sql: "INSERT INTO alembic_version (version_num) VALUES (?)", arguments: [OptunaSchema.alembicVersion])
            }
        }
        try read { db in
            let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
            let alembic = tables.contains("alembic_version")
                ? try String.fetchOne(db, sql: "SELECT version_num FROM alembic_version") : nil
            var schema: Int?
            var library: String?
            if tables.contains("version_info"), let row = try Row.fetchOne(db, sql: "SELECT schema_version, library_version FROM version_info") {
                schema = row[0]
                library = row[1]
            }
            try OptunaSchema.check(alembicVersion: alembic, schemaVersion: schema, libraryVersion: library, location: path)
        }
    }

    // MARK: Studies

    public func createStudy(name: String, directions: [StudyDirection]) throws -> Int64 {
        guard !directions.isEmpty else { throw StudyError.invalidValue("a study needs at least one direction") }
        return try write { db in
            if try Int64.fetchOne(db, sql: "SELECT study_id FROM studies WHERE study_name = ?", arguments: [name]) != nil {
                throw StudyError.duplicateStudy(name)
            }
            try db.execute(sql: "INSERT INTO studies (study_name) VALUES (?)", arguments: [name])
            let id = db.lastInsertedRowID
            for (objective, direction) in directions.enumerated() {
                try db.execute(sql: "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)",
                               arguments: [direction.rawValue, id, objective])
            }
            return id
        }
    }

    public func deleteStudy(id: Int64) throws {
        try write { db in
            try requireStudy(db, id)
            let trials = "SELECT trial_id FROM trials WHERE study_id = ?"
            for table in ["trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes",
                          "trial_system_attributes", "trial_heartbeats"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE trial_id IN (\(trials))", arguments: [id])
            }
            for table in ["trials", "study_directions", "study_user_attributes", "study_system_attributes", "studies"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE study_id = ?", arguments: [id])
            }
        }
        finished.forget(studyID: id)
        distributions.forget(studyID: id)
    }

    public func studyID(named name: String) throws -> Int64 {
        try read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT study_id FROM studies WHERE study_name = ?", arguments: [name]) else {
                throw StudyError.unknownStudy(name)
            }
            return id
        }
    }

    public func allStudies() throws -> [StudySummary] {
        try read { db in try summaries(db, id: nil) }
    }

    public func study(id: Int64) throws -> StudySummary {
        try read { db in
            guard let study = try summaries(db, id: id).first else { throw StudyError.unknownStudy("id \(id)") }
            return study
        }
    }

    private func summaries(_ db: Database, id: Int64?) throws -> [StudySummary] {
        let filter = id == nil ? "" : " WHERE study_id = \(id!)"
        var studies: [Int64: StudySummary] = [:]
        var order: [Int64] = []
        for row in try Row.fetchAll(db, sql: "SELECT study_id, study_name FROM studies\(filter) ORDER BY study_id") {
            let studyID: Int64 = row[0]
            studies[studyID] = StudySummary(id: studyID, name: row[1], directions: [])
            order.append(studyID)
        }
        for row in try Row.fetchAll(db, sql: "SELECT study_id, direction FROM study_directions\(filter) ORDER BY study_id, objective") {
            let text: String = row[1]
            guard let direction = StudyDirection(rawValue: text) else {
                throw StudyError.storage("\(path): study \(row[0] as Int64) has direction \(text); expected MINIMIZE or MAXIMIZE")
            }
            studies[row[0]]?.directions.append(direction)
        }
        for (table, system) in [("study_user_attributes", false), ("study_system_attributes", true)] {
            for row in try Row.fetchAll(db, sql: "SELECT study_id, key, value_json FROM \(table)\(filter)") {
                let key: String = row[1]
                let text: String = row[2]
                guard let value = try? AttributeValue(jsonText: text) else {
                    throw StudyError.storage("\(path): study attribute \"\(key)\" is not JSON: \(text)")
                }
                if system { studies[row[0]]?.systemAttributes[key] = value } else { studies[row[0]]?.userAttributes[key] = value }
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
        try write { db in
            try requireStudy(db, studyID)
            try db.execute(sql: """
                INSERT INTO \(table) (study_id, key, value_json) VALUES (?, ?, ?)
                ON CONFLICT (study_id, key) DO UPDATE SET value_json = excluded.value_json
                """, arguments: [studyID, key, json])
        }
    }

    private func requireStudy(_ db: Database, _ id: Int64) throws {
        guard try Int64.fetchOne(db.cachedStatement(sql: "SELECT study_id FROM studies WHERE study_id = ?"), arguments: [id]) != nil else {
            throw StudyError.unknownStudy("id \(id)")
        }
    }

    // MARK: Trials

    public func createTrial(studyID: Int64, template: FrozenTrial?) throws -> (id: Int64, number: Int) {
        let now = UTCDateTime.format(Date())
        if let template {
            for value in template.values where value.isNaN {
                throw StudyError.invalidValue("trial template has a NaN value")
            }
        }
        return try write(durable: template?.state.isFinished ?? false) { db in
            try requireStudy(db, studyID)
            // The write lock is held from BEGIN IMMEDIATE: nobody else can insert between the count
            // and the insert, so numbers are gapless (Optuna counts earlier trials the same way).
            let number = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM trials WHERE study_id = ?"),
                                          arguments: [studyID]) ?? 0
            let state = template?.state ?? .running
            let start = template == nil ? now : template!.start.map(UTCDateTime.format)
            let complete = template?.complete.map(UTCDateTime.format)
            try db.cachedStatement(sql: """
                INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [number, studyID, state.rawValue, start, complete])
            let id = db.lastInsertedRowID
            if let template {
                for (objective, value) in template.values.enumerated() {
                    try setValue(db, trialID: id, objective: objective, value: value)
                }
                for name in template.params.keys.sorted() {
                    guard let distribution = template.distributions[name] else {
                        throw StudyError.invalidValue("trial template parameter \"\(name)\" has no distribution")
                    }
                    try insertParameter(db, studyID: studyID, trialID: id, name: name,
                                        internalValue: template.params[name]!, distribution: distribution)
                }
                for (key, value) in template.userAttributes {
                    try setAttribute(db, table: "trial_user_attributes", trialID: id, key: key, value: value)
                }
                for (key, value) in template.systemAttributes {
                    try setAttribute(db, table: "trial_system_attributes", trialID: id, key: key, value: value)
                }
                for (step, value) in template.intermediateValues {
                    try setIntermediate(db, trialID: id, step: step, value: value)
                }
            }
            return (id, number)
        }
    }

    public func popWaitingTrial(studyID: Int64) throws -> Int64? {
        let now = UTCDateTime.format(Date())
        let waitingSQL = "SELECT trial_id FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY trial_id LIMIT 1"
        // Every ask looks: a read first, so that the usual answer (none) takes no write lock.
        let candidate = try read { db -> Int64? in
            try requireStudy(db, studyID)
            return try Int64.fetchOne(db.cachedStatement(sql: waitingSQL), arguments: [studyID])
        }
        guard candidate != nil else { return nil }
        return try write { db in
            // Again under the write lock: another worker may have taken it meanwhile.
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: waitingSQL), arguments: [studyID]) else { return nil }
            try db.execute(sql: "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ?", arguments: [now, id])
            return id
        }
    }

    /// The trial's study and state; throws `.unknownTrial`, and `.trialFinished` when `updatable`.
    @discardableResult
    private func trialRow(_ db: Database, _ trialID: Int64, updatable: Bool) throws -> (studyID: Int64, state: TrialState) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT study_id, state, number FROM trials WHERE trial_id = ?"),
                                         arguments: [trialID]) else {
            throw StudyError.unknownTrial("id \(trialID) in \(path)")
        }
        let text: String = row[1]
        guard let state = TrialState(rawValue: text) else {
            throw StudyError.storage("\(path): trial \(trialID) has unknown state \(text)")
        }
        if updatable && state.isFinished {
            throw StudyError.trialFinished("trial \(row[2] as Int) is \(state.rawValue)")
        }
        return (row[0], state)
    }

    public func setTrialParameter(trialID: Int64, name: String, internalValue: Double, distribution: Distribution) throws {
        guard !internalValue.isNaN else { throw StudyError.invalidValue("parameter \"\(name)\" is NaN") }
        try write { db in
            let (studyID, _) = try trialRow(db, trialID, updatable: true)
            try insertParameter(db, studyID: studyID, trialID: trialID, name: name,
                                internalValue: internalValue, distribution: distribution)
        }
    }

    private func insertParameter(_ db: Database, studyID: Int64, trialID: Int64, name: String,
                                 internalValue: Double, distribution: Distribution) throws {
        var previous = distributions.distribution(studyID: studyID, name: name)
        if previous == nil, let json = try String.fetchOne(db.cachedStatement(sql: """
            SELECT p.distribution_json FROM trial_params p JOIN trials t ON p.trial_id = t.trial_id
            WHERE t.study_id = ? AND p.param_name = ? LIMIT 1
            """), arguments: [studyID, name]) {
            previous = try? Distribution(optunaJSON: json)
            if let previous { distributions.remember(previous, studyID: studyID, name: name) }
        }
        if let previous, !distributionsAreCompatible(previous, distribution) {
            throw StudyError.incompatibleDistribution(
                "parameter \"\(name)\" was \(previous) in this study, cannot be \(distribution)")
        }
        // A second value for the same name is ignored, as Optuna ignores the IntegrityError.
        try db.cachedStatement(sql: """
            INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)
            ON CONFLICT (trial_id, param_name) DO NOTHING
            """).execute(arguments: [trialID, name, internalValue, distribution.optunaJSON])
        distributions.remember(distribution, studyID: studyID, name: name)
    }

    @discardableResult
    public func setTrialState(trialID: Int64, state: TrialState, values: [Double]?) throws -> Bool {
        let stored = try (values ?? []).map(StoredValue.objective)
        let now = UTCDateTime.format(Date())
        return try write(durable: state.isFinished) { db in
            let (_, current) = try trialRow(db, trialID, updatable: false)
            if current.isFinished { return false }
            if state == .running && current != .waiting { return false }
            for (objective, value) in stored.enumerated() {
                try db.cachedStatement(sql: """
                    INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)
                    ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value, value_type = excluded.value_type
                    """).execute(arguments: [trialID, objective, value.value, value.type])
            }
            switch state {
            case .running:
                try db.execute(sql: "UPDATE trials SET state = ?, datetime_start = ? WHERE trial_id = ?",
                               arguments: [state.rawValue, now, trialID])
            case .complete, .pruned, .fail:
                try db.cachedStatement(sql: "UPDATE trials SET state = ?, datetime_complete = ? WHERE trial_id = ?")
                    .execute(arguments: [state.rawValue, now, trialID])
            case .waiting:
                try db.execute(sql: "UPDATE trials SET state = ? WHERE trial_id = ?", arguments: [state.rawValue, trialID])
            }
            return true
        }
    }

    private func setValue(_ db: Database, trialID: Int64, objective: Int, value: Double) throws {
        let stored = try StoredValue.objective(value)
        try db.execute(sql: "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)",
                       arguments: [trialID, objective, stored.value, stored.type])
    }

    public func setTrialIntermediateValue(trialID: Int64, step: Int, value: Double) throws {
        try write { db in
            try trialRow(db, trialID, updatable: true)
            try setIntermediate(db, trialID: trialID, step: step, value: value)
        }
    }

    private func setIntermediate(_ db: Database, trialID: Int64, step: Int, value: Double) throws {
        let stored = StoredValue.intermediate(value)
        try db.cachedStatement(sql: """
            INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
            VALUES (?, ?, ?, ?) ON CONFLICT (trial_id, step) DO UPDATE
            SET intermediate_value = excluded.intermediate_value, intermediate_value_type = excluded.intermediate_value_type
            """).execute(arguments: [trialID, step, stored.value, stored.type])
    }

    public func setTrialUserAttribute(trialID: Int64, key: String, value: AttributeValue) throws {
        try write { db in
            try trialRow(db, trialID, updatable: true)
            try setAttribute(db, table: "trial_user_attributes", trialID: trialID, key: key, value: value)
        }
    }

    public func setTrialSystemAttribute(trialID: Int64, key: String, value: AttributeValue) throws {
        try write { db in
            try trialRow(db, trialID, updatable: true)
            try setAttribute(db, table: "trial_system_attributes", trialID: trialID, key: key, value: value)
        }
    }

    private func setAttribute(_ db: Database, table: String, trialID: Int64, key: String, value: AttributeValue) throws {
        try db.cachedStatement(sql: """
            INSERT INTO \(table) (trial_id, key, value_json) VALUES (?, ?, ?)
            ON CONFLICT (trial_id, key) DO UPDATE SET value_json = excluded.value_json
            """).execute(arguments: [trialID, key, try value.jsonText()])
    }

    public func trial(id: Int64) throws -> FrozenTrial {
        if let trial = finished.trial(id) { return trial }
        let (trial, studyID) = try read { db -> (FrozenTrial, Int64) in
            let (studyID, _) = try trialRow(db, id, updatable: false)
            var assembler = TrialAssembler(location: path)
            try loadTrialRows(db, into: &assembler, sql: "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials WHERE trial_id = ?", arguments: [id])
            try loadChildren(db, into: &assembler, idFilter: "= \(id)")
            return (assembler.trials[0], studyID)
        }
        finished.store([trial], studyID: studyID)
        return trial
    }

    public func trials(studyID: Int64, states: Set<TrialState>?) throws -> [FrozenTrial] {
        let known = finished.trials(studyID: studyID)
        let all = try read { db -> [FrozenTrial] in
            try requireStudy(db, studyID)
            var assembler = TrialAssembler(location: path)
            var fresh: [Int64] = []
            let statement = try db.cachedStatement(sql: """
                SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials WHERE study_id = ? ORDER BY number
                """)
            let rows = try Row.fetchCursor(statement, arguments: [studyID])
            while let row = try rows.next() {
                let id: Int64 = row[0]
                // A cached trial is used only while its row still says the same (a study deleted
                // and its ids reused by another process would not).
                if let trial = known[id], trial.number == row[1] as Int?, trial.state.rawValue == row[2] as String? {
                    assembler.addKnown(trial)
                } else {
                    try assembler.addTrial(id: id, number: row[1], state: row[2], start: row[3], complete: row[4])
                    fresh.append(id)
                }
            }
            if !fresh.isEmpty {
                let filter = fresh.count > 200
                    ? "IN (SELECT trial_id FROM trials WHERE study_id = \(studyID))"
                    : "IN (\(fresh.map(String.init).joined(separator: ",")))"
                try loadChildren(db, into: &assembler, idFilter: filter)
            }
            return assembler.trials
        }
        finished.store(all, studyID: studyID)
        guard let states else { return all }
        return all.filter { states.contains($0.state) }
    }

    private func loadTrialRows(_ db: Database, into assembler: inout TrialAssembler, sql: String, arguments: StatementArguments) throws {
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            try assembler.addTrial(id: row[0], number: row[1], state: row[2], start: row[3], complete: row[4])
        }
    }

    /// Reads the child rows of the trials matching `trial_id <idFilter>` into `assembler`.
    private func loadChildren(_ db: Database, into assembler: inout TrialAssembler, idFilter: String) throws {
        var rows = try Row.fetchCursor(db, sql: """
            SELECT trial_id, param_name, param_value, distribution_json FROM trial_params WHERE trial_id \(idFilter) ORDER BY param_id
            """)
        while let row = try rows.next() {
            try assembler.addParam(trialID: row[0], name: row[1], value: row[2], distributionJSON: row[3])
        }
        rows = try Row.fetchCursor(db, sql: "SELECT trial_id, objective, value, value_type FROM trial_values WHERE trial_id \(idFilter)")
        while let row = try rows.next() {
            try assembler.addValue(trialID: row[0], objective: row[1], value: row[2], type: row[3])
        }
        rows = try Row.fetchCursor(db, sql: """
            SELECT trial_id, step, intermediate_value, intermediate_value_type FROM trial_intermediate_values WHERE trial_id \(idFilter)
            """)
        while let row = try rows.next() {
            try assembler.addIntermediate(trialID: row[0], step: row[1], value: row[2], type: row[3])
        }
        for (table, system) in [("trial_user_attributes", false), ("trial_system_attributes", true)] {
            rows = try Row.fetchCursor(db, sql: "SELECT trial_id, key, value_json FROM \(table) WHERE trial_id \(idFilter)")
            while let row = try rows.next() {
                try assembler.addAttribute(trialID: row[0], key: row[1], json: row[2], system: system)
            }
        }
    }

    public func trialID(studyID: Int64, number: Int) throws -> Int64 {
        try read { db in
            try requireStudy(db, studyID)
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT trial_id FROM trials WHERE study_id = ? AND number = ?"),
                                              arguments: [studyID, number]) else {
                throw StudyError.unknownTrial("trial \(number) in \(path)")
            }
            return id
        }
    }

    public func trialCount(studyID: Int64, states: Set<TrialState>?) throws -> Int {
        try read { db in
            try requireStudy(db, studyID)
            if let states, states.isEmpty { return 0 }
            let filter = states.map { " AND state IN (" + $0.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")" } ?? ""
            return try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM trials WHERE study_id = ?\(filter)"),
                                    arguments: [studyID]) ?? 0
        }
    }

    // MARK: Heartbeats

    public func recordHeartbeat(trialID: Int64) throws {
        let now = UTCDateTime.format(Date())
        try write { db in
            try trialRow(db, trialID, updatable: false)
            try db.cachedStatement(sql: """
                INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, ?)
                ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat
                """).execute(arguments: [trialID, now])
        }
    }

    public func failStaleTrials(studyID: Int64, gracePeriod: TimeInterval) throws -> [FrozenTrial] {
        let now = Date()
        let staleSQL = """
            SELECT t.trial_id, h.heartbeat FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id
            WHERE t.study_id = ? AND t.state = 'RUNNING'
            """
        func stale(_ db: Database) throws -> [Int64] {
            var ids: [Int64] = []
            for row in try Row.fetchAll(db.cachedStatement(sql: staleSQL), arguments: [studyID]) {
                let text: String = row[1]
                // Optuna's own heartbeats are CURRENT_TIMESTAMP text (UTC, whole seconds) or
                // SQLAlchemy datetimes: both parse.
                guard let beat = UTCDateTime.parse(text) else {
                    throw StudyError.storage("\(path): trial \(row[0] as Int64) has a heartbeat \"\(text)\" that is not a datetime")
                }
                if now.timeIntervalSince(beat) > gracePeriod { ids.append(row[0]) }
            }
            return ids
        }
        // Every ask looks: a read first, so that the usual answer (none) takes no write lock.
        let candidates = try read { db -> [Int64] in
            try requireStudy(db, studyID)
            return try stale(db)
        }
        guard !candidates.isEmpty else { return [] }
        let failed = try write(durable: true) { db -> [FrozenTrial] in
            // Again under the write lock: another worker may have failed them meanwhile.
            let ids = try stale(db)
            guard !ids.isEmpty else { return [] }
            let list = ids.map(String.init).joined(separator: ",")
            try db.execute(sql: "UPDATE trials SET state = 'FAIL', datetime_complete = ? WHERE trial_id IN (\(list)) AND state = 'RUNNING'",
                           arguments: [UTCDateTime.format(now)])
            var assembler = TrialAssembler(location: path)
            try loadTrialRows(db, into: &assembler, sql: """
                SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials WHERE trial_id IN (\(list)) ORDER BY number
                """, arguments: [])
            try loadChildren(db, into: &assembler, idFilter: "IN (\(list))")
            return assembler.trials
        }
        finished.store(failed, studyID: studyID)
        return failed
    }
}
