import JSON
import JSONRPC

/// `text/score`: the log-probability of every token of `continuation` given `prompt` and the
/// continuation's earlier tokens, from one forward pass over both — the scoring primitive
/// verifiers need. `topK` adds the k most likely alternatives at each position. A text prompt is
/// tokenized with BOS as the model adds it, a text continuation without; token ids are used
/// exactly as given. Errors: -33000, -33002.
public enum TextScore: RPCMethod, DocumentedMethod {
    public static let name = "text/score"
    public static let summary = "Log-probabilities of each continuation token given the prompt, with optional top-k alternatives."

    public struct Params: Codable, Sendable {
        public var model: String
        public var prompt: TextInput
        public var continuation: TextInput
        public var topK: Int
        public var parseSpecial: Bool
    }

    public struct Result: Codable, Sendable {
        public struct Alternative: Codable, Sendable {
            public var token: Int32
            public var text: String
            public var logprob: Double
            public init(token: Int32, text: String, logprob: Double) {
                self.token = token
                self.text = text
                self.logprob = logprob
            }
        }
        public struct Token: Codable, Sendable {
            public var token: Int32
            public var text: String
            public var logprob: Double
            public var top: [Alternative]?
            public init(token: Int32, text: String, logprob: Double, top: [Alternative]?) {
                self.token = token
                self.text = text
                self.logprob = logprob
                self.top = top
            }
        }
        public var tokens: [Token]
        public var totalLogprob: Double
        public var promptTokens: Int
        /// Prompt tokens reused from cached entries, and those evaluated for this request.
        public var cachedTokens: Int
        public var evaluatedTokens: Int
        public init(tokens: [Token], totalLogprob: Double, promptTokens: Int, cachedTokens: Int, evaluatedTokens: Int) {
            self.tokens = tokens
            self.totalLogprob = totalLogprob
            self.promptTokens = promptTokens
            self.cachedTokens = cachedTokens
            self.evaluatedTokens = evaluatedTokens
        }
    }

    static let alternative = Schema.object(["token": Schema.integer, "text": Schema.string, "logprob": Schema.number],
                                           required: ["token", "text", "logprob"])
    /// One scored token: id, text, log-probability, optional alternatives.
    static let token = Schema.object(["token": Schema.integer, "text": Schema.string, "logprob": Schema.number,
                                      "top": Schema.array(alternative)], required: ["token", "text", "logprob"])
    public static let params = [
        ModelWire.model,
        ParamDoc("prompt", "The conditioning text, or its token ids.", TextInput.schema, required: true),
        ParamDoc("continuation", "The text to score, or its token ids.", TextInput.schema, required: true),
        ParamDoc("topK", "Also return the k most likely tokens at each position.", Schema.integer(minimum: 0, maximum: 100), default: 0),
        ParamDoc("parseSpecial", "Recognize special-token texts in both.", Schema.boolean, default: false),
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "tokens": Schema.array(token),
        "totalLogprob": Schema.number, "promptTokens": Schema.integer,
        "cachedTokens": Schema.integer, "evaluatedTokens": Schema.integer,
    ], required: ["tokens", "totalLogprob", "promptTokens", "cachedTokens", "evaluatedTokens"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow]
}
