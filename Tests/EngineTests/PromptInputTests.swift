import Engine
import Foundation
import Testing

@Suite("Prompts as clients give them")
struct PromptInputTests {
    static let engine = Engine(threads: 2, memoryLimit: nil)

    private func model() async throws -> LoadedModel {
        let (_, path) = try syntheticFile { $0.matrixType = .q8_0 }
        return try await Self.engine.load(path: path, name: UUID().uuidString, contextLength: nil) { _, _ in }
    }

    @Test("text is tokenized as the tokenizer does; token ids pass through checked; messages use the template")
    func inputs() async throws {
        let model = try await model()
        let text = try model.tokens(for: .text("hello world"), field: "prompt")
        #expect(text.tokens == model.tokenizer.encode("hello world", addSpecial: true, parseSpecial: false))
        #expect(text.stopTokens.isEmpty)
        #expect(try model.tokens(for: .tokens([5, 6, 7]), field: "prompt").tokens == [5, 6, 7])
        let chat = try model.tokens(for: .messages([ChatMessage(role: "user", content: "hi")]), field: "messages")
        let direct = model.chatPrompt([ChatMessage(role: "user", content: "hi")])
        #expect(chat.tokens == direct.tokens)
        #expect(chat.stopTokens == direct.stopTokens)
    }

    @Test("bad inputs name their field", arguments: [
        (PromptInput.tokens([1, -1]), "prompt[1]"),
        (PromptInput.tokens([1_000_000]), "prompt[0]"),
        (PromptInput.messages([]), "prompt"),
    ])
    func badInputs(input: PromptInput, field: String) async throws {
        let model = try await model()
        do {
            _ = try model.tokens(for: input, field: "prompt")
            Issue.record("expected an error at \(field)")
        } catch EngineError.invalidInput(let named, _) {
            #expect(named == field)
        }
    }

    @Test("generate checks sampling values and stop tokens before anything runs")
    func generateChecks() async throws {
        let model = try await model()
        var sampling = SamplingParameters()
        sampling.topP = 0
        for (options, field) in [(GenerationOptions(sampling: sampling), "topP"), (GenerationOptions(stopTokens: [99_999_999]), "stopTokens[0]")] {
            do {
                _ = try await model.generate(.text("hi"), options: options)
                Issue.record("expected an error at \(field)")
            } catch EngineError.invalidInput(let named, _) {
                #expect(named == field)
            }
        }
        let result = try await model.generate(.text("hi"), options: GenerationOptions(sampling: .greedy, maxTokens: 3, ignoreEOS: true))
        #expect(result.tokens.count == 3)
    }
}
