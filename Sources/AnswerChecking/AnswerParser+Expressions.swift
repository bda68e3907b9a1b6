// The parser's expressions: sums, products, unary signs, powers, postfix operators, primaries.
// Names in AnswerMath, which an extension of a nested type does not see unqualified.
private typealias Expr = AnswerMath.Expr
private typealias Limits = AnswerMath.Limits
private typealias Printer = AnswerMath.Printer
private typealias Rational = AnswerMath.Rational
private typealias TokenKind = AnswerMath.TokenKind

extension AnswerMath.Parser {
    mutating func parseExpression(_ range: Range<Int>) -> AnswerMath.Expr? {
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
                    guard let m = AnswerMath.mul(rest, 10) else {
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
