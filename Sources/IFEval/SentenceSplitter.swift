extension IFEval {
    /// Sentence counting modelled on the reference's `count_sentences`, which runs NLTK's pre-trained
    /// English Punkt tokenizer.
    ///
    /// The candidate and context logic is Punkt's: a `.`, `?` or `!` is a candidate boundary when it is
    /// followed by one of ``nonWordBytes`` or by whitespace and another token; candidates in one
    /// whitespace-free chunk collapse to the last; each candidate's context (the word before it through the
    /// next token) is split into Punkt word tokens and annotated in two passes; closing quotes and brackets
    /// after a boundary are moved back into the sentence before it. Punkt's trained parameters (learned
    /// abbreviations, orthographic statistics) are replaced by two small hand-written lists in
    /// ``EnglishLexicon``; see docs/ifeval.md for where this can differ.
    enum SentenceSplitter {
        /// The number of sentences in `b`.
        static func count(_ b: Bytes) -> Int { spans(b).count }

        /// The sentences of a string (for tests and diagnostics).
        static func split(_ text: String) -> [String] {
            Scan.withBytes(text) { b in spans(b).map { String(decoding: Bytes(rebasing: b[$0]), as: UTF8.self) } }
        }

        /// Byte ranges of the sentences of `b`.
        static func spans(_ b: Bytes) -> [Range<Int>] {
            let n = b.count
            // Candidates and their contexts (Punkt's `_match_potential_end_contexts`).
            var prevMatch: Candidate?
            var prevStart = 0, prevStop = 0
            var lastBreak = 0
            var slices: [Range<Int>] = []
            func consider(_ c: Candidate, contextStart: Int) {
                guard containsBreak(b, contextStart, c.contextEnd) else { return }
                slices.append(lastBreak..<(c.position + 1))
                lastBreak = c.nextTokenStart ?? (c.position + 1)
            }
            var i = 0
            while i < n {
                let ch = b[i]
                guard ch == 0x2E || ch == 0x3F || ch == 0x21, let c = candidate(b, i) else {
                    i += 1
                    continue
                }
                var wordStart = prevStart
                var k = i - 1
                while k >= prevStop {
                    if Scan.isASCIISpace(b[k]) { break }
                    k -= 1
                }
                if k > prevStop { wordStart = k + 1 }
                if let p = prevMatch, prevStop <= wordStart { consider(p, contextStart: prevStart) }
                prevMatch = c
                prevStart = wordStart
                prevStop = i
                i += 1
            }
            if let p = prevMatch { consider(p, contextStart: prevStart) }
            var end = n
            while end > lastBreak {
                let s = Scan.previousStart(b, end)
                if !Scan.isSpace(Scan.decode(b, s).scalar) { break }
                end = s
            }
            slices.append(lastBreak..<max(end, lastBreak))
            return realign(b, slices)
        }

        private struct Candidate {
            let position: Int
            let nextTokenStart: Int?
            let contextEnd: Int
        }

        /// `)";}]*:@'({[!?` and the curly quotes `‘’“”«»`: characters that end a word and may follow a
        /// boundary directly.
        @inline(__always)
        static func isNonWord(_ u: UInt32) -> Bool {
            switch u {
            case 0x29, 0x22, 0x3B, 0x7D, 0x5D, 0x2A, 0x3A, 0x40, 0x27, 0x28, 0x7B, 0x5B, 0x21, 0x3F,
                0x2018, 0x2019, 0x201C, 0x201D, 0xAB, 0xBB:
                return true
            default: return false
            }
        }

        /// Closing punctuation moved back onto the previous sentence: `"')]}` and the curly quotes.
        @inline(__always)
        static func isClosing(_ u: UInt32) -> Bool {
            switch u {
            case 0x22, 0x27, 0x29, 0x5D, 0x7D, 0x2018, 0x2019, 0x201C, 0x201D, 0xAB, 0xBB: return true
            default: return false
            }
        }

        private static func candidate(_ b: Bytes, _ i: Int) -> Candidate? {
            let j = i + 1
            guard j < b.count else { return nil }
            let (after, afterLength) = Scan.decode(b, j)
            if isNonWord(after) { return Candidate(position: i, nextTokenStart: nil, contextEnd: j + afterLength) }
            var k = j
            while k < b.count {
                let (u, len) = Scan.decode(b, k)
                if !Scan.isUnicodeSpace(u) { break }
                k += len
            }
            guard k > j, k < b.count else { return nil }
            var e = k
            while e < b.count {
                let (u, len) = Scan.decode(b, e)
                if Scan.isUnicodeSpace(u) { break }
                e += len
            }
            return Candidate(position: i, nextTokenStart: k, contextEnd: e)
        }

        /// Moves closing quotes/brackets that open a sentence back onto the previous one, and drops empty
        /// sentences (Punkt's `_realign_boundaries`).
        private static func realign(_ b: Bytes, _ slices: [Range<Int>]) -> [Range<Int>] {
            var out: [Range<Int>] = []
            var shift = 0
            for (index, s) in slices.enumerated() {
                let start = s.lowerBound + shift
                if index == slices.count - 1 {
                    if start < s.upperBound { out.append(start..<s.upperBound) }
                    continue
                }
                let next = slices[index + 1]
                var r = next.lowerBound
                while r < next.upperBound {
                    let (u, len) = Scan.decode(b, r)
                    if !isClosing(u) { break }
                    r += len
                }
                var matched = false
                var consumed = r
                if r > next.lowerBound {
                    if r == next.upperBound || (r + 1 < next.upperBound && b[r] == 0x2D && b[r + 1] == 0x2D) {
                        matched = true
                    } else {
                        while consumed < next.upperBound {
                            let (u, len) = Scan.decode(b, consumed)
                            if !Scan.isUnicodeSpace(u) { break }
                            consumed += len
                        }
                        matched = consumed > r
                    }
                }
                if matched {
                    out.append(start..<r)
                    shift = consumed - next.lowerBound
                } else {
                    shift = 0
                    if start < s.upperBound { out.append(start..<s.upperBound) }
                }
            }
            return out
        }

        /// Punkt's `text_contains_sentbreak` on the context `b[start..<end]`: some token other than the last
        /// is a sentence break after both annotation passes.
        static func containsBreak(_ b: Bytes, _ start: Int, _ end: Int) -> Bool {
            let tokens = PunktTokens.tokenize(b, start, end)
            guard tokens.count >= 2 else { return false }
            for k in 0..<(tokens.count - 1) where PunktTokens.isBreak(b, tokens[k], next: tokens[k + 1]) {
                return true
            }
            return false
        }
    }
}
