extension IFEval {
    /// Low-level scanning over UTF-8 bytes, shared by every checker.
    ///
    /// Checkers work on `UnsafeBufferPointer<UInt8>` views of a response so that a check does not copy or
    /// decode the whole text. Character classes follow Python 3's `str` semantics (`isspace`, `re`'s `\w`
    /// and `\d`, `lower`, `isupper`, `islower`) because the reference checker is written in Python.
    typealias Bytes = UnsafeBufferPointer<UInt8>

    enum Scan {
        /// Runs `body` over a string's UTF-8 bytes, without copying when the string is native.
        @inline(__always)
        static func withBytes<R>(_ s: String, _ body: (Bytes) -> R) -> R {
            if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
            let copy = Array(s.utf8)
            return copy.withUnsafeBufferPointer(body)
        }

        // MARK: Decoding

        /// Decodes the scalar that starts at byte `i`; returns its value and its length in bytes.
        @inline(__always)
        static func decode(_ b: Bytes, _ i: Int) -> (scalar: UInt32, length: Int) {
            let c0 = UInt32(b[i])
            if c0 < 0x80 { return (c0, 1) }
            if c0 < 0xE0 { return (((c0 & 0x1F) << 6) | (UInt32(b[i + 1]) & 0x3F), 2) }
            if c0 < 0xF0 {
                return (((c0 & 0x0F) << 12) | ((UInt32(b[i + 1]) & 0x3F) << 6) | (UInt32(b[i + 2]) & 0x3F), 3)
            }
            let v = ((c0 & 0x07) << 18) | ((UInt32(b[i + 1]) & 0x3F) << 12) | ((UInt32(b[i + 2]) & 0x3F) << 6)
                | (UInt32(b[i + 3]) & 0x3F)
            return (v, 4)
        }

        /// The byte offset where the scalar ending just before `i` starts.
        @inline(__always)
        static func previousStart(_ b: Bytes, _ i: Int) -> Int {
            var j = i - 1
            while j > 0 && b[j] & 0xC0 == 0x80 { j -= 1 }
            return j
        }

