import JSON
import JSONRPC

/// `text/tokenize`: the model's token ids for `text`. `addSpecial` (default true) adds BOS/EOS as
/// the model's tokenizer says; `parseSpecial` (default false) turns special-token texts such as
/// `<|im_end|>` into their tokens. Errors: -33000 (model not loaded).
public enum TextTokenize: RPCMethod, DocumentedMethod {
    public static let name = "text/tokenize"
    public static let summary = "Tokenizes text with a loaded model's tokenizer."

    public struct Params: Codable, Sendable {
        public var model: String
        public var text: String
        public var addSpecial: Bool
        public var parseSpecial: Bool
        public var pieces: Bool
    }

    public struct Result: Codable, Sendable {
        public var tokens: [Int32]
        /// Each token's text (when asked), bytes that are not valid UTF-8 alone shown as U+FFFD.
        public var pieces: [String]?
        public init(tokens: [Int32], pieces: [String]?) {
            self.tokens = tokens
            self.pieces = pieces
        }
    }

    public static let params = [
        ModelWire.model,
        ParamDoc("text", "The text.", Schema.string, required: true),
        ParamDoc("addSpecial", "Add BOS/EOS as the tokenizer does.", Schema.boolean, default: true),
        ParamDoc("parseSpecial", "Recognize special-token texts.", Schema.boolean, default: false),
        ParamDoc("pieces", "Also return each token's text.", Schema.boolean, default: false),
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "tokens": Schema.array(Schema.integer), "pieces": Schema.array(Schema.string),
    ], required: ["tokens"])
    public static let errors: [ErrorCode] = [.modelNotLoaded]
}

/// `text/detokenize`: the text of token ids. Ids outside the vocabulary are -32602.
public enum TextDetokenize: RPCMethod, DocumentedMethod {
    public static let name = "text/detokenize"
    public static let summary = "Turns token ids back into text."

    public struct Params: Codable, Sendable {
        public var model: String
        public var tokens: [Int32]
        public var skipSpecial: Bool
    }

    public struct Result: Codable, Sendable {
        public var text: String
        public init(text: String) { self.text = text }
    }

    public static let params = [
        ModelWire.model,
        ParamDoc("tokens", "Token ids.", Schema.array(Schema.integer), required: true),
        ParamDoc("skipSpecial", "Leave out special tokens.", Schema.boolean, default: false),
    ]
    public static let resultSchema: JSONValue? = Schema.object(["text": Schema.string], required: ["text"])
    public static let errors: [ErrorCode] = [.modelNotLoaded]
}
