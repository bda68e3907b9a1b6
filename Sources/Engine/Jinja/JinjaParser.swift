/// Recursive-descent parser from lexer tokens to statements, following Jinja2's grammar and
/// operator precedence (`parser.py`): conditional < or < and < not < comparison < + - < ~ <
/// * / // % < ** < unary minus < primary with postfix `.x`, `[i]`, `(args)`, `| filter`, `is test`.
/// Nesting deeper than `maxDepth` is an error, so a hostile template cannot exhaust the stack.
struct JinjaParser {
    private let tokens: [JinjaLexer.Token]
    private var p = 0
    private var depth = 0
    private let maxDepth: Int

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

    private var current: JinjaLexer.Kind { tokens[min(p, tokens.count - 1)].kind }
    private var line: Int { tokens[min(p, tokens.count - 1)].line }

    private func error(_ message: String) -> JinjaError { .syntax(line: line, message: message) }

    private func peek(_ offset: Int = 0) -> JinjaLexer.Kind { tokens[min(p + offset, tokens.count - 1)].kind }

    private mutating func advance() { if p < tokens.count - 1 { p += 1 } }

    private func isName(_ name: String, at offset: Int = 0) -> Bool { peek(offset) == .name(name) }
    private func isOp(_ op: String) -> Bool { current == .op(op) }

    private mutating func accept(op: String) -> Bool {
        guard isOp(op) else { return false }
        advance()
        return true
    }

    private mutating func acceptName(_ name: String) -> Bool {
        guard isName(name) else { return false }
        advance()
        return true
    }

    private mutating func expect(op: String) throws(JinjaError) {
        guard accept(op: op) else { throw error("expected '\(op)'") }
    }

    private mutating func expectName() throws(JinjaError) -> String {
        guard case .name(let name) = current else { throw error("expected a name") }
        advance()
        return name
    }

    private mutating func expectStatementEnd() throws(JinjaError) {
        guard current == .statementEnd else { throw error("expected the end of the statement") }
        advance()
    }

