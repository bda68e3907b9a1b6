import Foundation
import JSON
import TestSupport
import Testing

/// SmolLM2-135M-Instruct through the daemon, as a client drives it: load, generate, score, unload,
/// load again. Expectations from the independent implementation's fixture (see RealModelTests).
@Suite("SmolLM2-135M-Instruct through minosd",
       .enabled(if: RealModel.isAvailable, Comment(rawValue: RealModel.missingReason)))
struct RealModelDaemonTests {
    /// A real model in a debug build: loading and decoding take seconds, not milliseconds.
    static let timeout = 300.0

    private func call(_ d: DaemonProcess, _ method: String, _ params: JSONValue) throws -> JSONValue {
        let reply = try d.reply(to: d.request(method, params), timeout: Self.timeout)
        return try #require(reply["result"], "\(method): \(reply)")
    }

    @Test("model/load → text/generate → model/unload → model/load → text/generate gives the same greedy text")
    func loadGenerateUnloadReload() throws {
        let fixture = try RealModel.fixture()
        let expected = try #require(fixture.generations.first { $0.prompt == "The capital of France is" })
        let path = try RealModel.path()
        let d = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake", "--threads", "2"])
        let generate: JSONValue = ["model": "smollm2", "prompt": .string(expected.prompt), "maxTokens": 16, "temperature": 0]

        let info = try call(d, "model/load", ["path": .string(path), "name": "smollm2"])
        #expect(info["architecture"] == "llama")
        #expect(info["vocabularySize"] == .int(Int64(fixture.model.vocabularySize)))
        let first = try call(d, "text/generate", generate)
        #expect(first["text"] == .string(expected.text))
        #expect(first["tokens"] == .array(expected.ids.map { .int(Int64($0)) }))

        #expect(try call(d, "model/unload", ["name": "smollm2"])["unloaded"] == "smollm2")
        #expect(try d.call("text/generate", generate).errorCode == -33000)

        _ = try call(d, "model/load", ["path": .string(path), "name": "smollm2"])
        let second = try call(d, "text/generate", generate)
        #expect(second["text"] == first["text"])
        #expect(second["tokens"] == first["tokens"])
    }

    @Test("text/score returns the reference's log-probabilities within 1e-3 nats")
    func score() throws {
        let fixture = try RealModel.fixture()
        let d = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake", "--threads", "2"])
        _ = try call(d, "model/load", ["path": .string(try RealModel.path()), "name": "smollm2"])
        let result = try call(d, "text/score", ["model": "smollm2", "prompt": .string(fixture.scores.prompt),
                                                "continuation": .string(fixture.scores.continuation)])
        let tokens = try #require(result["tokens"]?.arrayValue)
        #expect(tokens.map { $0["token"]?.intValue } == fixture.scores.continuationIds.map { Int64($0) })
        var worst = 0.0
        for (token, expected) in zip(tokens, fixture.scores.logprobs) {
            worst = max(worst, abs((token["logprob"]?.doubleValue ?? .infinity) - expected))
        }
        print("SmolLM2 text/score through minosd: max |Δ log-prob| = \(worst) nats")
        #expect(worst < 1e-3)
    }

    @Test("data/select on SmolLM2's mean-pooled states picks one text of each of three topics, for every seed")
    func selectionByTopic() throws {
        let d = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake", "--threads", "2"])
        _ = try call(d, "model/load", ["path": .string(try RealModel.path()), "name": "smollm2"])
        let texts: [JSONValue] = [
            "Solve for x: 3x + 5 = 20.", "What is the derivative of x squared?", "Compute the integral of sin(x) from 0 to pi.",
            "Find the prime factors of 84.",
            "Preheat the oven and bake the bread for forty minutes.", "Whisk the eggs with sugar until fluffy.",
            "Chop the onions and fry them in butter.", "Simmer the tomato sauce with basil and garlic.",
            "The striker scored twice in the second half.", "The tennis final went to five sets.",
            "The marathon runners crossed the finish line at noon.", "The goalkeeper saved a penalty in extra time.",
        ]
        for seed in 1...3 {
            let result = try call(d, "data/select", ["model": "smollm2", "texts": .array(texts), "k": 3, "seed": .int(Int64(seed))])
            let indices = result["indices"]?.arrayValue?.compactMap(\.intValue) ?? []
            #expect(Set(indices.map { $0 / 4 }) == [0, 1, 2], "seed \(seed): \(indices)")
            let selected = result["vendi"]?["selected"]?.doubleValue ?? 0, random = result["vendi"]?["random"]?.doubleValue ?? 0
            #expect(selected >= random, "seed \(seed): Vendi \(selected) < \(random)")
        }
    }

    @Test("roleplay on SmolLM2: answers come back, and the judge's three letters hold much of its next-token probability")
    func roleplay() throws {
        let d = try DaemonProcess(arguments: ["--db", ":memory:", "--no-handshake", "--threads", "2"])
        _ = try call(d, "model/load", ["path": .string(try RealModel.path()), "name": "smollm2"])
        let character: JSONValue = ["name": "Marie Curie", "description": "physicist and chemist",
                                    "facts": [["attribute": "place of birth", "value": "Warsaw"], ["attribute": "spouse", "value": "Pierre Curie"]]]
        let round = try call(d, "roleplay/generate", ["model": "smollm2", "character": character, "questions": ["Where were you born?"],
                                                      "maxTokens": 24, "temperature": 0])
        let answer = round["dialogues"]?[0]?["answer"]?.stringValue ?? ""
        #expect(!answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(round)")
        let checks = try call(d, "roleplay/check", ["model": "smollm2", "character": character, "dialogue": [
            ["question": "Where were you born?", "answer": "I was born in Warsaw."],
            ["question": "Who is your husband?", "answer": "As an AI language model, I have no husband."],
        ]])["checks"]?.arrayValue ?? []
        #expect(checks.count == 2)
        for check in checks {
            // A wrong letter token (say "A" where the template's reply starts with " A") would leave almost no mass.
            let mass = check["mass"]?.doubleValue ?? 0
            print("SmolLM2 judge: letters' mass \(mass), verdict \(check["verdict"]?.stringValue ?? "?")")
            #expect(mass > 0.3)
        }
    }
}
