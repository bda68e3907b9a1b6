// The matchers of SplitPattern: one function per regex shape, over one piece of text.

extension SplitPattern {
    /// Splits the piece `start..<end` of the text; appends the end (scalar index, exclusive) of each
    /// sub-piece to `out`: every match, and every run of text between matches.
    func split(
        _ scalars: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UInt16>, from start: Int, to end: Int,
        into out: inout [Int32]
    ) {
        let s = UnsafeBufferPointer(rebasing: scalars[start..<end])
        let c = UnsafeBufferPointer(rebasing: classes[start..<end])
        let n = end - start
        var i = 0
        var gap = 0
        while i < n {
            let r = match(at: i, s, c)
            if r > 0 {
                if gap < i { out.append(Int32(start + i)) }
                out.append(Int32(start + r))
                i = r
                gap = r
            } else {
                i = -r
            }
        }
        if gap < n { out.append(Int32(end)) }
    }

    /// The end (> i) of the match starting at `i`; or, where none starts there, minus the next
    /// position where one may start (so that a matcher can skip a run it has already rejected).
    @inline(__always)
    func match(at i: Int, _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<UInt16>) -> Int {
        let end: Int?
        switch self {
        case .gpt2: end = Self.matchGPT2(at: i, s, c)
        case .words(let options): end = Self.matchWords(at: i, s, c, options)
        case .casedWords(let options): end = Self.matchCasedWords(at: i, s, c, options)
        case .punctuationWords(let spark): end = Self.matchPunctuationWords(at: i, s, c, spark: spark)
        case .exaoneMoE: end = Self.matchExaoneMoE(at: i, s, c)
        case .run(let set, let prefix, let single): end = Self.matchRun(at: i, s, c, set, prefix, single)
        case .runs(let sets):
            end = nil
            for set in sets where set.contains(s[i], c[i]) {
                var j = i + 1
                while j < s.count && set.contains(s[j], c[j]) { j += 1 }
                return j
            }
        case .digits(let max):
            guard c[i] & CharClass.number != 0 else { return -(i + 1) }
            var j = i + 1
            while j < c.count && j - i < max && c[j] & CharClass.number != 0 { j += 1 }
            return j
        case .asciiDigitTriples:
            @inline(__always) func digit(_ k: Int) -> Bool { k < s.count && s[k] >= 0x30 && s[k] <= 0x39 }
            end = digit(i) && digit(i + 1) && digit(i + 2) ? i + 3 : nil
        case .digitsFromRight(let wordBoundary):
            return Self.matchDigitsFromRight(at: i, c, wordBoundary: wordBoundary)
        case .newlineRuns:
            let newline = s[i] == 0x0A
            var j = i + 1
            while j < s.count && (s[j] == 0x0A) == newline { j += 1 }
            return j
        case .trailingWhitespace:
            guard c[i] & CharClass.whitespace != 0 else { return -(i + 1) }
            let e = Self.run(from: i, c, CharClass.whitespace)
            return e == c.count ? e : -e
        case .chameleonSentinel: end = Self.matchSentinel(at: i, s)
        case .chameleonImage: end = Self.matchImage(at: i, s)
        case .chameleonSpaces:
            let v = s[i]
            if v == 0x09 || v == 0x0A { return i + 1 }
            @inline(__always) func spaces(_ k: Int) -> Bool {
                i + k <= s.count && (i..<(i + k)).allSatisfy { s[$0] == 0x20 }
            }
            end = spaces(4) ? i + 4 : spaces(2) ? i + 2 : nil
        }
        return end ?? -(i + 1)
    }

    // MARK: shared pieces

    /// End of a run of scalars whose class intersects `mask`, starting at `i`.
    @inline(__always)
    static func run(from i: Int, _ c: UnsafeBufferPointer<UInt16>, _ mask: UInt16) -> Int {
        var j = i
        while j < c.count && c[j] & mask != 0 { j += 1 }
        return j
    }

