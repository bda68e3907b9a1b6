import Foundation
import GGUF
import JSON
import Models
import TestSupport
import Testing

/// Writes a seeded synthetic model and returns its path.
func syntheticModelPath(_ configure: (inout SyntheticModel) -> Void = { _ in }) throws -> String {
    var model = SyntheticModel()
    model.architecture = "qwen2"
    model.matrixType = .q8_0
    model.chatTemplate = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
        + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    configure(&model)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-e2e-\(UUID().uuidString).gguf").path
    try model.build().write(to: path)
    return path
}

/// The engine's methods through the daemon: loading, tokenizing, generating, scoring, and every
/// kind of bad input leaving loaded models usable.
@Suite("Engine methods (end to end)")
struct EngineMethodsTests {
    /// Served in process (the engine and handlers, without spawning minosd).
    private func daemon(memoryLimit: Int? = nil) throws -> InProcessDaemon {
        var configuration = InProcessDaemon.configuration()
        configuration.memoryLimit = memoryLimit
        return try InProcessDaemon(configuration)
    }

    private func loaded() throws -> InProcessDaemon {
        let d = try daemon()
        let reply = try d.call("model/load", ["path": .string(try syntheticModelPath()), "name": "tiny"])
        guard reply["result"] != nil else { throw DaemonProcess.Failure.exited(-1, "load failed: \(reply)") }
        return d
    }

    @Test("model/load reports the model, with progress; model/list and daemon/status show it; unload forgets it")
    func loadListUnload() throws {
        let d = try daemon()
        let id = d.request("model/load", ["path": .string(try syntheticModelPath()), "name": "tiny", "workDoneToken": "load"])
        var stages: [String] = []
        while true {
            let message = try d.next()
            if message["id"] == .int(id) {
                let info = try #require(message["result"], "\(message)")
                #expect(info["architecture"] == "qwen2")
                #expect(info["quantTypes"] == ["q8_0"])
                #expect(info["vocabularySize"] == 384)
                #expect(info["contextLength"] == 256)
                #expect(info["chatTemplate"] == "chatml")
                #expect((info["parameters"]?.intValue ?? 0) > 100_000)
                break
            }
            stages.append(message["params"]?["value"]?["kind"]?.stringValue ?? "?")
        }
        #expect(stages.first == "begin")
        #expect(stages.last == "end")
        #expect(stages.contains("report"))
        #expect(try d.call("model/list")["result"]?["models"]?[0]?["name"] == "tiny")
        #expect(try d.call("daemon/status")["result"]?["models"]?[0]?["architecture"] == "qwen2")
        #expect(try d.call("model/unload", ["name": "tiny"])["result"]?["unloaded"] == "tiny")
        #expect(try d.call("model/list")["result"]?["models"] == [])
        #expect(try d.call("model/unload", ["name": "tiny"]).errorCode == -33000)
    }

    @Test("a model written by the gguf Python package loads and generates", arguments: ["llama", "qwen2"])
    func ggufPyModel(architecture: String) throws {
        let path = DaemonProcess.packageRoot.appendingPathComponent("Tests/EngineTests/Fixtures/\(architecture).gguf").path
        let d = try daemon()
        let info = try d.call("model/load", ["path": .string(path), "name": "py"])["result"]
        #expect(info?["architecture"] == .string(architecture))
        #expect(try d.call("text/generate", ["model": "py", "prompt": "tea", "maxTokens": 5, "temperature": 0])["result"]?["tokenCount"] == 5)
    }

    @Test("a file without tokenizer.ggml.pre loads with llama.cpp's default rule and says so; an unknown name is refused")
    func missingPreTokenizer() throws {
        let d = try daemon()
        let info = try #require(try d.call("model/load", ["path": .string(try syntheticModelPath { $0.preTokenizer = "" }), "name": "nopre"])["result"])
        let warnings = try #require(info["warnings"]?.arrayValue, "\(info)")
        #expect(warnings.contains { $0.stringValue?.contains("tokenizer.ggml.pre") == true }, "\(warnings)")
        #expect(try d.call("text/generate", ["model": "nopre", "prompt": "hello", "maxTokens": 2])["result"]?["tokenCount"] == 2)
        let refused = try d.call("model/load", ["path": .string(try syntheticModelPath { $0.preTokenizer = "no-such-rule" }), "name": "bad"])
        #expect(refused.errorCode == -33007, "\(refused)")
        #expect(refused["error"]?["message"]?.stringValue?.contains("smollm") == true, "the refusal lists the known names")
        // A model whose file names every field loads without warnings.
        #expect(try d.call("model/load", ["path": .string(try syntheticModelPath()), "name": "fine"])["result"]?["warnings"] == nil)
    }

