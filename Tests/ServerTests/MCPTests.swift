import Foundation
import JSON
import MinosProtocol
import Server
import TestSupport
import Testing

/// MCP mode in process: the handshake, tools/list derived from the method declarations, tools/call
/// through the ordinary handlers, progress and cancellation. Every message is newline-delimited,
/// as MCP's stdio transport sends it.
@Suite("MCP mode")
struct MCPTests {
    static let mcpInitialize: JSONValue = [
        "protocolVersion": "2025-03-26", "capabilities": [:], "clientInfo": ["name": "mcp-test", "version": "1"],
    ]

    /// An in-process daemon after an MCP handshake.
    static func mcpDaemon(_ configuration: ServerConfiguration = InProcessDaemon.configuration(noHandshake: false)) throws -> InProcessDaemon {
        let daemon = try InProcessDaemon(configuration)
        let reply = try daemon.call("initialize", mcpInitialize, lineFramed: true)
        guard reply["result"]?["capabilities"]?["tools"] != nil else { throw DaemonFailure.exited(-1, "no MCP initialize: \(reply)") }
        daemon.sendLine(["jsonrpc": "2.0", "method": "notifications/initialized"])
        return daemon
    }

    static func callTool(_ daemon: InProcessDaemon, _ name: String, _ arguments: JSONValue) throws -> JSONValue {
        try daemon.call("tools/call", ["name": .string(name), "arguments": arguments], lineFramed: true)
    }

    @Test("initialize with MCP's shape answers as an MCP server, echoing a supported version")
    func handshake() throws {
        let daemon = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        let result = try #require(try daemon.call("initialize", Self.mcpInitialize, lineFramed: true)["result"])
        #expect(result["protocolVersion"] == "2025-03-26")
        #expect(result["capabilities"] == ["tools": ["listChanged": false]])
        #expect(result["serverInfo"] == ["name": "minosd", "version": .string(MinosVersion.current)])
        daemon.sendLine(["jsonrpc": "2.0", "method": "notifications/initialized"])
        #expect(try daemon.call("ping", lineFramed: true)["result"] == [:])
    }

    @Test("an unsupported MCP version gets the newest supported one")
    func versionNegotiation() throws {
        let daemon = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        let reply = try daemon.call("initialize", ["protocolVersion": "2099-01-01", "capabilities": [:],
                                                   "clientInfo": ["name": "future"]], lineFramed: true)
        #expect(reply["result"]?["protocolVersion"] == .string(MCP.supportedVersions[0]))
    }

    @Test("--mcp answers an LSP-shaped initialize as MCP too")
    func mcpFlag() throws {
        var configuration = InProcessDaemon.configuration(noHandshake: false)
        configuration.mcp = true
        let daemon = try InProcessDaemon(configuration)
        let result = try daemon.call("initialize", ["processId": 1, "clientInfo": ["name": "lsp"]])["result"]
        #expect(result?["capabilities"]?["tools"] != nil)
        #expect(result?["protocolVersion"] == .string(MCP.supportedVersions[0]))
    }

    @Test("outside MCP mode the MCP methods are not found")
    func notInMinosMode() throws {
        let daemon = try InProcessDaemon(InProcessDaemon.configuration(noHandshake: false))
        try daemon.initialize()
        #expect(try daemon.call("tools/list").errorCode == -32601)
        #expect(try daemon.call("ping").errorCode == -32601)
    }

