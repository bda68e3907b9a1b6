import CSQLite
import Glibc
import Synchronization

/// The daemon's persistent state: one SQLite database in WAL mode.
///
/// Several daemons may share one store file: SQLite's locking keeps it consistent, writers wait up
/// to `busyTimeoutMilliseconds` for each other, and migrations run in an immediate transaction so
/// two daemons starting together apply each exactly once.
public final class Store: @unchecked Sendable {
    public static let busyTimeoutMilliseconds: Int32 = 10_000

    public let path: String
    public let journalMode: String
    public private(set) var schemaVersion: Int

    /// Guards `database`: every use of the connection happens inside `lock.withLock`; nil once closed.
    private let lock: Mutex<Database?>

    /// The default store location: `$XDG_DATA_HOME/minos/minos.db`, else `~/.local/share/minos/minos.db`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return xdg + "/minos/minos.db"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return home + "/.local/share/minos/minos.db"
    }

    /// Opens the store at `path` (":memory:" for a throwaway one) and applies pending migrations.
    /// With `createDirectory`, missing parent directories are made (mode 0700) first.
    public init(path: String, createDirectory: Bool = false, migrations: [Migration] = Migration.all) throws(StoreError) {
        if path != ":memory:" {
            if createDirectory { try Self.createParentDirectory(of: path) }
            try Self.checkParentDirectory(of: path)
        }
        let database = try Database(path: path)
        self.lock = Mutex(database)
        self.path = path
        sqlite3_busy_timeout(database.handle, Self.busyTimeoutMilliseconds)
        do throws(StoreError) {
            let mode = try Self.enableWAL(database)
            journalMode = mode
            try database.execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            schemaVersion = try Self.migrate(database, migrations)
        } catch {
            throw StoreError(code: error.code, message: error.message, context: "opening store \(path): \(error.context)")
        }
    }

    /// Runs `body` with exclusive use of the connection.
    @discardableResult
    public func withDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        try lock.withLock { database in
            guard let database else {
                throw StoreError(message: "the store is closed (the daemon is exiting)", context: path)
            }
            return try body(database)
        }
    }

    /// Typed-throws form for the store's own methods.
    @discardableResult
    func withOpenDatabase<T>(_ body: (Database) throws(StoreError) -> T) throws(StoreError) -> T {
        try lock.withLock { database throws(StoreError) in
            guard let database else {
                throw StoreError(message: "the store is closed (the daemon is exiting)", context: path)
            }
            return try body(database)
        }
    }

    /// Checkpoints the write-ahead log into the main file and closes the connection; the last
    /// connection to close removes the -wal and -shm files. Later uses throw. Called at exit.
    public func close() {
        lock.withLock { database in
            guard let open = database else { return }
            _ = sqlite3_wal_checkpoint_v2(open.handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
            database = nil  // the last reference: Database's deinit closes the connection
        }
    }

    /// Result of SQLite's integrity check ("ok" when sound).
    public func integrityCheck() throws(StoreError) -> String {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("PRAGMA integrity_check").compactMap { $0.first?.text }.joined(separator: "; ")
        }
    }

    // MARK: Daemon runs

    /// Records that a daemon started; returns the run's id.
    public func recordStart(pid: Int, version: String) throws(StoreError) -> Int64 {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("INSERT INTO daemon_runs (pid, version, started_at) VALUES (?, ?, ?)",
                         [.integer(Int64(pid)), .text(version), .real(Self.now())])
            return db.lastInsertRowID
        }
    }

    /// Records that a daemon stopped, with its request counters.
    public func recordStop(run: Int64, served: Int, failed: Int, cancelled: Int) throws(StoreError) {
        try withOpenDatabase { db throws(StoreError) in
            try db.query("UPDATE daemon_runs SET stopped_at = ?, served = ?, failed = ?, cancelled = ? WHERE id = ?",
                         [.real(Self.now()), .integer(Int64(served)), .integer(Int64(failed)),
                          .integer(Int64(cancelled)), .integer(run)])
        }
    }

    /// Number of recorded daemon runs (used by tests and diagnostics).
    public func runCount() throws(StoreError) -> Int {
        try withOpenDatabase { db throws(StoreError) in
            Int(try db.query("SELECT count(*) FROM daemon_runs").first?.first?.integer ?? 0)
        }
    }

    // MARK: Helpers

    private static func migrate(_ database: Database, _ migrations: [Migration]) throws(StoreError) -> Int {
        try database.transaction { () throws(StoreError) -> Int in
            let current = Int(try database.query("PRAGMA user_version").first?.first?.integer ?? 0)
            let latest = migrations.last?.version ?? 0
            guard current <= latest else {
                throw StoreError(message: "store schema version \(current) is newer than this minosd supports (\(latest)); use a newer minosd or another --db",
                                 context: "checking schema version")
            }
            for migration in migrations where migration.version > current {
                do throws(StoreError) {
                    try database.execute(migration.sql)
                } catch {
                    throw StoreError(code: error.code, message: error.message,
                                     context: "migration \(migration.version) (\(migration.name))")
                }
            }
            if latest > current { try database.execute("PRAGMA user_version = \(latest)") }
            return max(current, latest)
        }
    }

    /// Switches to WAL. The switch needs a moment of exclusive access, and SQLite reports a busy
    /// database at once rather than through the busy handler (two daemons starting together on a
    /// new store), so retry within the busy timeout.
    private static func enableWAL(_ database: Database) throws(StoreError) -> String {
        let deadline = now() + Double(busyTimeoutMilliseconds) / 1000
        while true {
            do {
                return try database.query("PRAGMA journal_mode = WAL").first?.first?.text ?? "unknown"
            } catch where (error.code & 0xFF == SQLITE_BUSY || error.code & 0xFF == SQLITE_LOCKED) && now() < deadline {
                usleep(UInt32.random(in: 5_000...25_000))
            }
        }
    }

    private static func checkParentDirectory(of path: String) throws(StoreError) {
        let parent = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var info = stat()
        guard stat(parent.isEmpty ? "/" : parent, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw StoreError(message: "directory \(parent) does not exist", context: "opening store \(path)")
        }
    }

    private static func createParentDirectory(of path: String) throws(StoreError) {
        var directory = ""
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (index, component) in components.enumerated() {
            if index > 0 { directory += "/" }
            directory += component
            guard !directory.isEmpty, !component.isEmpty else { continue }
            if mkdir(directory, 0o700) != 0 && errno != EEXIST {
                throw StoreError(message: String(cString: strerror(errno)), context: "creating directory \(directory)")
            }
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
