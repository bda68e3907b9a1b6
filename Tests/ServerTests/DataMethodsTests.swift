import Foundation
import JSON
import TestSupport
import Testing

/// The data tools through the daemon: datasets stored and selected from, role-play rounds and
/// checks on a tiny model, templates edited over the wire, and bad input answered without harm.
@Suite("Data and role-play methods (end to end)")
struct DataMethodsTests {
    private func loaded(memoryLimit: Int? = nil) throws -> InProcessDaemon {
        var configuration = InProcessDaemon.configuration()
        configuration.memoryLimit = memoryLimit
        let d = try InProcessDaemon(configuration)
        // A context long enough for the role-play prompts' profile and instructions.
        let reply = try d.call("model/load", ["path": .string(try syntheticModelPath { $0.contextLength = 2048 }), "name": "tiny"])
        guard reply["result"] != nil else { throw DaemonProcess.Failure.exited(-1, "load failed: \(reply)") }
        return d
    }

    private func jsonl(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-data-\(UUID()).jsonl").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("data/import stores a file; data/select over the stored dataset equals data/select over the file; list and delete")
    func importAndSelect() throws {
        let d = try loaded()
        let path = try jsonl((0..<40).map { #"{"instruction": "Say \#($0 * 7)", "output": "\#($0) and \#($0 % 5)"}"# })
        defer { try? FileManager.default.removeItem(atPath: path) }
        let imported = try d.call("data/import", ["name": "numbers", "file": .string(path)])["result"]
        #expect(imported?["examples"] == 40 && imported?["source"] == .string(path))
        let fromFile = try d.call("data/select", ["model": "tiny", "file": .string(path), "k": 6, "seed": 2])["result"]
        let fromStore = try d.call("data/select", ["model": "tiny", "dataset": "numbers", "k": 6, "seed": 2])["result"]
        #expect(fromFile?["indices"]?.arrayValue?.count == 6)
        #expect(fromFile == fromStore)
        let again = try d.call("data/import", ["name": "numbers", "texts": ["a"]])
        #expect(again.errorCode == -32602, "\(again)")
        #expect(try d.call("data/list")["result"]?["datasets"]?[0]?["examples"] == 40)
        #expect(try d.call("data/import", ["name": "numbers", "texts": ["a", "b"], "replace": true])["result"]?["examples"] == 2)
        #expect(try d.call("data/delete", ["name": "numbers"])["result"]?["deleted"] == "numbers")
        #expect(try d.call("data/delete", ["name": "numbers"]).errorCode == -33008)
        #expect(try d.call("data/select", ["model": "tiny", "dataset": "numbers", "k": 1]).errorCode == -33008)
        #expect(try d.call("data/select", ["model": "tiny", "dataset": "numbers", "texts": ["a"], "k": 1]).errorCode == -32602)
        #expect(try d.call("data/import", ["name": "x"]).errorCode == -32602)
        #expect(try d.call("data/list")["result"]?["datasets"] == [])
    }

    @Test("data/mix takes stored datasets as well as files; mixing both kinds, and bad combinations refused")
    func mixStoredDatasets() throws {
        let d = try loaded()
        let math = try jsonl((0..<512).map { #"{"instruction": "What is \#($0) + 1?", "output": "\#($0 + 1)"}"# })
        let general = try jsonl((0..<30).map { #"{"conversations": [{"from": "human", "value": "hi \#($0)"}, {"from": "gpt", "value": "hello"}]}"# })
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("minos-mix-\(UUID())").path
        defer { for path in [math, general, output] { try? FileManager.default.removeItem(atPath: path) } }
        #expect(try d.call("data/import", ["name": "math", "file": .string(math)])["result"]?["examples"] == 512)
        #expect(try d.call("data/import", ["name": "chat", "file": .string(general)])["result"]?["examples"] == 30)
        let mixed = try d.call("data/mix", ["specializedDatasets": ["math": "math"], "specialized": ["code": .string(math)],
                                            "generalDataset": "chat", "outputDirectory": .string(output)])["result"]
        // 512 × 1/256 = 2 from each specialized set.
        #expect(mixed?["stage1"] == ["code": 512, "math": 512] && mixed?["stage2"] == ["code": 2, "math": 2])
        #expect(mixed?["general"] == 30 && mixed?["stage2Total"] == 34)
        let same = ["specialized": ["math": .string(math)], "specializedDatasets": ["math": "math"], "general": .string(general),
                    "outputDirectory": .string(output)] as JSONValue
        #expect(try d.call("data/mix", same).errorCode == -32602)
        #expect(try d.call("data/mix", ["specializedDatasets": ["math": "math"], "outputDirectory": .string(output)]).errorCode == -32602)
        #expect(try d.call("data/mix", ["general": .string(general), "outputDirectory": .string(output)]).errorCode == -32602)
        #expect(try d.call("data/mix", ["specializedDatasets": ["math": "nope"], "general": .string(general),
                                        "outputDirectory": .string(output)]).errorCode == -33008)
    }

    @Test("data/select reports progress per 1,000 examples and stops when cancelled; the daemon keeps serving")
    func selectionCancellation() throws {
        let d = try loaded()
        let texts = JSONValue.array((0..<50_000).map { .string("example \($0)") })
        let id = d.request("data/select", ["model": "tiny", "texts": texts, "k": 10, "workDoneToken": "sel"])
        let report = try d.reply(matching: { $0["params"]?["token"] == "sel" && $0["params"]?["value"]?["kind"] == "report" })
        // Reported at the batch of 64 that passes each thousand.
        #expect(report["params"]?["value"]?["message"] == "1024/50000 examples embedded")
        d.notify("$/cancelRequest", ["id": .int(id)])
        #expect(try d.reply(to: id).errorCode == -32800)
        #expect(try d.call("data/select", ["model": "tiny", "texts": ["a", "b", "c"], "k": 2])["result"]?["indices"]?.arrayValue?.count == 2)
    }

    @Test("data/select's matrix is held against the memory budget")
    func selectionBudget() throws {
        let reservedByModel = try #require(try loaded().call("model/list")["result"]?["memory"]?["reserved"]?.intValue)
        // Room for the tiny model and a few hundred KB; 2,000 embeddings of width 64 need 530 KB.
        let d = try loaded(memoryLimit: Int(reservedByModel) + 200_000)
        let texts = JSONValue.array((0..<2000).map { .string("t\($0)") })
        let reply = try d.call("data/select", ["model": "tiny", "texts": texts, "k": 2])
        #expect(reply.errorCode == -33001, "\(reply)")
        #expect(try d.call("data/select", ["model": "tiny", "texts": ["a", "b", "c"], "k": 2])["result"]?["indices"]?.arrayValue?.count == 2)
        #expect(try d.call("model/list")["result"]?["memory"]?["reserved"]?.intValue == reservedByModel)
    }

    @Test("roleplay/generate runs a round on a tiny model: given questions answered, each judged; output written; templates edited")
    func roleplayRound() throws {
        let d = try loaded()
        let character: JSONValue = ["name": "Ada Lovelace", "description": "mathematician",
                                    "facts": [["attribute": "date of birth", "value": "10 December 1815"]]]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("minos-roleplay-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let round = try d.call("roleplay/generate", ["model": "tiny", "character": character, "questions": ["When were you born?", "What is a loom?"],
                                                    "maxTokens": 6, "seed": 1, "output": .string(output)])
        let dialogues = try #require(round["result"]?["dialogues"]?.arrayValue, "\(round.serializedString())")
        #expect(dialogues.count == 2 && dialogues.allSatisfy { $0["kind"] == "given" })
        for dialogue in dialogues {
            let probabilities = dialogue["check"]?["probabilities"]?.objectValue?.values.compactMap(\.doubleValue) ?? []
            #expect(probabilities.count == 3 && abs(probabilities.reduce(0, +) - 1) < 1e-9)
            #expect(["consistent", "contradiction", "out_of_character"].contains(dialogue["check"]?["verdict"]?.stringValue ?? ""))
        }
        let consistent = round["result"]?["consistent"]?.intValue ?? -1
        #expect(round["result"]?["written"]?.intValue == consistent)
        #expect(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count == consistent)
        // Simulated questions: whatever the random model writes, the round completes.
        let simulated = try d.call("roleplay/generate", ["model": "tiny", "character": character, "queries": 2, "contrastiveQueries": 1,
                                                        "maxTokens": 8, "seed": 3])["result"]
        #expect(simulated?["queryOutputs"]?.arrayValue?.count == 2)
        // The judge alone, with the same answer judged twice the same way.
        let checks = try d.call("roleplay/check", ["model": "tiny", "character": character, "dialogue": [
            ["question": "When were you born?", "answer": "In 1815."], ["question": "When were you born?", "answer": "In 1815."],
        ]])["result"]?["checks"]?.arrayValue
        #expect(checks?.count == 2 && checks?[0] == checks?[1])

        // Templates: a bad edit is refused, a good one is listed and used, reset restores the built-in one.
        #expect(try d.call("roleplay/templates/save", ["name": "answer", "template": "Be {{name}}. {{nonsense}}"]).errorCode == -32602)
        let saved = try d.call("roleplay/templates/save", ["name": "answer", "template": "You are {{name}}. Facts: {{profile}}"])["result"]
        #expect(saved?["builtIn"] == false)
        let edited = try d.call("roleplay/generate", ["model": "tiny", "character": character, "questions": ["Hi?"], "maxTokens": 2])
        #expect(edited["result"]?["system"]?.stringValue?.hasPrefix("You are Ada Lovelace. Facts: Name: Ada Lovelace") == true, "\(edited)")
        let listed = try d.call("roleplay/templates/list")["result"]?["templates"]?.arrayValue ?? []
        #expect(listed.map { $0["name"]?.stringValue ?? "" } == ["query", "contrastive_query", "answer", "judge"])
        #expect(try d.call("roleplay/templates/reset", ["name": "answer"])["result"]?["builtIn"] == true)
        #expect(try d.call("roleplay/templates/reset", ["name": "bogus"]).errorCode == -32602)
        #expect(try d.call("roleplay/check", ["model": "nope", "character": character, "dialogue": [["question": "a", "answer": "b"]]])
            .errorCode == -33000)
    }
}
