extension IFEval {
    /// `keywords:*` checkers.
    ///
    /// The reference matches keywords with case-insensitive regular-expression search; Minos matches the
    /// keyword literally, comparing code points after a one-to-one lowercase mapping (which is how Python's
    /// `re.IGNORECASE` compares characters).
    enum KeywordChecks {
        /// `keywords:existence`: every keyword occurs somewhere, ignoring case (substring match).
        static func existence(_ b: Bytes, _ keywords: [Needle], _ explain: Bool) -> Verdict {
            let lower = Scan.lowercased(b, 0..<b.count)
            var missing: [String] = []
            lower.withUnsafeBufferPointer { hay in
                for k in keywords {
                    let found = k.lower.withUnsafeBufferPointer { Scan.find($0, in: hay, from: 0, to: hay.count) } != nil
                    if !found {
                        missing.append(k.text)
                        if !explain { break }
                    }
                }
            }
            return Verdict(
                missing.isEmpty, explain,
                missing.isEmpty
                    ? "all \(keywords.count) keyword(s) present"
                    : "missing keyword(s): " + missing.map { "\"\($0)\"" }.joined(separator: ", "))
        }

        /// `keywords:frequency`: non-overlapping, case-insensitive occurrences compared with the threshold.
        static func frequency(_ b: Bytes, _ k: Needle, _ threshold: Int, _ rel: Relation, _ explain: Bool) -> Verdict {
            let count = occurrences(of: k, in: b)
            return Verdict(
                rel.holds(count, threshold), explain,
                "found \"\(k.text)\" \(count) time(s); required \(rel.phrase) \(threshold)")
        }

        static func occurrences(of k: Needle, in b: Bytes) -> Int {
            let lower = Scan.lowercased(b, 0..<b.count)
            return lower.withUnsafeBufferPointer { hay in
                k.lower.withUnsafeBufferPointer { needle in
                    var count = 0
                    var i = 0
                    while let at = Scan.find(needle, in: hay, from: i, to: hay.count) {
                        count += 1
                        i = at + max(needle.count, 1)
                    }
                    return count
                }
            }
        }

        /// `keywords:forbidden_words`: none of the words occurs as a whole word (`\bword\b`), ignoring case.
        static func forbidden(_ b: Bytes, _ words: [Needle], _ explain: Bool) -> Verdict {
            let lower = Scan.lowercased(b, 0..<b.count)
            var found: [String] = []
            lower.withUnsafeBufferPointer { hay in
                for w in words where w.lower.withUnsafeBufferPointer({ containsWholeWord($0, in: hay) }) {
                    found.append(w.text)
                    if !explain { break }
                }
            }
            return Verdict(
                found.isEmpty, explain,
                found.isEmpty
                    ? "none of the \(words.count) forbidden word(s) used"
                    : "used forbidden word(s): " + found.map { "\"\($0)\"" }.joined(separator: ", "))
        }

        /// True when `needle` occurs in `hay` with a regex word boundary (`\b`) on both sides.
        static func containsWholeWord(_ needle: Bytes, in hay: Bytes) -> Bool {
            guard needle.count > 0 else { return false }
            let firstIsWord = Scan.isWord(Scan.decode(needle, 0).scalar)
            let lastIsWord = Scan.isWord(Scan.decode(needle, Scan.previousStart(needle, needle.count)).scalar)
            var i = 0
            while let at = Scan.find(needle, in: hay, from: i, to: hay.count) {
                let before = at > 0 && Scan.isWord(Scan.decode(hay, Scan.previousStart(hay, at)).scalar)
                let end = at + needle.count
                let after = end < hay.count && Scan.isWord(Scan.decode(hay, end).scalar)
                if before != firstIsWord && after != lastIsWord { return true }
                i = at + 1
            }
            return false
        }

        /// `keywords:letter_frequency`: how often the letter occurs in the lowercased response.
        static func letterFrequency(
            _ b: Bytes, _ letter: UInt32, _ display: String, _ threshold: Int, _ rel: Relation, _ explain: Bool
        ) -> Verdict {
            var count = 0
            var i = 0
            if letter < 0x80 {
                let target = UInt8(letter)
                while i < b.count {
                    let c = b[i]
                    if c < 0x80 {
                        if (c >= 0x41 && c <= 0x5A ? c | 0x20 : c) == target { count += 1 }
                        i += 1
                    } else {
                        let (u, n) = Scan.decode(b, i)
                        count += lowercaseMappingCount(u, letter)
                        i += n
                    }
                }
            } else {
                while i < b.count {
                    let (u, n) = Scan.decode(b, i)
                    count += u < 0x80 ? (Scan.lower(u) == letter ? 1 : 0) : lowercaseMappingCount(u, letter)
                    i += n
                }
            }
            return Verdict(
                rel.holds(count, threshold), explain,
                "found the letter \"\(display)\" \(count) time(s); required \(rel.phrase) \(threshold)")
        }

        /// How many code points of the full lowercase mapping of `u` equal `letter` (as `str.lower()` would
        /// produce them before counting characters).
        @inline(__always)
        private static func lowercaseMappingCount(_ u: UInt32, _ letter: UInt32) -> Int {
            guard let s = Unicode.Scalar(u) else { return 0 }
            if !s.properties.changesWhenLowercased { return u == letter ? 1 : 0 }
            var n = 0
            for m in s.properties.lowercaseMapping.unicodeScalars where m.value == letter { n += 1 }
            return n
        }
    }
}
