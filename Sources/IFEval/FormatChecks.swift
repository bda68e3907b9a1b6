extension IFEval {
    /// `detectable_format:*` checkers.
    enum FormatChecks {
        /// `detectable_format:number_bullet_lists`: lines starting (after optional whitespace) with `*`
        /// followed by a character other than `*`, plus lines starting with `-`; the total must equal
        /// `expected`. Like the reference's multiline regular expressions, the leading whitespace may span
        /// blank lines, and `---` rules count as bullets.
        static func bullets(_ b: Bytes, _ expected: Int, _ explain: Bool) -> Verdict {
            let stars = countLineItems(b, star: true)
            let dashes = countLineItems(b, star: false)
            let total = stars + dashes
            return Verdict(
                total == expected, explain,
                "found \(total) bullet point(s) (\(stars) '*', \(dashes) '-'); required exactly \(expected)")
        }

        /// Non-overlapping matches of `^\s*\*[^\*].*$` (star) or `^\s*-.*$` (dash) with `re.MULTILINE`.
        private static func countLineItems(_ b: Bytes, star: Bool) -> Int {
            let n = b.count
            var count = 0
            var lineStart = 0
            while lineStart <= n {
                var q = lineStart
                while q < n {
                    let (u, len) = Scan.decode(b, q)
                    if !Scan.isSpace(u) { break }
                    q += len
                }
                var bodyStart = -1
                if star {
                    if q + 1 < n && b[q] == 0x2A && b[q + 1] != 0x2A {
                        bodyStart = q + 1 + Scan.decode(b, q + 1).length
                    }
                } else if q < n && b[q] == 0x2D {
                    bodyStart = q + 1
                }
                var next: Int
                if bodyStart >= 0 {
                    count += 1
                    var e = bodyStart
                    while e < n && b[e] != 0x0A { e += 1 }
                    next = e + 1
                } else {
                    var e = lineStart
                    while e < n && b[e] != 0x0A { e += 1 }
                    next = e + 1
                }
                if next > n { break }
                lineStart = next
                if lineStart == n { break }
            }
            return count
        }

        private static let constrainedOptions = ["My answer is yes.", "My answer is no.", "My answer is maybe."]

        /// `detectable_format:constrained_response`: the response contains one of the three fixed answers.
        static func constrained(_ b: Bytes, _ explain: Bool) -> Verdict {
            let r = Scan.strip(b, 0..<b.count)
            for option in constrainedOptions {
                let hit = Scan.withBytes(option) { Scan.find($0, in: b, from: r.lowerBound, to: r.upperBound) } != nil
                if hit { return Verdict(true, explain, "contains \"\(option)\"") }
            }
            return Verdict(false, explain, "contains none of \"My answer is yes./no./maybe.\"")
        }

        /// `detectable_format:number_highlighted_sections`: at least `minimum` non-blank `*…*` spans plus
        /// non-blank `**…**` spans (no newline or `*` inside; both kinds are counted, as in the reference).
        static func highlights(_ b: Bytes, _ minimum: Int, _ explain: Bool) -> Verdict {
            let n = b.count
            var count = 0
            var i = 0
            while i < n {  // \*[^\n\*]*\*
                if b[i] == 0x2A, let close = closingStar(b, i + 1) {
                    if !Scan.isBlank(b, (i + 1)..<close) { count += 1 }
                    i = close + 1
                } else {
                    i += 1
                }
            }
            i = 0
            while i + 1 < n {  // \*\*[^\n\*]*\*\*
                if b[i] == 0x2A && b[i + 1] == 0x2A, let close = closingStar(b, i + 2), close + 1 < n, b[close + 1] == 0x2A {
                    if !Scan.isBlank(b, (i + 2)..<close) { count += 1 }
                    i = close + 2
                } else {
                    i += 1
                }
            }
            return Verdict(
                count >= minimum, explain, "found \(count) highlighted section(s); required at least \(minimum)")
        }

        /// The first `*` at or after `from` with no newline before it, or nil.
        @inline(__always)
        private static func closingStar(_ b: Bytes, _ from: Int) -> Int? {
            var j = from
            while j < b.count {
                let c = b[j]
                if c == 0x2A { return j }
                if c == 0x0A { return nil }
                j += 1
            }
            return nil
        }

        /// `detectable_format:multiple_sections`: occurrences of the splitter word (case-sensitive) followed
        /// by at most one whitespace character and a number; there must be at least `minimum`.
        static func sections(_ b: Bytes, _ splitter: Needle, _ minimum: Int, _ explain: Bool) -> Verdict {
            var count = 0
            splitter.bytes.withUnsafeBufferPointer { word in
                var i = 0
                while let at = Scan.find(word, in: b, from: i, to: b.count) {
                    var j = at + word.count
                    if j < b.count {
                        let (u, len) = Scan.decode(b, j)
                        if Scan.isSpace(u), j + len < b.count, Scan.isDigit(Scan.decode(b, j + len).scalar) { j += len }
                    }
                    var digitsEnd = j
                    while digitsEnd < b.count {
                        let (u, len) = Scan.decode(b, digitsEnd)
                        if !Scan.isDigit(u) { break }
                        digitsEnd += len
                    }
                    if digitsEnd > j {
                        count += 1
                        i = digitsEnd
                    } else {
                        i = at + 1
                    }
                }
            }
            return Verdict(
                count >= minimum, explain,
                "found \(count) section(s) marked \"\(splitter.text) N\"; required at least \(minimum)")
        }

        /// `detectable_format:json_format`: after stripping whitespace and one Markdown code fence
        /// (```` ```json ````, ```` ```Json ````, ```` ```JSON ```` or ```` ``` ````, and a closing ```` ``` ````), the text
        /// is one JSON value as Python's `json.loads` accepts it.
        static func json(_ b: Bytes, _ explain: Bool) -> Verdict {
            var r = Scan.strip(b, 0..<b.count)
            for fence: StaticString in ["```json", "```Json", "```JSON", "```"]
            where Scan.hasPrefix(b, at: r.lowerBound, end: r.upperBound, fence) {
                r = (r.lowerBound + fence.utf8CodeUnitCount)..<r.upperBound
            }
            if r.count >= 3 && Scan.hasPrefix(b, at: r.upperBound - 3, end: r.upperBound, "```") {
                r = r.lowerBound..<(r.upperBound - 3)
            }
            r = Scan.strip(b, r)
            let valid = JSONSyntax.isValid(b, r)
            return Verdict(valid, explain, valid ? "the response is valid JSON" : "the response is not valid JSON")
        }

        /// `detectable_format:title`: some `<<…>>` on one line has a non-blank title inside.
        static func title(_ b: Bytes, _ explain: Bool) -> Verdict {
            let n = b.count
            var i = 0
            while i + 1 < n {
                guard b[i] == 0x3C && b[i + 1] == 0x3C else {
                    i += 1
                    continue
                }
                var lineEnd = i + 2
                while lineEnd < n && b[lineEnd] != 0x0A { lineEnd += 1 }
                // Greedy `[^\n]+` backs off to the last `>>` on the line that leaves at least one character.
                var close = lineEnd - 2
                while close >= i + 3 && !(b[close] == 0x3E && b[close + 1] == 0x3E) { close -= 1 }
                guard close >= i + 3 else {
                    i += 1
                    continue
                }
                var lo = i
                while lo < close + 2 && b[lo] == 0x3C { lo += 1 }
                var hi = close + 2
                while hi > lo && b[hi - 1] == 0x3E { hi -= 1 }
                let inner = Scan.strip(b, lo..<hi)
                if !inner.isEmpty {
                    let shown = String(decoding: Bytes(rebasing: b[inner]), as: UTF8.self)
                    return Verdict(true, explain, "found the title <<\(shown)>>")
                }
                i = close + 2
            }
            return Verdict(false, explain, "found no <<title>>")
        }
    }
}
