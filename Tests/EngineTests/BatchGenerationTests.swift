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

@Suite("Continuous batching")
struct ContinuousBatchingTests {
    @Test("concurrent generate calls decode together and give what each gives alone")
    func concurrentEqualsSequential() async throws {
        let (_, path) = try syntheticFile { $0.architecture = "llama"; $0.matrixType = .q8_0 }
        let engine = Engine(threads: 2, memoryLimit: nil)
        let model = try await engine.load(path: path, name: "cb", contextLength: nil) { _, _ in }
        let requests = (0..<4).map { i in
            GenerationRequest(prompt: [Int32(10 + i), Int32(20 + i), 30], sampling: .greedy, maxTokens: 24 + 8 * i, ignoreEOS: true)
        }
        var alone: [[Int32]] = []
        for request in requests { alone.append(try await model.generate(request).tokens) }
        let before = model.sharedDecodeSteps
        let together = try await withThrowingTaskGroup(of: (Int, [Int32]).self) { group in
            for (i, request) in requests.enumerated() {
                group.addTask { (i, try await model.generate(request).tokens) }
            }
            var out = [[Int32]](repeating: [], count: requests.count)
            for try await (i, tokens) in group { out[i] = tokens }
            return out
        }
        #expect(together == alone)
        #expect(model.sharedDecodeSteps > before, "no step decoded several requests at once")
    }

    @Test("a cancelled request leaves the others running to completion")
    func cancelOne() async throws {
        let (_, path) = try syntheticFile { $0.architecture = "qwen2"; $0.matrixType = .q8_0 }
        let engine = Engine(threads: 2, memoryLimit: nil)
        let model = try await engine.load(path: path, name: "cb2", contextLength: nil) { _, _ in }
        let long = Task { try await model.generate(GenerationRequest(prompt: [1, 2], sampling: .greedy, maxTokens: 200, ignoreEOS: true)) }
        let short = Task { try await model.generate(GenerationRequest(prompt: [3, 4], sampling: .greedy, maxTokens: 20, ignoreEOS: true)) }
        try await Task.sleep(for: .milliseconds(20))
        long.cancel()
        #expect(try await short.value.tokens.count == 20)
        await #expect(throws: EngineError.self) { try await long.value }
    }
}
