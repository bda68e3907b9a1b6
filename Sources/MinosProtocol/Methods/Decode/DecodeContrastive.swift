import JSON
import JSONRPC

/// `decode/contrastive`: generation with an expert and an amateur model sharing a vocabulary.
/// `mode: contrastive` samples each token from the contrastive distribution — proportional to
/// exp((1+β)·log p_expert − β·log p_amateur) over the plausible set {x : p_expert(x) ≥ α·max p_expert};
/// `speculative` lets the amateur draft `gamma` tokens that the expert checks in one pass (accepting
/// draft x with probability min(1, p_expert(x)/p_amateur(x)), resampling a rejection from the
/// positive part of p_expert − p_amateur, adding a bonus token when all are accepted), so the output
/// follows the expert's distribution at a fraction of its passes; `scd` (speculative contrastive
/// decoding) checks drafts against the contrastive distribution instead. Temperature 0 gives the
/// greedy variant of each (greedy `scd` equals greedy `contrastive` token for token). Give
/// `prompt`/`messages`, or `expertSessionId` and `amateurSessionId` (two sessions holding the same
/// tokens) to continue a conversation without recomputing it. Streams with `partialResultToken`;
/// cancellable between rounds.
public enum DecodeContrastive: RPCMethod, DocumentedMethod {
    public static let name = "decode/contrastive"
    public static let summary = "Contrastive, speculative or speculative-contrastive decoding with an expert and an amateur model."

    public struct Params: Codable, Sendable {
        public var expert: String
        public var amateur: String
        public var prompt: TextInput?
        public var messages: [ChatWireMessage]?
        public var expertSessionId: String?
        public var amateurSessionId: String?
        public var mode: String
        public var alpha: Double
        public var beta: Double
        public var gamma: Int
        public var maxTokens: Int
        public var temperature: Double
        public var seed: UInt64?
        public var stop: [String]
        public var stopTokens: [Int32]
        public var ignoreEOS: Bool
    }

    public struct Result: Codable, Sendable {
        public struct Statistics: Codable, Sendable {
            public var drafted: Int
            public var accepted: Int
            public var resampled: Int
            public var acceptanceRate: Double
            public var expertPasses: Int
            public var amateurPasses: Int
            public var tokensPerExpertPass: Double
            public init(drafted: Int, accepted: Int, resampled: Int, acceptanceRate: Double, expertPasses: Int, amateurPasses: Int,
                        tokensPerExpertPass: Double) {
                self.drafted = drafted
                self.accepted = accepted
                self.resampled = resampled
                self.acceptanceRate = acceptanceRate
                self.expertPasses = expertPasses
                self.amateurPasses = amateurPasses
                self.tokensPerExpertPass = tokensPerExpertPass
            }
        }
        public var text: String
        public var tokens: [Int32]
        public var tokenCount: Int
        public var promptTokens: Int
        public var cachedTokens: Int
        public var evaluatedTokens: Int
        public var stopReason: String
        public var mode: String
        public var statistics: Statistics
        public var timings: TextGenerate.Result.Timings
        public init(text: String, tokens: [Int32], tokenCount: Int, promptTokens: Int, cachedTokens: Int, evaluatedTokens: Int,
                    stopReason: String, mode: String, statistics: Statistics, timings: TextGenerate.Result.Timings) {
            self.text = text
            self.tokens = tokens
            self.tokenCount = tokenCount
            self.promptTokens = promptTokens
            self.cachedTokens = cachedTokens
            self.evaluatedTokens = evaluatedTokens
            self.stopReason = stopReason
            self.mode = mode
            self.statistics = statistics
            self.timings = timings
        }
    }

    public static let params = [
        ParamDoc("expert", "The expert model (loaded).", Schema.string, required: true),
        ParamDoc("amateur", "The amateur model (loaded; same vocabulary as the expert).", Schema.string, required: true),
        ParamDoc("prompt", "Raw prompt text (BOS added as the model does), or token ids.", TextInput.schema),
        ParamDoc("messages", "Chat messages {role, content}, rendered with the expert's template.", TextGenerate.messagesSchema),
        ParamDoc("expertSessionId", "Continue this session of the expert (with amateurSessionId, instead of prompt/messages).", Schema.string),
        ParamDoc("amateurSessionId", "Continue this session of the amateur; it must hold the same tokens.", Schema.string),
        ParamDoc("mode", "contrastive, speculative or scd.", Schema.enumeration(["contrastive", "speculative", "scd"]), default: "scd"),
        ParamDoc("alpha", "Plausibility cut: keep tokens the expert finds at least alpha × its best.",
                 ["type": "number", "minimum": 0, "maximum": 1], default: 0.1),
        ParamDoc("beta", "Contrast strength.", ["type": "number", "minimum": 0, "maximum": 100], default: 0.5),
        ParamDoc("gamma", "Tokens the amateur drafts per round (speculative, scd).", Schema.integer(minimum: 1, maximum: 16), default: 4),
        ParamDoc("temperature", "Sampling temperature for both models; 0 is greedy.", ["type": "number", "minimum": 0, "maximum": 100],
                 default: 1),
    ] + TextGenerate.sampling("maxTokens", "seed", "stop", "stopTokens", "ignoreEOS")
        + [TextGenerate.partialResultToken, Schema.workDoneToken]

    public static let resultSchema: JSONValue? = Schema.object([
        "text": Schema.string, "tokens": Schema.array(Schema.integer), "tokenCount": Schema.integer,
        "promptTokens": Schema.integer, "cachedTokens": Schema.integer, "evaluatedTokens": Schema.integer,
        "stopReason": Schema.enumeration(["stop", "endOfSequence", "length", "context"]),
        "mode": Schema.string,
        "statistics": Schema.object([
            "drafted": Schema.integer, "accepted": Schema.integer, "resampled": Schema.integer, "acceptanceRate": Schema.number,
            "expertPasses": Schema.integer, "amateurPasses": Schema.integer, "tokensPerExpertPass": Schema.number,
        ], required: ["drafted", "accepted", "resampled", "acceptanceRate", "expertPasses", "amateurPasses", "tokensPerExpertPass"]),
        "timings": TextGenerate.timingsSchema,
    ], required: ["text", "tokens", "tokenCount", "promptTokens", "cachedTokens", "evaluatedTokens", "stopReason", "mode",
                  "statistics", "timings"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow, .memoryBudgetExceeded, .notFound, .sessionBusy]
}