    /// End of a run of scalars whose class does not intersect `mask`, starting at `i`.
    @inline(__always)
    static func runOutside(from i: Int, _ c: UnsafeBufferPointer<UInt16>, _ mask: UInt16) -> Int {
        var j = i
        while j < c.count && c[j] & mask == 0 { j += 1 }
        return j
    }

    /// `\s+(?!\S)|\s+` at a whitespace scalar `i`.
    @inline(__always)
    static func whitespace(at i: Int, _ c: UnsafeBufferPointer<UInt16>) -> Int {
        let end = run(from: i, c, CharClass.whitespace)
        // `\s+(?!\S)` backtracks one scalar when the run is followed by a non-space; a run of one
        // then fails and `\s+` takes it.
        if end < c.count && end - i >= 2 { return end - 1 }
        return end
    }

    /// `\s*[\r\n]+` (equally `\s*[\r\n]`) at a whitespace scalar `i`: through the last CR/LF of the
    /// whitespace run, or nil when the run has none.
    @inline(__always)
    static func whitespaceThroughNewline(at i: Int, _ c: UnsafeBufferPointer<UInt16>) -> Int? {
        let end = run(from: i, c, CharClass.whitespace)
        var last = end - 1
        while last >= i && c[last] & CharClass.newline == 0 { last -= 1 }
        return last >= i ? last + 1 : nil
    }

    /// Case-sensitive (GPT-2) or case-insensitive (`(?i:…)`) contraction after an apostrophe at `i`;
    /// returns the end or nil.
    @inline(__always)
    static func contraction(at i: Int, _ s: UnsafeBufferPointer<UInt32>, ignoreCase: Bool) -> Int? {
        let n = s.count
        guard i + 1 < n, s[i] == 0x27 else { return nil }
        @inline(__always) func lower(_ v: UInt32) -> UInt32 {
            guard ignoreCase else { return v }
            if v >= 0x41 && v <= 0x5A { return v + 0x20 }
            if v == 0x17F { return 0x73 }  // ſ case-folds to s
            return v
        }
        switch lower(s[i + 1]) {
        case 0x73, 0x74, 0x6D, 0x64:  // s t m d
            return i + 2
        case 0x72, 0x76:  // r v -> re ve
            if i + 2 < n && lower(s[i + 2]) == 0x65 { return i + 3 }
        case 0x6C:  // l -> ll
            if i + 2 < n && lower(s[i + 2]) == 0x6C { return i + 3 }
        default:
            break
        }
        return nil
    }

    private static let letterNumberWhitespace = CharClass.letter | CharClass.number | CharClass.whitespace

    // MARK: GPT-2

    static func matchGPT2(at i: Int, _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<UInt16>) -> Int {
        let n = c.count
        let k = c[i]
        if k & CharClass.apostrophe != 0, let end = contraction(at: i, s, ignoreCase: false) { return end }
        // ` ?` followed by the class of the next scalar
        let spaceThen: UInt16? = (s[i] == 0x20 && i + 1 < n) ? c[i + 1] : nil
        // ` ?\p{L}+`
        if k & CharClass.letter != 0 { return run(from: i, c, CharClass.letter) }
        if let next = spaceThen, next & CharClass.letter != 0 { return run(from: i + 1, c, CharClass.letter) }
        // ` ?\p{N}+`
        if k & CharClass.number != 0 { return run(from: i, c, CharClass.number) }
        if let next = spaceThen, next & CharClass.number != 0 { return run(from: i + 1, c, CharClass.number) }
        // ` ?[^\s\p{L}\p{N}]+`
        if k & letterNumberWhitespace == 0 { return runOutside(from: i, c, letterNumberWhitespace) }
        if let next = spaceThen, next & letterNumberWhitespace == 0 {
            return runOutside(from: i + 1, c, letterNumberWhitespace)
        }
        // `\s+(?!\S)|\s+`: here the scalar is whitespace
        return whitespace(at: i, c)
    }

    // MARK: Llama 3 / Qwen2 family

