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
        Migration(version: 2, name: "verification instructions", sql: """
            CREATE TABLE instructions (
                id INTEGER PRIMARY KEY,
                instruction TEXT NOT NULL,
                created_at REAL NOT NULL,
                min_accuracy REAL NOT NULL
            );
            CREATE TABLE instruction_functions (
                instruction_id INTEGER NOT NULL REFERENCES instructions(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                source TEXT NOT NULL,
                kept INTEGER NOT NULL,
                accuracy REAL,
                reason TEXT,
                PRIMARY KEY (instruction_id, position)
            );
            CREATE TABLE instruction_cases (
                instruction_id INTEGER NOT NULL REFERENCES instructions(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                input TEXT NOT NULL,
                output INTEGER NOT NULL,
                kept INTEGER NOT NULL,
                agreeing INTEGER NOT NULL,
                PRIMARY KEY (instruction_id, position)
            );
            """),
        Migration(version: 3, name: "verifier profiles", sql: """
            CREATE TABLE verifier_profiles (
                name TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                updated_at REAL NOT NULL
            );
            """),
        Migration(version: 4, name: "generation backends", sql: """
            CREATE TABLE backends (
                name TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('local', 'remote')),
                model TEXT NOT NULL,
                base_url TEXT,
                api_key_env TEXT,
                timeout_seconds REAL NOT NULL,
                cost_per_1k_tokens REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            """),
        Migration(version: 5, name: "routers", sql: """
            CREATE TABLE routers (
                name TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                updated_at REAL NOT NULL
            );
            """),
        Migration(version: 6, name: "datasets", sql: """
            CREATE TABLE datasets (
                name TEXT PRIMARY KEY,
                source TEXT NOT NULL,
                examples INTEGER NOT NULL,
                created_at REAL NOT NULL
            );
            CREATE TABLE dataset_examples (
                dataset TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                record TEXT NOT NULL,
                PRIMARY KEY (dataset, position)
            ) WITHOUT ROWID;
            """),
        Migration(version: 7, name: "role-play templates", sql: """
            CREATE TABLE roleplay_templates (
                name TEXT PRIMARY KEY,
                template TEXT NOT NULL,
                updated_at REAL NOT NULL
            );
            """),
    ]
}
