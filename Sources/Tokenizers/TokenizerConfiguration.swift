// The tokenizer's inputs, as read from GGUF metadata (`tokenizer.ggml.*`), and its errors.

/// GGUF token types (`tokenizer.ggml.token_type`).
public enum TokenType: Int32, Sendable, CaseIterable {
    /// 0: not specified; treated as `normal`.
    case undefined = 0
    case normal = 1
    case unknown = 2
    case control = 3
    case userDefined = 4
    case unused = 5
    case byte = 6
}

/// Everything `Tokenizer` needs, as plain values. Field names follow the GGUF keys they come from.
public struct TokenizerConfiguration: Sendable {
    /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE), "llama" (SentencePiece BPE) or "bert" (WordPiece).
    public var model: String
    /// `tokenizer.ggml.pre`: the pre-tokenizer of a byte-level BPE vocabulary ("llama-bpe", "qwen2",
    /// "gpt-2", "smollm", "default", …; see docs/pretokenizers.md). Absent (nil or empty): llama.cpp's
    /// "default" rule, with a warning in `Tokenizer.warnings`. Ignored for "llama".
    public var pre: String?
    /// `tokenizer.ggml.tokens`. For byte-level BPE, normal tokens are in GPT-2's byte-to-unicode form;
    /// control and user-defined tokens are plain text.
    public var tokens: [String]
    /// `tokenizer.ggml.scores`: merge priority of SentencePiece pieces (required for "llama").
    public var scores: [Float]?
    /// `tokenizer.ggml.token_type` (see `TokenType`); all `normal` when absent.
    public var tokenTypes: [Int32]?
    /// `tokenizer.ggml.merges`: "left right" pairs, best first (required for "gpt2").
    public var merges: [String]?
    public var bosID: Int32?
    public var eosID: Int32?
    public var unknownID: Int32?
    public var paddingID: Int32?
    /// `tokenizer.ggml.cls_token_id` and `tokenizer.ggml.seperator_token_id` (sic): WordPiece's
    /// [CLS] and [SEP], which it uses as BOS and EOS (else the BOS/EOS ids, else the tokens named so).
    public var clsID: Int32?
    public var separatorID: Int32?
    /// `tokenizer.ggml.add_bos_token` / `add_eos_token`: add BOS/EOS when encoding with `addSpecial`.
    public var addBOS: Bool
    public var addEOS: Bool
    /// `tokenizer.ggml.add_space_prefix`: SentencePiece prepends "▁" to the text (and strips one leading
    /// space from the first decoded token).
    public var addSpacePrefix: Bool

    /// Defaults follow llama.cpp when a key is absent: for "llama", BOS is added and a space prefix is
    /// used; for "bert", [CLS] and [SEP] frame the text; for "gpt2", BOS is added only with the pre-tokenizers for which llama.cpp adds it (Llama 3,
    /// Tekken, Chameleon) and there is no space prefix.
    public init(
        model: String,
        pre: String? = nil,
        tokens: [String],
        scores: [Float]? = nil,
        tokenTypes: [Int32]? = nil,
        merges: [String]? = nil,
        bosID: Int32? = nil,
        eosID: Int32? = nil,
        unknownID: Int32? = nil,
        paddingID: Int32? = nil,
        clsID: Int32? = nil,
        separatorID: Int32? = nil,
        addBOS: Bool? = nil,
        addEOS: Bool? = nil,
        addSpacePrefix: Bool? = nil
    ) {
        self.model = model
        self.pre = pre
        self.tokens = tokens
        self.scores = scores
        self.tokenTypes = tokenTypes
        self.merges = merges
        self.bosID = bosID
        self.eosID = eosID
        self.unknownID = unknownID
        self.paddingID = paddingID
        self.clsID = clsID
        self.separatorID = separatorID
        let isSentencePiece = model == "llama", isWordPiece = model == "bert"
        let bosByDefault = pre.map { PreTokenizerRule.addBOSNames.contains($0) } ?? false
        self.addBOS = addBOS ?? (isSentencePiece || isWordPiece || bosByDefault)
        self.addEOS = addEOS ?? isWordPiece
        self.addSpacePrefix = addSpacePrefix ?? isSentencePiece
    }
}

public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `tokenizer.ggml.model` is not "gpt2", "llama" or "bert".
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this module does not implement.
    case unsupportedPreTokenizer(String, supported: [String])
    /// `tokenizer.ggml.pre` names a pre-tokenizer llama.cpp knows but Minos does not implement.
    case unimplementedPreTokenizer(String, reason: String)
    case emptyVocabulary
    /// An array that must have one entry per token has another length.
    case countMismatch(field: String, expected: Int, actual: Int)
    case invalidTokenType(index: Int, value: Int32)
    /// A special token id (BOS, EOS, …) is outside the vocabulary.
    case tokenIDOutOfRange(field: String, id: Int32, vocabularySize: Int)
    /// `addBOS`/`addEOS` is set but there is no such token.
    case missingSpecialToken(String)
    /// A required array (merges for "gpt2", scores for "llama") is absent.
    case missingField(String)
    /// A merge is not of the form "left right".
    case invalidMerge(index: Int, String)

    public var description: String {
        switch self {
        case .unsupportedModel(let name):
            return "unsupported tokenizer model '\(name)' (supported: gpt2, llama, bert)"
        case .unsupportedPreTokenizer(let name, let supported):
            return "unknown pre-tokenizer '\(name)' (known: \(supported.joined(separator: ", ")))"
        case .unimplementedPreTokenizer(let name, let reason):
            return "pre-tokenizer '\(name)' is not supported: \(reason)"
        case .emptyVocabulary:
            return "the vocabulary is empty"
        case .countMismatch(let field, let expected, let actual):
            return "\(field) has \(actual) entries, expected one per token (\(expected))"
        case .invalidTokenType(let index, let value):
            return "token \(index) has invalid token type \(value)"
        case .tokenIDOutOfRange(let field, let id, let size):
            return "\(field) \(id) is outside the vocabulary (size \(size))"
        case .missingSpecialToken(let name):
            return "\(name) must be added but no \(name) token id is set"
        case .missingField(let name):
            return "missing \(name)"
        case .invalidMerge(let index, let text):
            return "merge \(index) is not of the form 'left right': \(String(reflecting: text))"
        }
    }
}
