extension AnswerMath {
    /// Turns an answer (LaTeX or plain text) into tokens in one pass. Presentation is dropped here:
    /// `$`, `\left`/`\right`, spacing commands, `\displaystyle`, `\boxed{}` and font wrappers (kept
    /// transparent), degree marks, `\ldots`. Thousands separators are folded into numbers.
    struct Lexer {
        // State and helpers are internal, not private: AnswerLexer+Numbers, +Words and +Commands
        // extend the lexer from their own files.
        enum Brace { case group, text, transparent }

        let b: [UInt8]
        var i = 0
        var tokens: [Token] = []
        var space = false
        var braces: [Brace] = []
        var textDepth = 0
        var bracketDepth = 0
        var digitBuffer: [UInt8] = []
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

        mutating func emit(_ k: TokenKind) {
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
    }
}
