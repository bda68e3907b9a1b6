import Foundation
import JSON
import TestSupport
import Testing

/// `session/*` through the daemon (in process): every method, reuse accounting, fork isolation,
/// save/restore, damaged files, eviction under the memory limit, and prefix reuse by text/*.
@Suite("Sessions (in process)")
struct SessionTests {
    static let document = "The passcode is 4821. " + String(repeating: "The river runs past the old mill and the fields beyond it. ", count: 12)

    private func daemon(memoryLimit: Int? = nil, sessionDirectory: String? = nil, modelPath: String? = nil,
                        prefixCache: Int = 4) throws -> (InProcessDaemon, String) {
        var configuration = InProcessDaemon.configuration()
        configuration.memoryLimit = memoryLimit
        configuration.prefixCacheEntries = prefixCache
        let directory = sessionDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("minos-sessions-\(UUID().uuidString)").path
        configuration.sessionDirectory = directory
        let d = try InProcessDaemon(configuration)
        let path = try modelPath ?? syntheticModelPath { $0.contextLength = 1024 }
        let loaded = try d.call("model/load", ["path": .string(path), "name": "m"])
        guard loaded["result"] != nil else { throw DaemonProcess.Failure.exited(-1, "load failed: \(loaded)") }
        return (d, directory)
    }

