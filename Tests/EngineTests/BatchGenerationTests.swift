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
