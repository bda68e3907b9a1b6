import Engine
import Foundation
import GGUF
import Kernels
import Models
import Testing
import Tokenizers

/// The error `body` throws, if it is an `EngineError`.
private func engineError<T>(_ body: () async throws -> T) async -> EngineError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? EngineError
    }
}

/// The Euclidean length of `v`.
private func length(_ v: [Float]) -> Float { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

@Suite("Embeddings")
struct EmbeddingTests {
    static let engine = Engine(threads: 2, memoryLimit: nil)
    static let texts = ["the quick brown fox", "hello, world!", "jumps over the lazy dog again and again", "a"]

    /// A synthetic BERT encoder (llama.cpp's names and keys, WordPiece vocabulary) loaded as a model.
    private func bert(_ configure: (inout SyntheticModel) -> Void = { _ in }) async throws -> (LoadedModel, GGUFFile) {
        let (file, path) = try syntheticFile {
            $0.architecture = "bert"
            $0.vocabularySize = 600
            $0.contextLength = 64
            $0.rmsNormEpsilon = 1e-12
            configure(&$0)
        }
        return (try await Self.engine.load(path: path, name: UUID().uuidString, contextLength: nil) { _, _ in }, file)
    }

    @Test("every token state of the encoder matches the scalar reference BERT", arguments: [GGMLType.f32, .f16, .q8_0, .q4_K])
    func matchesReference(type: GGMLType) async throws {
        let (model, file) = try await bert {
            $0.matrixType = type
            if type.blockSize == 256 { $0.embeddingLength = 256; $0.feedForwardLength = 512 }
        }
        let encoder = try #require(model.encoder)
        let tokens = model.tokenizer.encode("the quick brown fox jumps")
        let states = encoder.forward([tokens])
        let reference = ReferenceEncoder(file: file).hiddenStates(tokens)
        let e = encoder.configuration.embeddingLength
        #expect(states.count == tokens.count * e)
        for t in tokens.indices {
            let error = relativeError(Array(states[(t * e)..<((t + 1) * e)]), reference[t])
            #expect(error < 1e-4, "\(type) token \(t): relative error \(error)")
        }
    }

    @Test("mean, cls and last pooling match the reference's", arguments: Pooling.allCases)
    func pooling(pooling: Pooling) async throws {
        let (model, file) = try await bert()
        let reference = ReferenceEncoder(file: file)
        let result = try await model.embeddings(for: Self.texts, pooling: pooling, normalize: false)
        #expect(result.dimension == 64)
        for (i, text) in Self.texts.enumerated() {
            let tokens = model.tokenizer.encode(text)
            #expect(result.tokenCounts[i] == tokens.count)
            let error = relativeError(result.vectors[i], reference.pooled(tokens, pooling.rawValue))
            #expect(error < 1e-4, "\(pooling) text \(i): relative error \(error)")
        }
    }

    @Test("normalized embeddings have unit length and the direction of the raw ones")
    func normalization() async throws {
        let (model, _) = try await bert()
        let raw = try await model.embed(Self.texts, pooling: .mean, normalize: false)
        let unit = try await model.embed(Self.texts)
        for (r, u) in zip(raw, unit) {
            #expect(abs(length(u) - 1) < 1e-5)
            #expect(relativeError(u, r.map { $0 / length(r) }) < 1e-6)
        }
    }

    @Test("texts packed into one pass give what each gives alone, across pass boundaries")
    func batchedEqualsSingle() async throws {
        let (model, _) = try await bert()
        let texts = (0..<40).map { i in Self.texts[i % Self.texts.count] + String(repeating: " fox", count: i % 7) }
        let together = try await model.embed(texts, normalize: false)
        for (i, text) in texts.enumerated() {
            let alone = try await model.embed([text], normalize: false)[0]
            #expect(relativeError(together[i], alone) < 1e-5, "text \(i)")
        }
        // A small maxBatch splits the same texts over many passes.
        let encoder = try #require(model.encoder)
        let small = Encoder(model: encoder.model, pool: Self.engine.pool, maxBatch: 8)
        let sequences = texts.prefix(6).map { model.tokenizer.encode($0) }
        let packed = encoder.forward(Array(sequences))
        var offset = 0
        for sequence in sequences {
            let alone = small.forward([sequence])
            #expect(relativeError(Array(packed[offset..<(offset + alone.count)]), alone) < 1e-5)
            offset += alone.count
        }
    }

    @Test("a decoder's mean embedding is the mean of its last hidden states after the output norm",
          arguments: ["llama", "qwen2", "qwen3"])
    func decoderEmbeddings(architecture: String) async throws {
        let (file, path) = try syntheticFile { $0.architecture = architecture }
        let model = try await Self.engine.load(path: path, name: UUID().uuidString, contextLength: nil) { _, _ in }
        let reference = try ReferenceForward(file: file)
        let texts = ["the cat sat on the mat", "hello there"]
        for pooling in Pooling.allCases {
            let result = try await model.embeddings(for: texts, pooling: pooling, normalize: false)
            #expect(result.dimension == model.configuration.embeddingLength)
            for (i, text) in texts.enumerated() {
                let states = reference.hiddenStates(model.tokenizer.encode(text))
                let expected: [Float] = switch pooling {
                case .mean: (0..<result.dimension).map { c in states.reduce(0) { $0 + $1[c] } / Float(states.count) }
                case .cls: states[0]
                case .last: states[states.count - 1]
                }
                let error = relativeError(result.vectors[i], expected)
                #expect(error < 1e-3, "\(architecture) \(pooling) text \(i): relative error \(error)")
            }
        }
        // Hidden states in place of logits do not disturb the logits path.
        let transformer = try model.decoder()
        let tokens = model.tokenizer.encode(texts[0])
        let logits = transformer.forward(tokens, cache: transformer.makeCache(capacity: 16), logits: .last)
        #expect(relativeError(logits, reference.logits(tokens).last!) < 1e-3)
    }

    @Test("a decoder packs short texts into shared passes and gives what each gives alone", arguments: Pooling.allCases)
    func decoderPacking(pooling: Pooling) async throws {
        let (_, path) = try syntheticFile { $0.contextLength = 512 }
        let model = try await Self.engine.load(path: path, name: UUID().uuidString, contextLength: nil) { _, _ in }
        // Lengths around a pass of 64 tokens: packed runs, a boundary, and one text longer than a pass.
        let texts = (0..<14).map { i in String(repeating: "the cat sat ", count: 1 + (i * 5) % 13) + (i == 6 ? String(repeating: "on the mat ", count: 30) : "") }
        let together = try await model.embed(texts, pooling: pooling, normalize: false)
        for (i, text) in texts.enumerated() {
            let alone = try await model.embed([text], pooling: pooling, normalize: false)[0]
            #expect(relativeError(together[i], alone) < 1e-5, "text \(i) (\(model.tokenizer.encode(text).count) tokens)")
        }
    }

    @Test("a decoder embedding's KV cache comes from the budget and is given back")
    func decoderBudget() async throws {
        let (_, path) = try syntheticFile()
        let engine = Engine(threads: 2, memoryLimit: nil)
        let model = try await engine.load(path: path, name: "m", contextLength: nil) { _, _ in }
        let before = engine.reservedBytes
        _ = try await model.embed(["some text to embed"])
        #expect(engine.reservedBytes == before)
        let limited = Engine(threads: 2, memoryLimit: model.budgetBytes + 64)
        let tight = try await limited.load(path: path, name: "m", contextLength: nil) { _, _ in }
        let error = await engineError { try await tight.embed(["some text to embed"]) }
        guard case .memoryBudget? = error else { Issue.record("expected memoryBudget, got \(String(describing: error))"); return }
    }

    @Test("no texts, a text longer than the context, and truncation")
    func badInputs() async throws {
        let (model, _) = try await bert { $0.contextLength = 16 }
        let empty = await engineError { try await model.embed([]) }
        guard case .invalidInput(let field, _)? = empty, field == "texts" else {
            Issue.record("expected invalidInput(texts), got \(String(describing: empty))"); return
        }
        let long = String(repeating: "fox ", count: 30)
        let overflow = await engineError { try await model.embed(["short", long]) }
        let needed = model.tokenizer.encode(long).count
        guard case .contextOverflow(needed, 16)? = overflow else {
            Issue.record("expected contextOverflow(\(needed), 16), got \(String(describing: overflow))"); return
        }
        let truncated = try await model.embeddings(for: ["short", long], truncate: true)
        #expect(truncated.tokenCounts[1] == 16)
        let kept = Array(model.tokenizer.encode(long).prefix(15)) + [model.tokenizer.eosID!]
        let expected = try await model.embed(["short", model.tokenizer.decode(kept, skipSpecial: true)])
        #expect(relativeError(truncated.vectors[1], expected[1]) < 1e-5)
    }

    @Test("an encoder refuses generation, scoring and sessions with an error naming the model")
    func encoderRefusesGeneration() async throws {
        let (model, _) = try await bert()
        let options = GenerationOptions(maxTokens: 4)
        let calls: [() async throws -> Any] = [
            { try await model.generate(.text("hello"), options: options) },
            { try await model.score(prompt: .text("hello"), continuation: .text("world"), topK: 0, parseSpecial: false) },
            { try await Self.engine.sessions.open(model: model, input: .text("hello"), field: "prompt", compression: KVCompression(), name: nil) },
        ]
        for call in calls {
            let error = await engineError(call)
            guard case .unsupportedModel(_, let reason)? = error else {
                Issue.record("expected unsupportedModel, got \(String(describing: error))"); continue
            }
            #expect(reason.contains(model.name) && reason.contains("bert encoder"))
        }
        #expect(model.configuration.architecture == "bert")
        #expect(model.weightEncodings == [.f32])
        #expect(model.transformer == nil)
    }

    @Test("missing or misshapen BERT tensors and metadata are clear load errors")
    func loadErrors() async throws {
        let good = { (m: inout SyntheticModel) in m.architecture = "bert"; m.vocabularySize = 600 }
        // Metadata promising a third block the file does not have.
        var writer = try { var m = SyntheticModel(); good(&m); return try m.build() }()
        writer.set("bert.block_count", .uint32(3))
        var error = try await loadError(writer)
        #expect(error?.contains("missing tensor blk.2.attn_q.weight") == true, "\(String(describing: error))")
        // A feed-forward width that does not match the tensors.
        writer = try { var m = SyntheticModel(); good(&m); return try m.build() }()
        writer.set("bert.feed_forward_length", .uint32(100))
        error = try await loadError(writer)
        #expect(error?.contains("blk.0.ffn_up.weight has shape") == true, "\(String(describing: error))")
        // No LayerNorm epsilon.
        writer = try { var m = SyntheticModel(); good(&m); return try m.build() }()
        writer.set("bert.attention.layer_norm_epsilon", .string("small"))
        error = try await loadError(writer)
        #expect(error?.contains("bert.attention.layer_norm_epsilon") == true, "\(String(describing: error))")
    }

    /// What loading the file `writer` makes says, or nil when it loads.
    private func loadError(_ writer: GGUFWriter) async throws -> String? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-\(UUID().uuidString).gguf").path
        try writer.write(to: path)
        return await engineError { try await Self.engine.load(path: path, name: UUID().uuidString, contextLength: nil) { _, _ in } }
            .map(\.description)
    }
}
