// What the answer parser produces: expressions (`Expr`) and answers (`Value`).
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
}

extension AnswerMath.Value {
    var isExpression: Bool {
        if case .expression = self { return true }
        return false
    }
}
