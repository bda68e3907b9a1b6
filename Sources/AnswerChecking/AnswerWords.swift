extension AnswerMath {
    /// Decides what each run of letters in an answer is, with its neighbours as context:
    ///
    /// - `and` / `or` separate elements like a comma; `percent` is `%`;
    /// - `sin`, `cos`, `ln`, `log`, `sqrt`, … written without a backslash are functions when an operand
    ///   follows; `pi` is π;
    /// - words that trail a value (up to the next comma, relation or closing bracket) are units or
    ///   annotations and are dropped, together with an exponent right after them (`\text{ cm}^2`):
    ///   any word from `\text{}`-like commands, any plain word of three or more letters, and the
    ///   two-letter units in `twoLetterUnits`;
    /// - any other two-letter run is a product of two variables (`xy`);
    /// - anything else (a word that does not trail a value) is not mathematics.
    enum WordResolver {
        static let twoLetterUnits: Set<String> = [
            "cm", "mm", "km", "dm", "nm", "ft", "yd", "mi", "kg", "mg", "lb", "oz", "hr", "ml", "cc", "sq",
            "mb", "gb", "kb", "am", "pm", "st", "nd", "rd", "th", "hz", "kw", "kj", "ms", "ns", "mL",
        ]

        private static let plainFunctions: [String: TokenKind] = [
            "sin": .function(.sin), "cos": .function(.cos), "tan": .function(.tan), "cot": .function(.cot),
            "sec": .function(.sec), "csc": .function(.csc), "arcsin": .function(.asin),
            "arccos": .function(.acos), "arctan": .function(.atan), "sinh": .function(.sinh),
            "cosh": .function(.cosh), "tanh": .function(.tanh), "ln": .function(.ln), "exp": .function(.exp),
            "log": .log, "sqrt": .sqrt,
        ]

        static func isBoundary(_ k: TokenKind) -> Bool {
            switch k {
            case .comma, .relation, .elementOf, .cup, .open, .close, .setOpen, .setClose, .angleOpen, .angleClose,
                .rowSep, .columnSep, .matrixBegin, .matrixEnd, .groupOpen, .groupClose:
                return true
            default:
                return false
            }
        }

        private static func isConnector(_ w: String) -> Bool {
            w == "and" || w == "or" || w == "And" || w == "Or" || w == "AND" || w == "OR"
        }

        /// Whether the word at `i` and everything after it up to the next boundary are droppable
        /// annotations; returns the index of that boundary.
        private static func trailingEnd(_ t: [Token], from i: Int) -> Int? {
            var j = i
            while j < t.count {
                let k = t[j].kind
                if isBoundary(k) { return j }
                switch k {
                case .word(let w):
                    if isConnector(w) { return j }
                    j += 1
                case .caret:
                    // A unit's exponent: `cm^2`, `cm^{3}`.
                    if j + 1 < t.count, case .number = t[j + 1].kind {
                        j += 2
                    } else if j + 3 < t.count, t[j + 1].kind == .groupOpen, case .number = t[j + 2].kind,
                        t[j + 3].kind == .groupClose
                    {
                        j += 4
                    } else {
                        return nil
                    }
                case .divide:
                    // `km/h`, `m/s`: a unit over a unit, which may be one letter after a word.
                    guard j + 1 < t.count else { return nil }
                    if t[j + 1].text || isWord(t[j + 1].kind) {
                        j += 1
                    } else if j > i, case .variable = t[j + 1].kind {
                        j += 2
                    } else {
                        return nil
                    }
                case .variable where t[j].text:
                    j += 1
                case .unknown where t[j].text:
                    j += 1
                case .percent:
                    return nil
                default:
                    return nil
                }
            }
            return j
        }

        /// Whether a plain function name followed by this token is applied to it (`sin x`, `sqrt(2)`).
        private static func takesArgument(_ k: TokenKind) -> Bool {
            switch k {
            case .open(0x28), .groupOpen: return true
            case .word: return false
            default: return !isBoundary(k) && !isOperator(k)
            }
        }

        private static func isOperator(_ k: TokenKind) -> Bool {
            switch k {
            case .plus, .minus, .plusMinus, .times, .divide, .bang, .percent: return true
            default: return false
            }
        }

        private static func isWord(_ k: TokenKind) -> Bool {
            if case .word = k { return true }
            return false
        }

        private static func setsValue(_ k: TokenKind) -> Bool {
            switch k {
            case .number, .variable, .pi, .euler, .infinity, .close, .groupClose, .setClose, .angleClose,
                .absClose, .bang, .percent, .floorClose, .ceilClose, .matrixEnd:
                return true
            default:
                return false
            }
        }

        /// The resolved tokens, or `nil` when the answer contains text that is not an annotation.
        static func resolve(_ t: [Token]) -> [Token]? {
            var hasWords = false
            for tok in t {
                if case .word = tok.kind {
                    hasWords = true
                    break
                }
            }
            if !hasWords {
                for tok in t where tok.kind == .unknown { return nil }
                return t
            }
            var out: [Token] = []
            out.reserveCapacity(t.count)
            var segmentHasValue = false
            var i = 0
            while i < t.count {
                let tok = t[i]
                guard case .word(let w) = tok.kind else {
                    if tok.kind == .unknown { return nil }
                    if setsValue(tok.kind) {
                        segmentHasValue = true
                    } else if isBoundary(tok.kind) {
                        segmentHasValue = true
                    }
                    out.append(tok)
                    i += 1
                    continue
                }
                if isConnector(w) {
                    out.append(Token(kind: .comma, space: tok.space, text: tok.text))
                    segmentHasValue = false
                    i += 1
                    continue
                }
                let lower = w.lowercased()
                if lower == "percent" || lower == "percents" {
                    out.append(Token(kind: .percent, space: tok.space, text: false))
                    i += 1
                    continue
                }
                if !tok.text {
                    if lower == "pi" {
                        out.append(Token(kind: .pi, space: tok.space, text: false))
                        segmentHasValue = true
                        i += 1
                        continue
                    }
                    if lower == "infinity" || lower == "inf" {
                        out.append(Token(kind: .infinity, space: tok.space, text: false))
                        segmentHasValue = true
                        i += 1
                        continue
                    }
                    if let f = plainFunctions[lower], i + 1 < t.count, takesArgument(t[i + 1].kind) {
                        out.append(Token(kind: f, space: tok.space, text: false))
                        i += 1
                        continue
                    }
                }
                let droppable = tok.text || w.utf8.count >= 3 || twoLetterUnits.contains(w)
                if droppable && segmentHasValue, let e = trailingEnd(t, from: i) {
                    i = e
                    continue
                }
                let bytes = Array(w.utf8)
                if !tok.text && bytes.count == 2 && bytes.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) {
                    for c in bytes {
                        let k: TokenKind = c == 0x65 ? .euler : .variable(String(UnicodeScalar(c)))
                        out.append(Token(kind: k, space: false, text: false))
                    }
                    segmentHasValue = true
                    i += 1
                    continue
                }
                if tok.text && bytes.count == 1 {
                    out.append(Token(kind: .variable(w), space: tok.space, text: true))
                    segmentHasValue = true
                    i += 1
                    continue
                }
                return nil
            }
            return out
        }
    }
}
