import Engine
import Foundation
import Models
import Testing

@Suite("Batched generation")
struct BatchGenerationTests {
    static let engine = Engine(threads: 2, memoryLimit: nil)

    private func model(_ architecture: String) async throws -> LoadedModel {
        let (_, path) = try syntheticFile { $0.architecture = architecture; $0.matrixType = .q8_0 }
        return try await Self.engine.load(path: path, name: UUID().uuidString, contextLength: nil) { _, _ in }
    }

    @Test("sequences decoded together give what each gives alone", arguments: architectures)
    func batchEqualsSingle(architecture: String) async throws {
        let loaded = try await model(architecture)
        let prompts: [[Int32]] = [[5, 6, 7], [100, 20], [300, 301, 302, 303, 304], [42]]
        let requests = prompts.enumerated().map { index, prompt in
            GenerationRequest(prompt: prompt, sampling: .greedy, maxTokens: 6 + index * 3, ignoreEOS: true)
        }
        let batched = try await loaded.generateBatch(requests)
        for (request, result) in zip(requests, batched) {
            let alone = try await loaded.generate(request)
            #expect(result.tokens == alone.tokens, "prompt \(request.prompt)")
            #expect(result.tokens.count == request.maxTokens)
            #expect(result.stopReason == .length)
        }
    }

    @Test("maxTokens 0 generates nothing")
    func zeroTokens() async throws {
        let loaded = try await model("llama")
        let result = try await loaded.generate(GenerationRequest(prompt: [1, 2], sampling: .greedy, maxTokens: 0))
        #expect(result.tokens.isEmpty)
        #expect(result.stopReason == .length)
    }
}

@Suite("Shared-prefix scoring")
struct SharedPrefixTests {
    @Test("sharing the prefix's KV cache gives the same scores as separate passes")
    func sharedEqualsSeparate() async throws {
        let (_, path) = try syntheticFile { $0.architecture = "qwen2"; $0.matrixType = .q8_0 }
        let engine = Engine(threads: 2, memoryLimit: nil)
        let model = try await engine.load(path: path, name: "shared", contextLength: nil) { _, _ in }
        let prefix: [Int32] = [10, 11, 12, 13, 14, 15, 16]
        let suffixes: [[Int32]] = [[20, 21, 22], [30, 31], [40, 41, 42, 43, 44]]
        let positions = suffixes.map { suffix in (0..<suffix.count).map { prefix.count + $0 } }
        let labels: [Int32] = [5, 6]
        let shared = try await model.labelLogProbabilities(prefix: prefix, suffixes: suffixes, positions: positions, labels: labels)
        for (i, suffix) in suffixes.enumerated() {
            let separate = try await model.labelLogProbabilities(tokens: prefix + suffix, positions: positions[i], labels: labels)
            for (a, b) in zip(shared[i].joined(), separate.joined()) { #expect(abs(a - b) < 1e-5, "candidate \(i)") }
        }
    }
}
