import Foundation

/// Jinja2's built-in filters and tests that chat templates use, with transformers' `tojson`.
extension JinjaInterpreter {
    func applyFilter(_ name: String, _ value: JinjaValue, _ args: [JinjaValue], _ kwargs: [String: JinjaValue]) throws(JinjaError) -> JinjaValue {
        func arg(_ index: Int, _ key: String) -> JinjaValue? {
            index < args.count ? args[index] : kwargs[key]
        }
        func string(_ v: JinjaValue) -> String { v.text }
        switch name {
        case "trim":
            return .string(JinjaText.strip(value.text, arg(0, "chars").map(string), leading: true, trailing: true))
        case "length", "count":
            switch value {
            case .string(let s): return .int(s.unicodeScalars.count)
            case .list(let l): return .int(l.count)
            case .dict(let d): return .int(d.count)
            case .undefined: return .int(0)
            default: throw .runtime("object of type '\(value.typeName)' has no len()")
            }
        case "upper": return .string(value.text.uppercased())
        case "lower": return .string(value.text.lowercased())
        case "capitalize": return .string(JinjaText.capitalize(value.text))
        case "title": return .string(JinjaText.title(value.text))
        case "string": return .string(value.text)
        case "safe": return value
        case "e", "escape":
            var out = ""
            for c in value.text.unicodeScalars {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&#34;"
                case "'": out += "&#39;"
                default: out.unicodeScalars.append(c)
                }
            }
            return .string(out)
        case "default", "d":
            let fallback = arg(0, "default_value") ?? .string("")
            let boolean = arg(1, "boolean")?.isTruthy ?? false
            return (value.isUndefined || (boolean && !value.isTruthy)) ? fallback : value
        case "join":
            var items = try iterate(value)
            if let attribute = kwargs["attribute"] { items = try items.map { (v) throws(JinjaError) in try member(v, attribute) } }
            let joined = items.map(\.text).joined(separator: arg(0, "d").map(string) ?? "")
            try checkSize(joined.utf8.count)
            return .string(joined)
        case "first": return try iterate(value).first ?? .undefined(hint: "no first item")
        case "last": return try iterate(value).last ?? .undefined(hint: "no last item")
        case "list": return .list(try iterate(value))
        case "reverse":
            if case .string(let s) = value { return .string(JinjaText.string(s.unicodeScalars.reversed())) }
            return .list(try iterate(value).reversed())
        case "unique":
            var seen: [JinjaValue] = []
            for item in try iterate(value) where !seen.contains(where: { $0.equals(item) }) { seen.append(item) }
            return .list(seen)
        case "int":
            let fallback = arg(0, "default") ?? .int(0)
            switch value {
            case .int: return value
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d): return d.isFinite && d.magnitude < 9.2e18 ? .int(Int(d)) : fallback
            case .string(let s):
                let t = JinjaText.strip(s, nil, leading: true, trailing: true)
                if let i = Int(t) { return .int(i) }
                if let d = Double(t), d.isFinite, d.magnitude < 9.2e18 { return .int(Int(d)) }
                return fallback
            default: return fallback
            }
        case "float":
            let fallback = arg(0, "default") ?? .double(0)
            if let n = value.number { return .double(n) }
            if case .string(let s) = value, let d = Double(JinjaText.strip(s, nil, leading: true, trailing: true)) { return .double(d) }
            return fallback
        case "abs":
            switch value {
            case .int(let i) where i != Int.min: return .int(abs(i))
            case .double(let d): return .double(abs(d))
            default: throw .runtime("bad operand type for abs(): '\(value.typeName)'")
            }
        case "round":
            let precision = arg(0, "precision")?.integer ?? 0
            let method = arg(1, "method")?.text ?? "common"
            guard let n = value.number else { throw .runtime("round: expected a number") }
            if case .int = value, method == "common", precision >= 0 { return value }
            let scale = pow(10.0, Double(precision))
            let rule: FloatingPointRoundingRule = method == "ceil" ? .up : (method == "floor" ? .down : .toNearestOrEven)
            return .double((n * scale).rounded(rule) / scale)
        case "tojson":
            return .string(try JinjaJSON.dumps(value, indent: arg(0, "indent")?.integer))
        case "replace":
            guard let old = arg(0, "old"), let new = arg(1, "new") else { throw .runtime("replace needs two arguments") }
            let result = JinjaText.replace(value.text, old.text, new.text, count: arg(2, "count")?.integer ?? -1)
            try checkSize(result.utf8.count)
            return .string(result)
        case "indent":
            let width = arg(0, "width") ?? .int(4)
            let prefix = width.integer.map { String(repeating: " ", count: max(0, min($0, 256))) } ?? width.text
            return .string(JinjaText.indent(value.text, width: prefix, first: arg(1, "first")?.isTruthy ?? false,
                                            blank: arg(2, "blank")?.isTruthy ?? false))
        case "items":
            switch value {
            case .dict(let d): return .list(d.entries.map { .list([.string($0.key), $0.value]) })
            case .undefined: return .list([])
            default: throw .runtime("items: expected a mapping, not \(value.typeName)")
            }
        case "dictsort":
            guard case .dict(let d) = value else { throw .runtime("dictsort: expected a mapping") }
            return .list(d.entries.sorted { $0.key < $1.key }.map { .list([.string($0.key), $0.value]) })
        case "map":
            let items = try iterate(value)
            if let attribute = kwargs["attribute"] {
                return .list(try items.map { (v) throws(JinjaError) in
                    let m = try member(v, attribute)
                    return m.isUndefined ? (kwargs["default"] ?? m) : m
                })
            }
            guard let filter = args.first?.text else { throw .runtime("map needs a filter name or attribute=") }
            return .list(try items.map { (v) throws(JinjaError) in try applyFilter(filter, v, Array(args.dropFirst()), [:]) })
        case "select", "reject":
            let keep = name == "select"
            var kept: [JinjaValue] = []
            for v in try iterate(value) {
                let passes = args.isEmpty ? v.isTruthy : try applyTest(args[0].text, v, Array(args.dropFirst()))
                if passes == keep { kept.append(v) }
            }
            return .list(kept)
        case "selectattr", "rejectattr":
            guard let attribute = args.first else { throw .runtime("\(name) needs an attribute name") }
            let keep = name == "selectattr"
            var kept: [JinjaValue] = []
            for v in try iterate(value) {
                let m = try member(v, attribute)
                let passes = args.count < 2 ? m.isTruthy : try applyTest(args[1].text, m, Array(args.dropFirst(2)))
                if passes == keep { kept.append(v) }
            }
            return .list(kept)
        case "sum":
            var total = arg(1, "start") ?? .int(0)
            for item in try iterate(value) {
                total = try arithmetic("+", total, try kwargs["attribute"].map { (a) throws(JinjaError) in try member(item, a) } ?? item)
            }
            return total
        case "min", "max":
            let items = try iterate(value)
            guard var best = items.first else { return .undefined(hint: "\(name) of an empty sequence") }
            for item in items.dropFirst() {
                guard let order = item.compare(best) else { throw .runtime("\(name): values cannot be compared") }
                if (name == "min" && order < 0) || (name == "max" && order > 0) { best = item }
            }
            return best
        case "sort":
            let reverse = arg(0, "reverse")?.isTruthy ?? false
            let attribute = kwargs["attribute"]
            var failed = false
            let sorted = try iterate(value).map { (v) throws(JinjaError) in (v, try attribute.map { (a) throws(JinjaError) in try member(v, a) } ?? v) }
                .sorted { a, b in
                    guard let order = a.1.compare(b.1) else { failed = true; return false }
                    return reverse ? order > 0 : order < 0
                }
            if failed { throw .runtime("sort: values cannot be compared") }
            return .list(sorted.map(\.0))
        case "attr":
            return try attribute(value, arg(0, "name")?.text ?? "")
        default:
            throw .runtime("no filter named '\(name)'")
        }
    }

    /// `attribute="a.b"` or an integer index, as `map`, `selectattr`, `join` and `sort` read it.
    private func member(_ value: JinjaValue, _ path: JinjaValue) throws(JinjaError) -> JinjaValue {
        if let index = path.integer { return try item(value, .int(index)) }
        var current = value
        for part in JinjaText.split(path.text, ".") {
            if let index = Int(part), case .list = current {
                current = try item(current, .int(index))
            } else {
                current = try attribute(current, part)
            }
        }
        return current
    }

    func applyTest(_ name: String, _ value: JinjaValue, _ args: [JinjaValue]) throws(JinjaError) -> Bool {
        func other() throws(JinjaError) -> JinjaValue {
            guard let first = args.first else { throw .runtime("test '\(name)' needs an argument") }
            return first
        }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": if case .none = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "string": return value.isString
        case "number": return value.number != nil
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "mapping": if case .dict = value { return true } else { return false }
        case "iterable", "sequence":
            switch value {
            case .list, .dict, .string: return true
            default: return false
            }
        case "callable":
            switch value {
            case .macro, .function: return true
            default: return false
            }
        case "even", "odd":
            guard let i = value.integer else { throw .runtime("test '\(name)' needs an integer") }
            return (i % 2 == 0) == (name == "even")
        case "divisibleby":
            guard let i = value.integer, let n = try other().integer, n != 0 else { throw .runtime("divisibleby needs non-zero integers") }
            return i % n == 0
        case "lower": return value.text == value.text.lowercased()
        case "upper": return value.text == value.text.uppercased()
        case "eq", "equalto", "==", "sameas": return value.equals(try other())
        case "ne", "!=": return !value.equals(try other())
        case "lt", "<": return try compare("<", value, try other())
        case "le", "<=": return try compare("<=", value, try other())
        case "gt", ">", "greaterthan": return try compare(">", value, try other())
        case "ge", ">=": return try compare(">=", value, try other())
        case "in": return try contains(try other(), value)
        default: throw .runtime("no test named '\(name)'")
        }
    }
}
