import Foundation

extension AnswerMath {
    /// Exact and floating-point evaluation of expressions.
    enum Evaluator {
        /// The exact radical form of a constant expression, when it has one (see `Surd`).
        static func exact(_ e: Expr) -> Surd? {
            switch e {
            case .number(let r): return Surd(r)
            case .pi: return .pi
            case .real, .euler, .infinity, .variable, .log, .plusMinus: return nil
            case .sum(let xs):
                var acc = Surd.zero
                for x in xs {
                    guard let v = exact(x), let s = acc + v else { return nil }
                    acc = s
                }
                return acc
            case .product(let xs):
                var acc = Surd(.one)
                for x in xs {
                    guard let v = exact(x), let s = acc * v else { return nil }
                    acc = s
                }
                return acc
            case .negate(let x):
                return exact(x)?.negated
            case .quotient(let x, let y):
                guard let a = exact(x), let c = exact(y) else { return nil }
                return a / c
            case .power(let x, let y):
                guard let ey = exact(y), let q = ey.rational else { return nil }
                if q.isInteger {
                    return exact(x)?.power(q.num)
                }
                if q.den == 2 {
                    guard let base = exact(x), let s = base.squareRoot else { return nil }
                    return s.power(q.num)
                }
                return nil
            case .root(let x, let index):
                guard let n = exact(index)?.rational, n.isInteger else { return nil }
                if n.num == 2 { return exact(x)?.squareRoot }
                if n.num == 1 { return exact(x) }
                // Perfect n-th powers of rationals only (∛8 = 2).
                guard n.num > 2 && n.num <= 64, let r = exact(x)?.rational else { return nil }
                guard let a = integerRoot(r.num, n.num), let c = integerRoot(r.den, n.num) else { return nil }
                return Rational.make(a, c).map { Surd($0) }
            case .call(let f, let x):
                guard let v = exact(x) else { return nil }
                switch f {
                case .abs:
                    return v.double < 0 ? v.negated : v
                case .floor, .ceil:
                    guard let r = v.rational else { return nil }
                    let q = r.num / r.den
                    let exactDivision = r.num % r.den == 0
                    if f == .floor {
                        return Surd(Rational(r.num < 0 && !exactDivision ? q - 1 : q))
                    }
                    return Surd(Rational(r.num > 0 && !exactDivision ? q + 1 : q))
                default:
                    return nil
                }
            case .factorial(let x):
                guard let r = exact(x)?.rational, r.isInteger, r.num >= 0, r.num <= Limits.maxExactFactorial else {
                    return nil
                }
                var f: Int64 = 1
                if r.num > 1 { for k in 2...r.num { f *= k } }
                return Surd(Rational(f))
            case .binomial(let x, let y):
                guard let n = exact(x)?.rational, let k = exact(y)?.rational, n.isInteger, k.isInteger,
                    n.num >= 0, n.num <= 1_000_000
                else { return nil }
                if k.num < 0 || k.num > n.num { return .zero }
                let kk = min(k.num, n.num - k.num)
                guard kk <= 64 else { return nil }
                var c = Rational.one
                var j: Int64 = 0
                while j < kk {
                    guard let m = c * Rational(n.num - j), let d = m / Rational(j + 1) else { return nil }
                    c = d
                    j += 1
                }
                return Surd(c)
            }
        }

        /// The integer `r` with `r^n == v` (sign allowed for odd `n`), if there is one.
        private static func integerRoot(_ v: Int64, _ n: Int64) -> Int64? {
            if v == 0 || v == 1 { return v }
            if v < 0 {
                guard n % 2 == 1, v != .min, let r = integerRoot(-v, n) else { return nil }
                return -r
            }
            let guess = Int64((pow(Double(v), 1 / Double(n))).rounded())
            for c in [guess - 1, guess, guess + 1] where c > 0 {
                if let p = Rational(c).power(n), p.isInteger, p.num == v { return c }
            }
            return nil
        }

        /// Variable values for one evaluation point.
        struct Environment {
            var names: [String]
            var values: [Double]

            @inline(__always)
            func value(of name: String) -> Double {
                for i in 0..<names.count where names[i] == name { return values[i] }
                return .nan
            }
        }

