import Foundation
import JSON
import TestSupport
import Testing

/// `decode/contrastive` through the daemon (in process).
@Suite("Contrastive decoding (in process)")
struct DecodeTests {
    private func daemon() throws -> InProcessDaemon {
        let d = try InProcessDaemon(InProcessDaemon.configuration())
        _ = try d.call("model/load", ["path": .string(try syntheticModelPath { $0.contextLength = 512 }), "name": "expert"])
        _ = try d.call("model/load", ["path": .string(try syntheticModelPath { $0.contextLength = 512; $0.seed = 2; $0.blockCount = 1 }),
                                      "name": "amateur"])
        return d
    }

    private func decode(_ d: InProcessDaemon, _ extra: [String: JSONValue]) throws -> JSONValue {
        var params: [String: JSONValue] = ["expert": "expert", "amateur": "amateur", "maxTokens": 12, "temperature": 0, "ignoreEOS": true]
        for (k, v) in extra { params[k] = v }
        return try d.call("decode/contrastive", .object(params))
    }

    @Test("every mode generates and reports its statistics; greedy scd equals greedy contrastive, greedy speculative the expert alone")
    func modes() throws {
        let d = try daemon()
        var tokens: [String: JSONValue] = [:]
        for mode in ["contrastive", "speculative", "scd"] {
            let result = try #require(try decode(d, ["prompt": "the quick brown fox", "mode": .string(mode)])["result"], "\(mode)")
            #expect(result["tokenCount"] == 12, "\(mode)")
            #expect(result["mode"]?.stringValue == mode)
            let stats = try #require(result["statistics"])
            #expect((stats["expertPasses"]?.intValue ?? 0) > 0)
            if mode != "contrastive" {
                #expect((stats["drafted"]?.intValue ?? 0) > 0)
                #expect((stats["tokensPerExpertPass"]?.doubleValue ?? 0) >= 1)
            }
            tokens[mode] = result["tokens"]
        }
        #expect(tokens["scd"] == tokens["contrastive"])
        let alone = try d.call("text/generate", ["model": "expert", "prompt": "the quick brown fox", "maxTokens": 12, "temperature": 0,
                                                 "ignoreEOS": true])
        #expect(alone["result"]?["tokens"] == tokens["speculative"])
    }

    @Test("sessions on both models continue without recomputing, and both keep the generated tokens")
    func sessions() throws {
        let d = try daemon()
        let prompt: JSONValue = "once upon a time there was"
        let e = try #require(try d.call("session/open", ["model": "expert", "prompt": prompt])["result"]?["session"]?["sessionId"])
        let a = try #require(try d.call("session/open", ["model": "amateur", "prompt": prompt])["result"]?["session"]?["sessionId"])
        let promptTokens = try #require(try d.call("session/list")["result"]?["sessions"]?[0]?["tokens"]?.intValue)
        let first = try #require(try decode(d, ["expertSessionId": e, "amateurSessionId": a, "mode": "scd"])["result"])
        #expect(first["cachedTokens"]?.intValue == promptTokens - 1)
        let sessions = try #require(try d.call("session/list")["result"]?["sessions"]?.arrayValue)
        #expect(sessions.allSatisfy { $0["tokens"]?.intValue == promptTokens + 12 })
        let second = try #require(try decode(d, ["expertSessionId": e, "amateurSessionId": a, "mode": "speculative"])["result"])
        #expect(second["promptTokens"]?.intValue == promptTokens + 12)
        #expect((second["cachedTokens"]?.intValue ?? 0) >= promptTokens + 11)
        // Sessions holding different tokens are refused; so is one session for both.
        _ = try d.call("session/append", ["sessionId": a, "text": " more"])
        #expect(try decode(d, ["expertSessionId": e, "amateurSessionId": a]).errorCode == -32602)
        #expect(try decode(d, ["expertSessionId": e, "amateurSessionId": e]).errorCode == -32602)
    }

    @Test("bad requests get clear errors and the daemon keeps serving")
    func badRequests() throws {
        let d = try daemon()
        _ = try d.call("model/load", ["path": .string(try syntheticModelPath { $0.vocabularySize = 400 }), "name": "other"])
        let mismatch = try decode(d, ["amateur": "other", "prompt": "hi"])
        #expect(mismatch.errorCode == -32602)
        #expect(mismatch["error"]?["data"]?["path"] == "params.amateur")
        #expect(try decode(d, ["prompt": "hi", "gamma": 0]).errorCode == -32602)
        #expect(try decode(d, ["prompt": "hi", "mode": "fast"]).errorCode == -32602)
        #expect(try decode(d, [:]).errorCode == -32602)
        #expect(try decode(d, ["amateur": "missing", "prompt": "hi"]).errorCode == -33000)
        #expect(try d.call("daemon/ping", ["echo": 1])["result"]?["echo"] == 1)
    }
}
