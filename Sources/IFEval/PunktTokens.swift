extension IFEval {
    /// Punkt's word tokens and their two-pass annotation, over a byte range of the text.
    enum PunktTokens {
        /// Characters that cannot start a word token: `("`{[:;&#*@)}]-,`.
        @inline(__always)
        private static func cannotStartWord(_ c: UInt32) -> Bool {
            switch c {
            case 0x28, 0x22, 0x60, 0x7B, 0x5B, 0x3A, 0x3B, 0x26, 0x23, 0x2A, 0x40, 0x29, 0x7D, 0x5D, 0x2D, 0x2C:
                return true
            default: return false
            }
        }

        /// Multi-character punctuation at `i` (`--…`, `..…`, or `. . .`): its end, or nil.
        private static func multiChar(_ b: Bytes, _ i: Int, _ end: Int) -> Int? {
            guard i + 1 < end else { return nil }
            let c = b[i]
            if c == 0x2D && b[i + 1] == 0x2D {
                var j = i + 2
                while j < end && b[j] == 0x2D { j += 1 }
                return j
            }
            guard c == 0x2E else { return nil }
            if b[i + 1] == 0x2E {
                var j = i + 2
                while j < end && b[j] == 0x2E { j += 1 }
                return j
            }
            // (?:\.\s){2,}\.
            var j = i
            var pairs = 0
            var lastPairStart = i
            while j < end && b[j] == 0x2E && j + 1 < end {
                let (u, len) = Scan.decode(b, j + 1)
                if !Scan.isUnicodeSpace(u) || u == 0x0A { break }
                lastPairStart = j
                j += 1 + len
                pairs += 1
            }
            if pairs >= 2 && j < end && b[j] == 0x2E { return j + 1 }
            if pairs >= 3 { return lastPairStart + 1 }
            return nil
        }

        /// Whether a word token may end before position `j`.
        private static func wordEndsAt(_ b: Bytes, _ j: Int, _ end: Int) -> Bool {
            if j >= end { return true }
            let (u, _) = Scan.decode(b, j)
            if Scan.isUnicodeSpace(u) || SentenceSplitter.isNonWord(u) { return true }
            if multiChar(b, j, end) != nil { return true }
            if u == 0x2C {
                let k = j + 1
                if k >= end || multiChar(b, k, end) != nil { return true }
                let (v, _) = Scan.decode(b, k)
                return Scan.isUnicodeSpace(v) || SentenceSplitter.isNonWord(v)
            }
            return false
        }

        /// Punkt's word tokenizer over `b[start..<end]`.
        static func tokenize(_ b: Bytes, _ start: Int, _ end: Int) -> [Range<Int>] {
            var tokens: [Range<Int>] = []
            var i = start
            var lineStart = true
            while i < end {
                if lineStart {
                    // Punkt tokenizes line by line and skips lines that are blank to `str.strip()`.
                    lineStart = false
                    var lineEnd = i
                    while lineEnd < end && b[lineEnd] != 0x0A { lineEnd += 1 }
                    if Scan.isBlank(b, i..<lineEnd) {
                        i = lineEnd
                        continue
                    }
                }
                let (u, len) = Scan.decode(b, i)
                if u == 0x0A {
                    lineStart = true
                    i += 1
                    continue
                }
                if Scan.isUnicodeSpace(u) {
                    i += len
                    continue
                }
                if let m = multiChar(b, i, end) {
                    tokens.append(i..<m)
                    i = m
                    continue
                }
                if cannotStartWord(u) {
                    tokens.append(i..<(i + len))
                    i += len
                    continue
                }
                var j = i + len
                while !wordEndsAt(b, j, end) { j += Scan.decode(b, j).length }
                tokens.append(i..<j)
                i = j
            }
            return tokens
        }

        // MARK: Annotation

        @inline(__always)
        private static func isSingle(_ b: Bytes, _ t: Range<Int>, _ chars: StaticString) -> Bool {
            guard t.count == 1 else { return false }
            let p = chars.utf8Start
            for k in 0..<chars.utf8CodeUnitCount where b[t.lowerBound] == p[k] { return true }
            return false
        }

        /// First pass: `?`/`!`/`.` tokens break; period-final tokens break unless they are abbreviations
        /// (ellipses never break in this pass).
        private static func firstPassBreak(_ b: Bytes, _ t: Range<Int>) -> (breaks: Bool, abbreviation: Bool) {
            if isSingle(b, t, ".?!") { return (true, false) }
            if isEllipsis(b, t) { return (false, false) }
            guard b[t.upperBound - 1] == 0x2E, !(t.count >= 2 && b[t.upperBound - 2] == 0x2E) else {
                return (false, false)
            }
            let body = t.lowerBound..<(t.upperBound - 1)
            if EnglishLexicon.abbreviations.contains(WordHash.lowercased(b, body)) { return (false, true) }
            var dash = body.upperBound
            while dash > body.lowerBound && b[dash - 1] != 0x2D { dash -= 1 }
            if dash > body.lowerBound,
                EnglishLexicon.abbreviations.contains(WordHash.lowercased(b, dash..<body.upperBound))
            {
                return (false, true)
            }
            return (true, false)
        }

        private static func isEllipsis(_ b: Bytes, _ t: Range<Int>) -> Bool {
            guard t.count >= 2 else { return false }
            for k in t where b[k] != 0x2E { return false }
            return true
        }

        /// A single letter followed by a period (`J.`).
        private static func isInitial(_ b: Bytes, _ t: Range<Int>) -> Bool {
            guard b[t.upperBound - 1] == 0x2E, t.count >= 2 else { return false }
            let (u, len) = Scan.decode(b, t.lowerBound)
            return len == t.count - 1 && Scan.isUnicodeWord(u) && !Scan.isDigit(u)
        }

        /// Punkt's numeric token shape `-?[.,]?\d[\d,.-]*\.?`.
        private static func isNumber(_ b: Bytes, _ t: Range<Int>) -> Bool {
            var i = t.lowerBound
            if i < t.upperBound && b[i] == 0x2D { i += 1 }
            if i < t.upperBound && (b[i] == 0x2E || b[i] == 0x2C) { i += 1 }
            guard i < t.upperBound else { return false }
            let (u, len) = Scan.decode(b, i)
            guard Scan.isDigit(u) else { return false }
            i += len
            while i < t.upperBound {
                let (v, l) = Scan.decode(b, i)
                guard Scan.isDigit(v) || v == 0x2C || v == 0x2E || v == 0x2D else { return false }
                i += l
            }
            return true
        }

        private enum Ortho { case starts, doesNotStart, unknown }

        /// Punkt's orthographic heuristic for the token after a period, with the trained statistics replaced
        /// by ``EnglishLexicon/lowercaseWords``.
        private static func ortho(_ b: Bytes, _ t: Range<Int>) -> (Ortho, firstUpper: Bool, knownLowercase: Bool) {
            if isSingle(b, t, ";:,.!?") { return (.doesNotStart, false, false) }
            let (u, _) = Scan.decode(b, t.lowerBound)
            let upper = Scan.isUpper(u) && !Scan.isLower(u)
            let lower = Scan.isLower(u)
            var body = t
            if body.count > 1 && b[body.upperBound - 1] == 0x2E { body = body.lowerBound..<(body.upperBound - 1) }
            let known = EnglishLexicon.lowercaseWords.contains(WordHash.lowercased(b, body))
            if upper && known { return (.starts, true, true) }
            if lower { return (.doesNotStart, false, known) }
            return (.unknown, upper, known)
        }

        /// Whether token `t` is a sentence break after both passes, given the token that follows it.
        static func isBreak(_ b: Bytes, _ t: Range<Int>, next: Range<Int>) -> Bool {
            let (firstBreak, abbreviation) = firstPassBreak(b, t)
            guard b[t.upperBound - 1] == 0x2E else { return firstBreak }
            let ellipsis = isEllipsis(b, t)
            let initial = isInitial(b, t)
            var breaks = firstBreak
            if (abbreviation || ellipsis) && !initial {
                if ortho(b, next).0 == .starts { return true }
            }
            if initial || isNumber(b, t) {
                let (o, firstUpper, known) = ortho(b, next)
                if o == .doesNotStart { return false }
                if o == .unknown && initial && firstUpper && !known { breaks = false }
            }
            return breaks
        }
    }
}
