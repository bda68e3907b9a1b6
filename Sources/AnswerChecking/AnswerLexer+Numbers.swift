// The lexer's numbers: digit runs, thousands separators, decimals, repeating blocks, exponents.
// Names in AnswerMath, which an extension of a nested type does not see unqualified.
private typealias Lexer = AnswerMath.Lexer
private typealias Rational = AnswerMath.Rational
private typealias Token = AnswerMath.Token

extension AnswerMath.Lexer {
    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Exactly three digits at `j` and no digit after them.
    private func threeDigits(at j: Int) -> Bool {
        j + 3 <= b.count && isDigit(b[j]) && isDigit(b[j + 1]) && isDigit(b[j + 2])
            && (j + 3 == b.count || !isDigit(b[j + 3]))
    }

    /// The length of a thousands separator at `j` that is followed by a three-digit group, or 0:
    /// `{,}` and `\,` anywhere, a bare `,` only outside brackets (inside them it separates elements).
    private func separator(at j: Int) -> Int {
        guard j < b.count else { return 0 }
        if b[j] == 0x2C && bracketDepth == 0 && threeDigits(at: j + 1) { return 1 }
        if b[j] == 0x7B && j + 2 < b.count && b[j + 1] == 0x2C && b[j + 2] == 0x7D && threeDigits(at: j + 3) {
            return 3
        }
        if b[j] == 0x5C && j + 1 < b.count && b[j + 1] == 0x2C && threeDigits(at: j + 2) { return 2 }
        return 0
    }

    mutating func lexNumber() {
        let n = b.count
        let start = i
        digitBuffer.removeAll(keepingCapacity: true)
        var plain = true
        var firstGroup = 0
        while i < n && isDigit(b[i]) {
            digitBuffer.append(b[i])
            firstGroup += 1
            i += 1
        }
        if firstGroup > 0 && firstGroup <= 3 {
            var sep = separator(at: i)
            // A bare comma is a thousands separator only when every group after it has three digits.
            while sep > 0 {
                plain = false
                i += sep
                digitBuffer.append(contentsOf: b[i..<(i + 3)])
                i += 3
                sep = separator(at: i)
            }
        }
        let intDigits = digitBuffer.count
        var fracDigits = 0
        var repeating: [UInt8] = []
        if i < n && b[i] == 0x2E {
            if i + 1 < n && isDigit(b[i + 1]) {
                plain = false
                i += 1
                while i < n && isDigit(b[i]) {
                    digitBuffer.append(b[i])
                    fracDigits += 1
                    i += 1
                }
            } else if hasOverline(at: i + 1) {
                i += 1
            }
        }
        if let (digits, end) = overlineDigits(at: i), fracDigits > 0 || (i > 0 && b[i - 1] == 0x2E) {
            plain = false
            repeating = digits
            i = end
        }
        var exponent = 0
        if i + 1 < n && (b[i] == 0x65 || b[i] == 0x45) && repeating.isEmpty {
            var j = i + 1
            var negative = false
            if b[j] == 0x2B || b[j] == 0x2D {
                negative = b[j] == 0x2D
                j += 1
            }
            if j < n && isDigit(b[j]) {
                var e = 0
                while j < n && isDigit(b[j]) {
                    if e < 100_000 { e = e * 10 + Int(b[j] - 0x30) }
                    j += 1
                }
                exponent = negative ? -e : e
                plain = false
                i = j
            }
        }
        let (exact, approx) = Lexer.value(
            digits: digitBuffer, fracDigits: fracDigits, repeating: repeating, exponent: exponent)
        var t = Token(kind: .number(exact, approx), space: space, text: textDepth > 0)
        if plain && intDigits == i - start {
            t.digitStart = Int32(start)
            t.digitCount = Int32(intDigits)
        }
        tokens.append(t)
        space = false
    }

    private func hasOverline(at j: Int) -> Bool { overlineDigits(at: j) != nil }

    /// The repeating block of `\overline{123}` at `j` (braces required) and the index after it.
    private func overlineDigits(at j: Int) -> ([UInt8], Int)? {
        guard j < b.count, b[j] == 0x5C, let e = commandEnd(at: j, named: "overline"), e < b.count, b[e] == 0x7B
        else { return nil }
        var k = e + 1
        var digits: [UInt8] = []
        while k < b.count && isDigit(b[k]) && digits.count < 18 {
            digits.append(b[k])
            k += 1
        }
        guard !digits.isEmpty, k < b.count, b[k] == 0x7D else { return nil }
        return (digits, k + 1)
    }

    /// The value of `digits` with `fracDigits` of them after the point, a repeating block and a
    /// power-of-ten exponent: exact when it fits in 64 bits.
    static func value(digits: [UInt8], fracDigits: Int, repeating: [UInt8], exponent: Int) -> (AnswerMath.Rational?, Double) {
        var mant: Int64 = 0
        var overflow = false
        for d in digits {
            guard let m = AnswerMath.mul(mant, 10) else {
                overflow = true
                break
            }
            let (s, o) = m.addingReportingOverflow(Int64(d - 0x30))
            if o {
                overflow = true
                break
            }
            mant = s
        }
        var exact: Rational? = nil
        if !overflow, let scale = AnswerMath.pow10(fracDigits) {
            exact = Rational.make(mant, scale)
            if !repeating.isEmpty {
                // 0.a(b) = a/10^k + b/(10^k·(10^r − 1))
                var rep: Int64 = 0
                for d in repeating { rep = rep * 10 + Int64(d - 0x30) }
                if let r10 = AnswerMath.pow10(repeating.count), let d = AnswerMath.mul(scale, r10 - 1), let extra = Rational.make(rep, d),
                    let e = exact
                {
                    exact = e + extra
                } else {
                    exact = nil
                }
            }
            if exponent != 0, let e = exact {
                if let p = AnswerMath.pow10(abs(exponent)) {
                    exact = exponent > 0 ? e * Rational(p) : e / Rational(p)
                } else {
                    exact = nil
                }
            }
        }
        if let e = exact { return (e, e.double) }
        // Floating point through the standard library's correctly rounded parser.
        var s = String(decoding: digits.prefix(digits.count - fracDigits), as: UTF8.self)
        if s.isEmpty { s = "0" }
        if fracDigits > 0 { s += "." + String(decoding: digits.suffix(fracDigits), as: UTF8.self) }
        if !repeating.isEmpty {
            if fracDigits == 0 { s += "." }
            let r = String(decoding: repeating, as: UTF8.self)
            for _ in 0..<(20 / max(1, repeating.count) + 1) { s += r }
        }
        if exponent != 0 { s += "e\(exponent)" }
        return (nil, Double(s) ?? .nan)
    }
}
