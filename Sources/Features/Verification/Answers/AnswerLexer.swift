extension AnswerMath {
    enum Relation: UInt8, Sendable {
        case equal, notEqual, less, lessEqual, greater, greaterEqual

        var symbol: String {
            switch self {
            case .equal: "="
            case .notEqual: "!="
            case .less: "<"
            case .lessEqual: "<="
            case .greater: ">"
            case .greaterEqual: ">="
            }
        }

        /// The same relation read right to left (`a > b` is `b < a`).
        var flipped: Relation {
            switch self {
            case .less: .greater
            case .lessEqual: .greaterEqual
            case .greater: .less
            case .greaterEqual: .lessEqual
            default: self
            }
        }
    }

    enum Function: UInt8, Sendable {
        case sin, cos, tan, cot, sec, csc, asin, acos, atan, sinh, cosh, tanh, ln, exp, abs, floor, ceil

        var name: String {
            switch self {
            case .sin: "sin"
            case .cos: "cos"
            case .tan: "tan"
            case .cot: "cot"
            case .sec: "sec"
            case .csc: "csc"
            case .asin: "arcsin"
            case .acos: "arccos"
            case .atan: "arctan"
            case .sinh: "sinh"
            case .cosh: "cosh"
            case .tanh: "tanh"
            case .ln: "ln"
            case .exp: "exp"
            case .abs: "abs"
            case .floor: "floor"
            case .ceil: "ceil"
            }
        }

        /// `sin^{-1}` and friends.
        var inverse: Function? {
            switch self {
            case .sin: .asin
            case .cos: .acos
            case .tan: .atan
            default: nil
            }
        }
    }

    enum TokenKind: Equatable, Sendable {
        /// A numeric literal: its exact value when it fits, and always a `Double`.
        case number(Rational?, Double)
        case variable(String)
        /// A run of two or more letters not yet resolved (unit, annotation, function, product of letters).
        case word(String)
        case pi, euler, infinity
        case plus, minus, plusMinus, times, divide, caret, underscore, bang, percent
        /// `(` or `[`.
        case open(UInt8)
        /// `)` or `]`.
        case close(UInt8)
        /// TeX grouping braces `{` `}`.
        case groupOpen, groupClose
        /// `\{` `\}`.
        case setOpen, setClose
        case angleOpen, angleClose
        case bar, absOpen, absClose, floorOpen, floorClose, ceilOpen, ceilClose
        case comma
        case relation(Relation)
        case elementOf
        case frac, sqrt, binom, log
        case function(Function)
        case cup
        case columnSep, rowSep, matrixBegin, matrixEnd
        case emptySet
        /// Anything the parser does not understand; its presence makes the answer text.
        case unknown
    }

    struct Token: Sendable {
        var kind: TokenKind
        /// Whitespace (or a TeX spacing command) came right before this token.
        var space: Bool
        /// The token came from inside `\text{}`, `\mbox{}`, `\mathrm{}` and the like.
        var text: Bool
        /// For a literal that is a plain run of digits: where the digits start and how many there are
        /// (so that `\frac12` and `x^23` can take a single digit, as TeX does); `count` is 0 otherwise.
        var digitStart: Int32 = 0
        var digitCount: Int32 = 0
    }

    /// Turns an answer (LaTeX or plain text) into tokens in one pass. Presentation is dropped here:
    /// `$`, `\left`/`\right`, spacing commands, `\displaystyle`, `\boxed{}` and font wrappers (kept
    /// transparent), degree marks, `\ldots`. Thousands separators are folded into numbers.
    struct Lexer {
        private enum Brace { case group, text, transparent }

        let b: [UInt8]
        private var i = 0
        private var tokens: [Token] = []
        private var space = false
        private var braces: [Brace] = []
        private var textDepth = 0
        private var bracketDepth = 0
        private var digitBuffer: [UInt8] = []
        /// Bytes from here to the end are only spaces, `$`, `}` and periods (so a period there ends the
        /// answer and is dropped).
        private let tailStart: Int

        init(_ bytes: [UInt8]) {
            b = bytes
            var t = bytes.count
            while t > 0 {
                let c = bytes[t - 1]
                if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D || c == 0x24 || c == 0x7D || c == 0x2E {
                    t -= 1
                } else {
                    break
                }
            }
            tailStart = t
        }

        /// The tokens, or `nil` when there are too many.
        static func tokenize(_ bytes: [UInt8]) -> [Token]? {
            var lexer = Lexer(bytes)
            return lexer.run()
        }

        private mutating func emit(_ k: TokenKind) {
            tokens.append(Token(kind: k, space: space, text: textDepth > 0))
            space = false
        }

        private mutating func run() -> [Token]? {
            let n = b.count
            tokens.reserveCapacity(min(n, 64))
            while i < n {
                if tokens.count > Limits.maxTokens { return nil }
                let c = b[i]
                switch c {
                case 0x20, 0x09, 0x0A, 0x0D, 0x7E:  // space, tab, newlines, ~
                    space = true
                    i += 1
                case 0x30...0x39:
                    lexNumber()
                case 0x2E:  // .
                    if i + 1 < n && isDigit(b[i + 1]) {
                        lexNumber()
                    } else {
                        // A period that ends the answer is dropped; elsewhere it is not mathematics.
                        if textDepth == 0 && i < tailStart { emit(.unknown) }
                        i += 1
                    }
                case 0x41...0x5A, 0x61...0x7A:
                    lexWord()
                case 0x5C:
                    lexCommand()
                case 0x2B:
                    emit(.plus)
                    i += 1
                case 0x2D:
                    emit(.minus)
                    i += 1
                case 0x2A:  // * or **
                    if i + 1 < n && b[i + 1] == 0x2A {
                        emit(.caret)
                        i += 2
                    } else {
                        emit(.times)
                        i += 1
                    }
                case 0x2F:
                    emit(.divide)
                    i += 1
                case 0x5E:
                    lexCaret()
                case 0x5F:
                    emit(.underscore)
                    i += 1
                case 0x21:  // ! or !=
                    if i + 1 < n && b[i + 1] == 0x3D {
                        emit(.relation(.notEqual))
                        i += 2
                    } else {
                        emit(.bang)
                        i += 1
                    }
                case 0x3D:  // = or ==
                    emit(.relation(.equal))
                    i += (i + 1 < n && b[i + 1] == 0x3D) ? 2 : 1
                case 0x3C:
                    if i + 1 < n && b[i + 1] == 0x3D {
                        emit(.relation(.lessEqual))
                        i += 2
                    } else {
                        emit(.relation(.less))
                        i += 1
                    }
                case 0x3E:
                    if i + 1 < n && b[i + 1] == 0x3D {
                        emit(.relation(.greaterEqual))
                        i += 2
                    } else {
                        emit(.relation(.greater))
                        i += 1
                    }
                case 0x28, 0x5B:
                    bracketDepth += 1
                    emit(.open(c))
                    i += 1
                case 0x29, 0x5D:
                    bracketDepth = max(0, bracketDepth - 1)
                    emit(.close(c))
                    i += 1
                case 0x7B:
                    braces.append(.group)
                    if textDepth == 0 { emit(.groupOpen) }
                    i += 1
                case 0x7D:
                    i += 1
                    guard let top = braces.popLast() else {
                        emit(.unknown)
                        break
                    }
                    switch top {
                    case .group: if textDepth == 0 { emit(.groupClose) }
                    case .text: textDepth -= 1
                    case .transparent: break
                    }
                case 0x7C:
                    emit(.bar)
                    i += 1
                case 0x2C, 0x3B:  // , ;
                    emit(.comma)
                    i += 1
                case 0x25:
                    emit(.percent)
                    i += 1
                case 0x24:  // $: math delimiter or currency, dropped either way
                    i += 1
                case 0x26:
                    emit(.columnSep)
                    i += 1
                case 0x27, 0x22:  // quotes
                    if textDepth == 0 { emit(.unknown) }
                    i += 1
                case 0x80...0xFF:
                    lexNonASCII()
                default:
                    if textDepth == 0 { emit(.unknown) }
                    i += 1
                }
            }
            return tokens.count > Limits.maxTokens ? nil : tokens
        }

        // MARK: Numbers

        @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

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

        private mutating func lexNumber() {
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
        static func value(digits: [UInt8], fracDigits: Int, repeating: [UInt8], exponent: Int) -> (Rational?, Double) {
            var mant: Int64 = 0
            var overflow = false
            for d in digits {
                guard let m = mul(mant, 10) else {
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
            if !overflow, let scale = pow10(fracDigits) {
                exact = Rational.make(mant, scale)
                if !repeating.isEmpty {
                    // 0.a(b) = a/10^k + b/(10^k·(10^r − 1))
                    var rep: Int64 = 0
                    for d in repeating { rep = rep * 10 + Int64(d - 0x30) }
                    if let r10 = pow10(repeating.count), let d = mul(scale, r10 - 1), let extra = Rational.make(rep, d),
                        let e = exact
                    {
                        exact = e + extra
                    } else {
                        exact = nil
                    }
                }
                if exponent != 0, let e = exact {
                    if let p = pow10(abs(exponent)) {
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

        // MARK: Words and commands

        /// A run of letters: ASCII letters and any non-ASCII character that is not a known symbol.
        private mutating func lexWord() {
            let start = i
            let n = b.count
            while i < n {
                let c = b[i]
                if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) {
                    i += 1
                } else if c >= 0x80 && nonASCIISymbol(at: i) == nil {
                    i += 1
                    while i < n && (b[i] & 0xC0) == 0x80 { i += 1 }
                } else {
                    break
                }
            }
            let len = i - start
            if len == 1 {
                let c = b[start]
                if c == 0x65 && textDepth == 0 {  // e
                    emit(.euler)
                } else {
                    if textDepth > 0 {
                        emit(.word(String(UnicodeScalar(c))))
                    } else {
                        emit(.variable(String(UnicodeScalar(c))))
                    }
                }
                return
            }
            emit(.word(String(decoding: b[start..<i], as: UTF8.self)))
        }

        /// A known non-ASCII symbol at `j`: its token (`nil` for a dropped one) and byte width.
        private func nonASCIISymbol(at j: Int) -> (kind: TokenKind?, width: Int, isSpace: Bool)? {
            let n = b.count
            let c0 = b[j]
            let c1: UInt8 = j + 1 < n ? b[j + 1] : 0
            let c2: UInt8 = j + 2 < n ? b[j + 2] : 0
            switch (c0, c1) {
            case (0xC2, 0xB0): return (nil, 2, false)  // °
            case (0xC2, 0xB1): return (.plusMinus, 2, false)
            case (0xC2, 0xB7): return (.times, 2, false)
            case (0xC2, 0xA0): return (nil, 2, true)
            case (0xC3, 0x97): return (.times, 2, false)
            case (0xC3, 0xB7): return (.divide, 2, false)
            case (0xCF, 0x80): return (.pi, 2, false)
            case (0xE2, 0x88):
                switch c2 {
                case 0x92: return (.minus, 3, false)
                case 0x9A: return (.sqrt, 3, false)
                case 0x9E: return (.infinity, 3, false)
                case 0x93: return (.plusMinus, 3, false)
                case 0xAA: return (.cup, 3, false)
                case 0x85: return (.emptySet, 3, false)
                default: return nil
                }
            case (0xE2, 0x89):
                switch c2 {
                case 0xA0: return (.relation(.notEqual), 3, false)
                case 0xA4: return (.relation(.lessEqual), 3, false)
                case 0xA5: return (.relation(.greaterEqual), 3, false)
                default: return nil
                }
            case (0xE2, 0x8B):
                return c2 == 0x85 ? (.times, 3, false) : nil
            case (0xE2, 0x80):
                switch c2 {
                case 0x89, 0xAF, 0x8A, 0x8B: return (nil, 3, true)
                case 0x93, 0x94: return (.minus, 3, false)  // en and em dashes
                default: return nil
                }
            default:
                return nil
            }
        }

        private mutating func lexNonASCII() {
            guard let sym = nonASCIISymbol(at: i) else {
                lexWord()
                return
            }
            i += sym.width
            if sym.isSpace {
                space = true
            } else if let k = sym.kind {
                emit(k)
            }
        }

        /// `^` unless it introduces a degree mark (`^\circ`, `^{\circ}`), which is dropped.
        private mutating func lexCaret() {
            var j = i + 1
            while j < b.count && b[j] == 0x20 { j += 1 }
            if let e = commandEnd(at: j, named: "circ") {
                i = e
                return
            }
            if j < b.count && b[j] == 0x7B {
                var k = j + 1
                while k < b.count && b[k] == 0x20 { k += 1 }
                if let e = commandEnd(at: k, named: "circ") {
                    var m = e
                    while m < b.count && b[m] == 0x20 { m += 1 }
                    if m < b.count && b[m] == 0x7D {
                        i = m + 1
                        return
                    }
                }
            }
            emit(.caret)
            i += 1
        }

        /// If `\name` (not followed by a letter) starts at `j`, the index after it.
        private func commandEnd(at j: Int, named name: StaticString) -> Int? {
            let len = name.utf8CodeUnitCount
            guard j + len < b.count, b[j] == 0x5C else { return nil }
            let p = name.utf8Start
            for k in 0..<len where b[j + 1 + k] != p[k] { return nil }
            let e = j + 1 + len
            if e < b.count && isLetter(b[e]) { return nil }
            return e
        }

        @inline(__always) private func isLetter(_ c: UInt8) -> Bool {
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
        }

        /// Skips spaces and, when a `{` follows, consumes it and opens a brace of the given kind.
        private mutating func openArgument(_ kind: Brace) -> Bool {
            var j = i
            while j < b.count && b[j] == 0x20 { j += 1 }
            guard j < b.count, b[j] == 0x7B else { return false }
            i = j + 1
            braces.append(kind)
            if kind == .text { textDepth += 1 }
            return true
        }

        /// Reads `{name}` after `\begin`/`\end`.
        private mutating func environmentName() -> String? {
            var j = i
            while j < b.count && b[j] == 0x20 { j += 1 }
            guard j < b.count, b[j] == 0x7B else { return nil }
            var k = j + 1
            while k < b.count && b[k] != 0x7D && k - j < 32 { k += 1 }
            guard k < b.count, b[k] == 0x7D else { return nil }
            i = k + 1
            return String(decoding: b[(j + 1)..<k], as: UTF8.self)
        }

        private mutating func lexCommand() {
            let n = b.count
            guard i + 1 < n else {
                i += 1
                return
            }
            let c = b[i + 1]
            if !isLetter(c) {
                i += 2
                switch c {
                case 0x7B:
                    bracketDepth += 1
                    emit(.setOpen)
                case 0x7D:
                    bracketDepth = max(0, bracketDepth - 1)
                    emit(.setClose)
                case 0x2C, 0x3B, 0x3A, 0x21, 0x20, 0x0A, 0x3E:  // \, \; \: \! \␣ \>
                    space = true
                case 0x25: emit(.percent)
                case 0x24, 0x28, 0x29, 0x5B, 0x5D: break  // \$ \( \) \[ \]
                case 0x5C: emit(.rowSep)
                case 0x7C: emit(.unknown)  // \| (norm)
                default: emit(.unknown)
                }
                return
            }
            var j = i + 1
            while j < n && isLetter(b[j]) { j += 1 }
            let name = String(decoding: b[(i + 1)..<j], as: UTF8.self)
            i = j
            guard let action = Lexer.commands[name] else {
                emit(.unknown)
                return
            }
            switch action {
            case .token(let k):
                switch k {
                case .open, .setOpen, .angleOpen: bracketDepth += 1
                case .close, .setClose, .angleClose: bracketDepth = max(0, bracketDepth - 1)
                default: break
                }
                emit(k)
            case .skip:
                break
            case .space:
                space = true
            case .text:
                if name == "mathrm" || name == "mathit" || name == "operatorname" {
                    // \mathrm{e} is Euler's number, \mathrm{i} the letter i.
                    var k = i
                    while k < n && b[k] == 0x20 { k += 1 }
                    if k + 2 < n && b[k] == 0x7B && b[k + 2] == 0x7D && (b[k + 1] == 0x65 || b[k + 1] == 0x69 || b[k + 1] == 0x64) {
                        emit(b[k + 1] == 0x65 ? .euler : .variable(String(UnicodeScalar(b[k + 1]))))
                        i = k + 3
                        return
                    }
                }
                if !openArgument(.text) { emit(.unknown) }
            case .transparent:
                _ = openArgument(.transparent)
            case .left:
                // \left. and \right. are invisible delimiters; \left| and \right| are absolute values.
                var k = i
                while k < n && b[k] == 0x20 { k += 1 }
                if k < n && b[k] == 0x2E {
                    i = k + 1
                } else if k < n && b[k] == 0x7C {
                    i = k + 1
                    emit(name == "left" ? .absOpen : .absClose)
                }
            case .begin:
                guard let env = environmentName() else {
                    emit(.unknown)
                    return
                }
                if Lexer.matrixEnvironments.contains(env) {
                    emit(.matrixBegin)
                    if env == "array" {
                        // Skip the column specification `{cc}`.
                        if let _ = environmentName() {}
                    }
                } else {
                    emit(.unknown)
                }
            case .end:
                guard let env = environmentName(), Lexer.matrixEnvironments.contains(env) else {
                    emit(.unknown)
                    return
                }
                emit(.matrixEnd)
            }
        }

        private enum Command {
            case token(TokenKind)
            case skip, space, text, transparent, left, begin, end
        }

        private static let matrixEnvironments: Set<String> = [
            "pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix", "array",
        ]

        private static let commands: [String: Command] = {
            var t: [String: Command] = [:]
            for name in ["frac", "dfrac", "tfrac", "cfrac"] { t[name] = .token(.frac) }
            for name in ["binom", "dbinom", "tbinom"] { t[name] = .token(.binom) }
            t["sqrt"] = .token(.sqrt)
            t["pi"] = .token(.pi)
            t["infty"] = .token(.infinity)
            t["infin"] = .token(.infinity)
            for name in ["cdot", "times", "ast", "cdotp"] { t[name] = .token(.times) }
            t["div"] = .token(.divide)
            t["pm"] = .token(.plusMinus)
            t["mp"] = .token(.plusMinus)
            t["le"] = .token(.relation(.lessEqual))
            t["leq"] = .token(.relation(.lessEqual))
            t["leqslant"] = .token(.relation(.lessEqual))
            t["ge"] = .token(.relation(.greaterEqual))
            t["geq"] = .token(.relation(.greaterEqual))
            t["geqslant"] = .token(.relation(.greaterEqual))
            t["lt"] = .token(.relation(.less))
            t["gt"] = .token(.relation(.greater))
            t["ne"] = .token(.relation(.notEqual))
            t["neq"] = .token(.relation(.notEqual))
            t["in"] = .token(.elementOf)
            t["cup"] = .token(.cup)
            t["lbrace"] = .token(.setOpen)
            t["rbrace"] = .token(.setClose)
            t["langle"] = .token(.angleOpen)
            t["rangle"] = .token(.angleClose)
            t["lfloor"] = .token(.floorOpen)
            t["rfloor"] = .token(.floorClose)
            t["lceil"] = .token(.ceilOpen)
            t["rceil"] = .token(.ceilClose)
            t["lvert"] = .token(.absOpen)
            t["rvert"] = .token(.absClose)
            t["vert"] = .token(.bar)
            t["emptyset"] = .token(.emptySet)
            t["varnothing"] = .token(.emptySet)
            t["log"] = .token(.log)
            t["lg"] = .token(.log)
            t["ln"] = .token(.function(.ln))
            t["exp"] = .token(.function(.exp))
            t["sin"] = .token(.function(.sin))
            t["cos"] = .token(.function(.cos))
            t["tan"] = .token(.function(.tan))
            t["cot"] = .token(.function(.cot))
            t["sec"] = .token(.function(.sec))
            t["csc"] = .token(.function(.csc))
            t["arcsin"] = .token(.function(.asin))
            t["arccos"] = .token(.function(.acos))
            t["arctan"] = .token(.function(.atan))
            t["sinh"] = .token(.function(.sinh))
            t["cosh"] = .token(.function(.cosh))
            t["tanh"] = .token(.function(.tanh))
            for g in [
                "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
                "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi",
                "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega",
            ] {
                t[g] = .token(.variable("\\" + g))
            }
            for name in [
                "left", "right",
            ] {
                t[name] = .left
            }
            for name in [
                "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
                "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "circ", "degree", "dots",
                "ldots", "cdots", "dotsc", "dotsb", "dotsm", "hfill", "allowbreak", "nonumber", "notag",
            ] {
                t[name] = .skip
            }
            for name in [
                "quad", "qquad", "enspace", "thinspace", "medspace", "thickspace", "negthinspace", "space",
                "nobreak",
            ] {
                t[name] = .space
            }
            for name in [
                "text", "textrm", "textnormal", "textit", "textbf", "textup", "textsf", "texttt", "textmd",
                "mbox", "hbox", "mathrm", "operatorname", "mathit", "mathsf", "mathtt", "emph",
            ] {
                t[name] = .text
            }
            for name in [
                "boxed", "fbox", "mathbf", "boldsymbol", "bm", "mathbb", "mathcal", "overline", "underline",
                "mathnormal", "pmb", "framebox",
            ] {
                t[name] = .transparent
            }
            t["begin"] = .begin
            t["end"] = .end
            return t
        }()
    }
}
