extension AnswerMath {
    /// Canonical text of parsed answers, used for `normalizedAnswer`/`normalizedReference` and as the
    /// last resort when values cannot be compared. Constants print their exact value (`sqrt(3)/2`),
    /// other expressions a linear form with the operands of `+` and `×` sorted (`1+2*x`).
    enum Printer {
        static func value(_ v: Value) -> String {
            switch v {
            case .expression(let e, let percent):
                return constantOrExpression(e) + (percent ? "%" : "")
            case .relation(let first, let rest):
                var s = constantOrExpression(first)
                for (rel, e) in rest { s += rel.symbol + constantOrExpression(e) }
                return s
            case .bracketed(let open, let close, let xs):
                return String(UnicodeScalar(open)) + xs.map(value).joined(separator: ",") + String(UnicodeScalar(close))
            case .set(let xs):
                return "{" + xs.map(value).joined(separator: ",") + "}"
            case .list(let xs):
                return xs.map(value).joined(separator: ",")
            case .union(let xs):
                return xs.map(value).joined(separator: " U ")
            case .matrix(let rows):
                return "[" + rows.map { "[" + $0.map(value).joined(separator: ",") + "]" }.joined(separator: ",") + "]"
            }
        }

        static func constantOrExpression(_ e: Expr) -> String {
            if let s = Evaluator.exact(e) { return s.description }
            return expression(e)
        }

        private static func level(_ e: Expr) -> Int {
            switch e {
            case .sum, .plusMinus: return 1
            case .product, .quotient, .negate: return 2
            case .number(let r): return r.isNegative || !r.isInteger ? 2 : 4
            case .real(let d): return d < 0 ? 2 : 4
            case .power, .factorial: return 3
            default: return 4
            }
        }

        private static func wrap(_ e: Expr, _ minimum: Int) -> String {
            let s = expression(e)
            return level(e) < minimum ? "(" + s + ")" : s
        }

        static func expression(_ e: Expr) -> String {
            switch e {
            case .number(let r): return r.description
            case .real(let d): return "\(d)"
            case .pi: return "pi"
            case .euler: return "e"
            case .infinity: return "inf"
            case .variable(let v): return v
            case .sum(let xs):
                let parts = xs.map { wrap($0, 1) }.sorted()
                var s = ""
                for (i, part) in parts.enumerated() {
                    if i > 0 && !part.hasPrefix("-") && !part.hasPrefix("±") { s += "+" }
                    s += part
                }
                return s
            case .product(let xs):
                return xs.map { wrap($0, 3) }.sorted().joined(separator: "*")
            case .negate(let x):
                return "-" + wrap(x, 2)
            case .plusMinus(let x):
                return "±" + wrap(x, 2)
            case .quotient(let x, let y):
                return wrap(x, 2) + "/" + wrap(y, 3)
            case .power(let x, let y):
                return wrap(x, 4) + "^" + wrap(y, 4)
            case .call(let f, let x):
                return f.name + "(" + expression(x) + ")"
            case .root(let x, let n):
                if case .number(let r) = n, r == Rational(2) { return "sqrt(" + expression(x) + ")" }
                return "root(" + expression(x) + "," + expression(n) + ")"
            case .log(let x, let base):
                guard let base else { return "ln(" + expression(x) + ")" }
                return "log_" + wrap(base, 4) + "(" + expression(x) + ")"
            case .binomial(let x, let y):
                return "binom(" + expression(x) + "," + expression(y) + ")"
            case .factorial(let x):
                return wrap(x, 4) + "!"
            }
        }
    }
}
