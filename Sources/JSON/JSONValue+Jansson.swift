import CJansson

extension JSONValue {
    /// The deepest nesting of arrays and objects the reader accepts. Deeper documents are refused
    /// before parsing, so neither jansson nor the recursive conversion below can exhaust a stack.
    public static let maximumDepth = 256

    /// Parses one JSON text (any value at the top level).
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSONValue {
        let parsed = bytes.withContiguousStorageIfAvailable { parseResult(UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { parseResult($0) }
        return try parsed.get()
    }

    private static func parseResult(_ buffer: UnsafeRawBufferPointer) -> Result<JSONValue, JSONError> {
        do throws(JSONError) { return .success(try parse(buffer)) } catch { return .failure(error) }
    }

    /// Parses one JSON text from a string.
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses one JSON text from raw bytes.
    public static func parse(_ buffer: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        try checkDepth(buffer)
        var error = json_error_t()
        let flags = Int(JSON_DECODE_ANY | JSON_ALLOW_NUL)
        guard let base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
            let root = json_loadb(base.assumingMemoryBound(to: CChar.self), buffer.count, flags, &error)
        else {
            let text = withUnsafeBytes(of: &error.text) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            throw JSONError(kind: .syntax, message: text.isEmpty ? "invalid JSON" : text,
                            line: Int(error.line), column: Int(error.column))
        }
        defer { minos_json_decref(root) }
        return JSONValue(jansson: root)
    }

    /// Serializes compactly (no spaces), keys sorted, numbers lossless.
    public func serialized() -> [UInt8] {
        serialized(flags: Int(JSON_COMPACT | JSON_SORT_KEYS) | minos_json_real_precision(17))
    }

    /// Serializes with two-space indentation and sorted keys, ending in a newline.
    public func prettyPrinted() -> String {
        var bytes = serialized(flags: minos_json_indent(2) | Int(JSON_SORT_KEYS) | minos_json_real_precision(17))
        bytes.append(UInt8(ascii: "\n"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Serializes compactly into a string.
    public func serializedString() -> String {
        String(decoding: serialized(), as: UTF8.self)
    }

    private func serialized(flags: Int) -> [UInt8] {
        let tree = makeJansson()
        defer { minos_json_decref(tree) }
        let flags = flags | Int(JSON_ENCODE_ANY)
        let size = json_dumpb(tree, nil, 0, flags)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: size) { json_dumpb(tree, $0, size, flags) }
            } ?? 0
        }
    }

    /// Builds a new jansson tree (reference count 1) holding this value.
    private func makeJansson() -> UnsafeMutablePointer<json_t> {
        switch self {
        case .null: return json_null()
        case .bool(let b): return b ? json_true() : json_false()
        case .int(let i): return json_integer(json_int_t(i))
        case .double(let d):
            // jansson cannot represent NaN or infinities; JSON has no spelling for them either.
            return d.isFinite ? json_real(d) : json_null()
        case .string(let s):
            var s = s
            return s.withUTF8 { utf8 in
                json_stringn_nocheck(UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self), utf8.count)
            }
        case .array(let elements):
            let array = json_array()!
            for element in elements { json_array_append_new(array, element.makeJansson()) }
            return array
        case .object(let members):
            let object = json_object()!
            for (key, member) in members {
                var key = key
                key.withUTF8 { utf8 in
                    _ = json_object_setn_new_nocheck(
                        object, UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self),
                        utf8.count, member.makeJansson())
                }
            }
            return object
        }
    }

    /// Copies a jansson tree into Swift values.
    private init(jansson node: UnsafeMutablePointer<json_t>) {
        switch json_type(UInt32(minos_json_typeof(node))) {
        case JSON_OBJECT:
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(json_object_size(node))
            var iterator = json_object_iter(node)
            while let it = iterator {
                let keyLength = json_object_iter_key_len(it)
                let key = json_object_iter_key(it)!.withMemoryRebound(to: UInt8.self, capacity: keyLength) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: keyLength), as: UTF8.self)
                }
                members[key] = JSONValue(jansson: json_object_iter_value(it))
                iterator = json_object_iter_next(node, it)
            }
            self = .object(members)
        case JSON_ARRAY:
            let count = json_array_size(node)
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for index in 0..<count { elements.append(JSONValue(jansson: json_array_get(node, index))) }
            self = .array(elements)
        case JSON_STRING:
            let length = json_string_length(node)
            self = .string(json_string_value(node)!.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            })
        case JSON_INTEGER: self = .int(Int64(json_integer_value(node)))
        case JSON_REAL: self = .double(json_real_value(node))
        case JSON_TRUE: self = .bool(true)
        case JSON_FALSE: self = .bool(false)
        default: self = .null
        }
    }

    /// Refuses documents nested deeper than `maximumDepth`, scanning bytes without recursion.
    private static func checkDepth(_ buffer: UnsafeRawBufferPointer) throws(JSONError) {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in buffer {
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumDepth {
                    throw JSONError(kind: .tooDeep,
                                    message: "arrays and objects nest deeper than \(maximumDepth) levels")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
    }
}
