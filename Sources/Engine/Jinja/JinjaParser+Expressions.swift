/// Expressions, by Jinja2's precedence: conditional < or < and < not < comparison < + - < ~ <
/// * / // % < ** < unary minus < primary with postfix `.x`, `[i]`, `(args)`, `| filter`, `is test`.
extension JinjaParser {
    /// `a, b` without brackets (the right side of `set`) is a tuple, read as a list.
    mutating func parseTupleOrExpression() throws(JinjaError) -> JinjaExpression {
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

    mutating func parseOr(allowConditional: Bool) throws(JinjaError) -> JinjaExpression {
        try enter()
        defer { depth -= 1 }
        var left = try parseAnd()
        var links = 0
        defer { depth -= links }
        while acceptName("or") {
            try link(&links)
            left = .or(left, try parseAnd())
        }
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
        var links = 0
        defer { depth -= links }
        while acceptName("and") {
            try link(&links)
            left = .and(left, try parseNot())
        }
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
        var links = 0
        defer { depth -= links }
        while true {
            if case .op(let op) = current, ["==", "!=", "<", "<=", ">", ">="].contains(op) {
                advance()
                try link(&links)
                left = .compare(op, left, try parseMath1())
            } else if acceptName("in") {
                try link(&links)
                left = .compare("in", left, try parseMath1())
            } else if isName("not") && isName("in", at: 1) {
                advance(); advance()
                try link(&links)
                left = .compare("not in", left, try parseMath1())
            } else {
                return left
            }
        }
    }

    private mutating func parseMath1() throws(JinjaError) -> JinjaExpression {
        var left = try parseConcat()
        var links = 0
        defer { depth -= links }
        while case .op(let op) = current, op == "+" || op == "-" {
            try link(&links)
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
        var links = 0
        defer { depth -= links }
        while case .op(let op) = current, ["*", "/", "//", "%"].contains(op) {
            try link(&links)
            advance()
            left = .binary(op, left, try parsePow())
        }
        return left
    }

    private mutating func parsePow() throws(JinjaError) -> JinjaExpression {
        var left = try parseUnary(withFilter: true)
        var links = 0
        defer { depth -= links }
        while accept(op: "**") {
            try link(&links)
            left = .binary("**", left, try parseUnary(withFilter: true))
        }
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
        var links = 0
        defer { depth -= links }
        while true {
            if accept(op: ".") {
                try link(&links)
                if case .int(let index) = current {
                    advance()
                    node = .item(node, .literal(.int(index)))
                } else {
                    node = .attribute(node, try expectName())
                }
            } else if accept(op: "[") {
                try link(&links)
                node = try parseSubscript(node)
            } else if accept(op: "(") {
                try link(&links)
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
    mutating func parseArguments() throws(JinjaError) -> JinjaArguments {
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
        var links = 0
        defer { depth -= links }
        while true {
            if accept(op: "|") {
                try link(&links)
                var name = try expectName()
                while accept(op: ".") { name += "." + (try expectName()) }
                let arguments = accept(op: "(") ? try parseArguments() : JinjaArguments()
                node = .filter(node, name: name, arguments)
            } else if acceptName("is") {
                try link(&links)
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
                try link(&links)
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

    /// One more link in a left-deep chain (`a + b + c`, `x.a.b`, `v | f | g`): the tree it builds
    /// is as deep as the chain is long, so it counts against `maxDepth` like nesting.
    private mutating func link(_ links: inout Int) throws(JinjaError) {
        links += 1
        try enter()
    }
}
