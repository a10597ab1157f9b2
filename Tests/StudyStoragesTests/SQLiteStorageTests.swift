import Foundation
import GRDB
import Studies
import StudiesSQLite
import StudyStorages
import TestSupport
import Testing

/// What only the SQLite file driver does: Optuna's exact DDL, WAL, refusing what it cannot read.
@Suite("SQLite storage")
struct SQLiteStorageTests {
    static var fixtures: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures") }

    func newPath() -> String {
        TestSupport.temporaryDirectory("atelier-sqlite").appendingPathComponent("study.db").path
    }

    @Test("a new file gets Optuna 5.1's schema byte for byte, version rows and WAL")
    func createsOptunaSchema() throws {
        let path = newPath()
        _ = try SQLiteStudyStorage(path: path)
        let db = try DatabaseQueue(path: path)
        try db.read { db in
            // What `sqlite3 study.db .schema` prints, from sqlite_master.
            let statements = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
            let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("optuna-sqlite-schema.sql"), encoding: .utf8)
            #expect(statements.map { $0 + ";\n" }.joined() == expected)
            let version = try #require(try Row.fetchOne(db, sql: "SELECT version_info_id, schema_version, library_version FROM version_info"))
            #expect(version[0] as Int == 1 && version[1] as Int == 12 && version[2] as String == "5.1.0")
            #expect(try String.fetchAll(db, sql: "SELECT version_num FROM alembic_version") == ["v3.2.0.a"])
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
        }
    }

    @Test("stores values and datetimes as Optuna does: enum names, NULL for ±inf and NaN, naive UTC text")
    func storedRepresentation() throws {
        let path = newPath()
        let storage = try SQLiteStudyStorage(path: path)
        let study = try storage.createStudy(name: "repr", directions: [.maximize])
        let (id, _) = try storage.createTrial(studyID: study, template: nil)
        try storage.setTrialIntermediateValue(trialID: id, step: 0, value: .nan)
        try storage.setTrialIntermediateValue(trialID: id, step: 1, value: -.infinity)
        try storage.setTrialIntermediateValue(trialID: id, step: 2, value: 0.5)
        try storage.setTrialState(trialID: id, state: .complete, values: [.infinity])
        let trial = try storage.trial(id: id)
        let db = try DatabaseQueue(path: path)
        try db.read { db in
            #expect(try String.fetchOne(db, sql: "SELECT direction FROM study_directions") == "MAXIMIZE")
            let value = try #require(try Row.fetchOne(db, sql: "SELECT value, value_type FROM trial_values"))
            #expect(value[0] == nil as Double? && value[1] == "INF_POS")
            let steps = try Row.fetchAll(db, sql: "SELECT intermediate_value, intermediate_value_type FROM trial_intermediate_values ORDER BY step")
            #expect(steps.map { $0[1] as String } == ["NAN", "INF_NEG", "FINITE"])
            #expect(steps.map { $0[0] as Double? } == [nil, nil, 0.5])
            let row = try #require(try Row.fetchOne(db, sql: "SELECT state, datetime_start, datetime_complete FROM trials"))
            #expect(row[0] == "COMPLETE")
            let start: String = row[1]
            // 2026-12-06 17:10:00.123456, UTC.
            #expect(start.count == 26 && start.dropFirst(10).hasPrefix(" "))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.hour, .minute], from: try #require(trial.start))
            #expect(start.dropFirst(11).prefix(5) == String(format: "%02d:%02d", parts.hour!, parts.minute!))
        }
    }

    @Test("a file that is not SQLite, or is damaged: an error naming the file")
    func corruptFiles() throws {
        let directory = TestSupport.temporaryDirectory("atelier-sqlite-bad")
        let text = try TestSupport.writeFile("number,state\n0,COMPLETE\n" + String(repeating: "x", count: 5000), named: "notes.db", in: directory)
        do {
            _ = try openStudyStorage(url: "sqlite:///" + text)
            Issue.record("a text file opened as a study database")
        } catch let error as StudyError {
            #expect("\(error)".contains(text) && "\(error)".contains("not a SQLite database"), "\(error)")
        }

        // A real study whose pages were overwritten.
        let damaged = directory.appendingPathComponent("damaged.db").path
        let storage = try SQLiteStudyStorage(path: damaged)
        let study = try storage.createStudy(name: "s", directions: [.minimize])
        for _ in 0..<50 { _ = try storage.createTrial(studyID: study, template: nil) }
        let db = try DatabaseQueue(path: damaged)
        try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try db.close()
        let handle = try #require(FileHandle(forUpdatingAtPath: damaged))
        try handle.seek(toOffset: 4096)
        handle.write(Data(repeating: 0xA5, count: 4096 * 8))
        try handle.close()
        do {
            let reopened = try SQLiteStudyStorage(path: damaged)
            _ = try reopened.trials(studyID: study)
            Issue.record("a damaged database read without an error")
        } catch let error as StudyError {
            #expect("\(error)".contains(damaged), "\(error)")
        }
    }

    @Test("a folder that does not exist: an error naming the file")
    func missingFolder() throws {
        let path = "/nonexistent-\(UUID().uuidString)/study.db"
        do {
            _ = try SQLiteStudyStorage(path: path)
            Issue.record("opened \(path)")
        } catch let error as StudyError {
            #expect("\(error)".contains(path), "\(error)")
        }
    }

    @Test("an Optuna schema of another version is refused, naming the file and both versions")
    func unknownSchemaVersion() throws {
        let path = newPath()
        _ = try SQLiteStudyStorage(path: path)
        let db = try DatabaseQueue(path: path)
        try db.write { db in
            try db.execute(sql: "UPDATE alembic_version SET version_num = 'v3.0.0.d'")
            try db.execute(sql: "UPDATE version_info SET library_version = '3.0.6'")
        }
        try db.close()
        do {
            _ = try SQLiteStudyStorage(path: path)
            Issue.record("opened a v3.0.0.d schema")
        } catch let error as StudyError {
            let message = "\(error)"
            #expect(message.contains(path) && message.contains("v3.0.0.d") && message.contains("v3.2.0.a")
                    && message.contains("3.0.6"), "\(message)")
        }
    }

    @Test("a writer that holds the file for a while makes calls wait, never fail with \"database is locked\"")
    func busyFileWaits() throws {
        let path = newPath()
        let storage = try SQLiteStudyStorage(path: path)
        let study = try storage.createStudy(name: "busy", directions: [.minimize])
        let other = try DatabaseQueue(path: path)
        let holding = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? other.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                holding.signal()
                Thread.sleep(forTimeInterval: 1.5)
                try db.execute(sql: "COMMIT")
            }
        }
        thread.start()
        holding.wait()
        let start = Date()
        let (_, number) = try storage.createTrial(studyID: study, template: nil)
        #expect(number == 0)
        #expect(Date().timeIntervalSince(start) > 1.0)
    }

    /// What happens to the file mid-run, done by the objective of trial 2 of 5.
    enum FileAccident: String, CaseIterable, Sendable {
        case deleted, replaced, overwritten
    }

    @Test("the database file deleted, replaced or overwritten while a study optimizes: an error naming the file, no success",
          arguments: FileAccident.allCases)
    func fileGoneDuringOptimize(_ accident: FileAccident) throws {
        let path = newPath()
        let garbage = Data("not a database any more\n".utf8) + Data(repeating: 0x5A, count: 8192)
        let study = try Study.create(name: "gone", storage: try SQLiteStudyStorage(path: path), sampler: RandomSampler(seed: 1))
        var evaluated: [Int] = []
        do {
            try study.optimize(trials: 5) { trial in
                let x = try trial.suggestFloat("x", in: -1...1)
                evaluated.append(trial.number)
                if trial.number == 2 {
                    switch accident {
                    case .deleted:
                        try FileManager.default.removeItem(atPath: path)
                    case .replaced:
                        // As an editor or `mv` puts another file in its place: a new inode.
                        try garbage.write(to: URL(fileURLWithPath: path), options: .atomic)
                    case .overwritten:
                        // In place, the same inode: `cat other > study.db`.
                        let handle = try #require(FileHandle(forUpdatingAtPath: path))
                        try handle.truncate(atOffset: 0)
                        handle.write(garbage)
                        try handle.close()
                    }
                }
                return x * x
            }
            Issue.record("optimize succeeded although \(path) was \(accident.rawValue)")
        } catch let error as StudyError {
            let expected = ["deleted": "was deleted", "replaced": "was replaced by another file",
                            "overwritten": "is no longer a SQLite database"][accident.rawValue]!
            #expect("\(error)".contains(path) && "\(error)".contains(expected), "\(error)")
        }
        #expect(evaluated == [0, 1, 2], "the run stopped at the trial during which the file went")
        // Nothing was written to the path since: deleted stays deleted, the new content stays as it was.
        if accident == .deleted {
            #expect(!FileManager.default.fileExists(atPath: path))
        } else {
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
        }
    }
}
