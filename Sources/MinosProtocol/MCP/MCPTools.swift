import JSON
import JSONRPC

/// MCP's tools: every public Minos method is a tool named after it (`verify/answer` →
/// `verify_answer`), described by its summary, its input schema derived from the same `ParamDoc`s
/// the OpenRPC document publishes, so the two cannot drift.
public enum MCPTools {
    /// Methods that belong to the session, not to its work: never tools.
    static let sessionMethods: Set<String> = [
        Initialize.name, Initialized.name, Shutdown.name, Exit.name, CancelRequest.name, Discover.name,
    ]

    /// Params that drive LSP-style progress and partial results; MCP has its own (`_meta`).
    static let protocolParams: Set<String> = [Schema.workDoneToken.name, "partialResultToken"]

    /// The methods offered as tools, in registry order.
    public static let methods: [any DocumentedMethod.Type] = MethodRegistry.all.filter { !sessionMethods.contains($0.name) }

    /// A method's tool name: `/` and `.` become `_` (MCP tool names are `[A-Za-z0-9_-]`).
    public static func toolName(_ method: String) -> String {
        String(method.map { $0 == "/" || $0 == "." ? "_" : $0 })
    }

    private static let methodsByTool: [String: String] = Dictionary(
        methods.map { (toolName($0.name), $0.name) }, uniquingKeysWith: { first, _ in first })

    /// The method a tool runs; nil for an unknown tool.
    public static func method(forTool name: String) -> String? { methodsByTool[name] }

    /// A tool's `inputSchema`: an object whose properties are the method's params, each with the
    /// schema the OpenRPC document gives it.
    public static func inputSchema(_ params: [ParamDoc]) -> JSONValue {
        let params = params.filter { !protocolParams.contains($0.name) }
        return Schema.object(Dictionary(params.map { ($0.name, $0.schema) }, uniquingKeysWith: { first, _ in first }),
                             required: params.filter(\.required).map(\.name))
    }

    public struct Tool: Encodable, Sendable {
        public var name: String
        public var description: String
        public var inputSchema: JSONValue
    }

    /// Every tool, in registry order.
    public static let all: [Tool] = methods.map { method in
        Tool(name: toolName(method.name), description: method.summary, inputSchema: inputSchema(method.params))
    }
}

/// MCP `tools/list`: every tool at once (no pagination: the list is a few dozen entries).
public enum MCPToolsList: RPCMethod {
    public static let name = "tools/list"

    public struct Params: Decodable, Sendable {
        public var cursor: String?
    }

    public struct Result: Encodable, Sendable {
        public var tools: [MCPTools.Tool]
        public init(tools: [MCPTools.Tool]) { self.tools = tools }
    }
}

/// MCP `tools/call`: runs the tool's Minos method with `arguments` as its params. The method's
/// result comes back as `structuredContent` and as its JSON text; a method error comes back as
/// `isError: true` with the error's message (MCP's tool errors are results, so a model can read
/// them), while an unknown tool or bad call shape is a JSON-RPC error (-32602).
public enum MCPToolsCall: RPCMethod {
    public static let name = "tools/call"

    public struct Params: Decodable, Sendable {
        public struct Meta: Decodable, Sendable {
            public var progressToken: JSONValue?
        }
        public var name: String
        public var arguments: JSONValue?
        public var meta: Meta?

        enum CodingKeys: String, CodingKey {
            case name, arguments
            case meta = "_meta"
        }
    }

    public struct Result: Encodable, Sendable {
        public struct Content: Encodable, Sendable {
            public var type = "text"
            public var text: String
        }
        public var content: [Content]
        public var structuredContent: JSONValue?
        public var isError: Bool

        /// A method's result: its serialized JSON, and the object itself as `structuredContent`
        /// (MCP wants an object there, so other values come as text only).
        public static func success(_ value: JSONValue) -> Result {
            let structured: JSONValue? = if case .object = value { value } else { nil }
            return Result(content: [Content(text: value.serializedString())], structuredContent: structured, isError: false)
        }

        /// A method's error, as text.
        public static func failure(_ error: RPCError) -> Result {
            Result(content: [Content(text: error.message)], structuredContent: nil, isError: true)
        }
    }
}
