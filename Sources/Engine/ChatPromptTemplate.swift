/// A model's chat template as the file writes it: `tokenizer.chat_template` parsed once at load
/// and executed by the Jinja interpreter, so the prompt is the one the model was trained on. The
/// recognized family (`ChatTemplate`) renders instead when the file has no template or its
/// template cannot be parsed or rendered, and the prompt says why.
public struct ChatPromptTemplate: Sendable {
    /// The family recognized from the template text: the fallback renderer and the end-of-turn markers.
    public let family: ChatTemplate
    /// The parsed template; nil when the file has none or it did not parse.
    package let template: JinjaTemplate?
    /// Why the file's template is not used at all (missing or unparsable); nil when it parsed.
    public let unavailableReason: String?
    /// Texts the template sees as `bos_token` and `eos_token`.
    public let bosToken: String
    public let eosToken: String

    public init(source: String?, bosToken: String, eosToken: String) {
        family = ChatTemplate.recognize(source)
        self.bosToken = bosToken
        self.eosToken = eosToken
        guard let source else {
            template = nil
            unavailableReason = "the model file has no tokenizer.chat_template"
            return
        }
        do {
            template = try JinjaTemplate(source)
            unavailableReason = nil
        } catch {
            template = nil
            unavailableReason = "its chat template does not parse: \(error)"
        }
    }

    /// The prompt for `messages`, ending where the assistant's reply begins when
    /// `addGenerationPrompt` is set (and the template honours it).
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> ChatPrompt {
        render(messages, addGenerationPrompt: addGenerationPrompt, tools: nil)
    }

    /// The same, with tool schemas (JSON values, e.g. from `JinjaValue(json:)`) for templates that
    /// describe tools; the family renderer ignores them.
    package func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true, tools: [JinjaValue]?) -> ChatPrompt {
        let values = messages.map { JinjaValue.dict(JinjaDict([("role", .string($0.role)), ("content", .string($0.content))])) }
        return render(messages: values, addGenerationPrompt: addGenerationPrompt, tools: tools) {
            family.render(messages, bos: bosToken, eos: eosToken)
        }
    }

    /// Renders messages given as template values (for tool calls and other fields a plain
    /// `ChatMessage` lacks); `fallback` renders when the template cannot.
    package func render(messages: [JinjaValue], addGenerationPrompt: Bool, tools: [JinjaValue]?,
                        extra: [String: JinjaValue] = [:], fallback: () -> String) -> ChatPrompt {
        guard let template else {
            return ChatPrompt(text: fallback(), fallbackReason: unavailableReason, templateFailed: false)
        }
        var context: [String: JinjaValue] = [
            "messages": .list(messages),
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(bosToken),
            "eos_token": .string(eosToken),
            // transformers always passes these, None when absent, so `tools is defined` holds.
            "tools": tools.map { .list($0) } ?? .none,
            "documents": .none,
        ]
        context.merge(extra) { $1 }
        do {
            return ChatPrompt(text: try template.render(context), fallbackReason: nil, templateFailed: false)
        } catch {
            return ChatPrompt(text: fallback(), fallbackReason: "its chat template failed: \(error)", templateFailed: true)
        }
    }
}

/// A rendered chat prompt.
public struct ChatPrompt: Sendable, Equatable {
    public var text: String
    /// Why the family renderer made `text` instead of the file's template; nil when the template did.
    public var fallbackReason: String?
    /// The template parsed but failed on these messages (`raise_exception`, a limit, a type error).
    public var templateFailed: Bool
}