    @Test("tokenize and detokenize round-trip text exactly")
    func tokenizeRoundTrip() throws {
        let d = try loaded()
        for text in ["the quick brown fox", "héllo wörld 🎉 漢字", "  spaces\tand\nnewlines  ", ""] {
            let tokens = try #require(try d.call("text/tokenize", ["model": "tiny", "text": .string(text)])["result"]?["tokens"])
            #expect(try d.call("text/detokenize", ["model": "tiny", "tokens": tokens])["result"]?["text"] == .string(text))
        }
        let special = try d.call("text/tokenize", ["model": "tiny", "text": "<|im_end|>", "parseSpecial": true])["result"]?["tokens"]
        #expect(special?.arrayValue?.count == 1)
        #expect(try d.call("text/detokenize", ["model": "tiny", "tokens": [99999]]).errorCode == -32602)
    }

    @Test("greedy generation is deterministic; a seed makes sampling repeatable")
    func determinism() throws {
        let d = try loaded()
        let greedy: JSONValue = ["model": "tiny", "prompt": "the quick brown fox", "maxTokens": 16, "temperature": 0]
        let first = try #require(try d.call("text/generate", greedy)["result"])
        #expect(first["tokenCount"] == 16)
        #expect(first["stopReason"] == "length")
        #expect(try d.call("text/generate", greedy)["result"]?["text"] == first["text"])
        let seeded: JSONValue = ["model": "tiny", "prompt": "hello", "maxTokens": 16, "seed": 1234, "temperature": 1.0]
        let a = try d.call("text/generate", seeded)["result"]?["tokens"]
        #expect(try d.call("text/generate", seeded)["result"]?["tokens"] == a)
        var other = seeded.objectValue!
        other["seed"] = 99
        #expect(try d.call("text/generate", .object(other))["result"]?["tokens"] != a)
    }

    @Test("tokens stream as partial results and add up to the text")
    func streaming() throws {
        let d = try loaded()
        let id = d.request("text/generate", ["model": "tiny", "prompt": "abc", "maxTokens": 20, "temperature": 0, "partialResultToken": "stream"])
        var streamed = ""
        while true {
            let message = try d.next()
            if message["id"] == .int(id) {
                #expect(message["result"]?["text"] == .string(streamed))
                break
            }
            if message["params"]?["token"] == "stream", let text = message["params"]?["value"]?["text"]?.stringValue {
                streamed += text
            }
        }
        #expect(!streamed.isEmpty)
    }

    @Test("a stop string cuts the text before it and ends generation")
    func stopString() throws {
        let d = try loaded()
        let free = try #require(try d.call("text/generate", ["model": "tiny", "prompt": "x", "maxTokens": 24, "temperature": 0])["result"]?["text"]?.stringValue)
        let characters = Array(free)
        guard characters.count > 6 else { return }
        let stop = String(characters[4..<6])
        let cut = try d.call("text/generate", ["model": "tiny", "prompt": "x", "maxTokens": 24, "temperature": 0, "stop": [.string(stop)]])["result"]
        #expect(cut?["stopReason"] == "stop")
        let text = cut?["text"]?.stringValue ?? ""
        #expect(!text.contains(stop))
        #expect(free.hasPrefix(text))
    }

    @Test("a stop token ends generation with endOfSequence")
    func stopToken() throws {
        let d = try loaded()
        let free = try #require(try d.call("text/generate", ["model": "tiny", "prompt": "x", "maxTokens": 8, "temperature": 0])["result"]?["tokens"]?.arrayValue)
        let stopped = try d.call("text/generate", ["model": "tiny", "prompt": "x", "maxTokens": 8, "temperature": 0, "stopTokens": [free[3]]])["result"]
        #expect(stopped?["stopReason"] == "endOfSequence")
        #expect(stopped?["tokens"] == .array(Array(free.prefix { $0 != free[3] })))
    }

    @Test("chat messages use the model's template")
    func messages() throws {
        let d = try loaded()
        let result = try d.call("text/generate", ["model": "tiny", "messages": [["role": "user", "content": "hi"]], "maxTokens": 2, "temperature": 0])["result"]
        let rendered = "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
        let tokens = try d.call("text/tokenize", ["model": "tiny", "text": .string(rendered), "parseSpecial": true])["result"]?["tokens"]
        #expect(result?["promptTokens"] == .int(Int64(tokens?.arrayValue?.count ?? -1)))
    }

