import Foundation
import Glibc
import JSON
import Kernels
import Store
import TestSupport
import Testing

/// SIGKILL in the middle of a stream of store writes, 20 times over one store: the database stays
/// intact (`PRAGMA integrity_check`) and every write the daemon acknowledged before the kill is
/// there afterwards.
@Suite("Durability under SIGKILL (end to end)")
struct DurabilityTests {
    private static func profile(_ name: String) -> JSONValue {
        ["profile": ["name": .string(name), "template": "Problem: {question}\nAnswer: {solution}",
                     "stepSplit": "newlines", "stepMarker": "\nCorrect so far?", "outcomeMarker": "\nRight?",
                     "positive": " yes", "negative": " no"]]
    }

    private static func instruction(_ text: String) -> JSONValue {
        ["instruction": .string(text), "functions": ["def evaluate(response):\n    return len(response) > 2"],
         "cases": [["input": "long enough", "output": true], ["input": "no", "output": false]]]
    }

    @Test("20 kills during writes leave an intact store holding every acknowledged write")
    func killsDuringWrites() throws {
        let path = temporaryStorePath()
        var rng = SplitMix64(seed: 20)
        var acknowledgedProfiles: [String] = []
        var acknowledgedInstructions: [String] = []
        for cycle in 0..<20 {
            let d = try DaemonProcess(arguments: ["--no-handshake", "--db", path])
            // Pipeline a stream of writes; every fifth registers an instruction (sandboxed Python).
            var pending: [Int64: (kind: String, name: String)] = [:]
            for i in 0..<40 {
                if i % 5 == 4 {
                    let text = "cycle \(cycle) instruction \(i)"
                    pending[d.request("instructions/register", Self.instruction(text))] = ("instruction", text)
                } else {
                    let name = "cycle-\(cycle)-profile-\(i)"
                    pending[d.request("verify/profiles/save", Self.profile(name))] = ("profile", name)
                }
            }
            // Read a random number of replies, then kill without warning while the rest are in flight.
            let readBeforeKill = 1 + Int(rng.next() % 30)
            for _ in 0..<readBeforeKill {
                let reply = try d.next()
                guard let id = reply["id"]?.intValue, let write = pending.removeValue(forKey: id) else { continue }
                #expect(reply["error"] == nil, "\(reply)")
                if write.kind == "profile" { acknowledgedProfiles.append(write.name) }
                else { acknowledgedInstructions.append(write.name) }
            }
            kill(d.process.processIdentifier, SIGKILL)
            _ = try d.waitForExit()

            let store = try openStore(path)
            #expect(try store.integrityCheck() == "ok", "after kill \(cycle + 1)")
            let profiles = Set(try store.verifierProfiles().map(\.name))
            let missing = acknowledgedProfiles.filter { !profiles.contains($0) }
            #expect(missing.isEmpty, "after kill \(cycle + 1), acknowledged profiles missing: \(missing)")
            let stored = Set(try store.listInstructions(limit: 10_000, offset: 0).items.map(\.instruction))
            let lost = acknowledgedInstructions.filter { !stored.contains($0) }
            #expect(lost.isEmpty, "after kill \(cycle + 1), acknowledged instructions missing: \(lost)")
            store.close()
        }
        #expect(acknowledgedProfiles.count > 20)
    }
}

/// SIGKILL in the middle of `session/save`: the saved session is always either the copy saved
/// before or the new one — never damaged, never missing — and a save that was acknowledged is there.
@Suite("Saved sessions under SIGKILL (end to end)")
struct SessionKillTests {
    @Test("kills during saves leave the previous or the new copy, intact")
    func killsDuringSaves() throws {
        let modelPath = try syntheticModelPath {
            $0.contextLength = 2048
            $0.embeddingLength = 256
            $0.headCount = 4
            $0.headCountKV = 4
            $0.blockCount = 4
            $0.feedForwardLength = 256
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minos-kill-sessions-\(UUID().uuidString)").path
        let arguments = ["--no-handshake", "--db", ":memory:", "--session-dir", directory]
        let chunk = String(repeating: "the river runs past the mill ", count: 8)
        var rng = SplitMix64(seed: 7)
        var acknowledged: Int64?   // tokens in the copy whose save was last acknowledged
        for cycle in 0..<8 {
            // Each cycle saves a session of a different length (acknowledged), then grows it and
            // is killed at a random moment of saving it again under the same name.
            let d = try DaemonProcess(arguments: arguments)
            #expect(try d.call("model/load", ["path": .string(modelPath), "name": "m"])["result"] != nil)
            let prompt = String(repeating: chunk, count: 1 + cycle % 3)
            let opened = try #require(try d.call("session/open", ["model": "m", "prompt": .string(prompt)])["result"])
            let id = try #require(opened["session"]?["sessionId"]?.stringValue)
            let saved = try d.call("session/save", ["sessionId": .string(id), "name": "x"])
            #expect(saved["result"] != nil, "cycle \(cycle): \(saved)")
            acknowledged = opened["session"]?["tokens"]?.intValue
            let grown = try #require(try d.call("session/append", ["sessionId": .string(id), "text": .string(chunk)])["result"])
            let newer = grown["session"]?["tokens"]?.intValue
            _ = d.request("session/save", ["sessionId": .string(id), "name": "x"])
            usleep(UInt32(rng.next() % 30_000))
            kill(d.process.processIdentifier, SIGKILL)
            _ = try d.waitForExit()

            // A fresh daemon finds an intact copy: the acknowledged one or the newer one.
            let e = try DaemonProcess(arguments: arguments)
            #expect(try e.call("model/load", ["path": .string(modelPath), "name": "m"])["result"] != nil)
            let restored = try e.call("session/restore", ["name": "x", "model": "m"])
            let tokens = restored["result"]?["session"]?["tokens"]?.intValue
            #expect(tokens != nil && (tokens == acknowledged || tokens == newer), "cycle \(cycle): \(restored)")
            kill(e.process.processIdentifier, SIGKILL)
            _ = try e.waitForExit()
        }
    }
}
