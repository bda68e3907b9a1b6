/// One step of the store's schema. Versions count up from 1; each migration runs once, inside the
/// same transaction that records its version in `PRAGMA user_version`.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

extension Migration {
    /// The store's migrations, oldest first. Append; never edit one that has shipped.
    public static let all: [Migration] = [
        Migration(version: 1, name: "daemon runs", sql: """
            CREATE TABLE daemon_runs (
                id INTEGER PRIMARY KEY,
                pid INTEGER NOT NULL,
                version TEXT NOT NULL,
                started_at REAL NOT NULL,
                stopped_at REAL,
                served INTEGER,
                failed INTEGER,
                cancelled INTEGER
            );
            """),
    ]
}
