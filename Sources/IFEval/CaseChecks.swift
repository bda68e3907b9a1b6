extension IFEval {
    /// `change_case:*` and `language:response_language` checkers.
    enum CaseChecks {
        /// `language:response_language`: the identified language is `code`. Text with no letters cannot be
        /// identified and counts as followed, as in the reference.
        static func language(_ b: Bytes, _ code: String, _ explain: Bool) -> Verdict {
            guard let found = LanguageDetector.detect(b) else {
                return Verdict(true, explain, "language could not be identified (no letters); counted as followed")
            }
            return Verdict(found == code, explain, "identified language \(found); required \(code)")
        }

        /// `change_case:english_capital` / `change_case:english_lowercase`: Python's `isupper()` (or
        /// `islower()`) holds for the whole response and its language is English.
        static func english(_ b: Bytes, upper: Bool, _ explain: Bool) -> Verdict {
            let state = Scan.caseState(b, 0..<b.count)
            let caseOK = upper
                ? state.hasUpper && !state.hasLower && !state.hasTitle
                : state.hasLower && !state.hasUpper && !state.hasTitle
            guard caseOK else {
                return Verdict(false, explain, upper ? "not all letters are capitals" : "not all letters are lowercase")
            }
            guard let found = LanguageDetector.detect(b) else {
                return Verdict(true, explain, "case is right; language could not be identified, counted as followed")
            }
            return Verdict(
                found == "en", explain,
                upper ? "all letters are capitals; identified language \(found)"
                    : "all letters are lowercase; identified language \(found)")
        }

        /// `change_case:capital_word_frequency`: tokens (split the way NLTK's word tokenizer splits them)
        /// for which Python's `isupper()` holds, compared with the threshold.
        static func capitalWords(_ b: Bytes, _ threshold: Int, _ rel: Relation, _ explain: Bool) -> Verdict {
            let count = CapitalWords.count(b)
            return Verdict(
                rel.holds(count, threshold), explain,
                "found \(count) all-capital word(s); required \(rel.phrase) \(threshold)")
        }
    }

    /// Counting all-capital tokens with an approximation of `nltk.word_tokenize`.
    ///
    /// Only the grouping of cased characters into tokens matters for this count, so the tokenizer keeps
    /// what NLTK keeps together (letters, digits, `-`, `_`, `/`, single periods, inner apostrophes) and
    /// splits where NLTK splits: whitespace, most punctuation, `--`, `...`, curly quotes, and English
    /// contractions (`DON'T` → `DO` + `N'T`, `I'M` → `I` + `'M`, `CANNOT` → `CAN` + `NOT`).
    enum CapitalWords {
        static func count(_ b: Bytes) -> Int {
            var total = 0
            var start = -1
            // Tokens with no uppercase ASCII letter and no non-ASCII character cannot count; skip them.
            var mayCount = false
            var i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if c < 0x80 && ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || (c >= 0x30 && c <= 0x39)) {
                    if start < 0 { start = i }
                    if c <= 0x5A && c >= 0x41 { mayCount = true }
                    i += 1
                    continue
                }
                let (u, len) = Scan.decode(b, i)
                if isSeparator(b, i, u, len) {
                    if start >= 0 && mayCount { total += upperTokens(b, start..<i, before: u) }
                    start = -1
                    mayCount = false
                    i += separatorLength(b, i, u, len)
                    continue
                }
                if start < 0 { start = i }
                if u >= 0x80 { mayCount = true }
                i += len
            }
            if start >= 0 && mayCount { total += upperTokens(b, start..<n, before: 0x0A) }
            return total
        }

        @inline(__always)
        private static func isSeparator(_ b: Bytes, _ i: Int, _ u: UInt32, _ len: Int) -> Bool {
            switch u {
            case 0x3B, 0x40, 0x23, 0x24, 0x25, 0x26, 0x3F, 0x21, 0x2A, 0x28, 0x29, 0x5B, 0x5D, 0x7B, 0x7D, 0x3C, 0x3E,
                0x22, 0x60, 0xAB, 0xBB, 0x201C, 0x201D, 0x2018, 0x2019, 0x201E:
                return true
            case 0x2C, 0x3A:  // split unless a digit follows
                return !(i + 1 < b.count && b[i + 1] >= 0x30 && b[i + 1] <= 0x39)
            case 0x2E: return i + 1 < b.count && b[i + 1] == 0x2E
            case 0x2D: return i + 1 < b.count && b[i + 1] == 0x2D
            case 0x27: return (i + 1 < b.count && b[i + 1] == 0x27) || isOpeningApostrophe(b, i)
            default: return Scan.isSpace(u)
            }
        }

        @inline(__always)
        private static func separatorLength(_ b: Bytes, _ i: Int, _ u: UInt32, _ len: Int) -> Int {
            guard u == 0x2E || u == 0x2D || u == 0x27 else { return len }
            var j = i
            while j < b.count && b[j] == UInt8(u) { j += 1 }
            return j - i
        }

        /// An apostrophe that NLTK splits from the word after it: not preceded by a word character,
        /// followed by one, and not the start of a contraction suffix (`'s`, `'ll`, `n't`, …).
        private static func isOpeningApostrophe(_ b: Bytes, _ i: Int) -> Bool {
            if i > 0 && Scan.isUnicodeWord(Scan.decode(b, Scan.previousStart(b, i)).scalar) { return false }
            guard i + 1 < b.count, Scan.isUnicodeWord(Scan.decode(b, i + 1).scalar) else { return false }
            var j = i + 1
            var letters: [UInt8] = []
            while j < b.count && letters.count < 3 && b[j] < 0x80 && Scan.isUnicodeWord(UInt32(b[j])) {
                letters.append(b[j] | 0x20)
                j += 1
            }
            let boundary = j >= b.count || !Scan.isUnicodeWord(Scan.decode(b, j).scalar)
            guard boundary else { return true }
            switch letters {
            case [0x72, 0x65], [0x76, 0x65], [0x6C, 0x6C], [0x6D], [0x74], [0x73], [0x64], [0x6E]: return false
            default: return true
            }
        }

        /// How many of the pieces of one whitespace/punctuation-delimited token are all-capital. Before
        /// whitespace (or the end of the text) a final period, taken as a sentence end, is split off, and
        /// before a space closing apostrophes are; then a contraction suffix; then the fused forms
        /// (`cannot`, `gonna`, …) wherever they stand between word boundaries.
        private static func upperTokens(_ b: Bytes, _ token: Range<Int>, before next: UInt32) -> Int {
            var t = token
            if Scan.isSpace(next) && t.count > 1 && b[t.upperBound - 1] == 0x2E && b[t.upperBound - 2] != 0x2E {
                t = t.lowerBound..<(t.upperBound - 1)
            }
            var shortSuffixes = true
            if b[t.upperBound - 1] == 0x27 {
                // A closing apostrophe is split off; only before a space inside the text does NLTK then
                // still see `'s`/`'m`/`'d` at the end of the word.
                shortSuffixes = next == 0x20 && !Scan.isBlank(b, t.upperBound..<b.count)
                while t.count > 1 && b[t.upperBound - 1] == 0x27 { t = t.lowerBound..<(t.upperBound - 1) }
            }
            var count = 0
            let cut = (0x1C...0x1F).contains(next) ? t.lowerBound : contractionCut(b, t, short: shortSuffixes)
            if cut > t.lowerBound {
                count += isUpper(b, cut..<t.upperBound) ? 1 : 0
                t = t.lowerBound..<cut
            }
            return count + fusedSplitCount(b, t)
        }

        /// `cannot`, `gimme`, `gonna`, `gotta`, `lemme`, `wanna`, `more'n`, `d'ye` and where NLTK splits them.
        private static let fusedForms: [(word: [UInt8], split: Int)] = [
            (Array("cannot".utf8), 3), (Array("gimme".utf8), 3), (Array("gonna".utf8), 3), (Array("gotta".utf8), 3),
            (Array("lemme".utf8), 3), (Array("wanna".utf8), 3), (Array("more'n".utf8), 4), (Array("d'ye".utf8), 1),
        ]

        /// Counts all-capital pieces of `t` after splitting fused forms found between word boundaries.
        private static func fusedSplitCount(_ b: Bytes, _ t: Range<Int>) -> Int {
            var count = 0
            var pieceStart = t.lowerBound
            var i = t.lowerBound
            var previousIsWord = false
            scan: while i < t.upperBound {
                let (u, len) = Scan.decode(b, i)
                let isWord = Scan.isWord(u)
                if !previousIsWord && t.upperBound - i >= 4 {
                    for form in fusedForms where matchesFolded(b, i, t.upperBound, form.word) {
                        let end = i + form.word.count
                        let isWanna = form.word[0] == 0x77
                        let boundaryAfter = isWanna
                            ? end == t.upperBound
                            : end == t.upperBound || !Scan.isWord(Scan.decode(b, end).scalar)
                        guard boundaryAfter else { continue }
                        if i > pieceStart { count += isUpper(b, pieceStart..<i) ? 1 : 0 }
                        count += isUpper(b, i..<(i + form.split)) ? 1 : 0
                        count += isUpper(b, (i + form.split)..<end) ? 1 : 0
                        pieceStart = end
                        i = end
                        previousIsWord = true
                        continue scan
                    }
                }
                previousIsWord = isWord
                i += len
            }
            if pieceStart < t.upperBound { count += isUpper(b, pieceStart..<t.upperBound) ? 1 : 0 }
            return count
        }

        @inline(__always)
        private static func matchesFolded(_ b: Bytes, _ i: Int, _ end: Int, _ word: [UInt8]) -> Bool {
            guard end - i >= word.count, b[i] | 0x20 == word[0] else { return false }
            for k in 1..<word.count {
                let c = b[i + k]
                if (c >= 0x41 && c <= 0x5A ? c | 0x20 : c) != word[k] { return false }
            }
            return true
        }

        @inline(__always)
        private static func isUpper(_ b: Bytes, _ r: Range<Int>) -> Bool {
            let s = Scan.caseState(b, r)
            return s.hasUpper && !s.hasLower && !s.hasTitle
        }

        /// `'ll`, `'re`, `'ve`, `n't` as bytes.
        private static let longContractions: [(UInt8, UInt8, UInt8)] = [
            (0x27, 0x6C, 0x6C), (0x27, 0x72, 0x65), (0x27, 0x76, 0x65), (0x6E, 0x27, 0x74),
        ]

        /// Where NLTK would split a contraction off the end of the token, or `t.lowerBound` for no split.
        private static func contractionCut(_ b: Bytes, _ t: Range<Int>, short: Bool) -> Int {
            let n = t.count
            let e = t.upperBound
            func at(_ k: Int) -> UInt8 { b[e - k] }
            // 's 'm 'd (either case of the letter)
            if short && n >= 3 && at(2) == 0x27 && at(3) != 0x27 {
                switch at(1) | 0x20 {
                case 0x73, 0x6D, 0x64: return e - 2
                default: break
                }
            }
            // 'll 're 've n't, all lowercase or all uppercase
            if n >= 4 && at(4) != 0x27 {
                let s = (at(3), at(2), at(1))
                for f in longContractions {
                    let upperForm = (f.0 == 0x27 ? f.0 : f.0 & ~0x20, f.1 == 0x27 ? f.1 : f.1 & ~0x20, f.2 & ~0x20)
                    if s == f || s == upperForm { return e - 3 }
                }
            }
            return t.lowerBound
        }
    }
}
