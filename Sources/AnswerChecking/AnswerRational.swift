/// Internals of the rule-based answer checker (`AnswerChecker`): exact numbers, the LaTeX lexer and
/// parser, evaluation and comparison. Nothing here is public.
enum AnswerMath {}

extension AnswerMath {
    /// An exact fraction `num/den` with 64-bit parts, always reduced, `den > 0`. Every operation checks
    /// for overflow and returns `nil` instead of trapping; callers then fall back to `Double`.
    struct Rational: Hashable, Sendable {
        let num: Int64
        let den: Int64

        static let zero = Rational(unchecked: 0, 1)
        static let one = Rational(unchecked: 1, 1)

        /// An already-reduced pair (no checks).
        init(unchecked num: Int64, _ den: Int64) {
            self.num = num
            self.den = den
        }

        init(_ n: Int64) {
            num = n
            den = 1
        }

        /// `n/d` reduced; `nil` for a zero denominator or `Int64.min` parts (whose negation overflows).
        static func make(_ n: Int64, _ d: Int64) -> Rational? {
            guard d != 0, n != .min, d != .min else { return nil }
            var n = n
            var d = d
            if d < 0 {
                n = -n
                d = -d
            }
            if d == 1 { return Rational(unchecked: n, 1) }
            let g = gcd(n < 0 ? -n : n, d)
            return Rational(unchecked: n / g, d / g)
        }

        var isZero: Bool { num == 0 }
        var isInteger: Bool { den == 1 }
        var isNegative: Bool { num < 0 }
        var double: Double { Double(num) / Double(den) }

        var negated: Rational? { num == .min ? nil : Rational(unchecked: -num, den) }

        var reciprocal: Rational? { Rational.make(den, num) }

        static func + (a: Rational, b: Rational) -> Rational? {
            if a.den == 1 && b.den == 1 {
                let (s, o) = a.num.addingReportingOverflow(b.num)
                return o || s == .min ? nil : Rational(unchecked: s, 1)
            }
            let g = gcd(a.den, b.den)
            guard let x = mul(a.num, b.den / g), let y = mul(b.num, a.den / g),
                let d = mul(a.den / g, b.den)
            else { return nil }
            let (s, o) = x.addingReportingOverflow(y)
            return o ? nil : make(s, d)
        }

        static func - (a: Rational, b: Rational) -> Rational? {
            guard let nb = b.negated else { return nil }
            return a + nb
        }

        static func * (a: Rational, b: Rational) -> Rational? {
            if a.num == 0 || b.num == 0 { return .zero }
            // Cross-reduce first so that products stay small.
            let g1 = gcd(abs(a.num), b.den)
            let g2 = gcd(abs(b.num), a.den)
            guard let n = mul(a.num / g1, b.num / g2), let d = mul(a.den / g2, b.den / g1) else { return nil }
            return n == .min ? nil : Rational(unchecked: n, d)
        }

        static func / (a: Rational, b: Rational) -> Rational? {
            guard let r = b.reciprocal else { return nil }
            return a * r
        }

        /// `self^e` for `|e| ≤ maxExponent`; `nil` beyond that, on overflow, or for `0^negative`.
        func power(_ e: Int64) -> Rational? {
            if e == 0 { return .one }
            guard e.magnitude <= AnswerMath.Limits.maxExactExponent else {
                // Only ±1 and 0 stay small under huge exponents.
                if num == 0 { return e > 0 ? .zero : nil }
                if den == 1 && num == 1 { return .one }
                if den == 1 && num == -1 { return e % 2 == 0 ? .one : self }
                return nil
            }
            let base = e > 0 ? self : (reciprocal ?? .zero)
            if e < 0 && num == 0 { return nil }
            return AnswerMath.power(base, e.magnitude, one: Rational.one, times: *)
        }

        static func < (a: Rational, b: Rational) -> Bool {
            if a.den == b.den { return a.num < b.num }
            // Compare with 128-bit products, which cannot overflow.
            let l = a.num.multipliedFullWidth(by: b.den)
            let r = b.num.multipliedFullWidth(by: a.den)
            return l.high < r.high || (l.high == r.high && l.low < r.low)
        }

        /// `"3"`, `"-1/2"`.
        var description: String { den == 1 ? String(num) : "\(num)/\(den)" }
    }

    /// `base^n` by repeated squaring with a checked product; `nil` as soon as a product overflows.
    static func power<T>(_ base: T, _ n: UInt64, one: T, times: (T, T) -> T?) -> T? {
        var base = base, n = n, result = one
        while n > 0 {
            if n & 1 == 1 {
                guard let r = times(result, base) else { return nil }
                result = r
            }
            n >>= 1
            if n > 0 {
                guard let b = times(base, base) else { return nil }
                base = b
            }
        }
        return result
    }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var a = a
        var b = b
        while b != 0 {
            (a, b) = (b, a % b)
        }
        return a
    }

    @inline(__always)
    static func mul(_ a: Int64, _ b: Int64) -> Int64? {
        let (p, o) = a.multipliedReportingOverflow(by: b)
        return o ? nil : p
    }

    static func pow10(_ k: Int) -> Int64? {
        guard k >= 0 && k <= 18 else { return nil }
        var r: Int64 = 1
        for _ in 0..<k { r *= 10 }
        return r
    }

    /// Bounds that keep every input, however pathological, cheap.
    enum Limits {
        /// Longest answer (in UTF-8 bytes) that is parsed as mathematics; longer ones compare as text.
        static let maxMathBytes = 4_096
        /// Most tokens in one parsed answer.
        static let maxTokens = 2_048
        /// Deepest nesting of groups, fractions, powers and unary operators.
        static let maxDepth = 100
        /// Largest exponent applied exactly; larger ones are evaluated in floating point.
        static let maxExactExponent: UInt64 = 64
        /// Most elements in one tuple, set, list or matrix.
        static let maxElements = 64
        /// Most terms in an exact radical form before giving up on it.
        static let maxSurdTerms = 24
        /// Largest trial divisor when pulling square factors out of a radicand.
        static let maxTrialDivisor: Int64 = 50_000
        /// Random points at which expressions with variables are compared.
        static let evaluationPoints = 8
        /// Points that must be defined on both sides for a verdict by evaluation.
        static let minimumValidPoints = 3
        /// Largest `n` for which `n!` and `binom(n, k)` are computed exactly.
        static let maxExactFactorial: Int64 = 20
    }
}
