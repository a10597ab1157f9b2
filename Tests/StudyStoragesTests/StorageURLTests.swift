import Foundation
import Studies
import StudiesPostgres
import StudiesSQLite
import StudyStorages
import TestSupport
import Testing

/// `openStudyStorage(url:)`: Optuna's URL forms, and clear errors for the rest.
@Suite("Storage URLs")
struct StorageURLTests {
    @Test("wrong URLs say which forms are accepted",
          arguments: ["mysql://root@localhost/db", "sqlite://study.db", "sqlite:///", "study.db", "", "redis://x",
                      "postgresql://127.0.0.1:5432", "postgresql://u@127.0.0.1:notaport/db"])
    func wrongURL(url: String) throws {
        do {
            _ = try openStudyStorage(url: url)
            Issue.record("\(url) was accepted")
        } catch let error as StudyError {
            guard case .invalidStorageURL(let message) = error else { Issue.record("\(url): \(error)"); return }
            #expect(message.contains("postgresql://") || message.contains("port"), "\(message)")
            if !url.hasPrefix("postgresql") { #expect(message.contains("sqlite:///"), "\(message)") }
        }
    }

    @Test("sqlite:/// is relative to the current folder, sqlite://// absolute")
    func sqlitePaths() throws {
        try ChildProcess.requireWorker()
        let directory = TestSupport.temporaryDirectory("atelier-url")
        _ = try ChildProcess.runJSON(ChildProcess.worker, ["trials", "sqlite:///sub.db", "s", "1"], directory: directory)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("sub.db").path))
        let absolute = directory.appendingPathComponent("abs.db").path
        let storage = try openStudyStorage(url: "sqlite:///" + absolute)
        #expect(storage is SQLiteStudyStorage)
        #expect(FileManager.default.fileExists(atPath: absolute))
    }

    @Test("PostgreSQL URLs as Optuna users write them")
    func postgresURLs() throws {
        let url = try PostgresURL("postgresql+psycopg2://ann:p%40ss@db.example:6543/studies?sslmode=disable")
        #expect(url.user == "ann" && url.password == "p@ss" && url.host == "db.example" && url.port == 6543 && url.database == "studies")
        #expect(url.description == "postgresql://ann@db.example:6543/studies")
        let short = try PostgresURL("postgres://localhost/x")
        #expect(short.port == 5432 && short.user == nil && short.database == "x")
    }

    @Test("an unreachable server: a quick error naming the URL without its password")
    func unreachableServer() throws {
        for url in ["postgresql://atelier:secret@127.0.0.1:1/atelier_test", "postgresql+psycopg2://atelier:secret@10.255.255.1:5432/db"] {
            let start = Date()
            do {
                _ = try PostgresStudyStorage(url: url, connectTimeout: 2)
                Issue.record("\(url) answered")
            } catch let error as StudyError {
                let message = "\(error)"
                #expect(message.contains("cannot reach postgresql://atelier@"), "\(message)")
                #expect(!message.contains("secret"), "\(message)")
            }
            #expect(Date().timeIntervalSince(start) < 6, "\(url) took \(Date().timeIntervalSince(start)) s")
        }
    }
}
