/// Recursive-descent parser from lexer tokens to statements, following Jinja2's grammar
/// (`parser.py`); expressions are in JinjaParser+Expressions.swift. Nesting deeper than `maxDepth` is an error, so a hostile template cannot exhaust the stack.
struct JinjaParser {
    private let tokens: [JinjaLexer.Token]
    var p = 0
    var depth = 0
    let maxDepth: Int

    static func parse(_ tokens: [JinjaLexer.Token], maxDepth: Int) throws(JinjaError) -> [JinjaStatement] {
        var parser = JinjaParser(tokens: tokens, maxDepth: maxDepth)
        let (body, terminator) = try parser.parseBody(until: [])
        if let terminator { throw parser.error("unexpected '{% \(terminator) %}'") }
        return body
    }

    private init(tokens: [JinjaLexer.Token], maxDepth: Int) {
        self.tokens = tokens
        self.maxDepth = maxDepth
    }

    // MARK: Token helpers

    var current: JinjaLexer.Kind { tokens[min(p, tokens.count - 1)].kind }
    var line: Int { tokens[min(p, tokens.count - 1)].line }

    func error(_ message: String) -> JinjaError { .syntax(line: line, message: message) }

    func peek(_ offset: Int = 0) -> JinjaLexer.Kind { tokens[min(p + offset, tokens.count - 1)].kind }

    mutating func advance() { if p < tokens.count - 1 { p += 1 } }

    func isName(_ name: String, at offset: Int = 0) -> Bool { peek(offset) == .name(name) }
    func isOp(_ op: String) -> Bool { current == .op(op) }

    mutating func accept(op: String) -> Bool {
        guard isOp(op) else { return false }
        advance()
        return true
    }

    mutating func acceptName(_ name: String) -> Bool {
        guard isName(name) else { return false }
        advance()
        return true
    }

    mutating func expect(op: String) throws(JinjaError) {
        guard accept(op: op) else { throw error("expected '\(op)'") }
    }

    mutating func expectName() throws(JinjaError) -> String {
        guard case .name(let name) = current else { throw error("expected a name") }
        advance()
        return name
    }

    private mutating func expectStatementEnd() throws(JinjaError) {
        guard current == .statementEnd else { throw error("expected the end of the statement") }
        advance()
    }

    mutating func enter() throws(JinjaError) {
        depth += 1
        if depth > maxDepth { throw .limit("the template nests deeper than \(maxDepth) levels") }
    }

    // MARK: Statements

    /// Parses statements until a `{% name %}` whose name is in `terminators` (left after its
    /// name) or the end of the template; returns the body and the terminator met.
    private mutating func parseBody(until terminators: Set<String>) throws(JinjaError) -> ([JinjaStatement], String?) {
        try enter()
        defer { depth -= 1 }
        var body: [JinjaStatement] = []
        while true {
            switch current {
            case .end:
                if !terminators.isEmpty { throw error("missing one of: \(terminators.sorted().joined(separator: ", "))") }
                return (body, nil)
            case .text(let text):
                body.append(.text(text))
                advance()
            case .expressionStart:
                advance()
                body.append(.output(try parseExpression()))
                guard current == .expressionEnd else { throw error("expected '}}'") }
                advance()
            case .statementStart:
                advance()
                guard case .name(let keyword) = current else { throw error("expected a statement name") }
                if terminators.contains(keyword) {
                    advance()
                    return (body, keyword)
                }
                advance()
                body.append(try parseStatement(keyword))
            default:
                throw error("unexpected token")
            }
        }
    }

