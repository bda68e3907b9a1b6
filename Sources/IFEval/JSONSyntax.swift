extension IFEval {
    /// A validating JSON scanner with the acceptance rules of Python's `json.loads` (strict mode):
    /// any value at top level, `NaN`, `Infinity` and `-Infinity` allowed, no raw control characters in
    /// strings, ASCII whitespace only, nothing after the value. It builds nothing, so it is cheap.
    enum JSONSyntax {
        static func isValid(_ b: Bytes, _ r: Range<Int>) -> Bool {
            var p = Parser(b: b, i: r.lowerBound, end: r.upperBound)
            p.skipSpace()
            guard p.value(depth: 0) else { return false }
            p.skipSpace()
            return p.i == p.end
        }

        private struct Parser {
            let b: Bytes
            var i: Int
            let end: Int
            static let maxDepth = 900

            mutating func skipSpace() {
                while i < end {
                    let c = b[i]
                    guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
                    i += 1
                }
            }

            mutating func literal(_ s: StaticString) -> Bool {
                guard Scan.hasPrefix(b, at: i, end: end, s) else { return false }
                i += s.utf8CodeUnitCount
                return true
            }

            mutating func value(depth: Int) -> Bool {
                guard i < end, depth < Self.maxDepth else { return false }
                switch b[i] {
                case 0x22: return string()
                case 0x7B: return object(depth: depth + 1)
                case 0x5B: return array(depth: depth + 1)
                case 0x6E: return literal("null")
                case 0x74: return literal("true")
                case 0x66: return literal("false")
                case 0x4E: return literal("NaN")
                case 0x49: return literal("Infinity")
                case 0x2D:
                    if literal("-Infinity") { return true }
                    return number()
                case 0x30...0x39: return number()
                default: return false
                }
            }

            mutating func digits() -> Int {
                let start = i
                while i < end && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
                return i - start
            }

            /// `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`; optional parts that do not complete are left unread.
            mutating func number() -> Bool {
                if b[i] == 0x2D { i += 1 }
                guard i < end, b[i] >= 0x30 && b[i] <= 0x39 else { return false }
                if b[i] == 0x30 { i += 1 } else { _ = digits() }
                if i + 1 < end && b[i] == 0x2E && b[i + 1] >= 0x30 && b[i + 1] <= 0x39 {
                    i += 1
                    _ = digits()
                }
                if i < end && (b[i] == 0x65 || b[i] == 0x45) {
                    var j = i + 1
                    if j < end && (b[j] == 0x2B || b[j] == 0x2D) { j += 1 }
                    if j < end && b[j] >= 0x30 && b[j] <= 0x39 {
                        i = j
                        _ = digits()
                    }
                }
                return true
            }

            mutating func string() -> Bool {
                i += 1
                while i < end {
                    let c = b[i]
                    if c == 0x22 {
                        i += 1
                        return true
                    }
                    if c < 0x20 { return false }
                    if c == 0x5C {
                        guard i + 1 < end else { return false }
                        switch b[i + 1] {
                        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
                        case 0x75:
                            guard i + 6 <= end else { return false }
                            for k in (i + 2)..<(i + 6) where !isHex(b[k]) { return false }
                            i += 6
                        default: return false
                        }
                        continue
                    }
                    i += 1
                }
                return false
            }

            func isHex(_ c: UInt8) -> Bool {
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
            }

            mutating func array(depth: Int) -> Bool {
                container(closing: 0x5D) { $0.value(depth: depth) }
            }

            mutating func object(depth: Int) -> Bool {
                container(closing: 0x7D) { parser in
                    guard parser.i < parser.end, parser.b[parser.i] == 0x22, parser.string() else { return false }
                    parser.skipSpace()
                    guard parser.i < parser.end, parser.b[parser.i] == 0x3A else { return false }
                    parser.i += 1
                    parser.skipSpace()
                    return parser.value(depth: depth)
                }
            }

            /// `[` or `{` at `i`: comma-separated elements, each read by `element` after leading space,
            /// up to `closing`. An empty container is allowed; a trailing comma is not.
            mutating func container(closing: UInt8, element: (inout Self) -> Bool) -> Bool {
                i += 1
                skipSpace()
                if i < end && b[i] == closing {
                    i += 1
                    return true
                }
                while true {
                    skipSpace()
                    guard element(&self) else { return false }
                    skipSpace()
                    guard i < end else { return false }
                    if b[i] == 0x2C {
                        i += 1
                        continue
                    }
                    if b[i] == closing {
                        i += 1
                        return true
                    }
                    return false
                }
            }
        }
    }
}
