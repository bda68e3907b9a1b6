// Text <-> token ids for GGUF vocabularies: byte-level BPE ("gpt2"), SentencePiece BPE ("llama") and
// WordPiece ("bert", see WordPieceModel.swift for its rules and their differences from llama.cpp).
// The behaviour follows llama.cpp's tokenizer (llama-vocab.cpp) and is checked against Hugging Face
// `tokenizers` (Tests/TokenizersTests/Fixtures, made by scripts/make-tokenizer-fixtures.py).
//
// Intentional differences:
// - Special tokens: control and unknown tokens are recognised in the text only with
//   `parseSpecial: true`; user-defined tokens always are, as in llama.cpp and HF.
//   Matching is leftmost-longest (as HF); llama.cpp instead splits on each special token in turn,
//   longest first, which differs only for overlapping special texts.
// - Llama 3 / Qwen2 contractions are case-insensitive as in the original regex (HF/Oniguruma), so
//   "'ſ" (long s) is a contraction; llama.cpp's adapted regex uses [sS] only.
// - Qwen2's HF tokenizer applies NFC first; like llama.cpp, Minos does not normalize.
// - Byte-level decoding is exact (no llama.cpp "clean_spaces" post-processing such as " ." -> "."),
//   so decode(encode(x)) == x for every string.
// - Merges whose parts or result are not in the vocabulary are ignored (llama.cpp applies them and
//   then falls back to per-byte lookups); well-formed vocabularies have none.
// - SentencePiece merges only form normal (and unused) pieces; llama.cpp looks up every token text,
//   so there a control or user-defined token could in principle come out of merging plain text.
// - Pre-tokenizer regexes follow the models' tokenizer.json where llama.cpp adapted them (see
//   docs/pretokenizers.md); a missing `pre` selects llama.cpp's "default" regexes, with a warning.
// - SentencePiece decoding removes the prefix space only from the very first token, as llama.cpp
//   does: after a BOS (rendered or skipped) the space stays (" Hello"), where HF's decoder gives
//   "Hello". A literal "▁" in the input decodes as a space (inherent to SentencePiece).

extension TokenType {
    /// Tokens that stand for text and take part in merges.
    var isText: Bool { self == .normal || self == .undefined || self == .unused }
}

