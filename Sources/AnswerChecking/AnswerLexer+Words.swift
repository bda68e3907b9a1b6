// The lexer's words and symbols: letter runs, non-ASCII symbols, carets.
// Names in AnswerMath, which an extension of a nested type does not see unqualified.
private typealias TokenKind = AnswerMath.TokenKind

extension AnswerMath.Lexer {
    /// A run of letters: ASCII letters and any non-ASCII character that is not a known symbol.
    mutating func lexWord() {
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

    mutating func lexNonASCII() {
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
    mutating func lexCaret() {
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
}
