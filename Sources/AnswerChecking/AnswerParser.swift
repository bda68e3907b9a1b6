extension AnswerMath {
    /// Recursive-descent parser from tokens to `Value`s. Every recursion counts against
    /// `Limits.maxDepth`; exceeding it, or any unexpected token, makes the parse fail (the answer is
    /// then compared as text).
    struct Parser {
        // State is internal, not private: AnswerParser+Expressions extends the parser from its own file.
        var t: [Token]
        let b: [UInt8]
        var p = 0
        var end = 0
        var depth = 0
        var barDepth = 0

        init(tokens: [Token], bytes: [UInt8]) {
            t = tokens
            b = bytes
        }

        /// Lexes, resolves words and parses an answer; `nil` when it is not mathematics.
        static func parse(_ bytes: [UInt8]) -> Value? {
            guard bytes.count <= Limits.maxMathBytes, let raw = Lexer.tokenize(bytes) else { return nil }
            guard let tokens = WordResolver.resolve(raw), !tokens.isEmpty else { return nil }
            var parser = Parser(tokens: tokens, bytes: bytes)
            return parser.parseTop(0..<tokens.count)
        }

        // MARK: Structure

        private static func opens(_ k: TokenKind) -> Bool {
            switch k {
            case .open, .groupOpen, .setOpen, .angleOpen, .absOpen, .floorOpen, .ceilOpen, .matrixBegin: true
            default: false
            }
        }

        private static func closes(_ k: TokenKind) -> Bool {
            switch k {
            case .close, .groupClose, .setClose, .angleClose, .absClose, .floorClose, .ceilClose, .matrixEnd: true
            default: false
            }
        }

        /// Index of the token that closes the bracket opened at `i`, within `range`.
        private func matching(_ i: Int, _ range: Range<Int>) -> Int? {
            var d = 0
            var j = i
            while j < range.upperBound {
                let k = t[j].kind
                if Parser.opens(k) {
                    d += 1
                } else if Parser.closes(k) {
                    d -= 1
                    if d == 0 { return j }
                    if d < 0 { return nil }
                }
                j += 1
            }
            return nil
        }

        /// Splits `range` at top-level tokens for which `isSeparator` holds.
        private func split(_ range: Range<Int>, _ isSeparator: (TokenKind) -> Bool) -> [Range<Int>] {
            var parts: [Range<Int>] = []
            var d = 0
            var start = range.lowerBound
            for j in range {
                let k = t[j].kind
                if Parser.opens(k) {
                    d += 1
                } else if Parser.closes(k) {
                    d -= 1
                } else if d == 0 && isSeparator(k) {
                    parts.append(start..<j)
                    start = j + 1
                }
            }
            parts.append(start..<range.upperBound)
            return parts
        }

        mutating func enter() -> Bool {
            depth += 1
            return depth <= Limits.maxDepth
        }

        mutating func parseTop(_ range: Range<Int>) -> Value? {
            var range = range
            // `x \in [1, 2]` is the interval.
            if range.count > 2, case .variable = t[range.lowerBound].kind, t[range.lowerBound + 1].kind == .elementOf {
                range = (range.lowerBound + 2)..<range.upperBound
            }
            guard !range.isEmpty else { return nil }
            let unions = split(range) { $0 == .cup }
            if unions.count > 1 {
                guard unions.count <= Limits.maxElements else { return nil }
                var parts: [Value] = []
                for u in unions {
                    guard let v = parseElement(u) else { return nil }
                    parts.append(v)
                }
                return .union(parts)
            }
            let items = split(range) { $0 == .comma }
            if items.count > 1 {
                guard items.count <= Limits.maxElements else { return nil }
                var parts: [Value] = []
                for r in items {
                    guard let v = parseElement(r) else { return nil }
                    parts.append(v)
                }
                return .list(parts)
            }
            return parseElement(range)
        }

        private mutating func parseElement(_ range: Range<Int>) -> Value? {
            guard enter() else { return nil }
            defer { depth -= 1 }
            guard !range.isEmpty else { return nil }
            let first = range.lowerBound
            let last = range.upperBound - 1
            let k0 = t[first].kind
            if range.count == 1 && k0 == .emptySet { return .set([]) }
            if Parser.opens(k0), matching(first, range) == last {
                let inner = (first + 1)..<last
                switch k0 {
                case .open, .angleOpen:
                    var open: UInt8 = 0x28
                    if case .open(let c) = k0 { open = c }
                    let closeChar: UInt8
                    switch t[last].kind {
                    case .close(let c): closeChar = c
                    case .angleClose: closeChar = 0x29
                    default: return nil
                    }
                    let parts = split(inner) { $0 == .comma }
                    if parts.count > 1 || k0 == .angleOpen {
                        return bracketed(open, closeChar, parts)
                    }
                case .setOpen:
                    guard t[last].kind == .setClose else { return nil }
                    if inner.isEmpty { return .set([]) }
                    let parts = split(inner) { $0 == .comma }
                    guard parts.count <= Limits.maxElements else { return nil }
                    var out: [Value] = []
                    for r in parts {
                        guard let v = parseElement(r) else { return nil }
                        out.append(v)
                    }
                    return .set(out)
                case .matrixBegin:
                    return matrix(inner)
                case .groupOpen:
                    return parseTop(inner)
                default:
                    break
                }
            }
            // `x = (1, 2)`: the structure on the right.
            if range.count > 3, case .variable = k0, t[first + 1].kind == .relation(.equal),
                Parser.opens(t[first + 2].kind), t[first + 2].kind != .groupOpen,
                matching(first + 2, range) == last
            {
                if let v = parseElement((first + 2)..<range.upperBound), !v.isExpression { return v }
            }
            return parseChain(range)
        }

        private mutating func bracketed(_ open: UInt8, _ close: UInt8, _ parts: [Range<Int>]) -> Value? {
            guard parts.count <= Limits.maxElements else { return nil }
            var out: [Value] = []
            for r in parts {
                guard let v = parseElement(r) else { return nil }
                out.append(v)
            }
            return .bracketed(open: open, close: close, out)
        }

        private mutating func matrix(_ inner: Range<Int>) -> Value? {
            var rows = split(inner) { $0 == .rowSep }
            if let lastRow = rows.last, lastRow.isEmpty, rows.count > 1 { rows.removeLast() }
            guard rows.count <= Limits.maxElements else { return nil }
            var out: [[Value]] = []
            for r in rows {
                let cells = split(r) { $0 == .columnSep }
                guard cells.count <= Limits.maxElements else { return nil }
                var row: [Value] = []
                for c in cells {
                    guard let v = parseElement(c) else { return nil }
                    row.append(v)
                }
                out.append(row)
            }
            return .matrix(out)
        }

        private mutating func parseChain(_ range: Range<Int>) -> Value? {
            let parts = split(range) { if case .relation = $0 { return true } else { return false } }
            if parts.count == 1 {
                var r = range
                var percent = false
                if r.count > 1 && t[r.upperBound - 1].kind == .percent {
                    percent = true
                    r = r.lowerBound..<(r.upperBound - 1)
                }
                guard let e = parseExpression(r) else { return nil }
                return .expression(e, percent: percent)
            }
            guard parts.count <= 4, let first = parseExpression(parts[0]) else { return nil }
            var rest: [(Relation, Expr)] = []
            for part in parts.dropFirst() {
                guard case .relation(let rel) = t[part.lowerBound - 1].kind, let e = parseExpression(part) else {
                    return nil
                }
                rest.append((rel, e))
            }
            return .relation(first, rest)
        }
    }
}
