// One regular expression of a pre-tokenizer, as a hand-written matcher over a piece of text.
// `match(at:)` returns the end of the regex's match starting at scalar `i` (leftmost alternative
// wins, greedy quantifiers with the backtracking the regex would do), or nil where no match starts
// at `i`; `split` then walks the piece as llama.cpp's `unicode_regex_split` does: each match is a
// piece and so is the unmatched text between matches. The end of the piece is the end of the text
// for lookaheads (`\s+(?!\S)`, `$`). The regexes themselves are listed in PreTokenizerRule.swift and
// docs/pretokenizers.md.

/// A set of scalars: those with one of `classes`, or in one of `ranges` (sorted), or the complement.
struct ScalarSet: Sendable {
    let classes: UInt16
    let ranges: [ClosedRange<UInt32>]
    let negated: Bool

    init(classes: UInt16 = 0, ranges: [ClosedRange<UInt32>] = [], negated: Bool = false) {
        self.classes = classes
        self.ranges = ranges.sorted { $0.lowerBound < $1.lowerBound }
        self.negated = negated
    }

    /// The ranges of a regex character-class body without escapes ("A-Za-zµÀ-Ö…").
    init(classes: UInt16 = 0, body: String, negated: Bool = false) {
        let v = body.unicodeScalars.map(\.value)
        var ranges: [ClosedRange<UInt32>] = []
        var i = 0
        while i < v.count {
            if i + 2 < v.count && v[i + 1] == 0x2D {
                ranges.append(v[i]...v[i + 2])
                i += 3
            } else {
                ranges.append(v[i]...v[i])
                i += 1
            }
        }
        self.init(classes: classes, ranges: ranges, negated: negated)
    }

    @inline(__always)
    func contains(_ v: UInt32, _ c: UInt16) -> Bool {
        var hit = c & classes != 0
        if !hit && !ranges.isEmpty {
            var lo = 0
            var hi = ranges.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if ranges[mid].upperBound < v { lo = mid + 1 } else { hi = mid }
            }
            hit = lo < ranges.count && ranges[lo].contains(v)
        }
        return hit != negated
    }
}

/// Options of the Llama 3 / Qwen2 regex family:
/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,k}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
struct WordOptions: Sendable {
    /// k in `\p{N}{1,k}`; `Int.max` for `\p{N}+`.
    var maxDigits: Int
    /// The leading contraction alternative (absent in ufakzeka's).
    var contractions = true
    /// Qwen3.5: letters are `[\p{L}\p{M}]` and marks are not "other".
    var marksAreLetters = false
    /// `[\r\n]*` after a punctuation run (absent in seed-coder's).
    var newlinesAfterPunctuation = true
    /// Jais 2: `\s{512}(?!\S)|…|\s{4}(?!\S)|\s{1,2}(?!\S)|\s{1}` instead of `\s+(?!\S)|\s+`.
    var whitespaceCascade = false
}

/// Options of the o200k (GPT-4o) regex family, which splits letters by case:
/// `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+C?
/// |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*C?
/// |\p{N}{1,k}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+` with C the contractions.
struct CasedWordOptions: Sendable {
    var maxDigits: Int
    /// The optional contraction suffix C (absent in Tekken's).
    var contractions: Bool
    /// `[\r\n/]*` after a punctuation run; Kimi K2 has `[\r\n]*`.
    var slashAfterPunctuation = true
    /// Kimi K2: a leading `[\p{Han}]+` alternative, and Han excluded from the cased classes.
    var hanFirst = false
}

enum SplitPattern: Sendable {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    case words(WordOptions)
    case casedWords(CasedWordOptions)
    /// DeepSeek V3's third regex: `[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+
    /// |[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
    /// `spark`: Spark 2.5's, with ` ?[\p{P}\p{S}]+|[\r\n]|` in the middle.
    case punctuationWords(spark: Bool)
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?(?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+|\p{N}
    /// | ?[^\s\p{L}\p{N}]+[\r\n/]?|\s*[\r\n]|\s+(?!\S)|\s+`
    case exaoneMoE
    /// `P?[S]+` (or `P?[S]` when `single`), P being nothing, ` ` or `\s`.
    case run(ScalarSet, prefix: RunPrefix, single: Bool)
    /// `[A]+|[B]+|…`
    case runs([ScalarSet])
    /// `\p{N}{1,k}` (`\p{N}+` for `Int.max`)
    case digits(max: Int)
    /// `[0-9][0-9][0-9]`
    case asciiDigitTriples
    /// `\p{N}` runs in groups of three counted from the right ("1234567" -> 1 234 567). With
    /// `wordBoundary`, Tiny Aya's `\d{1,3}(?=(?:\d{3})*\b)`: only `\d` runs that end the word.
    case digitsFromRight(wordBoundary: Bool)
    /// `[^\n]+|[\n]+`
    case newlineRuns
    /// `\s+$`
    case trailingWhitespace
    /// Chameleon: `<sentinel:[0-9]+>`
    case chameleonSentinel
    /// Chameleon: `(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z`
    case chameleonImage
    /// Chameleon: `([\t\n]|    |  )`
    case chameleonSpaces

    enum RunPrefix: Sendable {
        case none
        /// ` ?`
        case space
        /// `\s?`
        case whitespace
    }
}
