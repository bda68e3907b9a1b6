/// Splits a template into text and tag tokens, applying whitespace control as Jinja2 does with
/// the settings transformers uses for chat templates: `trim_blocks` (the newline after a block or
/// comment tag is dropped), `lstrip_blocks` (spaces and tabs before a block or comment tag at the
/// start of a line are dropped), `-` on either side of a tag (all whitespace on that side is
/// dropped), `+` (disables the two defaults for that tag). Like Jinja2's default
/// `keep_trailing_newline=False`, one newline at the end of the template is dropped.
struct JinjaLexer {
    enum Kind: Equatable {
        case text(String)
        case expressionStart, expressionEnd
        case statementStart, statementEnd
        case name(String)
        case string(String)
        case int(Int)
        case double(Double)
        case op(String)
        case end
    }

    struct Token {
        let kind: Kind
        let line: Int
    }

    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private(set) var tokens: [Token] = []

    static func tokenize(_ source: String) throws(JinjaError) -> [Token] {
        var lexer = JinjaLexer(source: source)
        try lexer.run()
        return lexer.tokens
    }

    private init(source: String) {
        // Jinja2 reads "\r\n" and "\r" as "\n".
        var b: [UInt8] = []
        b.reserveCapacity(source.utf8.count)
        var previousCR = false
        for c in source.utf8 {
            if c == 0x0D { b.append(0x0A); previousCR = true; continue }
            if c == 0x0A && previousCR { previousCR = false; continue }
            previousCR = false
            b.append(c)
        }
        if b.last == 0x0A { b.removeLast() }
        bytes = b
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C }

