/// A value in the Jinja subset that chat templates use, with Python's semantics where Jinja2
/// borrows them (truthiness, `str()`, equality, ordering).
package enum JinjaValue: Sendable {
    /// A name or member that does not exist; `hint` names it for error messages. Falsy, renders
    /// as "", iterates as empty; arithmetic and member access on it fail (Jinja2's `Undefined`).
    case undefined(hint: String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([JinjaValue])
    case dict(JinjaDict)
    /// `namespace(...)`: the one mutable value, so `{% set ns.x = … %}` crosses loop scopes.
    case namespace(JinjaNamespace)
    case macro(JinjaMacro)
    /// A global function (`range`, `namespace`, `raise_exception`, `strftime_now`, …) by name.
    case function(String)

    package static let empty = JinjaValue.string("")

    package var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    package var isString: Bool {
        if case .string = self { return true }
        return false
    }

    /// Python's truth value.
    package var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .dict(let d): return !d.isEmpty
        case .namespace, .macro, .function: return true
        }
    }

    /// Python's `str()`, as `{{ value }}` prints it.
    package var text: String {
        switch self {
        case .undefined: return ""
        case .string(let s): return s
        default: return repr
        }
    }

    /// Python's `repr()`, used inside containers.
    package var repr: String { repr(depth: 0) }

    /// Containers nested deeper than this print as `[...]` and compare unequal: a template can
    /// nest lists in a loop, and these walks recurse.
    static let maxNesting = 1_000

    private func repr(depth: Int) -> String {
        guard depth < JinjaValue.maxNesting else { return "[...]" }
        switch self {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return JinjaValue.pythonFloat(d)
        case .string(let s): return JinjaValue.pythonQuoted(s)
        case .list(let l): return "[" + l.map { $0.repr(depth: depth + 1) }.joined(separator: ", ") + "]"
        case .dict(let d): return "{" + d.entries.map { "\(JinjaValue.pythonQuoted($0.key)): \($0.value.repr(depth: depth + 1))" }.joined(separator: ", ") + "}"
        case .namespace(let n): return "<Namespace \(JinjaValue.dict(n.values).repr)>"
        case .macro(let m): return "<Macro '\(m.name)'>"
        case .function(let name): return "<function \(name)>"
        }
    }

    /// Python's float repr: the shortest round-trip digits, in fixed notation for exponents -4..<16.
    package static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description has the same shortest digits; only the layout differs.
        let s = d.magnitude.description
        var digits: [Character]
        var exponent: Int
        if let e = s.firstIndex(where: { $0 == "e" }) {
            digits = Array(s[..<e].filter { $0 != "." })
            exponent = Int(s[s.index(after: e)...].filter { $0 != "+" }) ?? 0
        } else {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            let whole = Array(parts[0]), fraction = parts.count > 1 ? Array(parts[1]) : []
            digits = whole + fraction
            exponent = whole.count - 1
            while digits.first == "0" && digits.count > 1 { digits.removeFirst(); exponent -= 1 }
        }
        while digits.last == "0" && digits.count > 1 { digits.removeLast() }
        var out = d < 0 ? "-" : ""
        if exponent >= -4 && exponent < 16 {
            if exponent >= 0 {
                let whole = digits.count > exponent ? digits[0...exponent] : digits[...] 
                out += String(whole) + String(repeating: "0", count: max(0, exponent + 1 - digits.count))
                let fraction = digits.count > exponent + 1 ? String(digits[(exponent + 1)...]) : "0"
                out += "." + fraction
            } else {
                out += "0." + String(repeating: "0", count: -exponent - 1) + String(digits)
            }
        } else {
            out += String(digits[0]) + (digits.count > 1 ? "." + String(digits[1...]) : "")
            out += "e" + (exponent < 0 ? "-" : "+") + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
        }
        return out
    }

    /// A string literal as Python's repr writes it.
    package static func pythonQuoted(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(c) == quote { out += "\\" + String(quote) }
                else if c.value < 0x20 || c.value == 0x7F { out += "\\x" + hex(c.value, width: 2) }
                else { out.unicodeScalars.append(c) }
            }
        }
        out.append(quote)
        return out
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The type name Python would report, for error messages.
    package var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .dict: return "dict"
        case .namespace: return "Namespace"
        case .macro: return "Macro"
        case .function: return "function"
        }
    }

    /// The number a value stands for in arithmetic (bools count, as in Python).
    var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    var integer: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Python's `==`.
    package func equals(_ other: JinjaValue) -> Bool { equals(other, depth: 0) }

    private func equals(_ other: JinjaValue, depth: Int) -> Bool {
        guard depth < JinjaValue.maxNesting else { return false }
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.equals($1, depth: depth + 1) }
        case (.dict(let a), .dict(let b)):
            return a.count == b.count && a.entries.allSatisfy { entry in b[entry.key].map { entry.value.equals($0, depth: depth + 1) } ?? false }
        case (.namespace(let a), .namespace(let b)): return a === b
        case (.macro(let a), .macro(let b)): return a.name == b.name
        case (.function(let a), .function(let b)): return a == b
        default:
            if let x = integer, let y = other.integer { return x == y }
            if let x = number, let y = other.number { return x == y }
            return false
        }
    }

    /// Python's ordering for numbers and strings; nil where Python raises TypeError.
    func compare(_ other: JinjaValue, depth: Int = 0) -> Int? {
        guard depth < JinjaValue.maxNesting else { return nil }
        switch (self, other) {
        case (.string(let a), .string(let b)):
            if a.unicodeScalars.elementsEqual(b.unicodeScalars) { return 0 }
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars, by: { $0.value < $1.value }) ? -1 : 1
        case (.list(let a), .list(let b)):
            for (x, y) in zip(a, b) where !x.equals(y) { return x.compare(y, depth: depth + 1) }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        default:
            if let x = integer, let y = other.integer { return x == y ? 0 : (x < y ? -1 : 1) }
            guard let x = number, let y = other.number else { return nil }
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }
}

/// A dictionary that keeps insertion order, as Python's does (and as `tojson` must print it).
package struct JinjaDict: Sendable {
    package private(set) var keys: [String] = []
    private var storage: [String: JinjaValue] = [:]

    package init() {}
    package init(_ pairs: [(String, JinjaValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    package var count: Int { keys.count }
    package var isEmpty: Bool { keys.isEmpty }
    package var entries: [(key: String, value: JinjaValue)] { keys.map { ($0, storage[$0] ?? .none) } }

    package subscript(key: String) -> JinjaValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }
}

/// The attributes of a `namespace()`. A reference, so assignments inside a loop are seen after it;
/// a namespace lives inside one render, which runs on one thread.
package final class JinjaNamespace: @unchecked Sendable {
    package var values: JinjaDict
    init(_ values: JinjaDict) { self.values = values }
}

/// A `{% macro %}` definition, callable like a function.
package struct JinjaMacro: Sendable {
    let name: String
    let parameters: [(name: String, defaultValue: JinjaExpression?)]
    let body: [JinjaStatement]
}

extension JinjaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral {
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int) { self = .int(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(floatLiteral value: Double) { self = .double(value) }
    package init(arrayLiteral elements: JinjaValue...) { self = .list(elements) }
    package init(dictionaryLiteral elements: (String, JinjaValue)...) { self = .dict(JinjaDict(elements)) }
}