    @Test("text/score gives log-probabilities consistent with greedy choices and top-k")
    func score() throws {
        let d = try loaded()
        let greedy = try #require(try d.call("text/generate", ["model": "tiny", "prompt": "hello", "maxTokens": 1, "temperature": 0])["result"]?["tokens"]?[0])
        let scored = try #require(try d.call("text/score", ["model": "tiny", "prompt": "hello", "continuation": " world of text", "topK": 5])["result"])
        let tokens = try #require(scored["tokens"]?.arrayValue)
        let expected = try #require(try d.call("text/tokenize", ["model": "tiny", "text": " world of text", "addSpecial": false])["result"]?["tokens"])
        #expect(.array(tokens.compactMap { $0["token"] }) == expected)
        // The first position depends on the prompt alone: its best alternative is the greedy token.
        #expect(tokens.first?["top"]?[0]?["token"] == greedy)
        var total = 0.0
        for token in tokens {
            let logprob = try #require(token["logprob"]?.doubleValue)
            #expect(logprob <= 0)
            total += logprob
            let top = try #require(token["top"]?.arrayValue)
            #expect(top.count == 5)
            let values = top.compactMap { $0["logprob"]?.doubleValue }
            #expect(values == values.sorted(by: >))
            #expect(logprob <= values[0] + 1e-9)
            if let same = top.first(where: { $0["token"] == token["token"] }) {
                #expect(abs((same["logprob"]?.doubleValue ?? 0) - logprob) < 1e-9)
            }
        }
        #expect(abs((scored["totalLogprob"]?.doubleValue ?? 0) - total) < 1e-9)
    }