    private mutating func run() throws(JinjaError) {
        var stripNextText = false
        var lineStarting = true
        while i < bytes.count {
            // The text up to the next tag opener.
            var j = i
            var opener: UInt8 = 0
            while j + 1 < bytes.count {
                if bytes[j] == UInt8(ascii: "{"), [UInt8(ascii: "{"), UInt8(ascii: "%"), UInt8(ascii: "#")].contains(bytes[j + 1]) {
                    opener = bytes[j + 1]
                    break
                }
                j += 1
            }
            if opener == 0 { j = bytes.count }
            var text = Array(bytes[i..<j])
            if stripNextText { text = Array(text.drop(while: Self.isSpace)) }
            stripNextText = false
            let modifier: UInt8 = opener != 0 && j + 2 < bytes.count ? bytes[j + 2] : 0
            if opener != 0 {
                if modifier == UInt8(ascii: "-") {
                    while let last = text.last, Self.isSpace(last) { text.removeLast() }
                } else if modifier != UInt8(ascii: "+") && opener != UInt8(ascii: "{") {
                    // lstrip_blocks: only spaces and tabs between the line start and the tag.
                    let lineStart = (text.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
                    if (lineStart > 0 || lineStarting) && text[lineStart...].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0B || $0 == 0x0C }) {
                        text.removeSubrange(lineStart...)
                    }
                }
            }
            if !text.isEmpty { tokens.append(Token(kind: .text(String(decoding: text, as: UTF8.self)), line: line)) }
            line += bytes[i..<j].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            if opener == 0 { break }
            i = j + 2
            if modifier == UInt8(ascii: "-") || modifier == UInt8(ascii: "+") { i += 1 }
            let endModifier: UInt8
            switch opener {
            case UInt8(ascii: "#"):
                endModifier = try skipComment()
            case UInt8(ascii: "{"):
                tokens.append(Token(kind: .expressionStart, line: line))
                endModifier = try lexTag(closing: UInt8(ascii: "}"))
                tokens.append(Token(kind: .expressionEnd, line: line))
            default:
                let start = tokens.count
                tokens.append(Token(kind: .statementStart, line: line))
                endModifier = try lexTag(closing: UInt8(ascii: "%"))
                tokens.append(Token(kind: .statementEnd, line: line))
                if tokens.count - start == 3, tokens[start + 1].kind == .name("raw") {
                    tokens.removeSubrange(start...)
                    try lexRaw(stripLeading: endModifier == UInt8(ascii: "-"))
                    lineStarting = false
                    continue
                }
            }
            lineStarting = false
            if endModifier == UInt8(ascii: "-") {
                stripNextText = true
            } else if endModifier != UInt8(ascii: "+") && opener != UInt8(ascii: "{") && i < bytes.count && bytes[i] == 0x0A {
                // trim_blocks
                i += 1
                line += 1
                lineStarting = true
            }
        }
        tokens.append(Token(kind: .end, line: line))
    }

    /// The text of `{% raw %}…{% endraw %}`, kept as written; `-` on either tag strips as usual.
    private mutating func lexRaw(stripLeading: Bool) throws(JinjaError) {
        var j = i
        while j + 1 < bytes.count {
            if bytes[j] == UInt8(ascii: "{") && bytes[j + 1] == UInt8(ascii: "%") {
                var k = j + 2
                let stripTrailing = k < bytes.count && bytes[k] == UInt8(ascii: "-")
                if k < bytes.count && (bytes[k] == UInt8(ascii: "-") || bytes[k] == UInt8(ascii: "+")) { k += 1 }
                while k < bytes.count && Self.isSpace(bytes[k]) { k += 1 }
                let word = Array("endraw".utf8)
                if k + word.count <= bytes.count && Array(bytes[k..<(k + word.count)]) == word {
                    k += word.count
                    while k < bytes.count && Self.isSpace(bytes[k]) { k += 1 }
                    var modifier: UInt8 = 0
                    if k < bytes.count && (bytes[k] == UInt8(ascii: "-") || bytes[k] == UInt8(ascii: "+")) { modifier = bytes[k]; k += 1 }
                    if k + 1 < bytes.count && bytes[k] == UInt8(ascii: "%") && bytes[k + 1] == UInt8(ascii: "}") {
                        var text = Array(bytes[i..<j])
                        if stripLeading { text = Array(text.drop(while: Self.isSpace)) }
                        if stripTrailing { while let last = text.last, Self.isSpace(last) { text.removeLast() } }
                        if !text.isEmpty { tokens.append(Token(kind: .text(String(decoding: text, as: UTF8.self)), line: line)) }
                        line += bytes[i..<(k + 2)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                        i = k + 2
                        if modifier == UInt8(ascii: "-") {
                            while i < bytes.count && Self.isSpace(bytes[i]) { i += 1 }
                        } else if modifier != UInt8(ascii: "+") && i < bytes.count && bytes[i] == 0x0A {
                            i += 1
                            line += 1
                        }
                        return
                    }
                }
            }
            j += 1
        }
        throw .syntax(line: line, message: "missing {% endraw %}")
    }

    /// Skips to the end of a comment; returns the modifier before `#}`.
    private mutating func skipComment() throws(JinjaError) -> UInt8 {
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "#") && bytes[i + 1] == UInt8(ascii: "}") {
                let modifier = bytes[i - 1]
                i += 2
                return modifier
            }
            if bytes[i] == 0x0A { line += 1 }
            i += 1
        }
        throw .syntax(line: line, message: "unterminated comment")
    }

    /// Lexes the inside of `{{ … }}` or `{% … %}` up to its closer (brackets must be balanced);
    /// returns the modifier before the closer (`-`, `+` or 0).
    private mutating func lexTag(closing: UInt8) throws(JinjaError) -> UInt8 {
        var depth = 0
        while true {
            while i < bytes.count && Self.isSpace(bytes[i]) {
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
            guard i < bytes.count else { throw .syntax(line: line, message: "unterminated tag") }
            let c = bytes[i]
            if depth == 0 {
                if c == closing && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "}") {
                    i += 2
                    return 0
                }
                if (c == UInt8(ascii: "-") || c == UInt8(ascii: "+")) && i + 2 < bytes.count && bytes[i + 1] == closing && bytes[i + 2] == UInt8(ascii: "}") {
                    i += 3
                    return c
                }
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                tokens.append(Token(kind: .string(try lexString(quote: c)), line: line))
            } else if Self.isDigit(c) {
                tokens.append(Token(kind: lexNumber(), line: line))
            } else if Self.isNameStart(c) {
                let start = i
                while i < bytes.count && (Self.isNameStart(bytes[i]) || Self.isDigit(bytes[i])) { i += 1 }
                tokens.append(Token(kind: .name(String(decoding: bytes[start..<i], as: UTF8.self)), line: line))
            } else {
                let op = try lexOperator()
                if op == "(" || op == "[" || op == "{" { depth += 1 }
                if op == ")" || op == "]" || op == "}" { depth = max(0, depth - 1) }
                tokens.append(Token(kind: .op(op), line: line))
            }
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isNameStart(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }

    private mutating func lexOperator() throws(JinjaError) -> String {
        for op in ["//", "**", "==", "!=", "<=", ">="] where i + 1 < bytes.count && bytes[i] == op.utf8.first && bytes[i + 1] == op.utf8.last {
            i += 2
            return op
        }
        let c = bytes[i]
        guard "+-*/%~<>=()[]{},.:|".utf8.contains(c) else {
            throw .syntax(line: line, message: "unexpected character '\(String(decoding: [c], as: UTF8.self))'")
        }
        i += 1
        return String(decoding: [c], as: UTF8.self)
    }

    private mutating func lexNumber() -> Kind {
        let start = i
        while i < bytes.count && (Self.isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_")) { i += 1 }
        var isFloat = false
        if i + 1 < bytes.count && bytes[i] == UInt8(ascii: ".") && Self.isDigit(bytes[i + 1]) {
            isFloat = true
            i += 1
            while i < bytes.count && (Self.isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_")) { i += 1 }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            var k = i + 1
            if k < bytes.count && (bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-")) { k += 1 }
            if k < bytes.count && Self.isDigit(bytes[k]) {
                isFloat = true
                i = k
                while i < bytes.count && Self.isDigit(bytes[i]) { i += 1 }
            }
        }
        let text = String(decoding: bytes[start..<i].filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        if !isFloat, let value = Int(text) { return .int(value) }
        return .double(Double(text) ?? .infinity)
    }

    /// A quoted string with Python's escapes (`\n`, `\t`, `\\`, `\'`, `\xNN`, `\uNNNN`, …);
    /// an unknown escape keeps its backslash, as Python does.
    private mutating func lexString(quote: UInt8) throws(JinjaError) -> String {
        let startLine = line
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            if c == quote {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == 0x0A { line += 1 }
            if c == UInt8(ascii: "\\") && i + 1 < bytes.count {
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "0"): out.append(0)
                case UInt8(ascii: "a"): out.append(0x07)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "v"): out.append(0x0B)
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
                case 0x0A: line += 1 // a backslash-newline continues the line
                case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let width = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
                    guard i + width <= bytes.count,
                          let value = UInt32(String(decoding: bytes[i..<(i + width)], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(value) else {
                        throw .syntax(line: line, message: "bad \\\(String(decoding: [e], as: UTF8.self)) escape in a string")
                    }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i += width
                default:
                    out.append(UInt8(ascii: "\\"))
                    out.append(e)
                }
                continue
            }
            out.append(c)
            i += 1
        }
        throw .syntax(line: startLine, message: "unterminated string")
    }
}
