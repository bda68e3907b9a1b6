extension AnswerMath {
    /// Finding the final answer in a worked solution, in order of preference: the last `\boxed{}` (or
    /// `\fbox{}`), GSM8K's `#### N`, MetaMath's "The answer is …", the whole text when it is one bare
    /// answer, the last math span (`$…$`) when it is one, the last number.
    enum Extraction {
        static func extract(_ b: [UInt8]) -> (Range<Int>, AnswerSource)? {
            if let found = marked(b) { return found }
            if let r = whole(b) { return (r, .whole) }
            if let r = lastMath(b) { return (r, .lastMath) }
            if let r = lastNumber(b) { return (r, .lastNumber) }
            return nil
        }

        /// The answer behind an explicit marker (`\boxed{}`, `####`, "the answer is"), if any: what makes a
        /// text a worked solution rather than an answer.
        static func marked(_ b: [UInt8]) -> (Range<Int>, AnswerSource)? {
            if let r = lastBoxed(b) { return (r, .boxed) }
            if let r = gsm8k(b) { return (r, .gsm8k) }
            if let r = answerIs(b) { return (r, .theAnswerIs) }
            return nil
        }

        /// Two-letter English words that never occur in a bare answer: the parser would read `is 5` as the
        /// product `i·s·5`, so a text holding one is prose.
        private static let proseWords: Set<String> = [
            "is", "it", "so", "be", "we", "to", "of", "in", "on", "at", "by", "as", "an", "if", "no", "my", "me",
            "us", "do", "he", "up", "go", "am",
        ]

        /// Whether the runs of ASCII letters outside command names (`\frac` is not one; the words inside
        /// `\text{}` are) read as prose: more than two words of three or more letters, or a two-letter
        /// English word. Stops at the first sign of prose, so a long solution costs little.
        private static func isProse(_ b: [UInt8], _ r: Range<Int>) -> Bool {
            var long = 0
            var i = r.lowerBound
            while i < r.upperBound {
                guard isLetter(b[i]) else {
                    i += 1
                    continue
                }
                var j = i
                while j < r.upperBound && isLetter(b[j]) { j += 1 }
                if i == r.lowerBound || b[i - 1] != 0x5C {
                    if j - i >= 3 {
                        long += 1
                        if long > 2 { return true }
                    } else if j - i == 2
                        && proseWords.contains(String(decoding: [b[i] | 0x20, b[i + 1] | 0x20], as: UTF8.self))
                    {
                        return true
                    }
                }
                i = j
            }
            return false
        }

        /// The whole text, when it reads as one bare mathematical answer rather than prose: it parses as
        /// mathematics (after `$…$`, `\(…\)` and a final period are dropped) or is a choice letter, it has at
        /// most two words of three or more letters (`3 apples`, `6 square units`) and no two-letter English
        /// word, and it is not a computation between constants (`48/2 = 24`, where the last number is meant).
        static func whole(_ b: [UInt8]) -> Range<Int>? {
            let r = trimmed(b, 0..<b.count)
            guard !r.isEmpty, r.count <= Limits.maxMathBytes else { return nil }
            if isProse(b, r) { return nil }
            let text = Array(b[r])
            if TextForms.choiceLetter(text, strict: true) != nil { return r }
            guard let value = Parser.parse(text) else { return nil }
            if case .relation(let first, let rest) = value, first.isConstant, rest.allSatisfy({ $0.1.isConstant }) { return nil }
            return r
        }

        /// The content of the last `$…$`, `$$…$$`, `\(…\)` or `\[…\]` span, when no digit follows it and the
        /// content is one bare answer (`whole`): `so the probability is $\frac{3}{4}$.` gives `\frac{3}{4}`,
        /// where the last number would be `4`. `\$` is a dollar sign, not a delimiter.
        static func lastMath(_ b: [UInt8]) -> Range<Int>? {
            let n = b.count
            var last: Range<Int>? = nil
            var open: (content: Int, closer: UInt8)? = nil  // closer: `$`, `)` or `]`
            var i = 0
            while i < n {
                let c = b[i]
                if c == 0x5C, i + 1 < n {
                    let d = b[i + 1]
                    if open == nil && (d == 0x28 || d == 0x5B) {
                        open = (i + 2, d == 0x28 ? 0x29 : 0x5D)
                    } else if let o = open, o.closer == d, d == 0x29 || d == 0x5D {
                        last = o.content..<i
                        open = nil
                    }
                    i += 2
                    continue
                }
                if c == 0x24 {
                    let width = i + 1 < n && b[i + 1] == 0x24 ? 2 : 1
                    if let o = open {
                        if o.closer == 0x24 {
                            last = o.content..<i
                            open = nil
                        }
                    } else {
                        open = (i + width, 0x24)
                    }
                    i += width
                    continue
                }
                i += 1
            }
            guard let span = last, !span.isEmpty else { return nil }
            if b[span.upperBound..<n].contains(where: isDigit) { return nil }
            let content = Array(b[span])
            guard let r = whole(content) else { return nil }
            return (span.lowerBound + r.lowerBound)..<(span.lowerBound + r.upperBound)
        }

        @inline(__always) static func isLetter(_ c: UInt8) -> Bool {
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
        }

        @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
            c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
        }

        /// Whether `word` (ASCII) occurs at `i`.
        static func matches(_ b: [UInt8], _ i: Int, _ word: StaticString) -> Bool {
            let len = word.utf8CodeUnitCount
            guard i + len <= b.count else { return false }
            let p = word.utf8Start
            for k in 0..<len where b[i + k] != p[k] { return false }
            return true
        }

        /// Case-insensitive `matches` for a lowercase `word`.
        static func matchesFolded(_ b: [UInt8], _ i: Int, _ word: StaticString) -> Bool {
            let len = word.utf8CodeUnitCount
            guard i >= 0, i + len <= b.count else { return false }
            let p = word.utf8Start
            for k in 0..<len {
                var c = b[i + k]
                if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                if c != p[k] { return false }
            }
            return true
        }

        /// The content of the boxed answer that starts last. Braces are matched in one pass with a
        /// stack (linear time whatever the nesting); `\{`/`\}` are not braces; an unclosed box is
        /// ignored; `\boxed 5` (no braces) takes the next run of non-space characters.
        static func lastBoxed(_ b: [UInt8]) -> Range<Int>? {
            let n = b.count
            var stack: [Int] = []
            var best: Range<Int>? = nil
            var i = 0
            while i < n {
                let c = b[i]
                if c == 0x5C {
                    guard i + 1 < n else { break }
                    let d = b[i + 1]
                    if d == 0x7B || d == 0x7D || d == 0x5C {
                        i += 2
                        continue
                    }
                    var nameEnd = 0
                    if matches(b, i + 1, "boxed") {
                        nameEnd = i + 6
                    } else if matches(b, i + 1, "fbox") {
                        nameEnd = i + 5
                    }
                    if nameEnd > 0 && (nameEnd >= n || !isLetter(b[nameEnd])) {
                        var j = nameEnd
                        while j < n && (b[j] == 0x20 || b[j] == 0x0A) { j += 1 }
                        if j < n && b[j] == 0x7B {
                            stack.append(j + 1)
                            i = j + 1
                            continue
                        }
                        // `\boxed 5`: up to whitespace or `$`.
                        var k = j
                        while k < n && !isSpace(b[k]) && b[k] != 0x24 { k += 1 }
                        if k > j && j > nameEnd && (best == nil || j > best!.lowerBound) { best = j..<k }
                        i = max(k, nameEnd)
                        continue
                    }
                    i += 1
                    continue
                }
                if c == 0x7B {
                    stack.append(-1)
                } else if c == 0x7D {
                    if let top = stack.popLast(), top >= 0 {
                        let r = top..<i
                        if !trimmed(b, r).isEmpty && (best == nil || top > best!.lowerBound) { best = r }
                    }
                }
                i += 1
            }
            guard let best else { return nil }
            let t = trimmed(b, best)
            return t.isEmpty ? nil : t
        }

        static func trimmed(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
            var lo = r.lowerBound
            var hi = r.upperBound
            while lo < hi && isSpace(b[lo]) { lo += 1 }
            while hi > lo && isSpace(b[hi - 1]) { hi -= 1 }
            return lo..<hi
        }

        /// The rest of the line after the last `####`.
        static func gsm8k(_ b: [UInt8]) -> Range<Int>? {
            let n = b.count
            var i = n - 4
            while i >= 0 {
                if b[i] == 0x23 && b[i + 1] == 0x23 && b[i + 2] == 0x23 && b[i + 3] == 0x23 {
                    var j = i + 4
                    while j < n && (b[j] == 0x23 || b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                    var k = j
                    while k < n && b[k] != 0x0A { k += 1 }
                    var r = trimmed(b, j..<k)
                    while r.count > 0 && b[r.upperBound - 1] == 0x2E {
                        r = trimmed(b, r.lowerBound..<(r.upperBound - 1))
                    }
                    return r.isEmpty ? nil : r
                }
                i -= 1
            }
            return nil
        }

        /// After the last "the answer is" / "the final answer is" (any case, optional colon), up to the
        /// end of the line or of the sentence (a period followed by whitespace or the end; a decimal
        /// point is not an end), without a trailing period.
        static func answerIs(_ b: [UInt8]) -> Range<Int>? {
            let n = b.count
            var i = n - 9
            while i >= 0 {
                if (b[i] | 0x20) == 0x61 && matchesFolded(b, i, "answer is") {
                    // The word before must be "the" or "final" (which itself may follow "the").
                    var k = i - 1
                    while k >= 0 && b[k] == 0x20 { k -= 1 }
                    let before = k + 1
                    let ok = (matchesFolded(b, before - 3, "the") && (before - 3 == 0 || !isLetter(b[before - 4])))
                        || (matchesFolded(b, before - 5, "final") && (before - 5 == 0 || !isLetter(b[before - 6])))
                    if ok && k < i - 1 {
                        var j = i + 9
                        while j < n && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                        if j < n && b[j] == 0x3A { j += 1 }
                        var e = j
                        while e < n {
                            let c = b[e]
                            if c == 0x0A { break }
                            if c == 0x2E && (e + 1 == n || isSpace(b[e + 1])) { break }
                            e += 1
                        }
                        let r = trimmed(b, j..<e)
                        if !r.isEmpty { return r }
                    }
                }
                i -= 1
            }
            return nil
        }

        /// The last number in the text: an optional minus, digits with `,` thousands groups, a decimal
        /// part, and an optional `/denominator`.
        static func lastNumber(_ b: [UInt8]) -> Range<Int>? {
            let n = b.count
            var last: Range<Int>? = nil
            var i = 0
            while i < n {
                let c = b[i]
                let startsNumber = isDigit(c)
                    || (c == 0x2E && i + 1 < n && isDigit(b[i + 1]) && (i == 0 || !isDigit(b[i - 1])))
                guard startsNumber else {
                    i += 1
                    continue
                }
                var start = i
                if start > 0 && b[start - 1] == 0x2D
                    && (start < 2 || !(isLetter(b[start - 2]) || isDigit(b[start - 2])))
                {
                    start -= 1
                }
                var j = i
                while j < n && isDigit(b[j]) { j += 1 }
                // `,` followed by exactly three digits: a thousands group.
                while j + 3 < n && b[j] == 0x2C && isDigit(b[j + 1]) && isDigit(b[j + 2]) && isDigit(b[j + 3])
                    && (j + 4 == n || !isDigit(b[j + 4]))
                {
                    j += 4
                }
                if j + 1 < n && b[j] == 0x2E && isDigit(b[j + 1]) {
                    j += 1
                    while j < n && isDigit(b[j]) { j += 1 }
                }
                if j + 1 < n && b[j] == 0x2F && isDigit(b[j + 1]) {
                    j += 1
                    while j < n && isDigit(b[j]) { j += 1 }
                }
                last = start..<j
                i = j
            }
            return last
        }
    }
}
