import JSON
import JSONRPC

/// A chat message on the wire.
public struct ChatWireMessage: Codable, Sendable {
    public var role: String
    public var content: String
}

/// The params that say how to generate, declared once in `TextGenerate.samplingParams` and
/// shared by `text/generate` and `session/generate`.
public protocol GenerationParams: Sendable {
    var maxTokens: Int { get }
    var temperature: Double { get }
    var topK: Int { get }
    var topP: Double { get }
    var minP: Double { get }
    var repetitionPenalty: Double { get }
    var frequencyPenalty: Double { get }
    var presencePenalty: Double { get }
    var penaltyWindow: Int { get }
    var seed: UInt64? { get }
    var stop: [String] { get }
    var stopTokens: [Int32] { get }
    var ignoreEOS: Bool { get }
    var logprobs: Int { get }
}

/// `text/generate`: generates a continuation of `prompt` (raw text, no template, or token ids
/// taken as they are) or of `messages` (rendered with the model's chat template). Every generated
/// token comes with its log-probability under the model (softmax of the raw logits, before
/// temperature and truncation); `logprobs: k` adds the k most likely alternatives. With `partialResultToken`, text streams as
/// `$/progress {token, value: {text}}` notifications as it is produced; cancellation is honoured
/// between prefill chunks and between tokens. Errors: -33000 (model not loaded), -33002 (prompt
/// longer than the context), -32602 (bad sampling values, naming the field).
public enum TextGenerate: RPCMethod, DocumentedMethod {
    public static let name = "text/generate"
    public static let summary = "Generates text from a prompt or chat messages, streaming tokens as partial results."

    public struct Params: Codable, Sendable, GenerationParams {
        public typealias Message = ChatWireMessage
        public var model: String
        public var prompt: TextInput?
        public var messages: [Message]?
        public var maxTokens: Int
        public var temperature: Double
        public var topK: Int
        public var topP: Double
        public var minP: Double
        public var repetitionPenalty: Double
        public var frequencyPenalty: Double
        public var presencePenalty: Double
        public var penaltyWindow: Int
        public var seed: UInt64?
        public var stop: [String]
        public var stopTokens: [Int32]
        public var ignoreEOS: Bool
        public var logprobs: Int
    }

    public struct Result: Codable, Sendable {
        public struct Timings: Codable, Sendable {
            public var prefillSeconds: Double
            public var decodeSeconds: Double
            public var prefillTokensPerSecond: Double
            public var decodeTokensPerSecond: Double
            public init(prefillSeconds: Double, decodeSeconds: Double, prefillTokensPerSecond: Double, decodeTokensPerSecond: Double) {
                self.prefillSeconds = prefillSeconds
                self.decodeSeconds = decodeSeconds
                self.prefillTokensPerSecond = prefillTokensPerSecond
                self.decodeTokensPerSecond = decodeTokensPerSecond
            }
        }
        public var text: String
        public var tokens: [Int32]
        /// One entry per token of `tokens`: its log-probability and, with `logprobs: k`, the top k.
        public var logprobs: [TextScore.Result.Token]
        public var tokenCount: Int
        public var promptTokens: Int
        /// Prompt tokens reused from cached entries (a prefix an earlier request or session
        /// computed), and those evaluated for this request.
        public var cachedTokens: Int
        public var evaluatedTokens: Int
        /// "stop" (a stop string), "endOfSequence" (EOS or a stop token), "length" (maxTokens), "context" (context full).
        public var stopReason: String
        public var timings: Timings
        public init(text: String, tokens: [Int32], logprobs: [TextScore.Result.Token], tokenCount: Int, promptTokens: Int,
                    cachedTokens: Int, evaluatedTokens: Int, stopReason: String, timings: Timings) {
            self.cachedTokens = cachedTokens
            self.evaluatedTokens = evaluatedTokens
            self.text = text
            self.tokens = tokens
            self.logprobs = logprobs
            self.tokenCount = tokenCount
            self.promptTokens = promptTokens
            self.stopReason = stopReason
            self.timings = timings
        }
    }