    @Test("tools/list offers every public method, with the OpenRPC document's param schemas")
    func toolsList() throws {
        let daemon = try Self.mcpDaemon()
        let tools = try #require(try daemon.call("tools/list", lineFramed: true)["result"]?["tools"]?.arrayValue)
        let byName = Dictionary(tools.map { ($0["name"]?.stringValue ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        let lifecycle: Set = ["initialize", "initialized", "shutdown", "exit", "$/cancelRequest", "rpc.discover"]
        let expected = MethodRegistry.all.filter { !lifecycle.contains($0.name) }
        #expect(tools.count == expected.count)
        #expect(byName["verify_answer"] != nil)
        #expect(byName["text_generate"] != nil)
        let document = OpenRPCDocument.make()["methods"]?.arrayValue ?? []
        for method in expected {
            let tool = try #require(byName[MCPTools.toolName(method.name)], "no tool for \(method.name)")
            #expect(tool["description"] == .string(method.summary))
            let schema = try #require(tool["inputSchema"])
            #expect(schema["type"] == "object")
            let entry = try #require(document.first { $0["name"] == .string(method.name) })
            let published = (entry["params"]?.arrayValue ?? []).filter {
                $0["name"] != "workDoneToken" && $0["name"] != "partialResultToken"
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            #expect(properties.count == published.count, "\(method.name): \(properties.keys.sorted())")
            for param in published {
                let name = try #require(param["name"]?.stringValue)
                #expect(properties[name] == param["schema"], "\(method.name).\(name)")
            }
            let required = published.filter { $0["required"] == true }.compactMap { $0["name"]?.stringValue }.sorted()
            #expect((schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []) == required, "\(method.name)")
            #expect(properties["workDoneToken"] == nil)
        }
    }

    @Test("tools/call runs the method: structuredContent is its result, content its JSON text")
    func callVerifyAnswer() throws {
        let daemon = try Self.mcpDaemon()
        let result = try #require(try Self.callTool(daemon, "verify_answer", ["answer": "1/2", "reference": "0.5"])["result"])
        #expect(result["isError"] == false)
        #expect(result["structuredContent"]?["equivalent"] == true)
        let text = try #require(result["content"]?[0]?["text"]?.stringValue)
        #expect(result["content"]?[0]?["type"] == "text")
        #expect(try JSONValue.parse(Array(text.utf8)) == result["structuredContent"])
        // Minos's own names stay callable in MCP mode.
        #expect(try daemon.call("verify/answer", ["answer": "1/2", "reference": "0.5"], lineFramed: true)["result"]?["equivalent"] == true)
    }

    @Test("a method's error is a tool result with isError; param bounds still apply")
    func methodError() throws {
        let daemon = try Self.mcpDaemon()
        let reply = try Self.callTool(daemon, "verify_answer", ["reference": "0.5"])
        #expect(reply["error"] == nil)
        #expect(reply["result"]?["isError"] == true)
        #expect(reply["result"]?["content"]?[0]?["text"]?.stringValue?.isEmpty == false)
        #expect(reply["result"]?["structuredContent"] == nil)
        let outOfBounds = try Self.callTool(daemon, "daemon_sleep", ["milliseconds": -5])
        #expect(outOfBounds["result"]?["isError"] == true)
        #expect(outOfBounds["result"]?["content"]?[0]?["text"]?.stringValue?.contains("milliseconds") == true)
    }

    @Test("an unknown tool is a JSON-RPC error -32602")
    func unknownTool() throws {
        let daemon = try Self.mcpDaemon()
        #expect(try Self.callTool(daemon, "no_such_tool", [:]).errorCode == -32602)
        #expect(try Self.callTool(daemon, "initialize", [:]).errorCode == -32602)
    }

    @Test("a progressToken in _meta gets notifications/progress, rising, before the result")
    func progress() throws {
        let daemon = try Self.mcpDaemon()
        let id = daemon.request("tools/call", ["name": "daemon_sleep", "arguments": ["milliseconds": 80, "steps": 4],
                                               "_meta": ["progressToken": "p1"]], lineFramed: true)
        var seen: [Int64] = []
        while true {
            let message = try daemon.next()
            if message["id"] == .int(id) {
                #expect(message["result"]?["structuredContent"]?["sleptMilliseconds"] == 80)
                break
            }
            #expect(message["method"] == "notifications/progress")
            #expect(message["params"]?["progressToken"] == "p1")
            #expect(message["params"]?["total"] == 100)
            if let value = message["params"]?["progress"]?.intValue { seen.append(value) }
        }
        #expect(seen.first == 0)
        #expect(seen.last == 100)
        #expect(seen == seen.sorted())
    }

    @Test("notifications/cancelled cancels an in-flight tools/call, which then gets no response (MCP)")
    func cancel() throws {
        let daemon = try Self.mcpDaemon()
        let id = daemon.request("tools/call", ["name": "daemon_sleep", "arguments": ["milliseconds": 60_000]], lineFramed: true)
        #expect(try daemon.call("ping", lineFramed: true)["result"] != nil)
        daemon.sendLine(["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": .int(id), "reason": "test"]])
        // The status counts it cancelled at once, and no reply to it arrives.
        let status = try daemon.call("tools/call", ["name": "daemon_status", "arguments": [:]], lineFramed: true)
        #expect(status["result"]?["structuredContent"]?["requests"]?["cancelled"] == 1, "\(status)")
        #expect(throws: (any Error).self) { try daemon.reply(to: id, timeout: 1) }
    }
}
