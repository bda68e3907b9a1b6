// The lexer's TeX commands: `\name` lookup, arguments, environments.
// Names in AnswerMath, which an extension of a nested type does not see unqualified.
private typealias Lexer = AnswerMath.Lexer
private typealias TokenKind = AnswerMath.TokenKind

extension AnswerMath.Lexer {
    /// If `\name` (not followed by a letter) starts at `j`, the index after it.
    func commandEnd(at j: Int, named name: StaticString) -> Int? {
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

    mutating func lexCommand() {
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
