import Foundation
import JSON
import TestSupport
import Testing

/// The engine owns the memory budget: every method that allocates a KV cache reserves it inside the
/// engine, so none can bypass `--memory-limit`.
@Suite("Memory budget (in process)")
struct MemoryBudgetTests {
    static let question = "What is 2 + 3? " + String(repeating: "Think it through step by step. ", count: 20)

    /// Every method that runs the model, with a prompt of a few hundred tokens.
    static let calls: [(String, JSONValue)] = [
        ("text/generate", ["model": "m", "prompt": .string(question), "maxTokens": 4]),
        ("text/generate", ["model": "m", "messages": [["role": "user", "content": .string(question)]], "maxTokens": 4]),
        ("text/score", ["model": "m", "prompt": .string(question), "continuation": " five"]),
        ("verify/steps", ["model": "m", "profile": "judge", "question": .string(question), "solution": "2 + 3 = 5\nso the answer is 5"]),
        ("verify/outcome", ["model": "m", "profile": "judge", "question": .string(question), "solution": "The answer is 5."]),
        ("verify/rank", ["model": "m", "profile": "judge", "method": "verifier", "question": .string(question),
                         "candidates": ["5", "6"], "reference": "5"]),
        ("verify/critique", ["model": "m", "question": .string(question), "solution": "Step 1: 2 + 3 = 5", "maxTokens": 4]),
    ]

    @Test("with room for the weights but not a KV cache, every model method gets -33001 and nothing stays reserved")
    func everyMethodIsBudgeted() throws {
        let path = try syntheticModelPath { $0.contextLength = 1024 }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        var configuration = InProcessDaemon.configuration()
        configuration.memoryLimit = size + 4096   // a cache of a few hundred tokens needs far more
        let d = try InProcessDaemon(configuration)
        #expect(try d.call("model/load", ["path": .string(path), "name": "m"])["result"] != nil)
        for (method, params) in Self.calls {
            let reply = try d.call(method, params)
            #expect(reply.errorCode == -33001, "\(method): \(reply)")
            // Nothing is left reserved beyond the weights, and the daemon keeps serving.
            #expect(try d.call("model/list")["result"]?["memory"]?["reserved"] == .int(Int64(size)), "\(method)")
        }
        #expect(try d.call("daemon/ping", ["echo": 1])["result"]?["echo"] == 1)
    }

    @Test("with room for the caches, the same calls succeed and give back every byte but what the prefix cache keeps")
    func reservationsAreReturned() throws {
        let path = try syntheticModelPath { $0.contextLength = 1024 }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        var configuration = InProcessDaemon.configuration()
        configuration.memoryLimit = size + (64 << 20)
        let d = try InProcessDaemon(configuration)
        #expect(try d.call("model/load", ["path": .string(path), "name": "m"])["result"] != nil)
        for (method, params) in Self.calls {
            let reply = try d.call(method, params)
            #expect(reply["error"] == nil, "\(method): \(reply)")
            // Request caches are gone; what stays is the reusable prefixes daemon/status reports.
            let status = try d.call("daemon/status")
            let kept: Int64 = try #require(status["result"]?["kv"]?["totalBytes"]?.intValue)
            let reserved: Int64? = try d.call("model/list")["result"]?["memory"]?["reserved"]?.intValue
            #expect(reserved == Int64(size) + kept, "\(method)")
        }
    }
}
