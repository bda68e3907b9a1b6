import JSON
import JSONRPC

/// The Model Context Protocol's session messages, for MCP mode: `initialize`'s MCP result, `ping`,
/// and the `notifications/*` Minos accepts or sends. MCP mode starts when `initialize` carries
/// `protocolVersion` and no `processId`, or when minosd runs with `--mcp` (protocol/README.md).
/// These are not Minos methods: they are absent from `MethodRegistry` and `rpc.discover`, and the
/// server refuses them (-32601) outside MCP mode.
public enum MCP {
    /// The MCP revisions this server speaks, newest first.
    public static let supportedVersions = ["2025-06-18", "2025-03-26", "2024-11-05"]

    /// The revision to answer with: the client's when supported, else the newest (MCP's rule; the
    /// client then decides whether it can go on).
    public static func negotiatedVersion(_ requested: String?) -> String {
        guard let requested, supportedVersions.contains(requested) else { return supportedVersions[0] }
        return requested
    }

    /// Every MCP method and notification the server handles.
    public static let methods: Set<String> = [
        MCPPing.name, MCPToolsList.name, MCPToolsCall.name, MCPInitialized.name, MCPCancelled.name,
    ]

    /// `initialize`'s result in MCP mode.
    public struct InitializeResult: Encodable, Sendable {
        public struct Capabilities: Encodable, Sendable {
            public struct Tools: Encodable, Sendable {
                public var listChanged = false
            }
            public var tools = Tools()
        }
        public var protocolVersion: String
        public var capabilities = Capabilities()
        public var serverInfo: Initialize.Result.ServerInfo

        public init(protocolVersion: String, serverInfo: Initialize.Result.ServerInfo) {
            self.protocolVersion = protocolVersion
            self.serverInfo = serverInfo
        }
    }

    /// `notifications/progress` params for one of Minos's work-done progress values (`kind`,
    /// `title`, `message`, `percentage`): `progress` is the percentage (out of `total` 100), never
    /// below `floor`, the last one sent, since MCP's progress may not go back.
    public static func progress(token: JSONValue, workDone value: JSONValue, floor: Int64) -> JSONValue {
        var percentage = value["percentage"]?.intValue ?? floor
        if value["kind"] == "end" { percentage = 100 }
        var params: [String: JSONValue] = [
            "progressToken": token, "progress": .int(max(floor, percentage)), "total": 100,
        ]
        if let message = value["message"]?.stringValue ?? value["title"]?.stringValue {
            params["message"] = .string(message)
        }
        return .object(params)
    }
}

/// MCP `ping`: either side checks the other is alive; the result is `{}`.
public enum MCPPing: RPCMethod {
    public static let name = "ping"
    public typealias Params = NoParams

    public struct Result: Encodable, Sendable {
        private enum Key: CodingKey {}
        public init() {}
        public func encode(to encoder: Encoder) throws {
            _ = encoder.container(keyedBy: Key.self)
        }
    }
}

/// MCP `notifications/initialized`: the client has taken the `initialize` result.
public enum MCPInitialized: RPCNotification {
    public static let name = "notifications/initialized"
    public typealias Params = NoParams
}

/// MCP `notifications/cancelled`: cancels the in-flight request `requestId`, as `$/cancelRequest`.
public enum MCPCancelled: RPCNotification {
    public static let name = "notifications/cancelled"
    public struct Params: Decodable, Sendable {
        public var requestId: JSONValue
        public var reason: String?
    }
}

/// MCP `notifications/progress`, sent for a `tools/call` whose `_meta` carries a `progressToken`.
public enum MCPProgress {
    public static let name = "notifications/progress"
}
