extension IFEval {
    /// `length_constraints:*` checkers.
    enum LengthChecks {
        /// `length_constraints:number_sentences`, counting with ``SentenceSplitter``.
        static func sentences(_ b: Bytes, _ threshold: Int, _ rel: Relation, _ explain: Bool) -> Verdict {
            let count = SentenceSplitter.count(b)
            return Verdict(
                rel.holds(count, threshold), explain, "found \(count) sentence(s); required \(rel.phrase) \(threshold)")
        }

        /// `length_constraints:number_words`, counting with ``WordCounter``.
        static func words(_ b: Bytes, _ threshold: Int, _ rel: Relation, _ explain: Bool) -> Verdict {
            let count = WordCounter.count(b)
            return Verdict(
                rel.holds(count, threshold), explain, "found \(count) word(s); required \(rel.phrase) \(threshold)")
        }

        /// `length_constraints:number_paragraphs`: paragraphs are separated by `***` (with at most one
        /// whitespace character swallowed on each side). Blank text before the first or after the last
        /// divider is ignored; a blank paragraph between two dividers fails the check. The count must be
        /// exactly the one required.
        static func paragraphs(_ b: Bytes, _ expected: Int, _ explain: Bool) -> Verdict {
            let pieces = splitOnDividers(b)
            var count = pieces.count
            for (index, piece) in pieces.enumerated() where Scan.isBlank(b, piece) {
                if index == 0 || index == pieces.count - 1 {
                    count -= 1
                } else {
                    return Verdict(false, explain, "found an empty paragraph between two *** dividers")
                }
            }
            return Verdict(count == expected, explain, "found \(count) paragraph(s); required exactly \(expected)")
        }

        /// The pieces of `b` around each `\s?\*\*\*\s?` divider, left to right.
        static func splitOnDividers(_ b: Bytes) -> [Range<Int>] {
            var pieces: [Range<Int>] = []
            var start = 0
            var i = 0
            let n = b.count
            while i < n {
                let (u, len) = Scan.decode(b, i)
                var matchEnd = -1
                if Scan.isSpace(u) && Scan.hasPrefix(b, at: i + len, end: n, "***") {
                    matchEnd = i + len + 3
                } else if u == 0x2A && Scan.hasPrefix(b, at: i, end: n, "***") {
                    matchEnd = i + 3
                }
                if matchEnd < 0 {
                    i += len
                    continue
                }
                if matchEnd < n {
                    let (v, vlen) = Scan.decode(b, matchEnd)
                    if Scan.isSpace(v) { matchEnd += vlen }
                }
                pieces.append(start..<i)
                start = matchEnd
                i = matchEnd
            }
            pieces.append(start..<n)
            return pieces
        }

        /// `length_constraints:nth_paragraph_first_word`: paragraphs are separated by `"\n\n"`; the number of
        /// non-blank paragraphs must equal `expected`, and paragraph `nth` (counting every piece, blank or
        /// not) must start with `firstWord`, compared in lowercase after dropping leading quotes and cutting
        /// the word at the first `. , ? ! ' "`.
        static func nthParagraph(_ b: Bytes, _ expected: Int, _ nth: Int, _ firstWord: Needle, _ explain: Bool)
            -> Verdict
        {
            var pieces: [Range<Int>] = []
            var start = 0
            var i = 0
            while i + 1 < b.count {
                if b[i] == 0x0A && b[i + 1] == 0x0A {
                    pieces.append(start..<i)
                    i += 2
                    start = i
                } else {
                    i += 1
                }
            }
            pieces.append(start..<b.count)
            var count = 0
            for p in pieces where !Scan.isBlank(b, p) { count += 1 }
            guard nth <= count else {
                return Verdict(false, explain, "found \(count) paragraph(s); paragraph \(nth) does not exist")
            }
            let paragraph = Scan.strip(b, pieces[nth - 1])
            guard !paragraph.isEmpty else {
                return Verdict(false, explain, "paragraph \(nth) is empty")
            }
            let word = leadingWord(b, paragraph)
            let matches = word.elementsEqual(firstWord.lower)
            let shown = String(decoding: word, as: UTF8.self)
            return Verdict(
                count == expected && matches, explain,
                "found \(count) paragraph(s) (required \(expected)); paragraph \(nth) starts with \"\(shown)\" "
                    + "(required \"\(firstWord.text)\")")
        }

        /// The lowercased first word of a stripped paragraph, as the reference extracts it.
        private static func leadingWord(_ b: Bytes, _ r: Range<Int>) -> [UInt8] {
            var end = r.lowerBound
            while end < r.upperBound {
                let (u, n) = Scan.decode(b, end)
                if Scan.isSpace(u) { break }
                end += n
            }
            var i = r.lowerBound
            while i < end && b[i] == 0x27 { i += 1 }  // '
            while i < end && b[i] == 0x22 { i += 1 }  // "
            var stop = i
            while stop < end {
                let c = b[stop]
                if c == 0x2E || c == 0x2C || c == 0x3F || c == 0x21 || c == 0x27 || c == 0x22 { break }
                stop += 1
            }
            return Scan.lowercased(b, i..<stop)
        }
    }

    /// Word counting as the reference does it: the number of maximal runs of `\w` characters as NLTK
    /// 3.10's `RegexpTokenizer(r"\w+")` sees them (letters, combining marks, digits, underscore).
    /// Punctuation is never a word and `don't` is two words.
    enum WordCounter {
        static func count(_ b: Bytes) -> Int {
            var count = 0
            var inWord = false
            var i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                let isWord: Bool
                if c < 0x80 {
                    isWord = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
                    i += 1
                } else {
                    let (u, len) = Scan.decode(b, i)
                    isWord = Scan.isUnicodeWord(u)
                    i += len
                }
                if isWord && !inWord { count += 1 }
                inWord = isWord
            }
            return count
        }
    }
}
