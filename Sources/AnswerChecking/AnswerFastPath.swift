extension AnswerMath {
    /// Plain numbers without the tokenizer: `42`, `-3.5`, `1,234`, `1{,}000`, `1\,000`, `\$5`, `50\%`,
    /// `3/4`, `\frac{1}{2}` (also `\dfrac`, `\tfrac`), surrounded by optional spaces and `$`. Anything else
    /// returns `nil` and takes the general path.
    enum FastNumber {
        struct Parsed {
            /// Exact value, `nil` when the literal does not fit in 64 bits.
            var value: Rational?
            var percent: Bool
            /// A decimal literal (no fraction bar): its digits can be compared as text when large.
            var isDecimal: Bool
            var negative: Bool
            /// Where the digits (with separators and decimal point) are.
            var digits: Range<Int>
        }

        @inline(__always) private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        private static func threeDigits(_ b: [UInt8], _ j: Int) -> Bool {
            j + 3 <= b.count && isDigit(b[j]) && isDigit(b[j + 1]) && isDigit(b[j + 2])
                && (j + 3 == b.count || !isDigit(b[j + 3]))
        }

        private static func separator(_ b: [UInt8], _ j: Int) -> Int {
            guard j < b.count else { return 0 }
            let c = b[j]
            if c == 0x2C && threeDigits(b, j + 1) { return 1 }
            if c == 0x7B && j + 2 < b.count && b[j + 1] == 0x2C && b[j + 2] == 0x7D && threeDigits(b, j + 3) { return 3 }
            if c == 0x5C && j + 1 < b.count && b[j + 1] == 0x2C && threeDigits(b, j + 2) { return 2 }
            return 0
        }

        /// An unsigned integer (plain digits only) at `i`.
        private static func integer(_ b: [UInt8], _ i: inout Int) -> Int64? {
            let start = i
            var v: Int64 = 0
            while i < b.count && isDigit(b[i]) {
                guard let m = mul(v, 10) else { return nil }
                v = m + Int64(b[i] - 0x30)
                i += 1
            }
            return i > start ? v : nil
        }

        private static func skipSpaces(_ b: [UInt8], _ i: inout Int) {
            while i < b.count {
                let c = b[i]
                if c == 0x20 || c == 0x24 || c == 0x09 || c == 0x0A {
                    i += 1
                } else if c == 0x5C && i + 1 < b.count && (b[i + 1] == 0x24 || b[i + 1] == 0x20 || b[i + 1] == 0x21) {
                    i += 2  // \$  \␣  \!
                } else {
                    break
                }
            }
        }

        static func parse(_ b: [UInt8]) -> Parsed? {
            let n = b.count
            guard n > 0 && n <= 64 else { return nil }
            var i = 0
            skipSpaces(b, &i)
            var negative = false
            if i < n && (b[i] == 0x2D || b[i] == 0x2B) {
                negative = b[i] == 0x2D
                i += 1
                skipSpaces(b, &i)
            }
            var value: Rational?
            var isDecimal = false
            var digits = i..<i
            if i < n && b[i] == 0x5C {
                // \frac{a}{b}, \dfrac{a}{b}, \tfrac{a}{b}
                var j = i + 1
                if j < n && (b[j] == 0x64 || b[j] == 0x74) { j += 1 }
                guard Extraction.matches(b, j, "frac{") else { return nil }
                j += 5
                var numNegative = false
                if j < n && b[j] == 0x2D {
                    numNegative = true
                    j += 1
                }
                guard let a = integer(b, &j), j < n, b[j] == 0x7D, j + 1 < n, b[j + 1] == 0x7B else { return nil }
                j += 2
                guard let d = integer(b, &j), j < n, b[j] == 0x7D, d != 0 else { return nil }
                j += 1
                value = Rational.make(numNegative ? -a : a, d)
                guard value != nil else { return nil }
                digits = i..<j
                i = j
            } else {
                let start = i
                var mant: Int64 = 0
                var overflow = false
                var count = 0
                var fracDigits = 0
                @inline(__always) func push(_ c: UInt8) {
                    count += 1
                    if overflow { return }
                    if let m = mul(mant, 10) {
                        let (s, o) = m.addingReportingOverflow(Int64(c - 0x30))
                        if o { overflow = true } else { mant = s }
                    } else {
                        overflow = true
                    }
                }
                var group = 0
                while i < n && isDigit(b[i]) {
                    push(b[i])
                    group += 1
                    i += 1
                }
                var grouped = false
                if group > 0 && group <= 3 {
                    var sep = separator(b, i)
                    while sep > 0 {
                        grouped = true
                        i += sep
                        for _ in 0..<3 {
                            push(b[i])
                            i += 1
                        }
                        sep = separator(b, i)
                    }
                }
                if i + 1 < n && b[i] == 0x2E && isDigit(b[i + 1]) {
                    i += 1
                    while i < n && isDigit(b[i]) {
                        push(b[i])
                        fracDigits += 1
                        i += 1
                    }
                } else if i < n && b[i] == 0x2E && i > start {
                    i += 1  // "5." reads as 5
                }
                guard count > 0 else { return nil }
                digits = start..<i
                if i < n && b[i] == 0x2F && !grouped && fracDigits == 0 && !overflow {
                    // a/b
                    var j = i + 1
                    guard let d = integer(b, &j), d != 0 else { return nil }
                    value = Rational.make(mant, d)
                    guard value != nil else { return nil }
                    digits = start..<j
                    i = j
                } else {
                    isDecimal = true
                    if !overflow, let scale = pow10(fracDigits) { value = Rational.make(mant, scale) }
                }
            }
            skipSpaces(b, &i)
            var percent = false
            if i < n && b[i] == 0x25 {
                percent = true
                i += 1
            } else if i + 1 < n && b[i] == 0x5C && b[i + 1] == 0x25 {
                percent = true
                i += 2
            }
            skipSpaces(b, &i)
            if i < n && b[i] == 0x2E { i += 1 }
            skipSpaces(b, &i)
            guard i == n else { return nil }
            if negative, let v = value { value = v.negated }
            return Parsed(value: value, percent: percent, isDecimal: isDecimal, negative: negative, digits: digits)
        }

        /// A decimal literal's digits with separators removed, leading zeros of the integer part and
        /// trailing zeros of the fraction dropped: equal strings are equal numbers, at any length.
        static func canonicalDecimal(_ b: [UInt8], _ p: Parsed) -> String {
            var intPart: [UInt8] = []
            var fracPart: [UInt8] = []
            var inFrac = false
            var i = p.digits.lowerBound
            while i < p.digits.upperBound {
                let c = b[i]
                if c == 0x2E {
                    inFrac = true
                } else if isDigit(c) {
                    if inFrac { fracPart.append(c) } else { intPart.append(c) }
                } else if c == 0x7B {
                    i += 2  // {,}
                }
                i += 1
            }
            while let f = intPart.first, f == 0x30 { intPart.removeFirst() }
            while let l = fracPart.last, l == 0x30 { fracPart.removeLast() }
            var s = intPart.isEmpty ? "0" : String(decoding: intPart, as: UTF8.self)
            if !fracPart.isEmpty { s += "." + String(decoding: fracPart, as: UTF8.self) }
            if p.negative && s != "0" { s = "-" + s }
            return s
        }
    }
}
