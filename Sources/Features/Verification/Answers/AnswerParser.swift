extension AnswerMath {
    /// A parsed mathematical expression.
    indirect enum Expr: Sendable {
        case number(Rational)
        /// A literal too large for an exact fraction.
        case real(Double)
        case pi, euler, infinity
        case variable(String)
        case sum([Expr])
        case product([Expr])
        case negate(Expr)
        case quotient(Expr, Expr)
        case power(Expr, Expr)
        case call(Function, Expr)
        /// `root(radicand, index)`; `\sqrt{x}` has index 2.
        case root(Expr, Expr)
        /// `log(argument, base)`; `nil` base is the natural logarithm.
        case log(Expr, Expr?)
        case binomial(Expr, Expr)
        case factorial(Expr)
        /// `±x`.
        case plusMinus(Expr)

        static func add(_ a: Expr, _ b: Expr) -> Expr {
            if case .sum(var xs) = a {
                xs.append(b)
                return .sum(xs)
            }
            return .sum([a, b])
        }

        static func multiply(_ a: Expr, _ b: Expr) -> Expr {
            if case .product(var xs) = a {
                xs.append(b)
                return .product(xs)
            }
            return .product([a, b])
        }

        /// Whether `±` occurs anywhere.
        var hasPlusMinus: Bool {
            switch self {
            case .plusMinus: return true
            case .number, .real, .pi, .euler, .infinity, .variable: return false
            case .sum(let xs), .product(let xs): return xs.contains { $0.hasPlusMinus }
            case .negate(let x), .call(_, let x), .factorial(let x): return x.hasPlusMinus
            case .quotient(let x, let y), .power(let x, let y), .root(let x, let y), .binomial(let x, let y):
                return x.hasPlusMinus || y.hasPlusMinus
            case .log(let x, let y): return x.hasPlusMinus || (y?.hasPlusMinus ?? false)
            }
        }

        /// Every `±x` replaced by `x` (sign +1) or `−x` (sign −1): all `±` in one answer move together.
        func choosingSign(_ sign: Int) -> Expr {
            switch self {
            case .plusMinus(let x): return sign > 0 ? x.choosingSign(sign) : .negate(x.choosingSign(sign))
            case .number, .real, .pi, .euler, .infinity, .variable: return self
            case .sum(let xs): return .sum(xs.map { $0.choosingSign(sign) })
            case .product(let xs): return .product(xs.map { $0.choosingSign(sign) })
            case .negate(let x): return .negate(x.choosingSign(sign))
            case .call(let f, let x): return .call(f, x.choosingSign(sign))
            case .factorial(let x): return .factorial(x.choosingSign(sign))
            case .quotient(let x, let y): return .quotient(x.choosingSign(sign), y.choosingSign(sign))
            case .power(let x, let y): return .power(x.choosingSign(sign), y.choosingSign(sign))
            case .root(let x, let y): return .root(x.choosingSign(sign), y.choosingSign(sign))
            case .binomial(let x, let y): return .binomial(x.choosingSign(sign), y.choosingSign(sign))
            case .log(let x, let y): return .log(x.choosingSign(sign), y?.choosingSign(sign))
            }
        }

        /// Adds the names of the variables to `into`.
        func collectVariables(into names: inout [String]) {
            switch self {
            case .variable(let v): if !names.contains(v) { names.append(v) }
            case .number, .real, .pi, .euler, .infinity: break
            case .sum(let xs), .product(let xs): for x in xs { x.collectVariables(into: &names) }
            case .negate(let x), .call(_, let x), .factorial(let x), .plusMinus(let x): x.collectVariables(into: &names)
            case .quotient(let x, let y), .power(let x, let y), .root(let x, let y), .binomial(let x, let y):
                x.collectVariables(into: &names)
                y.collectVariables(into: &names)
            case .log(let x, let y):
                x.collectVariables(into: &names)
                y?.collectVariables(into: &names)
            }
        }

        var isConstant: Bool {
            var names: [String] = []
            collectVariables(into: &names)
            return names.isEmpty
        }

        /// The name when the expression is a single variable.
        var variableName: String? {
            if case .variable(let v) = self { return v }
            return nil
        }
    }

    /// A parsed answer: an expression, an equation or inequality, or a structure of them.
    indirect enum Value: Sendable {
        /// An expression; `percent` when it ended with `%`.
        case expression(Expr, percent: Bool)
        /// `first rel₁ e₁ rel₂ e₂ …`.
        case relation(Expr, [(Relation, Expr)])
        /// An ordered tuple or an interval: the opening and closing delimiters (`(`/`[`, `)`/`]`) and elements.
        case bracketed(open: UInt8, close: UInt8, [Value])
        /// `\{…\}`: order and repetition do not matter.
        case set([Value])
        /// A bare comma-separated list (`1, 2`): compared like a set.
        case list([Value])
        /// Intervals joined by `\cup`: order does not matter.
        case union([Value])
        case matrix([[Value]])
    }

    /// Recursive-descent parser from tokens to `Value`s. Every recursion counts against
    /// `Limits.maxDepth`; exceeding it, or any unexpected token, makes the parse fail (the answer is
    /// then compared as text).
    struct Parser {
        private var t: [Token]
        private let b: [UInt8]
        private var p = 0
        private var end = 0
        private var depth = 0
        private var barDepth = 0

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

        private mutating func enter() -> Bool {
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

        // MARK: Expressions

        private mutating func parseExpression(_ range: Range<Int>) -> Expr? {
            guard !range.isEmpty else { return nil }
            p = range.lowerBound
            end = range.upperBound
            barDepth = 0
            guard let e = parseSum(), p == end else { return nil }
            return e
        }

        private func kind(_ i: Int) -> TokenKind? { i < end ? t[i].kind : nil }

        private mutating func parseSum() -> Expr? {
            guard enter() else { return nil }
            defer { depth -= 1 }
            var terms: [Expr] = []
            switch kind(p) {
            case .minus?:
                p += 1
                guard let x = parseProduct() else { return nil }
                terms.append(.negate(x))
            case .plusMinus?:
                p += 1
                guard let x = parseProduct() else { return nil }
                terms.append(.plusMinus(x))
            case .plus?:
                p += 1
                guard let x = parseProduct() else { return nil }
                terms.append(x)
            default:
                guard let x = parseProduct() else { return nil }
                terms.append(x)
            }
            loop: while p < end {
                switch t[p].kind {
                case .plus:
                    p += 1
                    guard let x = parseProduct() else { return nil }
                    terms.append(x)
                case .minus:
                    p += 1
                    guard let x = parseProduct() else { return nil }
                    terms.append(.negate(x))
                case .plusMinus:
                    p += 1
                    guard let x = parseProduct() else { return nil }
                    terms.append(.plusMinus(x))
                default:
                    break loop
                }
                if terms.count > Limits.maxTokens { return nil }
            }
            return terms.count == 1 ? terms[0] : .sum(terms)
        }

        /// Whether a token of this kind can begin an operand (for implicit multiplication).
        private func startsOperand(_ k: TokenKind) -> Bool {
            switch k {
            case .number, .variable, .pi, .euler, .infinity, .open, .groupOpen, .frac, .sqrt, .binom, .log,
                .function, .absOpen, .floorOpen, .ceilOpen:
                return true
            case .bar:
                return barDepth == 0
            default:
                return false
            }
        }

        private func plainInteger(_ i: Int) -> Rational? {
            guard i < end, t[i].digitCount > 0, case .number(let r?, _) = t[i].kind, r.isInteger else { return nil }
            return r
        }

        private mutating func parseProduct() -> Expr? {
            let start = p
            guard var acc = parseUnary() else { return nil }
            // Mixed numbers: `2\frac{1}{3}` and `2 1/3` are 2 + 1/3.
            if p - start == 1, plainInteger(start) != nil {
                if kind(p) == .frac {
                    guard let f = parseUnary() else { return nil }
                    if case .quotient(.number(let a), .number(let c)) = f, a.isInteger, c.isInteger, a.num >= 0,
                        c.num > 0
                    {
                        acc = .sum([acc, f])
                    } else {
                        acc = Expr.multiply(acc, f)
                    }
                } else if p < end, t[p].space, plainInteger(p) != nil, kind(p + 1) == .divide,
                    let d = plainInteger(p + 2), let n = plainInteger(p), !d.isZero, kind(p + 3) != .caret
                {
                    acc = .sum([acc, .quotient(.number(n), .number(d))])
                    p += 3
                }
            }
            var count = 0
            while p < end {
                count += 1
                if count > Limits.maxTokens { return nil }
                let k = t[p].kind
                if k == .times {
                    p += 1
                    guard let x = parseUnary() else { return nil }
                    acc = Expr.multiply(acc, x)
                } else if k == .divide {
                    p += 1
                    guard let x = parseUnary() else { return nil }
                    acc = .quotient(acc, x)
                } else if startsOperand(k) {
                    // Two literals side by side (`2 3`, `1 000`) are not a product anyone writes.
                    if case .number = k, case .number = t[p - 1].kind { return nil }
                    guard let x = parsePower() else { return nil }
                    acc = Expr.multiply(acc, x)
                } else {
                    break
                }
            }
            return acc
        }

        private mutating func parseUnary() -> Expr? {
            guard enter() else { return nil }
            defer { depth -= 1 }
            switch kind(p) {
            case .minus?:
                p += 1
                guard let x = parseUnary() else { return nil }
                return .negate(x)
            case .plus?:
                p += 1
                return parseUnary()
            case .plusMinus?:
                p += 1
                guard let x = parseUnary() else { return nil }
                return .plusMinus(x)
            default:
                return parsePower()
            }
        }

        private mutating func parsePower() -> Expr? {
            guard var base = parsePostfix() else { return nil }
            while kind(p) == .caret {
                p += 1
                guard let e = parseScriptArgument(forPower: true) else { return nil }
                base = .power(base, e)
                // `n^2!` is not a thing; `(n!)^2` is written with parentheses.
            }
            return base
        }

        private mutating func parsePostfix() -> Expr? {
            guard var x = parsePrimary() else { return nil }
            while let k = kind(p) {
                if k == .bang {
                    p += 1
                    x = .factorial(x)
                } else if k == .percent {
                    p += 1
                    x = .quotient(x, .number(Rational(100)))
                } else if k == .underscore {
                    // A subscript on a number is a base (`1011_2`): the digits are compared as written.
                    p += 1
                    guard parseScriptArgument(forPower: false) != nil else { return nil }
                } else {
                    break
                }
            }
            return x
        }

        private mutating func expect(_ k: TokenKind) -> Bool {
            guard kind(p) == k else { return false }
            p += 1
            return true
        }

        private mutating func parsePrimary() -> Expr? {
            guard p < end else { return nil }
            let tok = t[p]
            switch tok.kind {
            case .number(let r, let d):
                p += 1
                if let r { return .number(r) }
                return .real(d)
            case .variable(let name):
                p += 1
                if kind(p) == .underscore {
                    p += 1
                    guard let sub = parseScriptArgument(forPower: false) else { return nil }
                    return .variable(name + "_" + Printer.expression(sub))
                }
                return .variable(name)
            case .pi:
                p += 1
                return .pi
            case .euler:
                p += 1
                return .euler
            case .infinity:
                p += 1
                return .infinity
            case .open(let c):
                p += 1
                guard let x = parseSum(), expect(.close(c == 0x28 ? 0x29 : 0x5D)) else { return nil }
                return x
            case .groupOpen:
                p += 1
                guard let x = parseSum(), expect(.groupClose) else { return nil }
                return x
            case .frac:
                p += 1
                guard let a = parseScriptArgument(forPower: false), let c = parseScriptArgument(forPower: false)
                else { return nil }
                return .quotient(a, c)
            case .binom:
                p += 1
                guard let a = parseScriptArgument(forPower: false), let c = parseScriptArgument(forPower: false)
                else { return nil }
                return .binomial(a, c)
            case .sqrt:
                p += 1
                var index = Expr.number(Rational(2))
                if kind(p) == .open(0x5B) {
                    p += 1
                    guard let i = parseSum(), expect(.close(0x5D)) else { return nil }
                    index = i
                }
                guard let x = parseScriptArgument(forPower: false) else { return nil }
                return .root(x, index)
            case .function(var f):
                p += 1
                var outerPower: Expr? = nil
                if kind(p) == .caret {
                    p += 1
                    guard let e = parseScriptArgument(forPower: true) else { return nil }
                    if case .negate(.number(let one)) = e, one == .one, let inv = f.inverse {
                        f = inv
                    } else {
                        outerPower = e
                    }
                }
                guard let arg = parseFunctionArgument() else { return nil }
                let call = Expr.call(f, arg)
                if let e = outerPower { return .power(call, e) }
                return call
            case .log:
                p += 1
                var base: Expr? = nil
                if kind(p) == .underscore {
                    p += 1
                    guard let bexp = parseScriptArgument(forPower: false) else { return nil }
                    base = bexp
                }
                var outerPower: Expr? = nil
                if kind(p) == .caret {
                    p += 1
                    guard let e = parseScriptArgument(forPower: true) else { return nil }
                    outerPower = e
                }
                guard let arg = parseFunctionArgument() else { return nil }
                let call = Expr.log(arg, base)
                if let e = outerPower { return .power(call, e) }
                return call
            case .absOpen:
                p += 1
                guard let x = parseSum(), expect(.absClose) || expect(.bar) else { return nil }
                return .call(.abs, x)
            case .bar:
                p += 1
                barDepth += 1
                let x = parseSum()
                barDepth -= 1
                guard let x, expect(.bar) || expect(.absClose) else { return nil }
                return .call(.abs, x)
            case .floorOpen:
                p += 1
                guard let x = parseSum(), expect(.floorClose) else { return nil }
                return .call(.floor, x)
            case .ceilOpen:
                p += 1
                guard let x = parseSum(), expect(.ceilClose) else { return nil }
                return .call(.ceil, x)
            default:
                return nil
            }
        }

        /// The argument of `^`, `_`, `\frac`, `\sqrt`, `\binom`: a braced group or one token, and of a
        /// multi-digit literal only its first digit (`\frac12` is ½, `x^23` is x²·3, as in TeX). After `^`
        /// a sign and a parenthesized group are also accepted (`x^-1`, `x^(n+1)`).
        private mutating func parseScriptArgument(forPower: Bool) -> Expr? {
            guard enter() else { return nil }
            defer { depth -= 1 }
            guard p < end else { return nil }
            let tok = t[p]
            switch tok.kind {
            case .groupOpen:
                p += 1
                guard let x = parseSum(), expect(.groupClose) else { return nil }
                return x
            case .number:
                if tok.digitCount > 1 {
                    let s = Int(tok.digitStart)
                    let first = Int64(b[s] - 0x30)
                    // The rest of the digits stay as a literal for whatever follows.
                    var rest: Int64 = 0
                    var overflow = false
                    for j in (s + 1)..<(s + Int(tok.digitCount)) {
                        guard let m = mul(rest, 10) else {
                            overflow = true
                            break
                        }
                        let (sum, o) = m.addingReportingOverflow(Int64(b[j] - 0x30))
                        if o {
                            overflow = true
                            break
                        }
                        rest = sum
                    }
                    if overflow { return nil }
                    var remainder = tok
                    remainder.kind = .number(Rational(rest), Double(rest))
                    remainder.digitStart += 1
                    remainder.digitCount -= 1
                    remainder.space = false
                    t[p] = remainder
                    return .number(Rational(first))
                }
                return parsePrimary()
            case .minus where forPower:
                p += 1
                guard let x = parseScriptArgument(forPower: false) else { return nil }
                return .negate(x)
            case .open(0x28):
                return parsePrimary()
            case .variable, .pi, .euler, .infinity, .frac, .sqrt, .binom:
                return parsePrimary()
            default:
                return nil
            }
        }

        /// The argument of `\sin`, `\log`, …: a parenthesized or braced group, or an implicit product of
        /// powers up to the next operator or function (`\sin 2x` is sin(2x); `\sin x \cos x` is a product).
        private mutating func parseFunctionArgument() -> Expr? {
            guard enter() else { return nil }
            defer { depth -= 1 }
            guard let k = kind(p) else { return nil }
            switch k {
            case .open(0x28), .groupOpen:
                // `\sin(x)^2` is (sin x)²: the caller applies the power to the call.
                return parsePrimary()
            case .minus:
                p += 1
                guard let x = parseFunctionArgument() else { return nil }
                return .negate(x)
            default:
                break
            }
            guard var acc = parsePower() else { return nil }
            while let k = kind(p), startsOperand(k) {
                if case .function = k { break }
                if k == .log { break }
                guard let x = parsePower() else { return nil }
                acc = Expr.multiply(acc, x)
            }
            return acc
        }
    }
}

extension AnswerMath.Value {
    var isExpression: Bool {
        if case .expression = self { return true }
        return false
    }
}
