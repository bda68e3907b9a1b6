import JSON
import JSONRPC

/// `text/embed`: one vector per text. A BERT encoder (`bert` GGUF, WordPiece) pools its last
/// layer's token states; a decoder pools its last hidden states after the output norm (mean by
/// default, as DiverseEvol embeds instructions). Texts get the model's special tokens ([CLS] …
/// [SEP], or BOS). `pooling`: `mean` over every token, `cls` (the first token) or `last`;
/// `normalize` scales each vector to unit length. `tokens[i]` is how many tokens text i became.
/// Cancellation is honoured between forward passes. Errors: -33000 (model not loaded), -33002 (a
/// text longer than the context, unless `truncate`), -33001 (a decoder's KV cache does not fit
/// the memory budget), -32602 (no texts, too many, or a bad pooling name).
public enum TextEmbed: RPCMethod, DocumentedMethod {
    public static let name = "text/embed"
    public static let summary = "Embeds texts with an encoder (BERT) or a decoder's pooled hidden states."

    /// How token states become one vector.
    public enum Pooling: String, Codable, Sendable, CaseIterable {
        case mean, cls, last
    }

    public struct Params: Codable, Sendable {
        public var model: String
        public var texts: [String]
        public var pooling: Pooling
        public var normalize: Bool
        public var truncate: Bool
    }

    public struct Result: Codable, Sendable {
        public var embeddings: [[Float]]
        public var dimension: Int
        /// Tokens of each text, special tokens included (after truncation).
        public var tokens: [Int]
        public init(embeddings: [[Float]], dimension: Int, tokens: [Int]) {
            self.embeddings = embeddings
            self.dimension = dimension
            self.tokens = tokens
        }
    }

    /// Most texts one request takes.
    public static let maxTexts: Int64 = 1024

    public static let params = [
        ModelWire.model,
        ParamDoc("texts", "The texts to embed, 1 to 1024.", Schema.array(Schema.string, minItems: 1, maxItems: maxTexts), required: true),
        ParamDoc("pooling", "mean (every token), cls (the first token) or last (the last token).",
                 Schema.enumeration(Pooling.allCases.map(\.rawValue)), default: "mean"),
        ParamDoc("normalize", "Scale each vector to unit length.", Schema.boolean, default: true),
        ParamDoc("truncate", "Cut texts longer than the context to fit (keeping [SEP]) instead of refusing them.",
                 Schema.boolean, default: false),
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "embeddings": Schema.array(Schema.array(Schema.number)), "dimension": Schema.integer,
        "tokens": Schema.array(Schema.integer),
    ], required: ["embeddings", "dimension", "tokens"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow, .memoryBudgetExceeded]
}
