import Foundation
import JSON
import Kernels
import TestSupport
import Testing

/// Routing through the daemon: backends, a router trained on a loaded model's own embeddings,
/// routing, calibration and route-then-generate against a loopback OpenAI-compatible server.
@Suite("Routing (in process)")
struct RoutingDaemonTests {
    static let vocabularies = [
        ["integral", "derivative", "limit", "matrix", "eigenvalue", "theorem", "proof", "series"],
        ["function", "compile", "pointer", "loop", "recursion", "array", "syntax", "debug"],
        ["poem", "rhyme", "story", "metaphor", "novel", "verse", "character", "plot"],
    ]
    static let rewards: [[Double]] = [[0.9, 0.4, 0.5], [0.4, 0.9, 0.45], [0.5, 0.45, 0.9]]

    static func data(_ count: Int, seed: UInt64) -> [JSONValue] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let topic = i % 3
            let words = (0..<6).map { _ in vocabularies[topic][Int(rng.next() % 8)] }
            let r = rewards[topic].map { $0 + 0.1 * Double(rng.normal()) }
            return ["query": .string(words.joined(separator: " ")),
                    "rewards": ["local": .double(r[0]), "remote": .double(r[1]), "pricey": .double(r[2])],
                    "tags": [.string("topic\(topic)")]]
        }
    }

    @Test("a router trained on the model's embeddings beats the best single backend, routes, calibrates and generates")
    func trainRouteGenerate() throws {
        let server = try ChatCompletionsServer(.echo(prefix: "remote says: "))
        defer { server.stop() }
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("minos-routing-\(UUID().uuidString).db").path
        let d = try InProcessDaemon(InProcessDaemon.configuration(store: store))
        _ = try d.call("model/load", ["path": .string(try syntheticModelPath { $0.contextLength = 256 }), "name": "m"])
        _ = try d.call("backend/add", ["name": "local", "kind": "local", "model": "m", "costPer1kTokens": 0])
        _ = try d.call("backend/add", ["name": "remote", "kind": "remote", "model": "x", "baseURL": .string(server.baseURL), "costPer1kTokens": 1])
        _ = try d.call("backend/add", ["name": "pricey", "kind": "remote", "model": "y", "baseURL": "http://127.0.0.1:9", "costPer1kTokens": 10])
        let trained = try #require(try d.call("route/train", ["router": "r", "embedModel": "m", "backends": ["local", "remote", "pricey"],
                                                             "data": .array(Self.data(300, seed: 3)), "epochs": 60, "hidden": 32,
                                                             "learningRate": 0.01])["result"])
        let metrics = try #require(trained["metrics"])
        let routed = try #require(metrics["routedReward"]?.doubleValue), single = try #require(metrics["bestSingleReward"]?.doubleValue)
        #expect(routed > single, "held-out metrics \(metrics)")
        #expect(try d.call("route/list")["result"]?["routers"]?[0]?["name"] == "r")

        let queries = Self.data(30, seed: 9).compactMap { $0["query"] }
        let routes = try #require(try d.call("route/query", ["router": "r", "queries": .array(queries)])["result"]?["routes"]?.arrayValue)
        #expect(routes.count == 30)
        #expect(routes.allSatisfy { ($0["distribution"]?.objectValue?.values.compactMap(\.doubleValue).reduce(0, +) ?? 0) > 0.999 })
        let cheap = try #require(try d.call("route/query", ["router": "r", "queries": .array(queries), "maxCost": 5])["result"]?["routes"]?.arrayValue)
        #expect(cheap.allSatisfy { $0["choice"] != "pricey" })
        let calibrated = try #require(try d.call("route/calibrate", ["router": "r", "queries": .array(queries), "share": 0])["result"])
        #expect(calibrated["expensiveBackend"] == "pricey")
        #expect(calibrated["share"]?.doubleValue == 0)

        // Generation: a query for the remote backend answers from the loopback server; one routed
        // to the unreachable backend fails with -33012 unless falling back.
        let code = try #require(try d.call("route/generate", ["router": "r", "query": "function compile pointer loop array debug",
                                                              "maxTokens": 4, "costWeight": 0])["result"])
        #expect(code["backend"] == "remote" || code["backend"] == "local", "\(code)")
        let poem: JSONValue = "poem rhyme story metaphor verse plot"
        let routedPoem = try d.call("route/query", ["router": "r", "query": poem])["result"]?["routes"]?[0]?["choice"]
        if routedPoem == "pricey" {
            let failed = try d.call("route/generate", ["router": "r", "query": poem, "maxTokens": 4])
            #expect(failed.errorCode == -33012, "\(failed)")
            let fellBack = try #require(try d.call("route/generate", ["router": "r", "query": poem, "maxTokens": 4, "fallback": true])["result"])
            #expect(fellBack["attempts"]?[0]?["backend"] == "pricey")
            #expect(fellBack["backend"] != "pricey")
        }
        #expect(try d.call("route/delete", ["router": "r"])["result"]?["deleted"] == "r")
        #expect(try d.call("route/query", ["router": "r", "query": "x"]).errorCode == -33008)
        #expect(try d.call("route/train", ["router": "q", "embedModel": "m", "backends": ["local", "remote"],
                                           "data": [["query": "a", "rewards": ["local": 1]]]]).errorCode == -32602)
    }
}
