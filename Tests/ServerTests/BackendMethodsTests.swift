import Foundation
import JSON
import TestSupport
import Testing

/// `backend/add|list|remove` through the daemon, stored across a restart.
@Suite("Backends (in process)")
struct BackendMethodsTests {
    @Test("backends are validated, listed without keys, removed, and survive a restart")
    func backends() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("minos-backends-\(UUID().uuidString).db").path
        do {
            let d = try InProcessDaemon(InProcessDaemon.configuration(store: store))
            let remote = try #require(try d.call("backend/add", ["name": "big", "kind": "remote", "model": "m",
                                                                 "baseURL": "http://127.0.0.1:9/v1", "apiKeyEnv": "BIG_KEY"])["result"])
            #expect(remote["timeoutSeconds"]?.doubleValue == 60)
            #expect(remote["costPer1kTokens"]?.doubleValue == 0)
            #expect(try d.call("backend/add", ["name": "small", "kind": "local", "model": "tiny", "costPer1kTokens": 0.1])["result"] != nil)
            for bad: JSONValue in [
                ["name": "x", "kind": "remote", "model": "m"],
                ["name": "x", "kind": "remote", "model": "m", "baseURL": "http://h", "timeoutSeconds": 0],
                ["name": "x", "kind": "remote", "model": "m", "baseURL": "http://h", "timeoutSeconds": 601],
                ["name": "x", "kind": "local", "model": "m", "costPer1kTokens": -1],
                ["name": "x", "kind": "local", "model": "m", "baseURL": "http://h"],
            ] {
                #expect(try d.call("backend/add", bad).errorCode == -32602, "\(bad)")
            }
            #expect(try d.call("backend/remove", ["name": "nothing"]).errorCode == -33008)
        }
        let e = try InProcessDaemon(InProcessDaemon.configuration(store: store))
        let listed = try #require(try e.call("backend/list")["result"]?["backends"]?.arrayValue)
        #expect(listed.compactMap { $0["name"]?.stringValue } == ["big", "small"])
        #expect(listed[0]["apiKeyEnv"] == "BIG_KEY")
        #expect(!listed.map { $0.serializedString() }.joined().lowercased().contains("bearer"))
        #expect(try e.call("backend/remove", ["name": "small"])["result"] != nil)
        #expect(try e.call("backend/list")["result"]?["backends"]?.arrayValue?.count == 1)
    }
}
