extension IFEval {
    /// Checkers for placeholders, postscripts, the `combination:*` ids, `startend:*` and `punctuation:*`.
    enum ContentChecks {
        /// `detectable_content:number_placeholders`: at least `minimum` `[…]` spans (shortest match, on one
        /// line; `[]` counts).
        static func placeholders(_ b: Bytes, _ minimum: Int, _ explain: Bool) -> Verdict {
            var count = 0
            var i = 0
            let n = b.count
            outer: while i < n {
                if b[i] == 0x5B {
                    var j = i + 1
                    while j < n {
                        let c = b[j]
                        if c == 0x5D {
                            count += 1
                            i = j + 1
                            continue outer
                        }
                        if c == 0x0A { break }
                        j += 1
                    }
                }
                i += 1
            }
            return Verdict(count >= minimum, explain, "found \(count) placeholder(s); required at least \(minimum)")
        }

        /// `detectable_content:postscript`: the lowercased response contains the marker. `P.S.` matches
        /// `p.s.` with an optional whitespace character after the first period; `P.P.S` matches `p.p.s` with
        /// optional whitespace after each period; any other marker is matched case-insensitively with `.`
        /// standing for any character but a newline (as in the reference's regular expression).
        static func postscript(_ b: Bytes, _ marker: PostscriptMarker, _ explain: Bool) -> Verdict {
            let lower = Scan.lowercased(b, 0..<b.count)
            let found = lower.withUnsafeBufferPointer { t -> Bool in
                var i = 0
                while i < t.count {
                    if marker.matches(t, at: i) { return true }
                    i += Scan.decode(t, i).length
                }
                return false
            }
            return Verdict(
                found, explain,
                found ? "found the postscript marker \"\(marker.text)\"" : "no postscript starting with \"\(marker.text)\"")
        }

        /// `combination:two_responses`: exactly two non-blank parts separated by `******`, with different
        /// text; a blank part between two separators fails.
        static func twoResponses(_ b: Bytes, _ explain: Bool) -> Verdict {
            var pieces: [Range<Int>] = []
            var start = 0
            Scan.withBytes("******") { sep in
                var i = 0
                while let at = Scan.find(sep, in: b, from: i, to: b.count) {
                    pieces.append(start..<at)
                    start = at + sep.count
                    i = start
                }
            }
            pieces.append(start..<b.count)
            var valid: [Range<Int>] = []
            for (index, piece) in pieces.enumerated() {
                if Scan.isBlank(b, piece) {
                    if index != 0 && index != pieces.count - 1 {
                        return Verdict(false, explain, "found an empty response between two ****** separators")
                    }
                } else {
                    valid.append(piece)
                }
            }
            guard valid.count == 2 else {
                return Verdict(false, explain, "found \(valid.count) response(s) separated by ******; required 2")
            }
            let a = Bytes(rebasing: b[Scan.strip(b, valid[0])])
            let c = Bytes(rebasing: b[Scan.strip(b, valid[1])])
            let different = !a.elementsEqual(c)
            return Verdict(
                different, explain, different ? "found 2 different responses" : "the two responses are identical")
        }

        /// `combination:repeat_prompt`: the stripped, lowercased response starts with the stripped,
        /// lowercased prompt.
        static func repeatPrompt(_ b: Bytes, _ prompt: Needle, _ explain: Bool) -> Verdict {
            let lower = Scan.lowercased(b, Scan.strip(b, 0..<b.count))
            let ok = lower.starts(with: prompt.lower)
            return Verdict(
                ok, explain, ok ? "the response starts with the prompt" : "the response does not start with the prompt")
        }

        /// `startend:end_checker`: after stripping whitespace and then double quotes, the lowercased response
        /// ends with the lowercased phrase.
        static func endsWith(_ b: Bytes, _ phrase: Needle, _ explain: Bool) -> Verdict {
            var r = Scan.strip(b, 0..<b.count)
            while !r.isEmpty && b[r.lowerBound] == 0x22 { r = (r.lowerBound + 1)..<r.upperBound }
            while !r.isEmpty && b[r.upperBound - 1] == 0x22 { r = r.lowerBound..<(r.upperBound - 1) }
            let lower = Scan.lowercased(b, r)
            let ok = lower.count >= phrase.lower.count && lower.suffix(phrase.lower.count).elementsEqual(phrase.lower)
            return Verdict(
                ok, explain, ok ? "ends with \"\(phrase.text)\"" : "does not end with \"\(phrase.text)\"")
        }

        /// `punctuation:no_comma`: no ASCII comma anywhere.
        static func noComma(_ b: Bytes, _ explain: Bool) -> Verdict {
            var count = 0
            for c in b where c == 0x2C { count += 1 }
            return Verdict(count == 0, explain, count == 0 ? "no commas" : "found \(count) comma(s)")
        }

        /// `startend:quotation`: the stripped response is at least two characters long and starts and ends
        /// with `"`.
        static func quotation(_ b: Bytes, _ explain: Bool) -> Verdict {
            let r = Scan.strip(b, 0..<b.count)
            let ok = r.count >= 2 && b[r.lowerBound] == 0x22 && b[r.upperBound - 1] == 0x22
            return Verdict(ok, explain, ok ? "wrapped in double quotation marks" : "not wrapped in double quotation marks")
        }
    }

    /// A prepared postscript marker.
    struct PostscriptMarker: Sendable {
        private enum Kind: Sendable { case ps, pps, pattern([UInt32]) }
        private let kind: Kind
        /// The marker as given (after stripping whitespace).
        let text: String

        init(_ marker: String) {
            text = marker
            switch marker {
            case "P.S.": kind = .ps
            case "P.P.S": kind = .pps
            default: kind = .pattern(marker.unicodeScalars.map { Scan.lower($0.value) })
            }
        }

        /// Whether the marker matches the lowercased text `t` at byte `i`.
        func matches(_ t: Bytes, at i: Int) -> Bool {
            switch kind {
            case .ps:  // p\.\s?s\.
                guard var j = Self.expect(t, i, "p.") else { return false }
                j = Self.optionalSpace(t, j)
                return Self.expect(t, j, "s.") != nil
            case .pps:  // p\.\s?p\.\s?s
                guard var j = Self.expect(t, i, "p.") else { return false }
                j = Self.optionalSpace(t, j)
                guard var k = Self.expect(t, j, "p.") else { return false }
                k = Self.optionalSpace(t, k)
                return Self.expect(t, k, "s") != nil
            case .pattern(let scalars):
                var j = i
                for p in scalars {
                    guard j < t.count else { return false }
                    let (u, len) = Scan.decode(t, j)
                    if p == 0x2E ? u == 0x0A : u != p { return false }
                    j += len
                }
                return true
            }
        }

        private static func expect(_ t: Bytes, _ i: Int, _ literal: StaticString) -> Int? {
            Scan.hasPrefix(t, at: i, end: t.count, literal) ? i + literal.utf8CodeUnitCount : nil
        }

        private static func optionalSpace(_ t: Bytes, _ j: Int) -> Int {
            guard j < t.count else { return j }
            let (u, len) = Scan.decode(t, j)
            return Scan.isSpace(u) ? j + len : j
        }
    }
}
