/// JSON for templates: `tojson` as transformers defines it (`json.dumps(x, ensure_ascii=False,
/// indent=indent, sort_keys=False)`), and a reader that keeps object key order, so tool schemas
/// print in the order the client wrote them.
enum JinjaJSON {
    static func dumps(_ value: JinjaValue, indent: Int?, depth: Int = 0) throws(JinjaError) -> String {
        guard depth < 256 else { throw .limit("tojson: nesting deeper than 256 levels") }
        let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (depth + 1)) }
        let closing = indent.map { "\n" + String(repeating: " ", count: $0 * depth) } ?? ""
        let separator = indent == nil ? ", " : ","
        switch value {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return JinjaValue.pythonFloat(d)
        case .string(let s): return quote(s)
        case .list(let items):
            if items.isEmpty { return "[]" }
            var parts: [String] = []
            for item in items { parts.append((newline ?? "") + (try dumps(item, indent: indent, depth: depth + 1))) }
            return "[" + parts.joined(separator: separator) + closing + "]"
        case .dict(let d):
            if d.isEmpty { return "{}" }
            var parts: [String] = []
            for entry in d.entries {
                parts.append((newline ?? "") + quote(entry.key) + ": " + (try dumps(entry.value, indent: indent, depth: depth + 1)))
            }
            return "{" + parts.joined(separator: separator) + closing + "}"
        case .undefined(let hint): throw .runtime("tojson: \(hint)")
        default: throw .runtime("Object of type \(value.typeName) is not JSON serializable")
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value < 0x20 { out += "\\u" + JinjaValue.hex(c.value, width: 4) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }

    /// Reads JSON text into a value; objects keep their key order.
    static func parse(_ text: String) throws(JinjaError) -> JinjaValue {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.i == reader.bytes.count else { throw reader.fail("trailing characters") }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var i = 0

        func fail(_ message: String) -> JinjaError { .runtime("JSON: \(message) at byte \(i)") }

        mutating func skipSpace() {
            while i < bytes.count && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func literal(_ word: String, _ value: JinjaValue) throws(JinjaError) -> JinjaValue {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("unexpected token") }
            i += w.count
            return value
        }

        mutating func value(depth: Int) throws(JinjaError) -> JinjaValue {
            guard depth < 256 else { throw fail("nesting deeper than 256 levels") }
            guard i < bytes.count else { throw fail("unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "n"): return try literal("null", .none)
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                i += 1
                var items: [JinjaValue] = []
                skipSpace()
                if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.count else { throw fail("unterminated array") }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
                    guard bytes[i] == UInt8(ascii: ",") else { throw fail("expected ','") }
                    i += 1
                }
            case UInt8(ascii: "{"):
                i += 1
                var dict = JinjaDict()
                skipSpace()
                if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(dict) }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    let key = try string()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    i += 1
                    skipSpace()
                    dict[key] = try value(depth: depth + 1)
                    skipSpace()
                    guard i < bytes.count else { throw fail("unterminated object") }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(dict) }
                    guard bytes[i] == UInt8(ascii: ",") else { throw fail("expected ','") }
                    i += 1
                }
            default:
                return try number()
            }
        }

        mutating func number() throws(JinjaError) -> JinjaValue {
            let start = i
            var isFloat = false
            while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) {
                if [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[i]) { isFloat = true }
                i += 1
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if !isFloat, let v = Int(text) { return .int(v) }
            guard !text.isEmpty, let d = Double(text) else { throw fail("bad number") }
            return .double(d)
        }

        mutating func string() throws(JinjaError) -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard c == UInt8(ascii: "\\") else { out.append(c); continue }
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    out += Array(String(Character(scalar)).utf8)
                default: out.append(e)
                }
            }
            throw fail("unterminated string")
        }

        mutating func hex4() throws(JinjaError) -> UInt32 {
            guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
                throw fail("bad \\u escape")
            }
            i += 4
            return v
        }
    }
}