    private mutating func enter() throws(JinjaError) {
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

    // MARK: Expressions

    /// `a, b` without brackets (the right side of `set`) is a tuple, read as a list.
    private mutating func parseTupleOrExpression() throws(JinjaError) -> JinjaExpression {
        let first = try parseExpression()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(op: ",") {
            if current == .statementEnd { break }
            items.append(try parseExpression())
        }
        return .list(items)
    }

    mutating func parseExpression() throws(JinjaError) -> JinjaExpression {
        try parseOr(allowConditional: true)
    }

    private mutating func parseOr(allowConditional: Bool) throws(JinjaError) -> JinjaExpression {
        try enter()
        defer { depth -= 1 }
        var left = try parseAnd()
        while acceptName("or") { left = .or(left, try parseAnd()) }
        if allowConditional && isName("if") {
            advance()
            let condition = try parseOr(allowConditional: false)
            let otherwise = acceptName("else") ? try parseOr(allowConditional: true) : nil
            return .conditional(then: left, condition: condition, otherwise: otherwise)
        }
        return left
    }

    private mutating func parseAnd() throws(JinjaError) -> JinjaExpression {
        var left = try parseNot()
        while acceptName("and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(JinjaError) -> JinjaExpression {
        if acceptName("not") {
            try enter()
            defer { depth -= 1 }
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(JinjaError) -> JinjaExpression {
        var left = try parseMath1()
        while true {
            if case .op(let op) = current, ["==", "!=", "<", "<=", ">", ">="].contains(op) {
                advance()
                left = .compare(op, left, try parseMath1())
            } else if acceptName("in") {
                left = .compare("in", left, try parseMath1())
            } else if isName("not") && isName("in", at: 1) {
                advance(); advance()
                left = .compare("not in", left, try parseMath1())
            } else {
                return left
            }
        }
    }

    private mutating func parseMath1() throws(JinjaError) -> JinjaExpression {
        var left = try parseConcat()
        while case .op(let op) = current, op == "+" || op == "-" {
            advance()
            left = .binary(op, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws(JinjaError) -> JinjaExpression {
        var parts = [try parseMath2()]
        while accept(op: "~") { parts.append(try parseMath2()) }
        return parts.count == 1 ? parts[0] : .concat(parts)
    }

    private mutating func parseMath2() throws(JinjaError) -> JinjaExpression {
        var left = try parsePow()
        while case .op(let op) = current, ["*", "/", "//", "%"].contains(op) {
            advance()
            left = .binary(op, left, try parsePow())
        }
        return left
    }

    private mutating func parsePow() throws(JinjaError) -> JinjaExpression {
        var left = try parseUnary(withFilter: true)
        while accept(op: "**") { left = .binary("**", left, try parseUnary(withFilter: true)) }
        return left
    }

    private mutating func parseUnary(withFilter: Bool) throws(JinjaError) -> JinjaExpression {
        try enter()
        defer { depth -= 1 }
        var node: JinjaExpression
        if accept(op: "-") {
            node = .negate(try parseUnary(withFilter: false))
        } else if accept(op: "+") {
            node = try parseUnary(withFilter: false)
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterExpression(node) }
        return node
    }

    private mutating func parsePrimary() throws(JinjaError) -> JinjaExpression {
        let kind = current
        switch kind {
        case .name(let name):
            advance()
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .string(var s):
            advance()
            // Adjacent literals concatenate, as in Python.
            while case .string(let more) = current {
                s += more
                advance()
            }
            return .literal(.string(s))
        case .int(let i):
            advance()
            return .literal(.int(i))
        case .double(let d):
            advance()
            return .literal(.double(d))
        case .op("("):
            advance()
            if accept(op: ")") { return .list([]) }
            let first = try parseExpression()
            if accept(op: ")") { return first }
            var items = [first]
            while accept(op: ",") {
                if isOp(")") { break }
                items.append(try parseExpression())
            }
            try expect(op: ")")
            return .list(items)
        case .op("["):
            advance()
            var items: [JinjaExpression] = []
            while !accept(op: "]") {
                if !items.isEmpty { try expect(op: ",") }
                if accept(op: "]") { break }
                items.append(try parseExpression())
            }
            return .list(items)
        case .op("{"):
            advance()
            var pairs: [(key: JinjaExpression, value: JinjaExpression)] = []
            while !accept(op: "}") {
                if !pairs.isEmpty { try expect(op: ",") }
                if accept(op: "}") { break }
                let key = try parseExpression()
                try expect(op: ":")
                pairs.append((key, try parseExpression()))
            }
            return .dict(pairs)
        default:
            throw error("expected an expression")
        }
    }

    private mutating func parsePostfix(_ start: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var node = start
        while true {
            if accept(op: ".") {
                if case .int(let index) = current {
                    advance()
                    node = .item(node, .literal(.int(index)))
                } else {
                    node = .attribute(node, try expectName())
                }
            } else if accept(op: "[") {
                node = try parseSubscript(node)
            } else if accept(op: "(") {
                node = .call(node, try parseArguments())
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ object: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var parts: [JinjaExpression?] = [nil]
        var sawColon = false
        while !accept(op: "]") {
            if accept(op: ":") {
                sawColon = true
                parts.append(nil)
                continue
            }
            guard parts[parts.count - 1] == nil else { throw error("expected ']'") }
            parts[parts.count - 1] = try parseExpression()
        }
        if !sawColon {
            guard let index = parts[0] else { throw error("empty subscript") }
            return .item(object, index)
        }
        guard parts.count <= 3 else { throw error("too many ':' in a slice") }
        return .slice(object, start: parts[0], stop: parts.count > 1 ? parts[1] : nil, step: parts.count > 2 ? parts[2] : nil)
    }

    /// Arguments after `(`, through `)`.
    private mutating func parseArguments() throws(JinjaError) -> JinjaArguments {
        var arguments = JinjaArguments()
        while !accept(op: ")") {
            if !arguments.positional.isEmpty || !arguments.keyword.isEmpty { try expect(op: ",") }
            if accept(op: ")") { break }
            if case .name(let name) = current, peek(1) == .op("=") {
                advance(); advance()
                arguments.keyword.append((name, try parseExpression()))
            } else {
                arguments.positional.append(try parseExpression())
            }
        }
        return arguments
    }

    private mutating func parseFilterExpression(_ start: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var node = start
        while true {
            if accept(op: "|") {
                var name = try expectName()
                while accept(op: ".") { name += "." + (try expectName()) }
                let arguments = accept(op: "(") ? try parseArguments() : JinjaArguments()
                node = .filter(node, name: name, arguments)
            } else if acceptName("is") {
                let negated = acceptName("not")
                let name = try expectName()
                var arguments = JinjaArguments()
                if accept(op: "(") {
                    arguments = try parseArguments()
                } else if startsTestArgument() {
                    arguments.positional = [try parsePostfix(try parsePrimary())]
                }
                node = .test(node, name: name, arguments, negated: negated)
            } else if accept(op: "(") {
                node = .call(node, try parseArguments())
            } else {
                return node
            }
        }
    }

    /// Jinja2 takes one bare argument after a test name (`is divisibleby 3`) when a primary
    /// expression follows that is not a keyword.
    private func startsTestArgument() -> Bool {
        switch current {
        case .string, .int, .double, .op("["), .op("{"): return true
        case .name(let name): return !["else", "or", "and", "if", "is", "in", "not"].contains(name)
        default: return false
        }
    }
}