    private mutating func parseStatement(_ keyword: String) throws(JinjaError) -> JinjaStatement {
        switch keyword {
        case "if": return try parseIf()
        case "for": return try parseFor()
        case "set": return try parseSet()
        case "macro": return try parseMacro()
        case "call":
            let call = try parseExpression()
            try expectStatementEnd()
            let (body, _) = try parseBody(until: ["endcall"])
            try expectStatementEnd()
            return .callBlock(call: call, body: body)
        case "filter":
            let name = try expectName()
            let arguments = accept(op: "(") ? try parseArguments().positional : []
            try expectStatementEnd()
            let (body, _) = try parseBody(until: ["endfilter"])
            try expectStatementEnd()
            return .filterBlock(name: name, arguments: arguments, body: body)
        case "generation":
            // transformers' assistant-mask marker: renders its body unchanged.
            try expectStatementEnd()
            let (body, _) = try parseBody(until: ["endgeneration"])
            try expectStatementEnd()
            return .ifChain(branches: [(.literal(.bool(true)), body)], otherwise: [])
        case "break":
            try expectStatementEnd()
            return .breakLoop
        case "continue":
            try expectStatementEnd()
            return .continueLoop
        default:
            throw error("unsupported statement '\(keyword)'")
        }
    }

    private mutating func parseIf() throws(JinjaError) -> JinjaStatement {
        var branches: [(condition: JinjaExpression, body: [JinjaStatement])] = []
        var condition = try parseExpression()
        while true {
            try expectStatementEnd()
            let (body, terminator) = try parseBody(until: ["elif", "else", "endif"])
            branches.append((condition, body))
            switch terminator {
            case "elif":
                condition = try parseExpression()
            case "else":
                try expectStatementEnd()
                let (otherwise, _) = try parseBody(until: ["endif"])
                try expectStatementEnd()
                return .ifChain(branches: branches, otherwise: otherwise)
            default:
                try expectStatementEnd()
                return .ifChain(branches: branches, otherwise: [])
            }
        }
    }

    private mutating func parseFor() throws(JinjaError) -> JinjaStatement {
        var targets = [try expectName()]
        while accept(op: ",") { targets.append(try expectName()) }
        guard acceptName("in") else { throw error("expected 'in'") }
        let iterable = try parseOr(allowConditional: false)
        let filter = acceptName("if") ? try parseOr(allowConditional: false) : nil
        _ = acceptName("recursive")
        try expectStatementEnd()
        let (body, terminator) = try parseBody(until: ["else", "endfor"])
        var otherwise: [JinjaStatement] = []
        if terminator == "else" {
            try expectStatementEnd()
            (otherwise, _) = try parseBody(until: ["endfor"])
        }
        try expectStatementEnd()
        return .forLoop(targets: targets, iterable: iterable, filter: filter, body: body, otherwise: otherwise)
    }

    private mutating func parseSet() throws(JinjaError) -> JinjaStatement {
        let first = try expectName()
        var target = JinjaAssignTarget.name(first)
        if accept(op: ".") {
            target = .attribute(object: first, name: try expectName())
        } else if isOp(",") {
            var names = [first]
            while accept(op: ",") { names.append(try expectName()) }
            target = .names(names)
        }
        if accept(op: "=") {
            let value = try parseTupleOrExpression()
            try expectStatementEnd()
            return .set(target: target, value: value)
        }
        guard case .name(let name) = target else { throw error("expected '='") }
        try expectStatementEnd()
        let (body, _) = try parseBody(until: ["endset"])
        try expectStatementEnd()
        return .setBlock(name: name, body: body)
    }

    private mutating func parseMacro() throws(JinjaError) -> JinjaStatement {
        let name = try expectName()
        try expect(op: "(")
        var parameters: [(name: String, defaultValue: JinjaExpression?)] = []
        while !accept(op: ")") {
            if !parameters.isEmpty { try expect(op: ",") }
            if accept(op: ")") { break }
            let parameter = try expectName()
            parameters.append((parameter, accept(op: "=") ? try parseExpression() : nil))
        }
        try expectStatementEnd()
        let (body, _) = try parseBody(until: ["endmacro"])
        if case .name = current { advance() } // `{% endmacro name %}`
        try expectStatementEnd()
        return .macro(JinjaMacro(name: name, parameters: parameters, body: body))
    }
}