public final class Tokenizer: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Byte-level BPE (`tokenizer.ggml.model` "gpt2").
        case bytePair
        /// SentencePiece BPE (`tokenizer.ggml.model` "llama").
        case sentencePiece
        /// BERT's WordPiece (`tokenizer.ggml.model` "bert").
        case wordPiece
    }

    private enum Engine: Sendable {
        case bytePair(BytePairModel)
        case sentencePiece(SentencePieceModel)
        case wordPiece(WordPieceModel)
    }

    public let kind: Kind
    public let vocabularySize: Int
    /// The token `encode(_:addSpecial: true)` starts with when `addsBOS`; for WordPiece, [CLS].
    public let bosID: Int32?
    /// The token `encode(_:addSpecial: true)` ends with when `addsEOS`; for WordPiece, [SEP].
    public let eosID: Int32?
    public let unknownID: Int32?
    public let paddingID: Int32?
    /// Whether `encode(_:addSpecial: true)` adds BOS / EOS.
    public let addsBOS: Bool
    public let addsEOS: Bool
    /// SentencePiece: "▁" is prepended to each text fragment, and one leading space is removed from
    /// the first decoded token.
    public let addsSpacePrefix: Bool

    /// Problems that do not stop loading but should be logged (e.g. a missing `tokenizer.ggml.pre`).
    public let warnings: [String]
    /// The splitting rule of a byte-level BPE vocabulary (a rule name of docs/pretokenizers.md, e.g.
    /// "starcoder" for `tokenizer.ggml.pre` "smollm"); nil for SentencePiece.
    public let preTokenizerRule: String?

    private let engine: Engine
    private let tokens: [String]
    private let types: [TokenType]
    private let pieceData: [UInt8]
    private let pieceOffsets: [Int32]
    private let specials: SpecialTokenMatcher
    /// User-defined tokens only: matched even without `parseSpecial`, as llama.cpp and HF do.
    private let userDefined: SpecialTokenMatcher
    private let tokenIDs: ByteStringTable

    public init(_ configuration: TokenizerConfiguration) throws(TokenizerError) {
        let c = configuration
        let kind: Kind
        switch c.model {
        case "gpt2": kind = .bytePair
        case "llama": kind = .sentencePiece
        case "bert": kind = .wordPiece
        default: throw .unsupportedModel(c.model)
        }
        var warnings: [String] = []
        let n = c.tokens.count
        guard n > 0 else { throw .emptyVocabulary }
        guard n < Int(Int32.max) else {
            throw .countMismatch(field: "tokens", expected: Int(Int32.max) - 1, actual: n)
        }

        var types = [TokenType](repeating: .normal, count: n)
        if let raw = c.tokenTypes {
            guard raw.count == n else { throw .countMismatch(field: "token types", expected: n, actual: raw.count) }
            for (i, value) in raw.enumerated() {
                guard let type = TokenType(rawValue: value) else { throw .invalidTokenType(index: i, value: value) }
                types[i] = type
            }
        }
        if let scores = c.scores, scores.count != n {
            throw .countMismatch(field: "scores", expected: n, actual: scores.count)
        }
        var bosID = c.bosID, eosID = c.eosID, unknownID = c.unknownID
        var phantomSpaces = false   // WordPiece: the vocabulary is in llama.cpp's "▁" form
        if kind == .wordPiece {
            // BERT frames a text as [CLS] … [SEP]; llama.cpp's converter stores them under their own keys.
            func named(_ text: String) -> Int32? { c.tokens.firstIndex(of: text).map { Int32($0) } }
            bosID = c.clsID ?? bosID ?? named("[CLS]")
            eosID = c.separatorID ?? eosID ?? named("[SEP]")
            unknownID = unknownID ?? named("[UNK]")
        }
        for (field, id) in [("BOS id", bosID), ("EOS id", eosID), ("unknown id", unknownID), ("padding id", c.paddingID),
                            ("CLS id", c.clsID), ("separator id", c.separatorID)] {
            if let id, id < 0 || Int(id) >= n {
                throw .tokenIDOutOfRange(field: field, id: id, vocabularySize: n)
            }
        }
        if c.addBOS && bosID == nil { throw .missingSpecialToken(kind == .wordPiece ? "CLS" : "BOS") }
        if c.addEOS && eosID == nil { throw .missingSpecialToken(kind == .wordPiece ? "SEP" : "EOS") }

        switch kind {
        case .bytePair:
            let rule: PreTokenizerRule
            if let name = c.pre, !name.isEmpty {
                if let reason = PreTokenizerRule.refused[name] { throw .unimplementedPreTokenizer(name, reason: reason) }
                guard let named = PreTokenizerRule(name: name) else {
                    throw .unsupportedPreTokenizer(name, supported: PreTokenizerRule.supportedNames)
                }
                rule = named
            } else {
                // llama.cpp loads such a file with its "default" regexes and warns.
                rule = .default
                warnings.append(
                    "missing pre-tokenizer type (tokenizer.ggml.pre), using 'default' as llama.cpp does: "
                        + "generation quality will be degraded; consider regenerating the model file")
            }
            guard let merges = c.merges else { throw .missingField("merges (tokenizer.ggml.merges)") }
            let ignoreMerges = c.pre.map { PreTokenizerRule.ignoreMergesNames.contains($0) } ?? false
            engine = .bytePair(
                try BytePairModel(
                    preTokenizer: PreTokenizer(rule), ignoreMerges: ignoreMerges, tokens: c.tokens, types: types,
                    merges: merges))
            preTokenizerRule = rule.rawValue
        case .sentencePiece:
            preTokenizerRule = nil
            guard let scores = c.scores else { throw .missingField("scores (tokenizer.ggml.scores)") }
            engine = .sentencePiece(
                SentencePieceModel(tokens: c.tokens, types: types, scores: scores, unknownID: c.unknownID))
        case .wordPiece:
            preTokenizerRule = nil
            guard let unknownID else { throw .missingField("unknown token (tokenizer.ggml.unknown_token_id or [UNK])") }
            let model = WordPieceModel(tokens: c.tokens, types: types, unknownID: unknownID)
            phantomSpaces = model.phantomSpaces
            engine = .wordPiece(model)
        }

        // Decoded bytes of every token.
        var data: [UInt8] = []
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(n + 1)
        for (i, text) in c.tokens.enumerated() {
            let type = types[i]
            if type == .control || type == .userDefined || type == .unknown {
                if kind == .wordPiece { data.append(0x20) }   // a word of its own, as HF decodes it
                data.append(contentsOf: text.utf8)
            } else if type == .byte, let b = SentencePieceModel.byteValue(text) {
                data.append(b)
            } else if kind == .bytePair {
                data.append(contentsOf: ByteLevel.decode(text))
            } else if kind == .wordPiece {
                data.append(contentsOf: WordPieceModel.decodedBytes(text, phantom: phantomSpaces))
            } else {
                // "▁" -> " "
                for b in Self.unescapeSpaces(text) { data.append(b) }
            }
            offsets.append(Int32(data.count))
        }

        var specialTokens: [(text: String, id: Int32)] = []
        var userDefinedTokens: [(text: String, id: Int32)] = []
        var ids = ByteStringTable(capacity: n)
        for (i, text) in c.tokens.enumerated() {
            if types[i] == .control || types[i] == .userDefined || types[i] == .unknown {
                specialTokens.append((text, Int32(i)))
            }
            if types[i] == .userDefined { userDefinedTokens.append((text, Int32(i))) }
            if ids.lookup(text.utf8) == nil { ids.insert(text.utf8, value: Int32(i)) }
        }

        self.kind = kind
        self.warnings = warnings
        self.vocabularySize = n
        self.bosID = bosID
        self.eosID = eosID
        self.unknownID = unknownID
        self.paddingID = c.paddingID
        self.addsBOS = c.addBOS
        self.addsEOS = c.addEOS
        self.addsSpacePrefix = kind == .sentencePiece && c.addSpacePrefix
        self.tokens = c.tokens
        self.types = types
        self.pieceData = data
        self.pieceOffsets = offsets
        self.specials = SpecialTokenMatcher(tokens: specialTokens)
        self.userDefined = SpecialTokenMatcher(tokens: userDefinedTokens)
        self.tokenIDs = ids
    }

    private static func unescapeSpaces(_ text: String) -> [UInt8] {
        let u = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            if i + 2 < u.count && u[i] == 0xE2 && u[i + 1] == 0x96 && u[i + 2] == 0x81 {
                out.append(0x20)
                i += 3
            } else {
                out.append(u[i])
                i += 1
            }
        }
        return out
    }

    // MARK: encoding

    /// Token ids of `text`.
    /// - Parameters:
    ///   - addSpecial: add BOS/EOS as the vocabulary asks (`addsBOS`, `addsEOS`).
    ///   - parseSpecial: recognise the texts of control, user-defined and unknown tokens in `text`
    ///     (longest match at each position); otherwise they are tokenized as plain text.
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addSpecial && addsBOS, let bosID { output.append(bosID) }
        var text = text
        text.makeContiguousUTF8()
        text.utf8.withContiguousStorageIfAvailable { bytes in
            encodeBytes(bytes, parseSpecial: parseSpecial, into: &output)
        }!
        if addSpecial && addsEOS, let eosID { output.append(eosID) }
        return output
    }

    /// The pieces the pre-tokenizer splits `text` into (special tokens are not recognised). BPE merges
    /// never cross piece boundaries. SentencePiece has no pre-tokenizer: the whole text is one piece.
    /// WordPiece: the words of basic tokenization, normalized (lowercased for an uncased vocabulary).
    public func preTokenize(_ text: String) -> [String] {
        if case .wordPiece(let model) = engine {
            return model.words(text).map { word in
                var s = ""
                s.unicodeScalars.append(contentsOf: word)
                return s
            }
        }
        guard case .bytePair(let model) = engine, !text.isEmpty else { return text.isEmpty ? [] : [text] }
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { bytes -> [String] in
            var buffer = ScalarBuffer()
            buffer.load(bytes)
            var ends: [Int32] = []
            model.preTokenizer.split(buffer, into: &ends)
            var pieces: [String] = []
            var start = 0
            for end in ends {
                let range = Int(buffer.offsets[start])..<Int(buffer.offsets[Int(end)])
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
                start = Int(end)
            }
            return pieces
        }!
    }

    private func encodeBytes(_ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool, into output: inout [Int32]) {
        guard !bytes.isEmpty else { return }
        let matcher = parseSpecial ? specials : userDefined
        let fragments: [SpecialTokenMatcher.Fragment] = matcher.isEmpty ? [.text(0..<bytes.count)] : matcher.split(bytes)
        switch engine {
        case .bytePair(let model):
            var ws = BytePairModel.Workspace()
            ws.cache.capacityHint = bytes.count / 4
            for fragment in fragments {
                switch fragment {
                case .token(let id): output.append(id)
                case .text(let range): model.encode(UnsafeBufferPointer(rebasing: bytes[range]), into: &output, &ws)
                }
            }
        case .sentencePiece(let model):
            var ws = SentencePieceModel.Workspace()
            // llama.cpp prefixes every text fragment that starts the input or follows a token.
            var previousIsToken = true
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    output.append(id)
                    previousIsToken = true
                case .text(let range):
                    model.encode(
                        UnsafeBufferPointer(rebasing: bytes[range]), spacePrefix: addsSpacePrefix && previousIsToken,
                        into: &output, &ws)
                    previousIsToken = false
                }
            }
        case .wordPiece(let model):
            for fragment in fragments {
                switch fragment {
                case .token(let id): output.append(id)
                case .text(let range):
                    model.encode(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self), into: &output)
                }
            }
        }
    }

    // MARK: decoding

    /// The text of `tokens`. Invalid UTF-8 in the result (a multi-byte character cut off by the token
    /// sequence) becomes U+FFFD; ids outside the vocabulary are ignored.
    /// - Parameter skipSpecial: omit control and unknown tokens (user-defined tokens are always text).
    ///
    /// With a space prefix (SentencePiece), one leading space is removed from the first token, as
    /// llama.cpp does; the first token is consumed by this even when it is a skipped special token.
    /// WordPiece words (and special tokens) are joined with spaces, "##" continuations without.
    public func decode(_ tokens: [Int32], skipSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(tokens, skipSpecial: skipSpecial), as: UTF8.self)
    }

    /// The bytes of `tokens` (see `decode`).
    public func decodeBytes(_ tokens: [Int32], skipSpecial: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(tokens.count * 4)
        var stripSpace = addsSpacePrefix
        pieceData.withUnsafeBufferPointer { data in
            for token in tokens {
                guard token >= 0 && Int(token) < vocabularySize else { continue }
                let strip = stripSpace
                stripSpace = false
                if skipSpecial && isSpecial(token) { continue }
                var start = Int(pieceOffsets[Int(token)])
                let end = Int(pieceOffsets[Int(token) + 1])
                if strip && start < end && data[start] == 0x20 { start += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: data[start..<end]))
            }
        }
        // WordPiece puts a space before every word; the text does not start with one.
        if kind == .wordPiece, out.first == 0x20 { out.removeFirst() }
        return out
    }

    /// The bytes one token stands for (special tokens: their text). Empty for ids outside the vocabulary.
    public func piece(_ token: Int32) -> [UInt8] {
        guard token >= 0 && Int(token) < vocabularySize else { return [] }
        return Array(pieceData[Int(pieceOffsets[Int(token)])..<Int(pieceOffsets[Int(token) + 1])])
    }

    // MARK: vocabulary

    public func tokenType(_ token: Int32) -> TokenType? {
        guard token >= 0 && Int(token) < vocabularySize else { return nil }
        return types[Int(token)]
    }

    /// Control and unknown tokens: the ones `decode(_:skipSpecial: true)` omits.
    public func isSpecial(_ token: Int32) -> Bool {
        guard let type = tokenType(token) else { return false }
        return type == .control || type == .unknown
    }

    /// The vocabulary string of a token (byte-level BPE: in GPT-2's mapped form).
    public func tokenText(_ token: Int32) -> String? {
        guard token >= 0 && Int(token) < vocabularySize else { return nil }
        return tokens[Int(token)]
    }

    /// The id of a vocabulary string (the first token with that exact string).
    public func tokenID(for text: String) -> Int32? {
        tokenIDs.lookup(text.utf8)
    }
}
