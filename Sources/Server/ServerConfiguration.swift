import Engine
import Glibc
import Sandbox
/// How a `MinosServer` is set up; filled from `minosd`'s flags.
public struct ServerConfiguration: Sendable {
    /// The SQLite store's path, or ":memory:".
    public var storePath: String
    /// Make the store's missing parent directories (for the default location, not an explicit --db).
    public var createStoreDirectory: Bool
    /// Accept requests without `initialize` first (one-shot shell use).
    public var noHandshake: Bool
    /// Serve as an MCP server whatever `initialize` looks like (`--mcp`).
    public var mcp = false
    /// Messages larger than this are refused without being buffered.
    public var maxMessageBytes: Int
    /// How untrusted verification functions run.
    public var sandbox: SandboxConfiguration
    /// Threads for matrix work (the worker pool).
    public var threads: Int
    /// Bytes that weights, KV caches and scratch may take together; nil for no limit.
    public var memoryLimit: Int?
    /// How activations meet quantized weights (exact by default).
    public var activations: ActivationPrecision = .exact
    /// Where saved sessions go (nil: beside the store, `sessions/`; none for an in-memory store).
    public var sessionDirectory: String?
    /// Sequences each model keeps for automatic prefix reuse (0: none).
    public var prefixCacheEntries: Int = 4
    /// Where request handlers run (nil: Swift's global pool). See `Connection.Configuration`.
    public var taskExecutor: (any TaskExecutor)?

    public init(storePath: String, createStoreDirectory: Bool = false, noHandshake: Bool = false, maxMessageBytes: Int = 64 << 20,
                sandbox: SandboxConfiguration = .init(), threads: Int = 2, memoryLimit: Int? = nil) {
        self.storePath = storePath
        self.createStoreDirectory = createStoreDirectory
        self.noHandshake = noHandshake
        self.maxMessageBytes = maxMessageBytes
        self.sandbox = sandbox
        self.threads = threads
        self.memoryLimit = memoryLimit
    }

    /// The session directory in use: the one given, else `sessions/` beside a file store.
    public var resolvedSessionDirectory: String? {
        if let sessionDirectory { return sessionDirectory }
        guard storePath != ":memory:", !storePath.isEmpty else { return nil }
        let parent = storePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (parent.isEmpty ? "." : parent) + "/sessions"
    }
}

/// The daemon's version, reported by `initialize`, `daemon/status` and `--version`.
public enum MinosVersion {
    public static let current = "0.1.0"
}

import Store

extension Store {
    /// The default store path for this process's environment.
    public static func defaultPathFromEnvironment() -> String {
        var environment: [String: String] = [:]
        for key in ["XDG_DATA_HOME", "HOME"] {
            if let value = getenv(key) { environment[key] = String(cString: value) }
        }
        return defaultPath(environment: environment)
    }
}
