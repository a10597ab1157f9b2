import CLibPQ
import Foundation
import Studies

/// A PostgreSQL URL as Optuna users write it (`postgresql://user:password@host:port/db`, also
/// `postgres://` and `postgresql+psycopg2://`), split into libpq's connection keywords.
public struct PostgresURL: Sendable, CustomStringConvertible {
    public var user: String?
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String

    public init(_ text: String) throws {
        guard let schemeEnd = text.range(of: "://") else {
            throw StudyError.invalidStorageURL("\"\(text)\": expected postgresql://user:password@host:port/database")
        }
        var rest = String(text[schemeEnd.upperBound...])
        if let query = rest.firstIndex(of: "?") { rest = String(rest[..<query]) }
        guard let slash = rest.firstIndex(of: "/") else {
            throw StudyError.invalidStorageURL("\"\(Self.redacted(text))\": no database name; expected postgresql://user:password@host:port/database")
        }
        database = String(rest[rest.index(after: slash)...]).removingPercentEncoding ?? ""
        var authority = String(rest[..<slash])
        if let at = authority.lastIndex(of: "@") {
            let credentials = String(authority[..<at])
            authority = String(authority[authority.index(after: at)...])
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon]).removingPercentEncoding
                password = String(credentials[credentials.index(after: colon)...]).removingPercentEncoding
            } else {
                user = credentials.removingPercentEncoding
            }
        }
        port = 5432
        if authority.hasPrefix("[") , let close = authority.firstIndex(of: "]") {  // [::1]:5432
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()) else { throw StudyError.invalidStorageURL("\"\(Self.redacted(text))\": bad port") }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), p > 0, p < 65_536 else {
                throw StudyError.invalidStorageURL("\"\(Self.redacted(text))\": the port must be a number from 1 to 65535")
            }
            port = p
        } else {
            host = authority
        }
        if host.isEmpty { host = "localhost" }
        guard !database.isEmpty else {
            throw StudyError.invalidStorageURL("\"\(Self.redacted(text))\": no database name; expected postgresql://user:password@host:port/database")
        }
    }

    /// The URL without its password, for messages: `postgresql://user@host:5432/db`.
    public var description: String {
        "postgresql://\(user.map { "\($0)@" } ?? "")\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }

    static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"), let at = text[schemeEnd.upperBound...].lastIndex(of: "@") else { return text }
        let credentials = text[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// libpq's `keyword=value` connection string.
    func connectionString(timeout: Int, applicationName: String) -> String {
        func quoted(_ s: String) -> String {
            "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        var parts = ["host=\(quoted(host))", "port=\(port)", "dbname=\(quoted(database))",
                     "connect_timeout=\(timeout)", "application_name=\(quoted(applicationName))",
                     // TCP keepalives every minute: an idle connection (a worker in a long trial)
                     // stays open through NAT and firewalls, and a dead server is noticed before
                     // the next write is sent rather than after (when its outcome is unknown).
                     "keepalives=1", "keepalives_idle=60", "keepalives_interval=10", "keepalives_count=6"]
        if let user { parts.append("user=\(quoted(user))") }
        if let password { parts.append("password=\(quoted(password))") }
        return parts.joined(separator: " ")
    }
}

/// One libpq connection, used by one thread at a time (the storage holds a lock around it).
final class PostgresConnection {
    private var connection: OpaquePointer?
    let url: PostgresURL
    private let timeout: Int

    /// A failed statement: SQLSTATE and message.
    struct Failure: Error {
        var state: String
        var message: String
        /// The connection is gone afterwards (the server may have said why with a SQLSTATE, e.g.
        /// 57P01 for an ended session, or nothing: a network break).
        var connectionLost: Bool
        /// How many statements of a batch had answered before the failure.
        var resultsBefore = 0
        /// The query never left this process (not connected, or the send itself failed): the
        /// server cannot have run any of it, so it is safe to send again.
        var beforeSending = false
    }

    private let applicationName: String

    init(url: PostgresURL, timeout: Int, applicationName: String) throws {
        self.url = url
        self.timeout = timeout
        self.applicationName = applicationName
        try connect()
    }

    deinit { if let connection { PQfinish(connection) } }

    private func connect() throws {
        if let connection { PQfinish(connection) }
        connection = PQconnectdb(url.connectionString(timeout: timeout, applicationName: applicationName))
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { Self.oneLine(String(cString: PQerrorMessage($0))) } ?? "out of memory"
            throw StudyError.storage("cannot reach \(url): \(message)")
        }
        // Notices (e.g. "there is no transaction in progress") are not for the user's terminal.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        // Commits do not wait for the WAL flush unless a transaction asks for it (SET LOCAL
        // synchronous_commit = on: the ones that finish a trial). A later flushed commit makes
        // every earlier one durable too (the WAL is written in order).
        let result = PQexec(connection, "SET synchronous_commit = off")
        PQclear(result)
    }

    /// Drops the connection and opens a new one.
    func reconnect() throws { try connect() }

    /// Reconnects when the server closed the connection (restart, idle timeout).
    func ensureConnected() throws {
        if connection == nil || PQstatus(connection) != CONNECTION_OK {
            try connect()
        }
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// Runs statements without parameters in one round trip (`BEGIN; SET LOCAL ...`).
    func executeScript(_ sql: String) throws {
        guard let connection else { throw Failure(state: "", message: "not connected", connectionLost: true) }
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
            let text = result.flatMap { PQresultErrorMessage($0) } ?? PQerrorMessage(connection)
            let message = text.map { Self.oneLine(String(cString: $0)) } ?? "no answer from the server"
            throw Failure(state: state, message: message, connectionLost: PQstatus(connection) != CONNECTION_OK)
        }
    }

    /// SQL text for `text`: a quoted literal, escaped by libpq for this connection.
    func literal(_ text: String) -> String {
        guard let connection, let escaped = PQescapeLiteral(connection, text, text.utf8.count) else {
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// Runs several statements (literals inlined, see `literal`) in one round trip and returns the
    /// rows of each, in order. A failing statement stops the rest; an open transaction is then
    /// rolled back. `Failure.resultsBefore` says how many statements had answered.
    func batch(_ sql: String) throws -> [[[String?]]] {
        guard let connection else { throw Failure(state: "", message: "not connected", connectionLost: true, beforeSending: true) }
        guard PQsendQuery(connection, sql) == 1 else {
            throw Failure(state: "", message: Self.oneLine(String(cString: PQerrorMessage(connection))), connectionLost: true,
                          beforeSending: true)
        }
        var results: [[[String?]]] = []
        var failure: Failure?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK {
                results.append(Self.rows(result))
            } else if failure == nil {
                let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
                failure = Failure(state: state, message: Self.oneLine(String(cString: PQresultErrorMessage(result))),
                                  connectionLost: false, resultsBefore: results.count)
            }
        }
        if var failure {
            failure.connectionLost = PQstatus(connection) != CONNECTION_OK
            if !failure.connectionLost && PQtransactionStatus(connection) == PQTRANS_INERROR {
                PQclear(PQexec(connection, "ROLLBACK"))
            }
            throw failure
        }
        if PQstatus(connection) != CONNECTION_OK {
            throw Failure(state: "", message: Self.oneLine(String(cString: PQerrorMessage(connection))), connectionLost: true,
                          resultsBefore: results.count)
        }
        return results
    }

    private static func rows(_ result: OpaquePointer) -> [[String?]] {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for r in 0..<rowCount {
            var row: [String?] = []
            row.reserveCapacity(Int(columnCount))
            for c in 0..<columnCount {
                row.append(PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)))
            }
            rows.append(row)
        }
        return rows
    }

    /// Runs one statement with text parameters (`$1`, `$2`, …; `nil` is NULL) and returns its rows
    /// as text (`nil` for NULL).
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        guard let connection else { throw Failure(state: "", message: "not connected", connectionLost: true) }
        let result: OpaquePointer? = withCStrings(parameters) { pointers in
            PQexecParams(connection, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        guard let result else {
            throw Failure(state: "", message: Self.oneLine(String(cString: PQerrorMessage(connection))), connectionLost: true)
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            let message = Self.oneLine(String(cString: PQresultErrorMessage(result)))
            throw Failure(state: state, message: message, connectionLost: PQstatus(connection) != CONNECTION_OK)
        }
        return Self.rows(result)
    }

    private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let owned: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } }
        defer { for p in owned { free(p) } }
        return body(owned.map { $0.map { UnsafePointer($0) } })
    }
}
