import Engine
import Foundation
import Models
import Routing
import Store
import Testing

/// Local backends: a loaded (synthetic) model generates through its chat template, as text/generate
/// would with the same messages and options.
@Suite("Local backends")
struct LocalBackendTests {
    /// An engine with a seeded synthetic ChatML model loaded as "tiny".
    static func engine() async throws -> Engine {
        var model = SyntheticModel()
        model.architecture = "qwen2"
        model.matrixType = .q8_0
        model.chatTemplate = SyntheticModel.chatMLTemplate
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-routing-\(UUID().uuidString).gguf").path
        try model.build().write(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }  // the mapping stays valid once loaded
        let engine = Engine(threads: 2, memoryLimit: nil)
        _ = try await engine.load(path: path, name: "tiny", contextLength: nil, progress: { _, _ in })
        return engine
    }

    static let messages = [ChatMessage(role: "user", content: "What is two plus two?")]
    static let options = GenerationOptions(sampling: .greedy, maxTokens: 6, ignoreEOS: true)

    @Test("a local backend generates what the model generates for the messages, with token counts and cost")
    func generates() async throws {
        let engine = try await Self.engine()
        let catalog = BackendCatalog(store: try Store(path: ":memory:"))
        try catalog.save(try Backend(name: "on-box", kind: .local(model: "tiny"), costPer1kTokens: 0.5))
        let generator = BackendGenerator(engine: engine, catalog: catalog)

        let result = try await generator.generate(backend: "on-box", messages: Self.messages, options: Self.options)
        let direct = try await engine.model("tiny").generate(.messages(Self.messages), options: Self.options)
        #expect(result.backend == "on-box")
        #expect(result.text == direct.text)
        #expect(result.completionTokens == 6)
        #expect(result.finishReason == "length")
        #expect(result.promptTokens == direct.promptTokens)
        #expect((result.promptTokens ?? 0) > 0)
        #expect(result.cost == Double((result.promptTokens ?? 0) + 6) / 1000 * 0.5)
    }

    @Test("a local generation past the backend's timeout is timedOut and leaves the model usable")
    func timeout() async throws {
        let engine = try await Self.engine()
        let catalog = BackendCatalog(store: try Store(path: ":memory:"))
        // 200 tokens cannot be generated in a millisecond; the timeout must end the generation.
        try catalog.save(try Backend(name: "hurried", kind: .local(model: "tiny"), timeoutSeconds: 0.001))
        let generator = BackendGenerator(engine: engine, catalog: catalog)
        let long = GenerationOptions(sampling: .greedy, maxTokens: 200, ignoreEOS: true)
        do {
            let result = try await generator.generate(backend: "hurried", messages: Self.messages, options: long)
            Issue.record("expected timedOut, got \(result.completionTokens ?? 0) tokens")
        } catch let error as BackendError {
            #expect(error.kind == .timedOut)
            #expect(error.backend == "hurried")
        }
        let after = try await engine.model("tiny").generate(.messages(Self.messages), options: Self.options)
        #expect(after.tokens.count == 6)
    }

    @Test("a local backend whose model is not loaded fails with modelNotLoaded")
    func notLoaded() async throws {
        let catalog = BackendCatalog(store: try Store(path: ":memory:"))
        try catalog.save(try Backend(name: "gone", kind: .local(model: "absent")))
        let generator = BackendGenerator(engine: Engine(threads: 1, memoryLimit: nil), catalog: catalog)
        do {
            let result = try await generator.generate(backend: "gone", messages: Self.messages, options: Self.options)
            Issue.record("expected modelNotLoaded, got \(result)")
        } catch let error as EngineError {
            guard case .modelNotLoaded(let name) = error else { Issue.record("\(error)"); return }
            #expect(name == "absent")
        }
    }
}