    @Test("token ids go in wherever text does; generate reports each token's log-probability and top-k")
    func tokenLevelAPI() throws {
        let d = try loaded()
        let ids = try #require(try d.call("text/tokenize", ["model": "tiny", "text": "hello there"])["result"]?["tokens"])
        let byText = try #require(try d.call("text/generate", ["model": "tiny", "prompt": "hello there", "maxTokens": 6,
                                                               "temperature": 0, "logprobs": 3])["result"])
        let byIds = try #require(try d.call("text/generate", ["model": "tiny", "prompt": ids, "maxTokens": 6,
                                                              "temperature": 0, "logprobs": 3])["result"])
        #expect(byIds["tokens"] == byText["tokens"])
        #expect(byIds["promptTokens"] == byText["promptTokens"])
        let generated = try #require(byText["tokens"]?.arrayValue)
        let logprobs = try #require(byText["logprobs"]?.arrayValue)
        #expect(logprobs.count == generated.count)
        for (token, entry) in zip(generated, logprobs) {
            #expect(entry["token"] == token)
            let top = try #require(entry["top"]?.arrayValue)
            #expect(top.count == 3)
            // Greedy: the chosen token is the most likely one, and its logprob is the top one's.
            #expect(top[0]["token"] == token)
            #expect(entry["logprob"] == top[0]["logprob"])
            #expect((top[0]["logprob"]?.doubleValue ?? 1) >= (top[1]["logprob"]?.doubleValue ?? 0))
        }
        // The same numbers as text/score gives for the generated continuation, fed as ids.
        let scored = try #require(try d.call("text/score", ["model": "tiny", "prompt": ids, "continuation": .array(generated)])["result"])
        for (entry, score) in zip(logprobs, try #require(scored["tokens"]?.arrayValue)) {
            let a = try #require(entry["logprob"]?.doubleValue), b = try #require(score["logprob"]?.doubleValue)
            #expect(abs(a - b) < 1e-4, "generate \(a) vs score \(b)")
        }
        // Without logprobs: every token still has its own log-probability, no alternatives.
        let plain = try #require(try d.call("text/generate", ["model": "tiny", "prompt": ids, "maxTokens": 2, "temperature": 0])["result"])
        #expect(plain["logprobs"]?[0]?["top"] == nil)
        #expect(plain["logprobs"]?[0]?["logprob"]?.doubleValue != nil)

        // Ids are checked against the vocabulary (384 tokens): the error names the first bad index.
        for (params, path) in [
            (["model": "tiny", "prompt": [1, 2, 384, 5], "maxTokens": 1] as JSONValue, "params.prompt[2]"),
            (["model": "tiny", "prompt": [-1], "maxTokens": 1] as JSONValue, "params.prompt[0]"),
        ] {
            let reply = try d.call("text/generate", params)
            #expect(reply.errorCode == -32602, "\(reply)")
            #expect(reply["error"]?["data"]?["path"] == .string(path), "\(reply)")
        }
        let reply = try d.call("text/score", ["model": "tiny", "prompt": ids, "continuation": [3, 99999]])
        #expect(reply["error"]?["data"]?["path"] == "params.continuation[1]", "\(reply)")
        #expect(try d.call("text/generate", ["model": "tiny", "prompt": [1, "x"], "maxTokens": 1]).errorCode == -32602)
        #expect(try d.call("text/generate", ["model": "tiny", "prompt": ids, "logprobs": 21]).errorCode == -32602)
    }

    @Test("bad input gets a clear error and the loaded model stays usable", arguments: [
        ("text/generate", ["model": "missing", "prompt": "x"] as JSONValue, -33000),
        ("text/generate", ["model": "tiny", "prompt": .string(String(repeating: "x ", count: 600))] as JSONValue, -33002),
        ("text/generate", ["model": "tiny", "prompt": "x", "temperature": -1] as JSONValue, -32602),
        ("text/generate", ["model": "tiny", "prompt": "x", "topP": 0] as JSONValue, -32602),
        ("text/generate", ["model": "tiny", "prompt": "x", "minP": 2] as JSONValue, -32602),
        ("text/generate", ["model": "tiny", "prompt": "x", "maxTokens": -5] as JSONValue, -32602),
        ("text/generate", ["model": "tiny"] as JSONValue, -32602),
        ("text/score", ["model": "tiny", "prompt": "x", "continuation": ""] as JSONValue, -32602),
        ("text/score", ["model": "tiny", "prompt": "x", "continuation": "y", "topK": 1000] as JSONValue, -32602),
        ("model/load", ["path": "/etc/hostname"] as JSONValue, -33006),
        ("model/load", ["path": "/no/such/file.gguf"] as JSONValue, -33006),
        ("model/load", ["path": "/tmp"] as JSONValue, -33006),
    ])
    func badInput(method: String, params: JSONValue, code: Int64) throws {
        let d = try loaded()
        let reply = try d.call(method, params)
        #expect(reply.errorCode == code, "\(reply)")
        #expect(reply["error"]?["message"]?.stringValue?.isEmpty == false)
        #expect(try d.call("text/generate", ["model": "tiny", "prompt": "still", "maxTokens": 2])["result"]?["tokenCount"] == 2)
    }

    @Test("an unsupported architecture or a corrupt file is refused with the reason")
    func unsupportedAndCorrupt() throws {
        let d = try daemon()
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("gpt9"))
        let alien = FileManager.default.temporaryDirectory.appendingPathComponent("minos-gpt9-\(UUID().uuidString).gguf").path
        try writer.write(to: alien)
        let reply = try d.call("model/load", ["path": .string(alien)])
        #expect(reply.errorCode == -33007)
        #expect(reply["error"]?["message"]?.stringValue?.contains("gpt9") == true)

        let good = try Data(contentsOf: URL(fileURLWithPath: try syntheticModelPath()))
        let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("minos-cut-\(UUID().uuidString).gguf")
        try good.prefix(good.count / 2).write(to: truncated)
        let cut = try d.call("model/load", ["path": .string(truncated.path)])
        #expect(cut.errorCode == -33006, "\(cut)")
        #expect(try d.call("daemon/ping")["result"] != nil)
    }

    @Test("a model bigger than --memory-limit is refused before loading; a name is used once")
    func memoryLimitAndNames() throws {
        let d = try daemon(memoryLimit: 64 << 10)
        let reply = try d.call("model/load", ["path": .string(try syntheticModelPath())])
        #expect(reply.errorCode == -33001)
        #expect(reply["error"]?["data"]?["limit"] == 65536)
        #expect(try d.call("model/list")["result"]?["memory"]?["reserved"] == 0)

        let roomy = try daemon()
        let path = try syntheticModelPath()
        #expect(try roomy.call("model/load", ["path": .string(path), "name": "one"])["result"] != nil)
        #expect(try roomy.call("model/load", ["path": .string(path), "name": "one"]).errorCode == -32602)
        #expect(try roomy.call("model/load", ["path": .string(path), "name": "two"])["result"] != nil)
    }

    @Test("generation honours cancellation between tokens; the model stays usable")
    func cancellation() throws {
        let d = try loaded()
        let id = d.request("text/generate", ["model": "tiny", "prompt": "x", "maxTokens": 100_000, "ignoreEOS": true,
                                             "temperature": 0, "partialResultToken": "s"])
        _ = try d.reply(matching: { $0["params"]?["token"] == "s" })   // it is decoding
        d.notify("$/cancelRequest", ["id": .int(id)])
        #expect(try d.reply(to: id).errorCode == -32800)
        // Sampled with a random seed, so EOS could end it early: ignoreEOS makes the count certain.
        #expect(try d.call("text/generate", ["model": "tiny", "prompt": "x", "maxTokens": 3, "ignoreEOS": true])["result"]?["tokenCount"] == 3)
    }

    @Test("a generation does not block other requests")
    func concurrency() throws {
        let d = try loaded()
        let long = d.request("text/generate", ["model": "tiny", "prompt": "x", "maxTokens": 200, "ignoreEOS": true, "temperature": 0])
        #expect(try d.call("daemon/ping", ["echo": 1])["result"]?["echo"] == 1)
        #expect(try d.reply(to: long)["result"]?["tokenCount"] == 200)
    }
}
