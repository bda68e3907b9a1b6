extension AnswerMath {
    /// Multiple-choice letters and plain-text normalization.
    enum TextForms {
        private static let wrapperCommands: Set<String> = [
            "boxed", "fbox", "text", "textbf", "textrm", "mathrm", "mbox", "mathbf", "textit", "textnormal",
            "left", "right",
        ]

        /// The answer without `$`, braces, `\(`/`\)`, `\boxed`/`\text`-like commands and surrounding
        /// whitespace or trailing periods; `nil` when it is too long to be a choice.
        private static func unwrap(_ b: [UInt8], limit: Int) -> [UInt8]? {
            var out: [UInt8] = []
            var i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if c == 0x5C {
                    var j = i + 1
                    while j < n && Extraction.isLetter(b[j]) { j += 1 }
                    if j > i + 1 {
                        guard wrapperCommands.contains(String(decoding: b[(i + 1)..<j], as: UTF8.self)) else { return nil }
                        i = j
                        continue
                    }
                    if j < n && (b[j] == 0x28 || b[j] == 0x29 || b[j] == 0x5B || b[j] == 0x5D || b[j] == 0x20) {
                        i = j + 1
                        continue
                    }
                    return nil
                }
                if c != 0x24 && c != 0x7B && c != 0x7D {
                    out.append(c)
                    if out.count > limit { return nil }
                }
                i += 1
            }
            var lo = 0
            var hi = out.count
            while lo < hi && Extraction.isSpace(out[lo]) { lo += 1 }
            while hi > lo && (Extraction.isSpace(out[hi - 1]) || out[hi - 1] == 0x2E) { hi -= 1 }
            return Array(out[lo..<hi])
        }

        @inline(__always) private static func letter(_ c: UInt8, strict: Bool) -> UInt8? {
            if c >= 0x41 && c <= 0x5A { return c }
            if !strict && c >= 0x61 && c <= 0x7A { return c - 0x20 }
            return nil
        }

        /// The choice letter of an answer: `B`, `(B)`, `B)`, `B.`, `B:`, `\text{(B)}`, `\textbf{(B)}`. When
        /// `strict` (how an `auto` reference is recognized as a choice) the letter must be a capital and
        /// stand alone; otherwise lowercase letters, a leading "option"/"choice"/"answer" and text after
        /// the letter (`(B) 42`, `B) 42`) are accepted.
        static func choiceLetter(_ b: [UInt8], strict: Bool) -> UInt8? {
            if strict && (b.count > 64 || !b.contains(where: { $0 >= 0x41 && $0 <= 0x5A })) { return nil }
            guard b.count <= 4_096, var s = unwrap(b, limit: strict ? 16 : 4_096)?[...], !s.isEmpty else { return nil }
            if !strict {
                let a = Array(s.prefix(8))
                for w: StaticString in ["option", "choice", "answer"] where Extraction.matchesFolded(a, 0, w) {
                    let len = w.utf8CodeUnitCount
                    if s.count > len && (s[s.startIndex + len] == 0x20 || s[s.startIndex + len] == 0x3A) {
                        s = s.dropFirst(len)
                        while let f = s.first, f == 0x20 || f == 0x3A { s = s.dropFirst() }
                    }
                }
            }
            let a = Array(s)
            let n = a.count
            func restOK(_ k: Int) -> Bool { k == n || (!strict && (a[k] == 0x20 || a[k] == 0x2C)) }
            if n >= 3 && a[0] == 0x28 && a[2] == 0x29, let l = letter(a[1], strict: strict), restOK(3) { return l }
            if n == 1, let l = letter(a[0], strict: strict) { return l }
            if n >= 2 && (a[1] == 0x29 || a[1] == 0x2E || a[1] == 0x3A), let l = letter(a[0], strict: strict), restOK(2) {
                return l
            }
            return nil
        }

        private static let droppedCommands: Set<String> = [
            "text", "textbf", "textrm", "textit", "textnormal", "mathrm", "mathbf", "mbox", "boxed", "fbox", "left",
            "right", "displaystyle", "quad", "qquad", "emph", "textsf", "texttt", "mathit",
        ]

        /// Plain-text normal form: `\text{}`-like commands dropped (their content kept), other commands
        /// kept as words without the backslash (`\pi` → `pi`), `$` and braces dropped, ASCII letters
        /// lowercased, apostrophes removed, sentence punctuation (`. , ; : ! ? "`) turned into spaces
        /// (except a `.` or `,` between digits), mathematical symbols (`+ - * / ^ = < > ( ) [ ] | %`) kept
        /// with no spaces around them, whitespace collapsed, and a leading article ("the", "a", "an")
        /// dropped.
        static func normalize(_ b: [UInt8]) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            var pendingSpace = false
            var afterSymbol = true
            func put(_ c: UInt8) {
                if pendingSpace && !afterSymbol && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                afterSymbol = false
                out.append(c)
            }
            func symbol(_ c: UInt8) {
                pendingSpace = false
                afterSymbol = true
                out.append(c)
            }
            var i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if c == 0x5C {
                    var j = i + 1
                    while j < n && Extraction.isLetter(b[j]) { j += 1 }
                    if j == i + 1 {
                        if j < n && b[j] == 0x25 {
                            symbol(0x25)
                        } else if j < n && (b[j] == 0x7B || b[j] == 0x7D || b[j] == 0x24) {
                            // \{ \} \$: dropped like the plain characters
                        } else {
                            pendingSpace = true
                        }
                        i = min(n, i + 2)
                        continue
                    }
                    let name = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                    if !droppedCommands.contains(name) {
                        pendingSpace = true
                        for k in (i + 1)..<j { put(b[k] | 0x20) }
                    }
                    pendingSpace = true
                    i = j
                    continue
                }
                switch c {
                case 0x41...0x5A:
                    put(c | 0x20)
                case 0x61...0x7A, 0x30...0x39, 0x80...0xFF:
                    put(c)
                case 0x27, 0x24, 0x7B, 0x7D:
                    break  // apostrophes ("don't" is "dont"), $ and braces vanish
                case 0x2B, 0x2D, 0x2A, 0x2F, 0x5E, 0x3D, 0x3C, 0x3E, 0x28, 0x29, 0x5B, 0x5D, 0x7C, 0x25, 0x5F, 0x26:
                    symbol(c)
                case 0x2E, 0x2C:
                    if i > 0 && i + 1 < n && Extraction.isDigit(b[i - 1]) && Extraction.isDigit(b[i + 1]) {
                        put(c)
                    } else {
                        pendingSpace = true
                    }
                default:
                    pendingSpace = true
                }
                i += 1
            }
            var s = String(decoding: out, as: UTF8.self)
            for article in ["the ", "a ", "an "] where s.hasPrefix(article) && s.count > article.count {
                s.removeFirst(article.count)
                break
            }
            return s
        }
    }
}
