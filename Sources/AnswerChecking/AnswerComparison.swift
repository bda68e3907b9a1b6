extension AnswerMath {
    /// The result of comparing two parsed answers, with a short human-readable reason.
    enum Outcome {
        case equal(String)
        case unequal(String)
        /// Could not be decided (values undefined or too large); the caller falls back to text.
        case unknown(String)

        var isEqual: Bool {
            if case .equal = self { return true }
            return false
        }
    }

    /// Structural comparison of `Value`s; expressions by exact form or random evaluation.
    struct Comparator {
        /// How many expression comparisons one check may make (nested sets multiply pairings).
        final class Budget {
            var remaining = 20_000
        }

        /// `kind: number`: expressions with variables never match.
        var numbersOnly = false
        let budget = Budget()

        init(numbersOnly: Bool = false) {
            self.numbersOnly = numbersOnly
        }

        // MARK: Values

        func compare(_ a: Value, _ b: Value) -> Outcome {
            switch (a, b) {
            case (.expression(let x, let px), .expression(let y, let py)):
                return compareWithPercent(x, px, y, py)
            case (.relation(let l, let rest), .expression(let y, let py)):
                guard let rhs = solvedValue(l, rest) else {
                    return .unequal("an equation or inequality against a value")
                }
                return compareWithPercent(rhs, false, y, py)
            case (.expression(let x, let px), .relation(let l, let rest)):
                guard let rhs = solvedValue(l, rest) else {
                    return .unequal("a value against an equation or inequality")
                }
                return compareWithPercent(x, px, rhs, false)
            case (.relation(let l1, let r1), .relation(let l2, let r2)):
                return compareRelations(l1, r1, l2, r2)
            case (.bracketed(let o1, let c1, let xs), .bracketed(let o2, let c2, let ys)):
                if o1 != o2 || c1 != c2 {
                    let s1 = String(UnicodeScalar(o1)) + "…" + String(UnicodeScalar(c1))
                    let s2 = String(UnicodeScalar(o2)) + "…" + String(UnicodeScalar(c2))
                    return .unequal("brackets differ: \(s1) vs \(s2) (open and closed ends must match)")
                }
                return ordered(xs, ys, what: "tuple/interval")
            case (.set(let xs), .set(let ys)), (.set(let xs), .list(let ys)), (.list(let xs), .set(let ys)),
                (.list(let xs), .list(let ys)):
                return unordered(xs, ys)
            case (.union(let xs), .union(let ys)):
                return unordered(xs, ys)
            case (.matrix(let xs), .matrix(let ys)):
                guard xs.count == ys.count, zip(xs, ys).allSatisfy({ $0.count == $1.count }) else {
                    return .unequal("matrix shapes differ")
                }
                return ordered(xs.flatMap { $0 }, ys.flatMap { $0 }, what: "matrix")
            default:
                return .unequal("different kinds of answer: \(Comparator.kindName(a)) vs \(Comparator.kindName(b))")
            }
        }

        static func kindName(_ v: Value) -> String {
            switch v {
            case .expression(let e, _): return e.isConstant ? "number" : "expression"
            case .relation(_, let rest): return rest.count == 1 && rest[0].0 == .equal ? "equation" : "inequality"
            case .bracketed(let o, let c, _): return o == 0x28 && c == 0x29 ? "tuple" : "interval"
            case .set: return "set"
            case .list: return "list"
            case .union: return "union"
            case .matrix: return "matrix"
            }
        }

        /// The value side of `x = value` (or `value = x`), for comparison with a bare value; also of
        /// `AB = 12`, a name of several letters equal to a constant.
        private func solvedValue(_ l: Expr, _ rest: [(Relation, Expr)]) -> Expr? {
            guard rest.count == 1, rest[0].0 == .equal else { return nil }
            let r = rest[0].1
            if l.variableName != nil || (isName(l) && r.isConstant) { return r }
            if r.variableName != nil || (isName(r) && l.isConstant) { return l }
            return nil
        }

        /// A product of variables only (`AB`, `xy`), read as a name when it stands alone against a constant.
        private func isName(_ e: Expr) -> Bool {
            guard case .product(let xs) = e else { return false }
            return xs.allSatisfy { $0.variableName != nil }
        }

        private func ordered(_ xs: [Value], _ ys: [Value], what: String) -> Outcome {
            guard xs.count == ys.count else {
                return .unequal("\(what) lengths differ: \(xs.count) vs \(ys.count)")
            }
            var unknown: Outcome? = nil
            for (i, (x, y)) in zip(xs, ys).enumerated() {
                switch compare(x, y) {
                case .equal: continue
                case .unequal(let why): return .unequal("element \(i + 1) differs: \(why)")
                case .unknown(let why): unknown = .unknown("element \(i + 1): \(why)")
                }
            }
            return unknown ?? .equal("all \(xs.count) elements equal in order")
        }

        /// Set semantics: every element on each side equals some element on the other.
        private func unordered(_ xs: [Value], _ ys: [Value]) -> Outcome {
            var matched = [Bool](repeating: false, count: ys.count)
            var sawUnknown = false
            for (i, x) in xs.enumerated() {
                var found = false
                for (j, y) in ys.enumerated() {
                    switch compare(x, y) {
                    case .equal:
                        matched[j] = true
                        found = true
                    case .unknown: sawUnknown = true
                    case .unequal: break
                    }
                    if found { break }
                }
                if !found {
                    return sawUnknown ? .unknown("element \(i + 1) could not be compared")
                        : .unequal("element \(i + 1) (\(Printer.value(x))) has no equal on the other side")
                }
            }
            for (j, y) in ys.enumerated() where !matched[j] {
                if !xs.contains(where: { compare($0, y).isEqual }) {
                    return .unequal("element \(Printer.value(y)) has no equal on the other side")
                }
            }
            return .equal("same elements in any order")
        }

        // MARK: Relations

        private func compareRelations(
            _ l1: Expr, _ r1: [(Relation, Expr)], _ l2: Expr, _ r2: [(Relation, Expr)]
        ) -> Outcome {
            let (e1, rel1) = Comparator.oriented(l1, r1)
            let (e2, rel2) = Comparator.oriented(l2, r2)
            guard rel1 == rel2 else {
                let s1 = rel1.map(\.symbol).joined(separator: " ")
                let s2 = rel2.map(\.symbol).joined(separator: " ")
                return .unequal("relations differ: \(s1) vs \(s2)")
            }
            if rel1.count == 1 && (rel1[0] == .equal || rel1[0] == .notEqual) {
                return equations(e1[0], e1[1], e2[0], e2[1])
            }
            for (x, y) in zip(e1, e2) {
                let o = compareExpressions(x, y)
                if !o.isEqual { return o }
            }
            return .equal("same relation with equal sides")
        }

        /// A chain written with `>`/`≥` is read right to left so that it uses `<`/`≤`.
        private static func oriented(_ first: Expr, _ rest: [(Relation, Expr)]) -> ([Expr], [Relation]) {
            var exprs = [first] + rest.map(\.1)
            var rels = rest.map(\.0)
            if rels.allSatisfy({ $0 == .greater || $0 == .greaterEqual }) {
                exprs.reverse()
                rels = rels.reversed().map(\.flipped)
            }
            return (exprs, rels)
        }

        /// `l₁ = r₁` and `l₂ = r₂` are the same equation when l₁ − r₁ is a non-zero constant multiple of
        /// l₂ − r₂ (`y = 2x`, `2x = y` and `2y − 4x = 0` are one equation).
        private func equations(_ l1: Expr, _ r1: Expr, _ l2: Expr, _ r2: Expr) -> Outcome {
            if numbersOnly { return .unequal("an equation is not a number") }
            budget.remaining -= 1
            guard budget.remaining >= 0 else { return .unknown("too many comparisons") }
            let f1 = Expr.sum([l1, .negate(r1)])
            let f2 = Expr.sum([l2, .negate(r2)])
            var names: [String] = []
            f1.collectVariables(into: &names)
            f2.collectVariables(into: &names)
            if names.isEmpty {
                // Statements about constants: the sides must match, in either order.
                let straight = (compareExpressions(l1, l2), compareExpressions(r1, r2))
                if straight.0.isEqual && straight.1.isEqual { return .equal("same sides") }
                let crossed = (compareExpressions(l1, r2), compareExpressions(r1, l2))
                if crossed.0.isEqual && crossed.1.isEqual { return .equal("same sides, swapped") }
                for o in [straight.0, straight.1, crossed.0, crossed.1] {
                    if case .unknown = o { return .unknown("a side could not be evaluated") }
                }
                return .unequal("different equations")
            }
            names.sort()
            var ratio: Double? = nil
            var valid = 0
            for pt in Evaluator.points(variables: names.count) {
                let env = Evaluator.Environment(names: names, values: pt)
                let v1 = Evaluator.approximate(f1, env)
                let v2 = Evaluator.approximate(f2, env)
                guard v1.isFinite && v2.isFinite else { continue }
                let scale1 = max(1, abs(Evaluator.approximate(l1, env)), abs(Evaluator.approximate(r1, env)))
                let scale2 = max(1, abs(Evaluator.approximate(l2, env)), abs(Evaluator.approximate(r2, env)))
                let zero1 = abs(v1) <= 1e-9 * scale1
                let zero2 = abs(v2) <= 1e-9 * scale2
                if zero1 && zero2 {
                    valid += 1
                    continue
                }
                if zero1 != zero2 { return .unequal("the equations have different solutions") }
                let r = v1 / v2
                if let r0 = ratio {
                    if !Evaluator.close(r, r0, rel: 1e-7, abs: 0) {
                        return .unequal("the equations are not multiples of each other")
                    }
                } else {
                    ratio = r
                }
                valid += 1
            }
            guard valid >= Limits.minimumValidPoints else { return .unknown("the equations could not be evaluated") }
            return .equal("same equation (checked at \(valid) random points)")
        }

        // MARK: Expressions

        private func compareWithPercent(_ x: Expr, _ px: Bool, _ y: Expr, _ py: Bool) -> Outcome {
            let direct = compareExpressions(x, y)
            if px == py || direct.isEqual {
                if px != py, case .equal(let why) = direct { return .equal(why + " (percent sign ignored)") }
                return direct
            }
            let hundred = Expr.number(Rational(100))
            let sx = px ? Expr.quotient(x, hundred) : x
            let sy = py ? Expr.quotient(y, hundred) : y
            let scaled = compareExpressions(sx, sy)
            if case .equal(let why) = scaled { return .equal(why + " (percent read as hundredths)") }
            return direct
        }

        func compareExpressions(_ x: Expr, _ y: Expr) -> Outcome {
            budget.remaining -= 1
            guard budget.remaining >= 0 else { return .unknown("too many comparisons") }
            var names: [String] = []
            x.collectVariables(into: &names)
            y.collectVariables(into: &names)
            if names.isEmpty { return constants(x, y) }
            if numbersOnly { return .unequal("not a number: has variables \(names.sorted().joined(separator: ", "))") }
            names.sort()
            var valid = 0
            for pt in Evaluator.points(variables: names.count) {
                let env = Evaluator.Environment(names: names, values: pt)
                let vx = Evaluator.approximate(x, env)
                let vy = Evaluator.approximate(y, env)
                guard vx.isFinite && vy.isFinite else { continue }
                if !Evaluator.close(vx, vy, rel: 1e-8, abs: 1e-10) {
                    let at = zip(names, pt).map { "\($0)=\(Comparator.short($1))" }.joined(separator: ", ")
                    return .unequal("differ at \(at): \(Comparator.short(vx)) vs \(Comparator.short(vy))")
                }
                valid += 1
            }
            guard valid >= Limits.minimumValidPoints else {
                return .unknown("undefined at too many random points")
            }
            return .equal("agree at \(valid) random points")
        }

        private static func short(_ d: Double) -> String {
            let r = (d * 1e6).rounded() / 1e6
            return "\(r)"
        }

        private static func hasInfinity(_ e: Expr) -> Bool {
            switch e {
            case .infinity: return true
            case .negate(let x): return hasInfinity(x)
            default: return false
            }
        }

        private func constants(_ x: Expr, _ y: Expr) -> Outcome {
            if let sx = Evaluator.exact(x), let sy = Evaluator.exact(y) {
                if sx == sy { return .equal("equal exactly: \(sx.description)") }
                if let rx = sx.rational, let ry = sy.rational {
                    return .unequal("different numbers: \(rx.description) vs \(ry.description)")
                }
            }
            let env = Evaluator.Environment(names: [], values: [])
            let dx = Evaluator.approximate(x, env)
            let dy = Evaluator.approximate(y, env)
            let ix = Comparator.hasInfinity(x)
            let iy = Comparator.hasInfinity(y)
            if ix || iy {
                if ix && iy && dx == dy { return .equal("same infinity") }
                return .unequal("infinity against a different value")
            }
            if dx.isNaN || dy.isNaN { return .unknown("a value is undefined") }
            if dx.isInfinite || dy.isInfinite { return .unknown("a value is too large to compare") }
            if Evaluator.close(dx, dy, rel: 1e-9, abs: 1e-12) { return .equal("numerically equal: \(dx)") }
            return .unequal("different numbers: \(Comparator.short(dx)) vs \(Comparator.short(dy))")
        }
    }
}