    private func open(_ d: InProcessDaemon, _ prompt: String = document, extra: [String: JSONValue] = [:]) throws -> (id: String, reply: JSONValue) {
        var params: [String: JSONValue] = ["model": "m", "prompt": .string(prompt)]
        for (k, v) in extra { params[k] = v }
        let reply = try #require(try d.call("session/open", .object(params))["result"], "session/open failed")
        return (try #require(reply["session"]?["sessionId"]?.stringValue), reply)
    }

    private func greedy(_ extra: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var params: [String: JSONValue] = ["temperature": 0, "maxTokens": 6, "ignoreEOS": true]
        for (k, v) in extra { params[k] = v }
        return params
    }

    @Test("open, append, generate, score, fork, truncate, close and list all work and account for reuse")
    func everyMethod() throws {
        let (d, _) = try daemon()
        let (id, opened) = try open(d)
        let promptTokens = try #require(opened["session"]?["tokens"]?.intValue)
        #expect(opened["evaluatedTokens"]?.intValue == promptTokens - (opened["cachedTokens"]?.intValue ?? 0))

        // Appending evaluates only the new tokens.
        let appended = try #require(try d.call("session/append", ["sessionId": .string(id), "text": " What is the passcode?"])["result"])
        let total = try #require(appended["session"]?["tokens"]?.intValue)
        #expect(appended["cachedTokens"]?.intValue == promptTokens)
        #expect(appended["evaluatedTokens"]?.intValue == total - promptTokens)

        // Generating from the session equals text/generate on the same tokens (greedy), and
        // evaluates one token (the cache holds all but the last, which gives the logits).
        var generate = greedy(["sessionId": .string(id), "keep": false])
        let fromSession = try #require(try d.call("session/generate", .object(generate))["result"])
        #expect(fromSession["cachedTokens"]?.intValue == total - 1)
        #expect(fromSession["evaluatedTokens"] == 1)
        let plain = try #require(try d.call("text/generate", .object(greedy(["model": "m",
            "prompt": .string(Self.document + " What is the passcode?")])))["result"])
        #expect(fromSession["tokens"] == plain["tokens"])
        // keep: false left the session alone; keep: true extends it.
        #expect(try d.call("session/list")["result"]?["sessions"]?[0]?["tokens"]?.intValue == total)
        generate["keep"] = true
        let kept = try #require(try d.call("session/generate", .object(generate))["result"])
        #expect(try d.call("session/list")["result"]?["sessions"]?[0]?["tokens"]?.intValue == total + (kept["tokenCount"]?.intValue ?? 0))

        // Scoring from the session equals text/score.
        let scored = try #require(try d.call("session/score", ["sessionId": .string(id), "continuation": " 4821"])["result"])
        let generatedTokens = kept["tokens"]?.arrayValue ?? []
        let fullPrompt = try #require(try d.call("text/tokenize", ["model": "m", "text": .string(Self.document + " What is the passcode?")])["result"]?["tokens"]?.arrayValue)
        let direct = try #require(try d.call("text/score", ["model": "m", "prompt": .array(fullPrompt + generatedTokens),
                                                            "continuation": " 4821"])["result"])
        let a = try #require(scored["totalLogprob"]?.doubleValue), b = try #require(direct["totalLogprob"]?.doubleValue)
        #expect(abs(a - b) < 1e-3, "session/score \(a) vs text/score \(b)")

        // Truncate rolls back; fork shares; close frees; list shows what is open.
        let truncated = try #require(try d.call("session/truncate", ["sessionId": .string(id), "tokens": .int(Int64(promptTokens))])["result"])
        #expect(truncated["tokens"]?.intValue == promptTokens)
        let fork = try #require(try d.call("session/fork", ["sessionId": .string(id)])["result"])
        let forkID = try #require(fork["sessionId"]?.stringValue)
        #expect(fork["tokens"]?.intValue == promptTokens)
        #expect((fork["sharedBytes"]?.intValue ?? 0) > 0)
        #expect(try d.call("session/list")["result"]?["sessions"]?.arrayValue?.count == 2)
        let status = try #require(try d.call("daemon/status")["result"])
        #expect(status["openSessions"] == 2)
        #expect((status["kv"]?["sessionBytes"]?.intValue ?? 0) > 0)
        #expect(try d.call("session/close", ["sessionId": .string(forkID)])["result"]?["sessionId"] == .string(forkID))
        let again = try d.call("session/close", ["sessionId": .string(forkID)])
        #expect(again.errorCode == -33008)
        #expect(again["error"]?["message"]?.stringValue?.contains("closed") == true)
        #expect(try d.call("session/generate", .object(greedy(["sessionId": "s999"]))).errorCode == -33008)
    }

    @Test("appending to a fork never changes the parent, and the parent's appends never change the fork")
    func forkIsolation() throws {
        let (d, _) = try daemon()
        let (parent, _) = try open(d)
        let fork = try #require(try d.call("session/fork", ["sessionId": .string(parent)])["result"]?["sessionId"]?.stringValue)
        let before = try #require(try d.call("session/score", ["sessionId": .string(parent), "continuation": " The end."])["result"]?["totalLogprob"])
        _ = try d.call("session/append", ["sessionId": .string(fork), "text": " Something else entirely, said at length."])
        _ = try d.call("session/generate", .object(greedy(["sessionId": .string(fork)])))
        #expect(try d.call("session/score", ["sessionId": .string(parent), "continuation": " The end."])["result"]?["totalLogprob"] == before)
        // Roll the parent back into the shared part and write over it: the fork still scores as before.
        let forkBefore = try #require(try d.call("session/score", ["sessionId": .string(fork), "continuation": " ok"])["result"]?["totalLogprob"])
        _ = try d.call("session/truncate", ["sessionId": .string(parent), "tokens": 5])
        _ = try d.call("session/append", ["sessionId": .string(parent), "text": " A different middle for the parent."])
        #expect(try d.call("session/score", ["sessionId": .string(fork), "continuation": " ok"])["result"]?["totalLogprob"] == forkBefore)
    }

    @Test("chat sessions re-render the conversation and evaluate only what changed")
    func chatSessions() throws {
        let (d, _) = try daemon()
        let opened = try #require(try d.call("session/open", ["model": "m", "messages": [["role": "user", "content": "Hello there."]]])["result"])
        let id = try #require(opened["session"]?["sessionId"]?.stringValue)
        _ = try d.call("session/generate", .object(greedy(["sessionId": .string(id)])))
        let next = try #require(try d.call("session/append", ["sessionId": .string(id),
                                                               "messages": [["role": "user", "content": "And again?"]]])["result"])
        #expect((next["cachedTokens"]?.intValue ?? 0) > (opened["session"]?["tokens"]?.intValue ?? 0) - 1)
        #expect(try d.call("session/append", ["sessionId": .string(id), "text": "raw"]).errorCode == -32602)
    }

    @Test("a saved session restores with identical scores, survives a restart, and damaged or foreign files are refused")
    func saveAndRestore() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minos-sessions-\(UUID().uuidString)").path
        let modelPath = try syntheticModelPath { $0.contextLength = 1024 }
        let (d, _) = try daemon(sessionDirectory: directory, modelPath: modelPath)
        let (id, _) = try open(d)
        let saved = try #require(try d.call("session/save", ["sessionId": .string(id), "name": "doc"])["result"])
        #expect(saved["name"] == "doc")
        #expect((saved["bytes"]?.intValue ?? 0) > 0)
        let score: JSONValue = ["continuation": " The passcode is 4821."]
        func scoreIn(_ d: InProcessDaemon, _ session: String) throws -> JSONValue? {
            try d.call("session/score", ["sessionId": .string(session), "continuation": score["continuation"]!])["result"]?["totalLogprob"]
        }
        let original = try scoreIn(d, id)
        #expect(try d.call("session/save", ["sessionId": .string(id), "name": "../escape"]).errorCode == -32602)

        // A new daemon (a restart) restores it, identically.
        let (e, _) = try daemon(sessionDirectory: directory, modelPath: modelPath)
        #expect(try e.call("session/list")["result"]?["saved"]?[0]?["name"] == "doc")
        let restored = try #require(try e.call("session/restore", ["name": "doc", "model": "m"])["result"])
        #expect(restored["evaluatedTokens"] == 0)
        #expect(try scoreIn(e, try #require(restored["session"]?["sessionId"]?.stringValue)) == original)

        // Another model's daemon refuses it; a damaged copy is refused; nothing stays reserved.
        let other = try syntheticModelPath { $0.contextLength = 1024; $0.seed = 99 }
        let (f, _) = try daemon(sessionDirectory: directory, modelPath: other)
        let foreign = try f.call("session/restore", ["name": "doc", "model": "m"])
        #expect(foreign.errorCode == -33011, "\(foreign)")
        let file = directory + "/doc.minoskv"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: directory + "/damaged.minoskv"))
        let damaged = try e.call("session/restore", ["name": "damaged", "model": "m"])
        #expect(damaged.errorCode == -33011, "\(damaged)")
        #expect(try e.call("session/restore", ["name": "missing", "model": "m"]).errorCode == -33011)
    }

    @Test("under the memory limit idle sessions are evicted least recently used first; named ones are saved")
    func eviction() throws {
        let modelPath = try syntheticModelPath { $0.contextLength = 1024 }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: modelPath)[.size] as? Int)
        // Measure one session's bytes with no limit, then allow the weights and about two sessions.
        let (probe, _) = try daemon(modelPath: modelPath)
        let (_, one) = try open(probe)
        let perSession = Int(try #require(one["session"]?["bytes"]?.intValue))
        let (d, directory) = try daemon(memoryLimit: size + perSession * 5 / 2, modelPath: modelPath, prefixCache: 0)
        let (first, _) = try open(d, Self.document, extra: ["name": "first"])
        let (second, _) = try open(d, "Another document entirely. " + Self.document)
        // Touch the first so the second is the least recently used.
        _ = try d.call("session/score", ["sessionId": .string(first), "continuation": " ok"])
        let (third, _) = try open(d, "A third one. " + Self.document)
        var list = try #require(try d.call("session/list")["result"])
        let openIDs = (list["sessions"]?.arrayValue ?? []).compactMap { $0["sessionId"]?.stringValue }
        #expect(openIDs.contains(first) && openIDs.contains(third) && !openIDs.contains(second), "open: \(openIDs)")
        #expect(list["evictions"]?[0]?["sessionId"] == .string(second))
        #expect(list["evictions"]?[0]?["saved"] == false)
        let gone = try d.call("session/generate", .object(greedy(["sessionId": .string(second)])))
        #expect(gone.errorCode == -33008)
        #expect(gone["error"]?["message"]?.stringValue?.contains("evicted") == true)
        // The next one evicts the named first session, saving it.
        _ = try open(d, "And a fourth. " + Self.document)
        list = try #require(try d.call("session/list")["result"])
        #expect(list["evictions"]?[1]?["sessionId"] == .string(first))
        #expect(list["evictions"]?[1]?["saved"] == true)
        #expect(FileManager.default.fileExists(atPath: directory + "/first.minoskv"))
        // A session bigger than the whole limit fails cleanly, before allocating.
        let huge = try d.call("session/open", ["model": "m", "prompt": .string(String(repeating: "word ", count: 900))])
        #expect(huge.errorCode == -33001 || huge.errorCode == -33002, "\(huge)")
        #expect(try d.call("daemon/ping", ["echo": 1])["result"]?["echo"] == 1)
    }

    @Test("text/generate and text/score reuse a cached prefix and say so")
    func automaticPrefixReuse() throws {
        let (d, _) = try daemon()
        let first = try #require(try d.call("text/generate", .object(greedy(["model": "m", "prompt": .string(Self.document)])))["result"])
        #expect(first["cachedTokens"] == 0)
        let promptTokens = try #require(first["promptTokens"]?.intValue)
        let follow = try #require(try d.call("text/generate", .object(greedy(["model": "m",
            "prompt": .string(Self.document + " What is the passcode?")])))["result"])
        #expect((follow["cachedTokens"]?.intValue ?? 0) >= promptTokens - 1)
        #expect(follow["evaluatedTokens"]?.intValue == (follow["promptTokens"]?.intValue ?? 0) - (follow["cachedTokens"]?.intValue ?? 0))
        // Same result as a daemon that reuses nothing.
        var configuration = InProcessDaemon.configuration()
        configuration.prefixCacheEntries = 0
        let fresh = try InProcessDaemon(configuration)
        _ = try fresh.call("model/load", ["path": .string(try syntheticModelPath { $0.contextLength = 1024 }), "name": "m"])
        let cold = try #require(try fresh.call("text/generate", .object(greedy(["model": "m",
            "prompt": .string(Self.document + " What is the passcode?")])))["result"])
        #expect(cold["cachedTokens"] == 0)
        #expect(cold["tokens"] == follow["tokens"])
        let scored = try #require(try d.call("text/score", ["model": "m", "prompt": .string(Self.document), "continuation": " Yes."])["result"])
        #expect((scored["cachedTokens"]?.intValue ?? 0) > 0)
        let status = try #require(try d.call("daemon/status")["result"]?["kv"])
        #expect((status["prefixCacheHits"]?.intValue ?? 0) >= 2)
    }

    @Test("compressed sessions keep fewer entries, report the bytes saved, and refuse rolling back into the compressed prompt")
    func compression() throws {
        let (d, _) = try daemon()
        let long = Self.document
        for method in ["pyramid", "snap", "streaming"] {
            let (id, reply) = try open(d, long, extra: ["compression": ["method": .string(method), "budget": 32, "window": 4]])
            let report = try #require(reply["session"]?["compression"], "\(method): \(reply)")
            #expect((report["bytesSaved"]?.intValue ?? 0) > 0, "\(method)")
            #expect(report["requested"] == .string(method))
            let tokens = try #require(reply["session"]?["tokens"]?.intValue)
            #expect((reply["session"]?["entries"]?.intValue ?? 0) < tokens * 2)   // far fewer than every token in every layer
            #expect(try d.call("session/generate", .object(greedy(["sessionId": .string(id)])))["result"]?["tokenCount"] == 6)
            #expect(try d.call("session/truncate", ["sessionId": .string(id), "tokens": 3]).errorCode == -32602)
        }
        let bad = try d.call("session/open", ["model": "m", "prompt": "x", "compression": ["method": "pyramid", "budget": 4, "window": 8]])
        #expect(bad.errorCode == -32602)
    }
}
