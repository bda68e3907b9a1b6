import JSON
import JSONRPC

/// `initialize`: the first request of a session. Returns the server's identity, the protocol
/// version, and its capabilities (every method it serves). Until it has been answered every other
/// request gets -32002 (unless the daemon runs with `--no-handshake`); a second `initialize` gets
/// -32600.
///
/// An `initialize` with MCP's shape (`protocolVersion` and no `processId`) starts MCP mode instead
/// (or any `initialize` when minosd runs with `--mcp`): the result is then `MCP.InitializeResult`.
public enum Initialize: RPCMethod, DocumentedMethod {
    public static let name = "initialize"
    public static let summary = "Starts a session: returns server info, protocol version and capabilities."

    public struct Params: Codable, Sendable {
        public struct ClientInfo: Codable, Sendable {
            public var name: String
            public var version: String?
        }
        public var processId: Int?
        public var clientInfo: ClientInfo?
        public var capabilities: JSONValue?
        /// Sent by MCP clients (the MCP revision they speak), never by LSP-style ones.
        public var protocolVersion: String?

        /// True for an MCP client's `initialize`: `protocolVersion` and no `processId`.
        public var isMCP: Bool { protocolVersion != nil && processId == nil }
    }

    public struct Result: Codable, Sendable {
        public struct ServerInfo: Codable, Sendable {
            public var name: String
            public var version: String
            public init(name: String, version: String) {
                self.name = name
                self.version = version
            }
        }
        public struct Capabilities: Codable, Sendable {
            /// Every request and notification method the server handles, sorted.
            public var methods: [String]
            /// The framings the server reads: "content-length" and "newline-delimited".
            public var framings: [String]
            public var batches: Bool
            public var cancellation: Bool
            public var workDoneProgress: Bool
            public var partialResults: Bool
            public init(methods: [String], framings: [String], batches: Bool, cancellation: Bool,
                        workDoneProgress: Bool, partialResults: Bool) {
                self.methods = methods
                self.framings = framings
                self.batches = batches
                self.cancellation = cancellation
                self.workDoneProgress = workDoneProgress
                self.partialResults = partialResults
            }
        }
        public var serverInfo: ServerInfo
        public var protocolVersion: String
        public var capabilities: Capabilities

        public init(serverInfo: ServerInfo, protocolVersion: String, capabilities: Capabilities) {
            self.serverInfo = serverInfo
            self.protocolVersion = protocolVersion
            self.capabilities = capabilities
        }
    }

    public static let params = [
        ParamDoc("processId", "The client's process id, if it has one.", Schema.integer),
        ParamDoc("clientInfo", "The client's name and version, for logs.",
                 Schema.object(["name": Schema.string, "version": Schema.string], required: ["name"])),
        ParamDoc("capabilities", "What the client supports (currently unused).", Schema.any),
        ParamDoc("protocolVersion", "MCP clients only: the MCP revision they speak. With it and no processId, the daemon answers as an MCP server (see MCP mode in protocol/README.md).", Schema.string),
    ]

    public static let resultSchema: JSONValue? = Schema.object([
        "serverInfo": Schema.object(["name": Schema.string, "version": Schema.string], required: ["name", "version"]),
        "protocolVersion": Schema.string,
        "capabilities": Schema.object([
            "methods": Schema.array(Schema.string),
            "framings": Schema.array(Schema.enumeration(["content-length", "newline-delimited"])),
            "batches": Schema.boolean,
            "cancellation": Schema.boolean,
            "workDoneProgress": Schema.boolean,
            "partialResults": Schema.boolean,
        ], required: ["methods", "framings", "batches", "cancellation", "workDoneProgress", "partialResults"]),
    ], required: ["serverInfo", "protocolVersion", "capabilities"])
}