    static func matchWords(
        at i: Int, _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<UInt16>, _ o: WordOptions
    ) -> Int {
        let n = c.count
        let k = c[i]
        let letters = o.marksAreLetters ? CharClass.letter | CharClass.mark : CharClass.letter
        let notOther = letters | CharClass.number | CharClass.whitespace
        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if o.contractions && k & CharClass.apostrophe != 0, let end = contraction(at: i, s, ignoreCase: true) {
            return end
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if k & letters != 0 { return run(from: i, c, letters) }
        if k & (CharClass.newline | CharClass.letter | CharClass.number) == 0 && i + 1 < n && c[i + 1] & letters != 0 {
            return run(from: i + 1, c, letters)
        }
        // \p{N}{1,k}
        if k & CharClass.number != 0 {
            var j = i + 1
            while j < n && j - i < o.maxDigits && c[j] & CharClass.number != 0 { j += 1 }
            return j
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        var otherStart = -1
        if k & notOther == 0 {
            otherStart = i
        } else if s[i] == 0x20 && i + 1 < n && c[i + 1] & notOther == 0 {
            otherStart = i + 1
        }
        if otherStart >= 0 {
            let end = runOutside(from: otherStart, c, notOther)
            return o.newlinesAfterPunctuation ? run(from: end, c, CharClass.newline) : end
        }
        // Here the scalar is whitespace. `\s*[\r\n]+`
        if let end = whitespaceThroughNewline(at: i, c) { return end }
        guard o.whitespaceCascade else { return whitespace(at: i, c) }
        // \s{512}(?!\S)|\s{256}(?!\S)|…|\s{4}(?!\S)|\s{1,2}(?!\S)|\s{1}
        let end = run(from: i, c, CharClass.whitespace)
        for length in [512, 256, 128, 64, 32, 16, 8, 4, 2, 1] {
            if i + length < end || (i + length == end && end == n) { return i + length }
        }
        return i + 1
    }

    // MARK: o200k family

    /// Han script, as the Unicode blocks Kimi K2's `\p{Han}` covers in practice.
    @inline(__always)
    static func isHan(_ v: UInt32) -> Bool {
        switch v {
        case 0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x3005, 0x3007, 0x3021...0x3029, 0x3038...0x303B,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFA6D, 0xFA70...0xFAD9, 0x16FE2, 0x16FE3, 0x16FF0, 0x16FF1,
            0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0x2F800...0x2FA1F, 0x30000...0x323AF:
            return true
        default:
            return false
        }
    }

    static func matchCasedWords(
        at i: Int, _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<UInt16>, _ o: CasedWordOptions
    ) -> Int {
        let n = c.count
        let k = c[i]
        if o.hanFirst && isHan(s[i]) {
            var j = i + 1
            while j < n && isHan(s[j]) { j += 1 }
            return j
        }
        let letterOrMark = CharClass.letter | CharClass.mark
        // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] and [\p{Ll}\p{Lm}\p{Lo}\p{M}]
        @inline(__always) func upper(_ j: Int) -> Bool {
            j < n && c[j] & letterOrMark != 0 && c[j] & CharClass.lower == 0 && !(o.hanFirst && isHan(s[j]))
        }
        @inline(__always) func lower(_ j: Int) -> Bool {
            j < n && c[j] & letterOrMark != 0 && c[j] & CharClass.upper == 0 && !(o.hanFirst && isHan(s[j]))
        }
        // U*L+, backtracking U* until L+ can start
        func upperThenLower(_ p: Int) -> Int? {
            var a = p
            while upper(a) { a += 1 }
            var b = a
            while b >= p {
                if lower(b) {
                    var e = b + 1
                    while lower(e) { e += 1 }
                    return e
                }
                b -= 1
            }
            return nil
        }
        // U+L*
        func upperRun(_ p: Int) -> Int? {
            var a = p
            while upper(a) { a += 1 }
            guard a > p else { return nil }
            while lower(a) { a += 1 }
            return a
        }
        @inline(__always) func suffix(_ e: Int) -> Int {
            guard o.contractions, e < n else { return e }
            return contraction(at: e, s, ignoreCase: true) ?? e
        }
        let prefix = k & (CharClass.newline | CharClass.letter | CharClass.number) == 0 && i + 1 < n
        if prefix, let e = upperThenLower(i + 1) { return suffix(e) }
        if let e = upperThenLower(i) { return suffix(e) }
        if prefix, let e = upperRun(i + 1) { return suffix(e) }
        if let e = upperRun(i) { return suffix(e) }
        // \p{N}{1,k}
        if k & CharClass.number != 0 {
            var j = i + 1
            while j < n && j - i < o.maxDigits && c[j] & CharClass.number != 0 { j += 1 }
            return j
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
        var otherStart = -1
        if k & letterNumberWhitespace == 0 {
            otherStart = i
        } else if s[i] == 0x20 && i + 1 < n && c[i + 1] & letterNumberWhitespace == 0 {
            otherStart = i + 1
        }
        if otherStart >= 0 {
            var j = runOutside(from: otherStart, c, letterNumberWhitespace)
            while j < n && (c[j] & CharClass.newline != 0 || (o.slashAfterPunctuation && s[j] == 0x2F)) { j += 1 }
            return j
        }
        // whitespace
        if let end = whitespaceThroughNewline(at: i, c) { return end }
        return whitespace(at: i, c)
    }

    // MARK: DeepSeek V3 family

    @inline(__always)
    private static func isASCIIPunctuation(_ v: UInt32) -> Bool {
        (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v)
    }

    @inline(__always)
    private static func isASCIILetter(_ v: UInt32) -> Bool { (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) }

    static func matchPunctuationWords(
        at i: Int, _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<UInt16>, spark: Bool
    ) -> Int? {
        let n = c.count
        let k = c[i]
        // [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+
        if isASCIIPunctuation(s[i]) && i + 1 < n && isASCIILetter(s[i + 1]) {
            var j = i + 2
            while j < n && isASCIILetter(s[j]) { j += 1 }
            return j
        }
        // [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
        let letterOrMark = CharClass.letter | CharClass.mark
        let punctuationOrSymbol = CharClass.punctuation | CharClass.symbol
        if k & letterOrMark != 0 { return run(from: i, c, letterOrMark) }
        if k & (CharClass.newline | CharClass.letter | punctuationOrSymbol) == 0 && i + 1 < n
            && c[i + 1] & letterOrMark != 0
        {
            return run(from: i + 1, c, letterOrMark)
        }
        // ` ?[\p{P}\p{S}]+[\r\n]*` (Spark 2.5: ` ?[\p{P}\p{S}]+`)
        var start = -1
        if k & punctuationOrSymbol != 0 {
            start = i
        } else if s[i] == 0x20 && i + 1 < n && c[i + 1] & punctuationOrSymbol != 0 {
            start = i + 1
        }
        if start >= 0 {
            let end = run(from: start, c, punctuationOrSymbol)
            return spark ? end : run(from: end, c, CharClass.newline)
        }
        if spark {
            // [\r\n]
            if k & CharClass.newline != 0 { return i + 1 }
        } else if k & CharClass.whitespace != 0, let end = whitespaceThroughNewline(at: i, c) {
            // \s*[\r\n]+
            return end
        }
        // \s+(?!\S)|\s+
        if k & CharClass.whitespace != 0 { return whitespace(at: i, c) }
        return nil
    }

    // MARK: EXAONE MoE

    static func matchExaoneMoE(at i: Int, _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<UInt16>) -> Int {
        let n = c.count
        let k = c[i]
        if k & CharClass.apostrophe != 0, let end = contraction(at: i, s, ignoreCase: true) { return end }
        // [^\r\n\p{L}\p{N}]?(?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+
        var wordStart = -1
        if k & CharClass.letter != 0 {
            wordStart = i
        } else if k & (CharClass.newline | CharClass.number) == 0 && i + 1 < n && c[i + 1] & CharClass.letter != 0 {
            wordStart = i + 1
        }
        if wordStart >= 0 {
            var j = wordStart
            while true {
                if j < n && c[j] & CharClass.letter != 0 {
                    j = run(from: j + 1, c, CharClass.mark)
                } else if j + 1 < n && s[j] == 0x20 && c[j + 1] & CharClass.letter != 0 {
                    j += 1
                } else {
                    break
                }
            }
            return j
        }
        // \p{N}
        if k & CharClass.number != 0 { return i + 1 }
        // ` ?[^\s\p{L}\p{N}]+[\r\n/]?`
        var otherStart = -1
        if k & letterNumberWhitespace == 0 {
            otherStart = i
        } else if s[i] == 0x20 && i + 1 < n && c[i + 1] & letterNumberWhitespace == 0 {
            otherStart = i + 1
        }
        if otherStart >= 0 {
            let end = runOutside(from: otherStart, c, letterNumberWhitespace)
            if end < n && (c[end] & CharClass.newline != 0 || s[end] == 0x2F) { return end + 1 }
            return end
        }
        // \s*[\r\n]|\s+(?!\S)|\s+
        if let end = whitespaceThroughNewline(at: i, c) { return end }
        return whitespace(at: i, c)
    }

    // MARK: character-class runs

    @inline(__always)
    static func matchRun(
        at i: Int, _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<UInt16>, _ set: ScalarSet,
        _ prefix: RunPrefix, _ single: Bool
    ) -> Int? {
        let n = c.count
        var start = -1
        switch prefix {
        case .none: break
        case .space: if s[i] == 0x20 && i + 1 < n && set.contains(s[i + 1], c[i + 1]) { start = i + 1 }
        case .whitespace:
            if c[i] & CharClass.whitespace != 0 && i + 1 < n && set.contains(s[i + 1], c[i + 1]) { start = i + 1 }
        }
        if start < 0 {
            guard set.contains(s[i], c[i]) else { return nil }
            start = i
        }
        if single { return start + 1 }
        var j = start + 1
        while j < n && set.contains(s[j], c[j]) { j += 1 }
        return j
    }

    // MARK: digits

    static func matchDigitsFromRight(at i: Int, _ c: UnsafeBufferPointer<UInt16>, wordBoundary: Bool) -> Int {
        let mask = wordBoundary ? CharClass.decimal : CharClass.number
        guard c[i] & mask != 0 else { return -(i + 1) }
        let end = run(from: i, c, mask)
        if wordBoundary {
            // `\b` after the run: the next scalar is not a word character (Oniguruma's \w: L, M, N, Pc)
            let word = CharClass.letter | CharClass.mark | CharClass.number | CharClass.connector
            if end < c.count && c[end] & word != 0 { return -end }
        }
        let head = (end - i) % 3
        return i + (head == 0 ? 3 : head)
    }

    // MARK: Chameleon

    private static func matchSentinel(at i: Int, _ s: UnsafeBufferPointer<UInt32>) -> Int? {
        let head: [UInt32] = Array("<sentinel:".unicodeScalars.map(\.value))
        guard i + head.count < s.count, s[i] == 0x3C else { return nil }
        for (k, v) in head.enumerated() where s[i + k] != v { return nil }
        var j = i + head.count
        let digits = j
        while j < s.count && s[j] >= 0x30 && s[j] <= 0x39 { j += 1 }
        guard j > digits, j < s.count, s[j] == 0x3E else { return nil }
        return j + 1
    }

    private static func matchImage(at i: Int, _ s: UnsafeBufferPointer<UInt32>) -> Int? {
        let head: [UInt32] = Array("IMGIMG".unicodeScalars.map(\.value))
        guard i + head.count < s.count, s[i] == 0x49 else { return nil }
        for (k, v) in head.enumerated() where s[i + k] != v { return nil }
        var j = i + head.count
        while j < s.count && j - i - head.count < 4 && s[j] >= 0x41 && s[j] <= 0x49 { j += 1 }
        // backtracking {1,4} cannot help: the scalars given back are A…I, never Z
        guard j > i + head.count, j < s.count, s[j] == 0x5A else { return nil }
        return j + 1
    }
}