        /// Appends the UTF-8 encoding of `u` to `out`.
        @inline(__always)
        static func append(_ u: UInt32, to out: inout [UInt8]) {
            if u < 0x80 {
                out.append(UInt8(u))
            } else if u < 0x800 {
                out.append(UInt8(0xC0 | (u >> 6)))
                out.append(UInt8(0x80 | (u & 0x3F)))
            } else if u < 0x10000 {
                out.append(UInt8(0xE0 | (u >> 12)))
                out.append(UInt8(0x80 | ((u >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (u & 0x3F)))
            } else {
                out.append(UInt8(0xF0 | (u >> 18)))
                out.append(UInt8(0x80 | ((u >> 12) & 0x3F)))
                out.append(UInt8(0x80 | ((u >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (u & 0x3F)))
            }
        }

        // MARK: Character classes (Python semantics)

        /// Python's `str.isspace()` for one code point (also what `re`'s `\s` matches).
        @inline(__always)
        static func isSpace(_ u: UInt32) -> Bool {
            if u < 0x80 { return u == 0x20 || (u >= 0x09 && u <= 0x0D) || (u >= 0x1C && u <= 0x1F) }
            switch u {
            case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
            default: return false
            }
        }

        /// Python's `string.whitespace` (ASCII only): space, tab, newline, return, vertical tab, form feed.
        @inline(__always)
        static func isASCIISpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

        /// What Python's `re` matches with `\w` in a `str` pattern: letters, numbers (including `²`, `½`)
        /// and underscore, but not combining marks. The reference's own regular expressions use this.
        @inline(__always)
        static func isWord(_ u: UInt32) -> Bool {
            if u < 0x80 {
                return (u >= 0x61 && u <= 0x7A) || (u >= 0x41 && u <= 0x5A) || (u >= 0x30 && u <= 0x39) || u == 0x5F
            }
            guard let s = Unicode.Scalar(u) else { return false }
            let p = s.properties
            switch p.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
            default: return p.numericType != nil
            }
        }

        /// What the `regex` engine (used by NLTK 3.10's tokenizers) matches with `\w`: alphabetic
        /// characters, combining marks, decimal digits, connector punctuation and joiners. Unlike
        /// `isWord`, marks join words and `²`/`½` are not word characters.
        @inline(__always)
        static func isUnicodeWord(_ u: UInt32) -> Bool {
            if u < 0x80 {
                return (u >= 0x61 && u <= 0x7A) || (u >= 0x41 && u <= 0x5A) || (u >= 0x30 && u <= 0x39) || u == 0x5F
            }
            guard let s = Unicode.Scalar(u) else { return false }
            let p = s.properties
            if p.isAlphabetic || p.isJoinControl { return true }
            switch p.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
            default: return false
            }
        }

        /// What the `regex` engine matches with `\s`: Unicode `White_Space` (Python's `isspace` also
        /// accepts the separators U+001C–U+001F).
        @inline(__always)
        static func isUnicodeSpace(_ u: UInt32) -> Bool { isSpace(u) && (u < 0x1C || u > 0x1F) }

        /// What Python's `re` matches with `\d`: a decimal digit in any script.
        @inline(__always)
        static func isDigit(_ u: UInt32) -> Bool {
            if u < 0x80 { return u >= 0x30 && u <= 0x39 }
            guard let s = Unicode.Scalar(u) else { return false }
            return s.properties.generalCategory == .decimalNumber
        }

        /// A letter (any `L*` category) — used where the reference's `[^\W\d]` means "alphabetic".
        @inline(__always)
        static func isLetter(_ u: UInt32) -> Bool {
            if u < 0x80 { return (u | 0x20) >= 0x61 && (u | 0x20) <= 0x7A }
            guard let s = Unicode.Scalar(u) else { return false }
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
            default: return false
            }
        }

        /// One-to-one lowercase mapping of a code point (Python's `re.IGNORECASE` compares this way).
        @inline(__always)
        static func lower(_ u: UInt32) -> UInt32 {
            if u < 0x80 { return (u >= 0x41 && u <= 0x5A) ? u | 0x20 : u }
            if u >= 0xC0 && u <= 0xDE && u != 0xD7 { return u + 0x20 }
            if u >= 0x410 && u <= 0x42F { return u + 0x20 }
            if u < 0x100 { return u }
            guard let s = Unicode.Scalar(u), s.properties.changesWhenLowercased else { return u }
            return s.properties.lowercaseMapping.unicodeScalars.first?.value ?? u
        }

        /// Unicode `Uppercase` (Python's `isupper` flag for one code point).
        @inline(__always)
        static func isUpper(_ u: UInt32) -> Bool {
            if u < 0x80 { return u >= 0x41 && u <= 0x5A }
            return Unicode.Scalar(u)?.properties.isUppercase ?? false
        }

        /// Unicode `Lowercase` (Python's `islower` flag for one code point).
        @inline(__always)
        static func isLower(_ u: UInt32) -> Bool {
            if u < 0x80 { return u >= 0x61 && u <= 0x7A }
            return Unicode.Scalar(u)?.properties.isLowercase ?? false
        }

        /// Category `Lt` (titlecase letters such as `ǅ`).
        @inline(__always)
        static func isTitle(_ u: UInt32) -> Bool {
            if u < 0x80 { return false }
            return Unicode.Scalar(u)?.properties.generalCategory == .titlecaseLetter
        }

        // MARK: Whole-text helpers

        /// The range left after removing leading and trailing Python whitespace from `r` (`str.strip()`).
        static func strip(_ b: Bytes, _ r: Range<Int>) -> Range<Int> {
            var lo = r.lowerBound
            var hi = r.upperBound
            while lo < hi {
                let (u, n) = decode(b, lo)
                if !isSpace(u) { break }
                lo += n
            }
            while hi > lo {
                let s = previousStart(b, hi)
                let (u, _) = decode(b, s)
                if !isSpace(u) { break }
                hi = s
            }
            return lo..<hi
        }

        /// True when `r` holds only Python whitespace (or nothing).
        static func isBlank(_ b: Bytes, _ r: Range<Int>) -> Bool { strip(b, r).isEmpty }

        /// The bytes of `r`, lowercased one code point at a time.
        static func lowercased(_ b: Bytes, _ r: Range<Int>) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(r.count)
            var i = r.lowerBound
            while i < r.upperBound {
                let c = b[i]
                if c < 0x80 {
                    out.append(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
                    i += 1
                } else {
                    let (u, n) = decode(b, i)
                    append(lower(u), to: &out)
                    i += n
                }
            }
            return out
        }

        /// Lowercased UTF-8 of a Swift string (used when preparing kwargs).
        static func lowercased(_ s: String) -> [UInt8] {
            withBytes(s) { lowercased($0, 0..<$0.count) }
        }

        /// Python's `str.isupper()` / `str.islower()` over `r`: at least one cased letter, and no cased letter
        /// of the other case (titlecase letters fail both).
        static func caseState(_ b: Bytes, _ r: Range<Int>) -> (hasUpper: Bool, hasLower: Bool, hasTitle: Bool) {
            var up = false, low = false, title = false
            var i = r.lowerBound
            while i < r.upperBound {
                let c = b[i]
                if c < 0x80 {
                    if c >= 0x41 && c <= 0x5A { up = true } else if c >= 0x61 && c <= 0x7A { low = true }
                    i += 1
                    continue
                }
                let (u, n) = decode(b, i)
                if isLower(u) { low = true } else if isTitle(u) { title = true } else if isUpper(u) { up = true }
                i += n
            }
            return (up, low, title)
        }

        /// Byte-wise search for `needle` in `hay[from..<to]`; the offset of the first match or nil.
        @inline(__always)
        static func find(_ needle: Bytes, in hay: Bytes, from: Int, to: Int) -> Int? {
            let n = needle.count
            if n == 0 { return from <= to ? from : nil }
            if to - from < n { return nil }
            let first = needle[0]
            var i = from
            let last = to - n
            while i <= last {
                if hay[i] == first {
                    var k = 1
                    while k < n && hay[i + k] == needle[k] { k += 1 }
                    if k == n { return i }
                }
                i += 1
            }
            return nil
        }

        /// True when `b[at...]` starts with the ASCII bytes of `literal`.
        @inline(__always)
        static func hasPrefix(_ b: Bytes, at: Int, end: Int, _ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            if end - at < n { return false }
            let p = literal.utf8Start
            for k in 0..<n where b[at + k] != p[k] { return false }
            return true
        }
    }
}