    public static let params = [
        ModelWire.model,
        ParamDoc("prompt", "Raw prompt text (no chat template; BOS added as the model does), or token ids used exactly as given.",
                 TextInput.schema),
        ParamDoc("messages", "Chat messages {role, content}, rendered with the model's template.", messagesSchema),
    ] + samplingParams + [partialResultToken, Schema.workDoneToken]

    public static let messagesSchema = Schema.array(Schema.object(["role": Schema.string, "content": Schema.string],
                                                                  required: ["role", "content"]))
    public static let partialResultToken = ParamDoc("partialResultToken", "Stream text as $/progress {token, value: {text}} notifications.",
                                                    Schema.oneOf(["type": "string"], ["type": "integer"]))
    /// Some of `samplingParams`, by name, for methods that take only those (`decode/contrastive`).
    static func sampling(_ names: String...) -> [ParamDoc] {
        names.map { name in samplingParams.first { $0.name == name }! }
    }

    /// The params that say how to generate, shared with `session/generate`.
    public static let samplingParams: [ParamDoc] = [
        ParamDoc("maxTokens", "Most tokens to generate.", Schema.integer(minimum: 0), default: 256),
        ParamDoc("temperature", "Sampling temperature; 0 is greedy.", ["type": "number", "minimum": 0, "maximum": 100], default: 0.8),
        ParamDoc("topK", "Keep the k most likely tokens (0: all).", Schema.integer(minimum: 0), default: 40),
        ParamDoc("topP", "Nucleus sampling threshold.", ["type": "number", "exclusiveMinimum": 0, "maximum": 1], default: 0.95),
        ParamDoc("minP", "Drop tokens below minP × the best token's probability.", ["type": "number", "minimum": 0, "maximum": 1], default: 0.05),
        ParamDoc("repetitionPenalty", "Penalize tokens seen in the last penaltyWindow tokens (1: off).",
                 ["type": "number", "exclusiveMinimum": 0, "maximum": 10], default: 1),
        ParamDoc("frequencyPenalty", "Subtract this per occurrence.", ["type": "number", "minimum": -10, "maximum": 10], default: 0),
        ParamDoc("presencePenalty", "Subtract this once if present.", ["type": "number", "minimum": -10, "maximum": 10], default: 0),
        ParamDoc("penaltyWindow", "Tokens the penalties look back (-1: all).", Schema.integer(minimum: -1), default: 64),
        ParamDoc("seed", "Random seed: same seed, same text.", Schema.integer(minimum: 0)),
        ParamDoc("stop", "Stop strings; the text is cut before the first one.", Schema.array(Schema.string), default: []),
        ParamDoc("stopTokens", "Token ids that end generation (EOS always does, unless ignoreEOS).", Schema.array(Schema.integer), default: []),
        ParamDoc("ignoreEOS", "Keep going past the end-of-sequence token.", Schema.boolean, default: false),
        ParamDoc("logprobs", "Also return the k most likely alternatives of every generated token.",
                 Schema.integer(minimum: 0, maximum: 20), default: 0),
    ]

    public static let resultSchema: JSONValue? = Schema.object([
        "text": Schema.string, "tokens": Schema.array(Schema.integer), "logprobs": Schema.array(TextScore.token),
        "tokenCount": Schema.integer,
        "promptTokens": Schema.integer, "cachedTokens": Schema.integer, "evaluatedTokens": Schema.integer,
        "stopReason": Schema.enumeration(["stop", "endOfSequence", "length", "context"]),
        "timings": timingsSchema,
    ], required: ["text", "tokens", "logprobs", "tokenCount", "promptTokens", "cachedTokens", "evaluatedTokens", "stopReason", "timings"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow, .memoryBudgetExceeded]

    static let timingsSchema = Schema.object(["prefillSeconds": Schema.number, "decodeSeconds": Schema.number,
                                              "prefillTokensPerSecond": Schema.number, "decodeTokensPerSecond": Schema.number],
                                             required: ["prefillSeconds", "decodeSeconds", "prefillTokensPerSecond", "decodeTokensPerSecond"])
}
