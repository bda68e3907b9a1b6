import JSON
import JSONRPC

/// `daemon/status`: what the daemon is and holds right now.
public enum DaemonStatus: RPCMethod, DocumentedMethod {
    public static let name = "daemon/status"
    public static let summary = "Reports version, uptime, memory, request counters, sessions, models and store."
    public typealias Params = NoParams

    public struct Result: Codable, Sendable {
        public struct Requests: Codable, Sendable {
            public var served: Int
            public var failed: Int
            public var cancelled: Int
            public var inFlight: Int
            public init(served: Int, failed: Int, cancelled: Int, inFlight: Int) {
                self.served = served
                self.failed = failed
                self.cancelled = cancelled
                self.inFlight = inFlight
            }
        }
        public struct Model: Codable, Sendable {
            public var name: String
            public var architecture: String
            public var bytesResident: Int
            public init(name: String, architecture: String, bytesResident: Int) {
                self.name = name
                self.architecture = architecture
                self.bytesResident = bytesResident
            }
        }
        public struct StoreInfo: Codable, Sendable {
            public var path: String
            public var schemaVersion: Int
            public var journalMode: String
            public init(path: String, schemaVersion: Int, journalMode: String) {
                self.path = path
                self.schemaVersion = schemaVersion
                self.journalMode = journalMode
            }
        }
        public struct CPU: Codable, Sendable {
            /// Instruction sets the kernels use ("avx2+avx512+avx512vnni+avx512bf16", or "scalar").
            public var active: String
            /// Instruction sets the machine supports.
            public var detected: String
            public init(active: String, detected: String) {
                self.active = active
                self.detected = detected
            }
        }
        /// KV caches kept across requests: bytes per session, reusable prefixes, and the total
        /// (each storage once; forks share theirs).
        public struct KV: Codable, Sendable {
            public struct Session: Codable, Sendable {
                public var sessionId: String
                public var model: String
                public var bytes: Int
                public var sharedBytes: Int
                public init(sessionId: String, model: String, bytes: Int, sharedBytes: Int) {
                    self.sessionId = sessionId
                    self.model = model
                    self.bytes = bytes
                    self.sharedBytes = sharedBytes
                }
            }
            public var sessions: [Session]
            /// Every kept KV byte: sessions and reusable prefixes, a storage they share counted once.
            public var totalBytes: Int
            public var sessionBytes: Int
            public var prefixCacheBytes: Int
            public var prefixCacheHits: Int
            public var reusedTokens: Int
            public var evictions: Int
            public init(sessions: [Session], totalBytes: Int, sessionBytes: Int, prefixCacheBytes: Int, prefixCacheHits: Int, reusedTokens: Int,
                        evictions: Int) {
                self.sessions = sessions
                self.totalBytes = totalBytes
                self.sessionBytes = sessionBytes
                self.prefixCacheBytes = prefixCacheBytes
                self.prefixCacheHits = prefixCacheHits
                self.reusedTokens = reusedTokens
                self.evictions = evictions
            }
        }
        public var version: String
        public var pid: Int
        public var uptimeSeconds: Double
        public var residentMemoryBytes: Int
        public var requests: Requests
        public var openSessions: Int
        public var models: [Model]
        public var store: StoreInfo
        public var cpu: CPU
        public var kv: KV

        public init(version: String, pid: Int, uptimeSeconds: Double, residentMemoryBytes: Int,
                    requests: Requests, openSessions: Int, models: [Model], store: StoreInfo, cpu: CPU, kv: KV) {
            self.kv = kv
            self.version = version
            self.pid = pid
            self.uptimeSeconds = uptimeSeconds
            self.residentMemoryBytes = residentMemoryBytes
            self.requests = requests
            self.openSessions = openSessions
            self.models = models
            self.store = store
            self.cpu = cpu
        }
    }

    public static let params: [ParamDoc] = []

    public static let resultSchema: JSONValue? = Schema.object([
        "version": Schema.string,
        "pid": Schema.integer,
        "uptimeSeconds": Schema.number,
        "residentMemoryBytes": Schema.integer,
        "requests": Schema.object([
            "served": Schema.integer, "failed": Schema.integer,
            "cancelled": Schema.integer, "inFlight": Schema.integer,
        ], required: ["served", "failed", "cancelled", "inFlight"]),
        "openSessions": Schema.integer,
        "models": Schema.array(Schema.object([
            "name": Schema.string, "architecture": Schema.string, "bytesResident": Schema.integer,
        ], required: ["name", "architecture", "bytesResident"])),
        "store": Schema.object([
            "path": Schema.string, "schemaVersion": Schema.integer, "journalMode": Schema.string,
        ], required: ["path", "schemaVersion", "journalMode"]),
        "cpu": Schema.object([
            "active": Schema.string, "detected": Schema.string,
        ], required: ["active", "detected"]),
        "kv": Schema.object([
            "sessions": Schema.array(Schema.object([
                "sessionId": Schema.string, "model": Schema.string, "bytes": Schema.integer, "sharedBytes": Schema.integer,
            ], required: ["sessionId", "model", "bytes", "sharedBytes"])),
            "totalBytes": Schema.integer, "sessionBytes": Schema.integer, "prefixCacheBytes": Schema.integer, "prefixCacheHits": Schema.integer,
            "reusedTokens": Schema.integer, "evictions": Schema.integer,
        ], required: ["sessions", "totalBytes", "sessionBytes", "prefixCacheBytes", "prefixCacheHits", "reusedTokens", "evictions"]),
    ], required: ["version", "pid", "uptimeSeconds", "residentMemoryBytes", "requests", "openSessions", "models", "store", "cpu", "kv"])
}
