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
