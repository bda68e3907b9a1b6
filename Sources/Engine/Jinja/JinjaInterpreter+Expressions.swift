import Foundation

/// Expression evaluation: names, member access, operators, calls, filters and tests.
extension JinjaInterpreter {
    func evaluate(_ expression: JinjaExpression) throws(JinjaError) -> JinjaValue {
        try enter()
        defer { leave() }
        switch expression {
        case .literal(let value):
            return value
        case .list(let items):
            return .list(try items.map { (e) throws(JinjaError) in try evaluate(e) })
        case .dict(let pairs):
            var dict = JinjaDict()
            for pair in pairs {
                let key = try evaluate(pair.key)
                guard case .string(let name) = key else { throw .runtime("dictionary keys must be strings, not \(key.typeName)") }
                dict[name] = try evaluate(pair.value)
            }
            return .dict(dict)
        case .name(let name):
            return lookup(name)
        case .attribute(let object, let name):
            return try attribute(try evaluate(object), name)
        case .item(let object, let index):
            return try item(try evaluate(object), try evaluate(index))
        case .slice(let object, let start, let stop, let step):
            return try slice(try evaluate(object), try start.map { (e) throws(JinjaError) in try evaluate(e) },
                             try stop.map { (e) throws(JinjaError) in try evaluate(e) },
                             try step.map { (e) throws(JinjaError) in try evaluate(e) })
        case .call(let callee, let arguments):
            return try call(callee, arguments)
        case .filter(let value, let name, let arguments):
            let (positional, keyword) = try evaluateArguments(arguments)
            return try applyFilter(name, try evaluate(value), positional, keyword)
        case .test(let value, let name, let arguments, let negated):
            let (positional, _) = try evaluateArguments(arguments)
            let result = try applyTest(name, try evaluate(value), positional)
            return .bool(result != negated)
        case .not(let operand):
            return .bool(!(try evaluate(operand).isTruthy))
        case .negate(let operand):
            let value = try evaluate(operand)
            switch value {
            case .int(let i) where i != Int.min: return .int(-i)
            case .double(let d): return .double(-d)
            case .bool(let b): return .int(b ? -1 : 0)
            default: throw .runtime("bad operand type for unary -: '\(value.typeName)'")
            }
        case .and(let left, let right):
            let l = try evaluate(left)
            return l.isTruthy ? try evaluate(right) : l
        case .or(let left, let right):
            let l = try evaluate(left)
            return l.isTruthy ? l : try evaluate(right)
        case .binary(let op, let left, let right):
            return try arithmetic(op, try evaluate(left), try evaluate(right))
        case .compare(let op, let left, let right):
            return .bool(try compare(op, try evaluate(left), try evaluate(right)))
        case .concat(let parts):
            var s = ""
            for part in parts {
                s += try evaluate(part).text
                try checkSize(s.utf8.count)
            }
            return .string(s)
        case .conditional(let then, let condition, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            return try otherwise.map { (e) throws(JinjaError) in try evaluate(e) } ?? .undefined(hint: "the conditional expression has no else")
        }
    }

    func evaluateArguments(_ arguments: JinjaArguments) throws(JinjaError) -> ([JinjaValue], [String: JinjaValue]) {
        let positional = try arguments.positional.map { (e) throws(JinjaError) in try evaluate(e) }
        var keyword: [String: JinjaValue] = [:]
        for pair in arguments.keyword { keyword[pair.name] = try evaluate(pair.value) }
        return (positional, keyword)
    }

    // MARK: Member access

    /// `object.name`: a dict key or namespace attribute; missing members are undefined, but any
    /// member of an undefined value is an error, as in Jinja2.
    func attribute(_ object: JinjaValue, _ name: String) throws(JinjaError) -> JinjaValue {
        switch object {
        case .undefined(let hint):
            throw .runtime("\(hint) (reading '.\(name)')")
        case .dict(let d):
            return d[name] ?? .undefined(hint: "'dict object' has no attribute '\(name)'")
        case .namespace(let n):
            return n.values[name] ?? .undefined(hint: "'Namespace' has no attribute '\(name)'")
        default:
            return .undefined(hint: "'\(object.typeName) object' has no attribute '\(name)'")
        }
    }

    func item(_ object: JinjaValue, _ index: JinjaValue) throws(JinjaError) -> JinjaValue {
        switch (object, index) {
        case (.undefined(let hint), _):
            throw .runtime("\(hint) (reading [\(index.repr)])")
        case (.dict(let d), .string(let key)):
            return d[key] ?? .undefined(hint: "'dict object' has no attribute '\(key)'")
        case (.namespace, .string(let key)):
            return try attribute(object, key)
        case (.list(let l), _):
            guard let i = index.integer else { return .undefined(hint: "list indices must be integers") }
            let position = i < 0 ? l.count + i : i
            return l.indices.contains(position) ? l[position] : .undefined(hint: "list index out of range")
        case (.string(let s), _):
            guard let i = index.integer else { return .undefined(hint: "string indices must be integers") }
            let scalars = Array(s.unicodeScalars)
            let position = i < 0 ? scalars.count + i : i
            return scalars.indices.contains(position) ? .string(String(scalars[position])) : .undefined(hint: "string index out of range")
        default:
            return .undefined(hint: "'\(object.typeName) object' has no item \(index.repr)")
        }
    }

    func slice(_ object: JinjaValue, _ start: JinjaValue?, _ stop: JinjaValue?, _ step: JinjaValue?) throws(JinjaError) -> JinjaValue {
        func bound(_ v: JinjaValue?) throws(JinjaError) -> Int? {
            guard let v else { return nil }
            switch v {
            case .none, .undefined: return nil
            default:
                guard let i = v.integer else { throw .runtime("slice indices must be integers or None") }
                return i
            }
        }
        let stepValue = try bound(step) ?? 1
        guard stepValue != 0 else { throw .runtime("slice step cannot be zero") }
        let a = try bound(start), b = try bound(stop)
        func indices(_ count: Int) -> [Int] {
            func clamp(_ v: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
                guard var v else { return defaultValue }
                if v < 0 { v += count }
                return min(max(v, low), high)
            }
            if stepValue > 0 {
                let lo = clamp(a, 0, low: 0, high: count), hi = clamp(b, count, low: 0, high: count)
                return lo < hi ? Array(stride(from: lo, to: hi, by: stepValue)) : []
            }
            let hi = clamp(a, count - 1, low: -1, high: count - 1), lo = clamp(b, -1, low: -1, high: count - 1)
            return hi > lo ? Array(stride(from: hi, to: lo, by: stepValue)) : []
        }
        switch object {
        case .list(let l): return .list(indices(l.count).map { l[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in indices(scalars.count) { out.append(scalars[i]) }
            return .string(String(out))
        case .undefined(let hint): throw .runtime("\(hint) (slicing it)")
        default: throw .runtime("'\(object.typeName)' object is not subscriptable")
        }
    }

    // MARK: Calls

    private func call(_ callee: JinjaExpression, _ arguments: JinjaArguments) throws(JinjaError) -> JinjaValue {
        let (positional, keyword) = try evaluateArguments(arguments)
        if case .attribute(let objectExpression, let name) = callee {
            let object = try evaluate(objectExpression)
            // A callable stored under that key (a macro in a dict or namespace) wins over a method.
            if case .dict(let d) = object, let member = d[name], isCallable(member) {
                return try invoke(member, positional, keyword)
            }
            if case .namespace(let n) = object, let member = n.values[name], isCallable(member) {
                return try invoke(member, positional, keyword)
            }
            // `loop.cycle(a, b, …)`: the argument at this iteration's position.
            if name == "cycle", case .dict(let d) = object, let index = d["index0"]?.integer, d["revindex0"] != nil {
                guard !positional.isEmpty else { throw .runtime("no items for cycling given") }
                return positional[index % positional.count]
            }
            return try callMethod(object, name, positional, keyword)
        }
        return try invoke(try evaluate(callee), positional, keyword)
    }

    private func isCallable(_ value: JinjaValue) -> Bool {
        switch value {
        case .macro, .function: return true
        default: return false
        }
    }

    private func invoke(_ callee: JinjaValue, _ positional: [JinjaValue], _ keyword: [String: JinjaValue]) throws(JinjaError) -> JinjaValue {
        switch callee {
        case .macro(let macro): return try callMacro(macro, positional, keyword)
        case .function(let name): return try callGlobal(name, positional, keyword)
        case .undefined(let hint): throw .runtime("\(hint) (calling it)")
        default: throw .runtime("'\(callee.typeName)' object is not callable")
        }
    }

    // MARK: Operators

    func arithmetic(_ op: String, _ l: JinjaValue, _ r: JinjaValue) throws(JinjaError) -> JinjaValue {
        if case .undefined(let hint) = l { throw .runtime(hint) }
        if case .undefined(let hint) = r { throw .runtime(hint) }
        func unsupported() -> JinjaError {
            .runtime("unsupported operand type(s) for \(op): '\(l.typeName)' and '\(r.typeName)'")
        }
        switch (op, l, r) {
        case ("+", .string(let a), .string(let b)):
            try checkSize(a.utf8.count + b.utf8.count)
            return .string(a + b)
        case ("+", .list(let a), .list(let b)):
            return .list(a + b)
        case ("%", .string(let format), _):
            let result = try percentFormat(format, r)
            try checkSize(result.utf8.count)
            return .string(result)
        case ("*", .string(let s), .int(let n)), ("*", .int(let n), .string(let s)):
            try checkSize(s.utf8.count * max(0, min(n, limits.maxOutputBytes + 1)))
            return .string(n > 0 ? String(repeating: s, count: n) : "")
        case ("*", .list(let items), .int(let n)), ("*", .int(let n), .list(let items)):
            try countIterations(items.count * max(0, min(n, limits.maxIterations + 1)))
            return .list(n > 0 ? Array([[JinjaValue]](repeating: items, count: n).joined()) : [])
        default:
            break
        }
        if let a = l.integer, let b = r.integer, op != "/" {
            switch op {
            case "+": let (v, o) = a.addingReportingOverflow(b); if !o { return .int(v) }
            case "-": let (v, o) = a.subtractingReportingOverflow(b); if !o { return .int(v) }
            case "*": let (v, o) = a.multipliedReportingOverflow(by: b); if !o { return .int(v) }
            case "//", "%":
                guard b != 0 else { throw .runtime("integer division or modulo by zero") }
                guard !(a == Int.min && b == -1) else { break }
                var q = a / b, m = a % b
                if m != 0 && ((m < 0) != (b < 0)) { q -= 1; m += b }
                return .int(op == "//" ? q : m)
            case "**":
                if b >= 0 {
                    var result = 1, overflow = false
                    for _ in 0..<min(b, 64) where !overflow {
                        (result, overflow) = result.multipliedReportingOverflow(by: a)
                    }
                    if !overflow && (b <= 64 || a == 0 || a == 1) { return .int(result) }
                }
            default: break
            }
        }
        guard let a = l.number, let b = r.number else { throw unsupported() }
        switch op {
        case "+": return .double(a + b)
        case "-": return .double(a - b)
        case "*": return .double(a * b)
        case "/":
            guard b != 0 else { throw .runtime("division by zero") }
            return .double(a / b)
        case "//", "%":
            guard b != 0 else { throw .runtime("float division or modulo by zero") }
            let q = (a / b).rounded(.down)
            return .double(op == "//" ? q : a - q * b)
        case "**": return .double(pow(a, b))
        default: throw unsupported()
        }
    }

    func compare(_ op: String, _ l: JinjaValue, _ r: JinjaValue) throws(JinjaError) -> Bool {
        switch op {
        case "==": return l.equals(r)
        case "!=": return !l.equals(r)
        case "in": return try contains(r, l)
        case "not in": return !(try contains(r, l))
        default:
            guard let order = l.compare(r) else {
                throw .runtime("'\(op)' not supported between instances of '\(l.typeName)' and '\(r.typeName)'")
            }
            switch op {
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            default: return order >= 0
            }
        }
    }

    func contains(_ container: JinjaValue, _ element: JinjaValue) throws(JinjaError) -> Bool {
        switch container {
        case .string(let s):
            guard case .string(let needle) = element else { throw .runtime("'in <string>' requires string as left operand") }
            return JinjaText.find(Array(needle.unicodeScalars), in: Array(s.unicodeScalars)) != nil
        case .list(let l): return l.contains { $0.equals(element) }
        case .dict(let d):
            guard case .string(let key) = element else { return false }
            return d[key] != nil
        case .namespace(let n):
            guard case .string(let key) = element else { return false }
            return n.values[key] != nil
        case .undefined: return false
        default: throw .runtime("argument of type '\(container.typeName)' is not iterable")
        }
    }
}

extension JinjaInterpreter {
    /// Python's `format % values` for %s, %r, %d, %i, %f and %% (with a precision for %f).
    func percentFormat(_ format: String, _ values: JinjaValue) throws(JinjaError) -> String {
        var arguments: [JinjaValue]
        if case .list(let l) = values { arguments = l } else { arguments = [values] }
        var out = ""
        var scalars = format.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            guard c == "%" else { out.unicodeScalars.append(c); continue }
            var precision: Int?
            var code = scalars.next()
            if code == "." {
                var digits = ""
                while let d = scalars.next() {
                    if d.properties.numericType == .decimal { digits.unicodeScalars.append(d) } else { code = d; break }
                }
                precision = Int(digits)
            }
            guard let code else { throw .runtime("incomplete format") }
            if code == "%" { out += "%"; continue }
            guard !arguments.isEmpty else { throw .runtime("not enough arguments for format string") }
            let value = arguments.removeFirst()
            switch code {
            case "s": out += value.text
            case "r": out += value.repr
            case "d", "i":
                guard let n = value.number else { throw .runtime("%\(code) format: a number is required") }
                out += value.integer.map(String.init) ?? String(Int(n.rounded(.towardZero)))
            case "f":
                guard let n = value.number else { throw .runtime("%f format: a number is required") }
                out += String(format: "%.\(max(0, min(precision ?? 6, 50)))f", n)
            default: throw .runtime("unsupported format character '\(code)'")
            }
        }
        guard arguments.isEmpty else { throw .runtime("not all arguments converted during string formatting") }
        return out
    }
}
