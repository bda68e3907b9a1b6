import Foundation

/// BERT's tokenizer (`tokenizer.ggml.model` "bert"): basic tokenization, then greedy
/// longest-match-first WordPiece over each word (Devlin et al., 2019; Wu et al., 2016). It
/// follows Hugging Face `tokenizers`' `BertNormalizer` + `BertPreTokenizer` + `WordPiece`, checked
/// against it (Tests/TokenizersTests/Fixtures/wordpiece-*.json, made by
/// scripts/make-wordpiece-fixtures.py):
///
/// - Cleaning: NUL, U+FFFD and control characters (general category C*, except tab, newline and
///   carriage return) are dropped.
/// - Words split at White_Space characters; every punctuation character (ASCII punctuation or
///   general category P*) and every CJK ideograph is a word of its own.
/// - Uncased vocabularies: each character is decomposed (NFD), nonspacing marks (accents) are
///   dropped, and the rest lowercased. GGUF has no key for this, so it is read from the vocabulary:
///   one is uncased when none of its text pieces has a character that lowercasing changes (true of
///   BERT's, MiniLM's and BGE's uncased vocabularies; a cased one has thousands such pieces).
///   llama.cpp instead always lowercases and keeps accents.
/// - WordPiece: a word of more than 100 characters, or one with a part no piece matches, becomes
///   the unknown token; otherwise the longest piece at the start, then the longest continuation
///   piece, and so on.
///
/// The vocabulary may be in llama.cpp's converted form (word-initial pieces prefixed "▁",
/// continuations bare, special tokens as they are) or in BERT's own form (continuations
/// prefixed "##"); it is the converted form when a text piece starts with "▁".
struct WordPieceModel: Sendable {
    /// Words longer than this (in Unicode scalars) are the unknown token, as in BERT.
    static let maxWordLength = 100

    /// Pieces by their UTF-8 bytes: compared byte for byte as BERT does (a Swift `String` key
    /// would also match canonically equivalent text, "e\u{301}" for "é").
    private let wordStarts: ByteStringTable
    private let continuations: ByteStringTable
    /// The most Unicode scalars of any piece: longer candidates are never looked up.
    private let longestPiece: Int
    let unknownID: Int32
    /// Whether text is lowercased and stripped of accents (an uncased vocabulary).
    let lowercases: Bool
    /// Whether the vocabulary is in llama.cpp's "▁"-prefixed form.
    let phantomSpaces: Bool

    init(tokens: [String], types: [TokenType], unknownID: Int32) {
        let phantom = zip(tokens, types).contains { $0.1.isText && Self.starts($0.0, with: "\u{2581}") }
        var starts = ByteStringTable(capacity: tokens.count), continued = ByteStringTable(capacity: tokens.count)
        var longest = 1
        var cased = false
        for (i, (text, type)) in zip(tokens, types).enumerated() where type.isText || type == .userDefined {
            let (piece, isStart) = Self.split(text, phantom: phantom)
            guard !piece.isEmpty else { continue }
            if isStart {
                if starts.lookup(piece.utf8) == nil { starts.insert(piece.utf8, value: Int32(i)) }
            } else if continued.lookup(piece.utf8) == nil {
                continued.insert(piece.utf8, value: Int32(i))
            }
            longest = max(longest, piece.unicodeScalars.count)
            // Bracketed names ("[unused0]") are placeholders, not text the vocabulary was built from.
            let placeholder = piece.hasPrefix("[") && piece.hasSuffix("]")
            if !cased, !placeholder, piece.unicodeScalars.contains(where: { $0.properties.changesWhenLowercased }) { cased = true }
        }
        wordStarts = starts
        continuations = continued
        longestPiece = longest
        self.unknownID = unknownID
        lowercases = !cased
        phantomSpaces = phantom
    }

    /// A vocabulary entry's piece and whether it starts a word.
    private static func split(_ text: String, phantom: Bool) -> (piece: String, isStart: Bool) {
        if phantom {
            return starts(text, with: "\u{2581}") ? (String(text.unicodeScalars.dropFirst()), true) : (text, false)
        }
        return starts(text, with: "##") ? (String(text.unicodeScalars.dropFirst(2)), false) : (text, true)
    }

    /// A prefix test on Unicode scalars (`hasPrefix` compares characters, and a combining mark
    /// after "##" joins the second "#").
    private static func starts(_ text: String, with prefix: String) -> Bool {
        text.unicodeScalars.starts(with: prefix.unicodeScalars)
    }

    /// The bytes a text piece stands for when decoding: a space before a word-initial piece.
    static func decodedBytes(_ text: String, phantom: Bool) -> [UInt8] {
        let (piece, isStart) = split(text, phantom: phantom)
        return (isStart ? [0x20] : []) + Array(piece.utf8)
    }

    // MARK: encoding

    /// Appends the token ids of `text` (no special tokens).
    func encode(_ text: String, into output: inout [Int32]) {
        for word in words(text) { encodeWord(word, into: &output) }
    }

    /// The words basic tokenization splits `text` into, normalized as the vocabulary needs.
    func words(_ text: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var word: [Unicode.Scalar] = []
        func finish() {
            if !word.isEmpty { words.append(word); word.removeAll(keepingCapacity: true) }
        }
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if scalar.properties.isWhitespace { finish(); continue }
            if Self.isCJK(scalar) {
                finish()
                words.append(normalized(scalar))
                continue
            }
            for c in normalized(scalar) {
                if Self.isPunctuation(c) {
                    finish()
                    words.append([c])
                } else {
                    word.append(c)
                }
            }
        }
        finish()
        return words
    }

    /// One character as an uncased vocabulary sees it: decomposed, without nonspacing marks,
    /// lowercased; unchanged for a cased one.
    private func normalized(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        guard lowercases else { return [scalar] }
        if scalar.isASCII {
            return [(0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 32)! : scalar]
        }
        var out: [Unicode.Scalar] = []
        for c in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
        where c.properties.generalCategory != .nonspacingMark {
            out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
        }
        return out
    }

    /// Greedy longest-match-first: the word's pieces, or the unknown token for all of it.
    private func encodeWord(_ word: [Unicode.Scalar], into output: inout [Int32]) {
        guard word.count <= Self.maxWordLength else { output.append(unknownID); return }
        // The word's UTF-8 bytes, and where each scalar starts in them.
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        for scalar in word {
            offsets.append(bytes.count)
            bytes.append(contentsOf: UTF8.encode(scalar)!)
        }
        offsets.append(bytes.count)
        let mark = output.count
        var start = 0
        while start < word.count {
            var end = min(word.count, start + longestPiece)
            var found: Int32?
            while end > start {
                let table = start == 0 ? wordStarts : continuations
                let id = bytes.withUnsafeBufferPointer { table.lookup($0.baseAddress! + offsets[start], offsets[end] - offsets[start]) }
                if let id {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                output.removeSubrange(mark...)
                output.append(unknownID)
                return
            }
            output.append(found)
            start = end
        }
    }

    // MARK: character classes (as BERT defines them)

    /// Control characters: general category C*, except tab, newline and carriage return, which
    /// count as whitespace.
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        if c == "\t" || c == "\n" || c == "\r" { return false }
        switch c.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII punctuation (including symbols such as `$`, `+`, `^`) or general category P*.
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks and their extensions and compatibility ideographs (not
    /// Hangul, Hiragana or Katakana, which are written with spaces or tokenized as words).
    static func isCJK(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
