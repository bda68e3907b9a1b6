extension AnswerMath {
    /// One term `coef · √radicand · π^piPower` of an exact radical form; `radicand` is square-free and ≥ 1.
    struct SurdTerm: Hashable, Sendable {
        var coef: Rational
        var radicand: Int64
        var piPower: Int

        var double: Double {
            var v = coef.double
            if radicand != 1 { v *= Double(radicand).squareRoot() }
            if piPower != 0 { v *= AnswerMath.power(Double.pi, piPower) }
            return v
        }

        /// Orders terms: by power of π, then by radicand.
        static func precedes(_ a: SurdTerm, _ b: SurdTerm) -> Bool {
            a.piPower != b.piPower ? a.piPower < b.piPower : a.radicand < b.radicand
        }
    }

    /// The canonical form of a constant built from rationals, square roots and π with `+ − × ÷` and
    /// integer powers: a sum of `SurdTerm`s with distinct (π-power, radicand), sorted, none zero. Two
    /// such values are equal exactly when their forms are identical. Operations that leave this set
    /// (a root of a sum, division by a sum, overflow, too many terms) return `nil`.
    struct Surd: Hashable, Sendable {
        var terms: [SurdTerm]

        static let zero = Surd(terms: [])

        init(terms: [SurdTerm]) { self.terms = terms }

        init(_ r: Rational) {
            terms = r.isZero ? [] : [SurdTerm(coef: r, radicand: 1, piPower: 0)]
        }

        static var pi: Surd { Surd(terms: [SurdTerm(coef: .one, radicand: 1, piPower: 1)]) }

        /// The rational value, when the form is a plain rational.
        var rational: Rational? {
            if terms.isEmpty { return .zero }
            if terms.count == 1 && terms[0].radicand == 1 && terms[0].piPower == 0 { return terms[0].coef }
            return nil
        }

        var double: Double {
            var s = 0.0
            for t in terms { s += t.double }
            return s
        }

        var negated: Surd? {
            var out = terms
            for i in out.indices {
                guard let c = out[i].coef.negated else { return nil }
                out[i].coef = c
            }
            return Surd(terms: out)
        }

        static func + (a: Surd, b: Surd) -> Surd? {
            var out: [SurdTerm] = []
            out.reserveCapacity(a.terms.count + b.terms.count)
            var i = 0
            var j = 0
            while i < a.terms.count || j < b.terms.count {
                if j == b.terms.count || (i < a.terms.count && SurdTerm.precedes(a.terms[i], b.terms[j])) {
                    out.append(a.terms[i])
                    i += 1
                } else if i == a.terms.count || SurdTerm.precedes(b.terms[j], a.terms[i]) {
                    out.append(b.terms[j])
                    j += 1
                } else {
                    guard let c = a.terms[i].coef + b.terms[j].coef else { return nil }
                    if !c.isZero {
                        out.append(SurdTerm(coef: c, radicand: a.terms[i].radicand, piPower: a.terms[i].piPower))
                    }
                    i += 1
                    j += 1
                }
            }
            guard out.count <= Limits.maxSurdTerms else { return nil }
            return Surd(terms: out)
        }

        static func - (a: Surd, b: Surd) -> Surd? {
            guard let nb = b.negated else { return nil }
            return a + nb
        }

        static func * (a: Surd, b: Surd) -> Surd? {
            guard a.terms.count * b.terms.count <= Limits.maxSurdTerms * 4 else { return nil }
            var acc = Surd.zero
            for x in a.terms {
                for y in b.terms {
                    guard let t = multiply(x, y), let s = acc + Surd(terms: [t]) else { return nil }
                    acc = s
                }
            }
            return acc
        }

        /// √r₁·√r₂ for square-free r₁, r₂: with g = gcd(r₁, r₂), the product is g²·(r₁/g)(r₂/g) and the
        /// cofactor is square-free (the quotients are coprime and each square-free).
        private static func multiply(_ x: SurdTerm, _ y: SurdTerm) -> SurdTerm? {
            guard var c = x.coef * y.coef else { return nil }
            let g = gcd(x.radicand, y.radicand)
            guard let r = mul(x.radicand / g, y.radicand / g) else { return nil }
            if g != 1 {
                guard let cg = c * Rational(g) else { return nil }
                c = cg
            }
            let (p, o) = x.piPower.addingReportingOverflow(y.piPower)
            guard !o, abs(p) <= 64 else { return nil }
            return SurdTerm(coef: c, radicand: r, piPower: p)
        }

        /// 1/self for a single term: 1/(q√r·π^k) = (1/(q·r))·√r·π^(−k).
        var reciprocal: Surd? {
            guard terms.count == 1 else {
                if terms.count == 2 { return conjugateReciprocal }
                return nil
            }
            let t = terms[0]
            guard let qr = t.coef * Rational(t.radicand), let inv = qr.reciprocal else { return nil }
            return Surd(terms: [SurdTerm(coef: inv, radicand: t.radicand, piPower: -t.piPower)])
        }

        /// 1/(a + b√r) = (a − b√r)/(a² − b²r) for rational a, b with no π: rationalizes the common
        /// `1/(1+√2)` shape.
        private var conjugateReciprocal: Surd? {
            let t0 = terms[0]
            let t1 = terms[1]
            guard t0.piPower == 0, t1.piPower == 0, t0.radicand == 1 else { return nil }
            guard let a2 = t0.coef * t0.coef, let b2 = t1.coef * t1.coef, let b2r = b2 * Rational(t1.radicand),
                let den = a2 - b2r, !den.isZero, let conj = Surd(terms: [t0]) - Surd(terms: [t1]),
                let inv = den.reciprocal
            else { return nil }
            return conj * Surd(inv)
        }

        static func / (a: Surd, b: Surd) -> Surd? {
            guard let r = b.reciprocal else { return nil }
            return a * r
        }

        /// Integer powers by repeated squaring, exponent at most `maxExactExponent` in magnitude.
        func power(_ e: Int64) -> Surd? {
            if e == 0 { return Surd(.one) }
            guard e.magnitude <= Limits.maxExactExponent else { return nil }
            if let r = rational {
                guard let p = r.power(e) else { return nil }
                return Surd(p)
            }
            var base = self
            if e < 0 {
                guard let r = reciprocal else { return nil }
                base = r
            }
            return AnswerMath.power(base, e.magnitude, one: Surd(.one), times: *)
        }

        /// √self for a single term q·π^(2k) with q ≥ 0 (radicand 1): √(a/b) = √a/√b, each square part pulled
        /// out. Anything else (a root of a sum, of a radical, of a negative) is `nil`.
        var squareRoot: Surd? {
            if terms.isEmpty { return .zero }
            guard terms.count == 1 else { return nil }
            let t = terms[0]
            guard t.radicand == 1, t.piPower % 2 == 0, !t.coef.isNegative,
                let (oa, ia) = AnswerMath.squareSplit(t.coef.num),
                let (ob, ib) = AnswerMath.squareSplit(t.coef.den),
                let d = mul(ob, ib), let r = mul(ia, ib), let c = Rational.make(oa, d)
            else { return nil }
            // ia and ib are coprime (a/b is reduced), so ia·ib is square-free.
            return Surd(terms: [SurdTerm(coef: c, radicand: r, piPower: t.piPower / 2)])
        }

        /// `"sqrt(3)/2"`, `"1+2*sqrt(2)"`, `"pi/2"`, `"-3/4"`.
        var description: String {
            if terms.isEmpty { return "0" }
            var s = ""
            for (i, t) in terms.enumerated() {
                var body = ""
                let c = t.coef
                let mag = c.num.magnitude
                var factors: [String] = []
                if t.radicand != 1 { factors.append("sqrt(\(t.radicand))") }
                if t.piPower == 1 {
                    factors.append("pi")
                } else if t.piPower > 1 {
                    factors.append("pi^\(t.piPower)")
                }
                if factors.isEmpty {
                    body = String(mag)
                } else if mag == 1 {
                    body = factors.joined(separator: "*")
                } else {
                    body = String(mag) + "*" + factors.joined(separator: "*")
                }
                var denFactors: [String] = []
                if c.den != 1 { denFactors.append(String(c.den)) }
                if t.piPower < 0 {
                    denFactors.append(t.piPower == -1 ? "pi" : "pi^\(-t.piPower)")
                }
                if !denFactors.isEmpty {
                    body += "/" + (denFactors.count == 1 ? denFactors[0] : "(" + denFactors.joined(separator: "*") + ")")
                }
                if c.isNegative {
                    s += "-" + body
                } else {
                    s += i == 0 ? body : "+" + body
                }
            }
            return s
        }
    }

    /// n = outside²·inside with `inside` square-free, for n ≥ 1; `nil` when a square factor might hide
    /// beyond the trial-division bound.
    static func squareSplit(_ n: Int64) -> (Int64, Int64)? {
        guard n >= 1 else { return n == 0 ? (0, 1) : nil }
        var rest = n
        var outside: Int64 = 1
        var inside: Int64 = 1
        var p: Int64 = 2
        while p * p <= rest {
            if p > Limits.maxTrialDivisor {
                // Whatever remains has only large prime factors; accept it only if it is a perfect
                // square or small enough to be square-free for certain.
                let s = isqrt(rest)
                if s * s == rest { return (outside * s, inside) }
                return nil
            }
            if rest % p == 0 {
                var count = 0
                while rest % p == 0 {
                    rest /= p
                    count += 1
                }
                for _ in 0..<(count / 2) { outside *= p }
                if count % 2 == 1 { inside *= p }
            }
            p += p == 2 ? 1 : 2
        }
        inside *= rest
        return (outside, inside)
    }

    static func isqrt(_ n: Int64) -> Int64 {
        guard n > 0 else { return 0 }
        var r = Int64(Double(n).squareRoot())
        while r > 0 && (mul(r, r) ?? .max) > n { r -= 1 }
        while let sq = mul(r + 1, r + 1), sq <= n { r += 1 }
        return r
    }
}

extension AnswerMath {
    /// `x^k` for a small integer `k` by repeated multiplication.
    static func power(_ x: Double, _ k: Int) -> Double {
        if k < 0 { return 1 / power(x, -k) }
        var r = 1.0
        for _ in 0..<k { r *= x }
        return r
    }
}
