/// A chat message for `text/generate`'s `messages`.
public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// The prompt families Minos recognizes in a GGUF file's `tokenizer.chat_template` by their marker
/// tokens. The template itself is executed (`ChatPromptTemplate`); a family gives the end-of-turn
/// markers and renders by hand only as the fallback when the template is missing or cannot run.
/// Unrecognized templates fall back to a plain "role: content" transcript.
public enum ChatTemplate: Sendable, Equatable {
    /// `<|im_start|>role\ncontent<|im_end|>` (Qwen, ChatML), with the template's default system
    /// prompt when it has one.
    case chatML(defaultSystem: String?)
    /// `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>` (Llama 3).
    case llama3
    /// `[INST] … [/INST]` with `<<SYS>>` system blocks (Llama 2).
    case llama2
    /// `[INST] … [/INST]`, the system prompt folded into the first user turn (Mistral).
    case mistral
    /// "role: content" lines, then "assistant:".
    case plain

    public static func recognize(_ template: String?) -> ChatTemplate {
        guard let template else { return .plain }
        if template.contains("<|im_start|>") {
            for known in ["You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", "You are a helpful assistant."]
            where template.contains(known) {
                return .chatML(defaultSystem: known)
            }
            return .chatML(defaultSystem: nil)
        }
        if template.contains("<|start_header_id|>") { return .llama3 }
        if template.contains("[INST]") { return template.contains("<<SYS>>") ? .llama2 : .mistral }
        return .plain
    }

    public var name: String {
        switch self {
        case .chatML: return "chatml"
        case .llama3: return "llama3"
        case .llama2: return "llama2"
        case .mistral: return "mistral"
        case .plain: return "plain"
        }
    }

    /// Special-token texts that end an assistant turn, besides the model's end-of-sequence token.
    public var endOfTurn: [String] {
        switch self {
        case .chatML: return ["<|im_end|>"]
        case .llama3: return ["<|eot_id|>"]
        case .llama2, .mistral: return ["</s>"]
        case .plain: return []
        }
    }

    /// The prompt text for `messages`, ending where the assistant's reply begins. The tokenizer adds
    /// BOS itself; special-token texts in the result must be parsed as special tokens.
    public func render(_ messages: [ChatMessage], bos: String = "<s>", eos: String = "</s>") -> String {
        switch self {
        case .chatML(let defaultSystem):
            var text = ""
            if messages.first?.role != "system", let defaultSystem {
                text += "<|im_start|>system\n\(defaultSystem)<|im_end|>\n"
            }
            for m in messages { text += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
            return text + "<|im_start|>assistant\n"
        case .llama3:
            var text = ""
            for m in messages { text += "<|start_header_id|>\(m.role)<|end_header_id|>\n\n\(m.content)<|eot_id|>" }
            return text + "<|start_header_id|>assistant<|end_header_id|>\n\n"
        case .llama2, .mistral:
            var system = messages.first?.role == "system" ? messages[0].content : nil
            var text = ""
            var first = true
            for m in messages where m.role != "system" {
                if m.role == "user" {
                    var content = m.content
                    if let s = system {
                        content = self == .llama2 ? "<<SYS>>\n\(s)\n<</SYS>>\n\n\(content)" : "\(s)\n\n\(content)"
                        system = nil
                    }
                    text += (first ? "" : bos) + "[INST] \(content) [/INST]"
                    first = false
                } else {
                    text += " \(m.content)\(eos)"
                }
            }
            return text
        case .plain:
            var text = ""
            for m in messages { text += "\(m.role): \(m.content)\n" }
            return text + "assistant:"
        }
    }
}