        /// Floating-point value; NaN where undefined (and for `±`, which must be expanded first).
        static func approximate(_ e: Expr, _ env: Environment) -> Double {
            switch e {
            case .number(let r): return r.double
            case .real(let d): return d
            case .pi: return Double.pi
            case .euler: return M_E
            case .infinity: return .infinity
            case .variable(let v): return env.value(of: v)
            case .plusMinus: return .nan
            case .sum(let xs):
                var s = 0.0
                for x in xs { s += approximate(x, env) }
                return s
            case .product(let xs):
                var s = 1.0
                for x in xs { s *= approximate(x, env) }
                return s
            case .negate(let x): return -approximate(x, env)
            case .quotient(let x, let y):
                let d = approximate(y, env)
                return d == 0 ? .nan : approximate(x, env) / d
            case .power(let x, let y):
                let base = approximate(x, env)
                let ex = approximate(y, env)
                if base < 0 && ex != ex.rounded() {
                    // Odd roots of negatives: (−8)^(1/3) = −2.
                    let inv = 1 / ex
                    if abs(inv - inv.rounded()) < 1e-9, isOddInteger(inv.rounded()) {
                        return -pow(-base, ex)
                    }
                    return .nan
                }
                return pow(base, ex)
            case .root(let x, let index):
                let v = approximate(x, env)
                let n = approximate(index, env)
                if n == 2 { return v.squareRoot() }
                if v < 0 && isOddInteger(n) { return -pow(-v, 1 / n) }
                return pow(v, 1 / n)
            case .log(let x, let base):
                let v = Foundation.log(approximate(x, env))
                guard let base else { return v }
                return v / Foundation.log(approximate(base, env))
            case .call(let f, let x):
                let v = approximate(x, env)
                switch f {
                case .sin: return sin(v)
                case .cos: return cos(v)
                case .tan: return tan(v)
                case .cot: return 1 / tan(v)
                case .sec: return 1 / cos(v)
                case .csc: return 1 / sin(v)
                case .asin: return asin(v)
                case .acos: return acos(v)
                case .atan: return atan(v)
                case .sinh: return sinh(v)
                case .cosh: return cosh(v)
                case .tanh: return tanh(v)
                case .ln: return Foundation.log(v)
                case .exp: return Foundation.exp(v)
                case .abs: return Swift.abs(v)
                case .floor: return v.rounded(.down)
                case .ceil: return v.rounded(.up)
                }
            case .factorial(let x):
                let v = approximate(x, env)
                if v < 0 && v == v.rounded() { return .nan }
                return tgamma(v + 1)
            case .binomial(let x, let y):
                let n = approximate(x, env)
                let k = approximate(y, env)
                if n == n.rounded() && k == k.rounded() && n >= 0 {
                    if k < 0 || k > n { return 0 }
                    let kk = min(k, n - k)
                    if kk <= 1000 {
                        var c = 1.0
                        var j = 0.0
                        while j < kk {
                            c = c * (n - j) / (j + 1)
                            j += 1
                        }
                        return c.rounded()
                    }
                }
                return tgamma(n + 1) / (tgamma(k + 1) * tgamma(n - k + 1))
            }
        }

        /// An odd integer small enough to convert safely.
        @inline(__always)
        static func isOddInteger(_ d: Double) -> Bool {
            d == d.rounded() && Swift.abs(d) < 1e15 && Int64(d) % 2 != 0
        }

        /// Whether two values agree within a relative tolerance `rel` (with an absolute floor `abs`).
        @inline(__always)
        static func close(_ a: Double, _ b: Double, rel: Double, abs floor: Double) -> Bool {
            if a == b { return true }
            let d = Swift.abs(a - b)
            return d <= floor || d <= rel * max(Swift.abs(a), Swift.abs(b))
        }

        /// Deterministic pseudo-random points (SplitMix64 with a fixed seed). Values lie in ±[0.35, 2.75),
        /// with signs mixed so that `|x|` and `x`, or `\sqrt{x^2}` and `x`, are told apart.
        static func points(variables: Int) -> [[Double]] {
            var state: UInt64 = 0x2545_F491_4F6C_DD1D
            func next() -> Double {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                return Double(z >> 11) / Double(1 << 53)
            }
            var out: [[Double]] = []
            out.reserveCapacity(Limits.evaluationPoints)
            for k in 0..<Limits.evaluationPoints {
                var row: [Double] = []
                for j in 0..<variables {
                    let mag = 0.35 + 2.4 * next()
                    row.append((k + j) % 3 == 2 ? -mag : mag)
                }
                out.append(row)
            }
            return out
        }
    }
}
