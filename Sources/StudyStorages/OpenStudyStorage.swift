import Foundation
import Studies
import StudiesPostgres
import StudiesSQLite

/// The storage URL forms `openStudyStorage(url:)` accepts, for errors and help texts.
public let acceptedStorageURLForms = """
    memory, sqlite:///relative/path.db, sqlite:////absolute/path.db, \
    postgresql://user:password@host:port/database (also postgres:// and postgresql+psycopg2://)
    """

/// Opens the storage a URL names, with Optuna's URL forms:
/// - `memory`: a new in-memory storage for this process;
/// - `sqlite:///study.db` (relative to the current folder), `sqlite:////abs/study.db`: a SQLite
///   file in Optuna's schema, created when new;
/// - `postgresql://user:password@host:port/db` (also `postgres://`, `postgresql+psycopg2://`):
///   a PostgreSQL database in Optuna's schema, its tables created when absent.
/// - Throws: `StudyError.invalidStorageURL` listing the accepted forms for anything else;
///   `StudyError.storage` when the database cannot be opened or reached.
public func openStudyStorage(url: String) throws -> any StudyStorage {
    let text = url.trimmingCharacters(in: .whitespaces)
    if text == "memory" || text == "memory://" || text == "inmemory" {
        return InMemoryStorage()
    }
    if text.hasPrefix("sqlite:") {
        guard text.hasPrefix("sqlite:///"), text.count > "sqlite:///".count else {
            throw StudyError.invalidStorageURL(
                "\"\(url)\": a SQLite URL has three slashes before a relative path (sqlite:///study.db) "
                + "and four before an absolute one (sqlite:////tmp/study.db); accepted: \(acceptedStorageURLForms)")
        }
        var path = String(text.dropFirst("sqlite:///".count))
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        path = path.removingPercentEncoding ?? path
        if path == ":memory:" {
            throw StudyError.invalidStorageURL("\"\(url)\": use \"memory\" for a study kept in memory; accepted: \(acceptedStorageURLForms)")
        }
        return try SQLiteStudyStorage(path: path)
    }
    if let scheme = text.range(of: "://"),
       ["postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg", "postgresql+pg8000"]
        .contains(String(text[..<scheme.lowerBound]).lowercased()) {
        return try PostgresStudyStorage(url: text)
    }
    throw StudyError.invalidStorageURL("\"\(url)\"; accepted: \(acceptedStorageURLForms)")
}
