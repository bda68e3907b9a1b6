/// Decodes `Decodable` types from a `JSONValue`, reporting failures as `JSONError`s that carry the
/// JSON path of the offending field (`messages[2].role`).
public struct JSONValueDecoder: Sendable {
    public init() {}

    /// Decodes `type` from `value`. `rootPath` prefixes the paths in errors (e.g. "params").
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, rootPath: String = "") throws(JSONError) -> T {
        if T.self == JSONValue.self { return value as! T }
        do {
            return try T(from: ValueDecoder(value: value, codingPath: []))
        } catch let error as DecodingError {
            throw JSONError(decoding: error, rootPath: rootPath)
        } catch let error as JSONError {
            throw error
        } catch {
            throw JSONError(kind: .typeMismatch, message: "\(error)", path: rootPath)
        }
    }
}

extension JSONError {
    /// Renders a coding path as a JSON path: keys joined by dots, array positions in brackets.
    public static func path(_ codingPath: [CodingKey], root: String = "") -> String {
        var text = root
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    init(decoding error: DecodingError, rootPath: String) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(kind: .missingField, message: "missing required field '\(key.stringValue)'",
                      path: Self.path(context.codingPath + [key], root: rootPath))
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            self.init(kind: .typeMismatch, message: context.debugDescription,
                      path: Self.path(context.codingPath, root: rootPath))
        case .dataCorrupted(let context):
            self.init(kind: .outOfRange, message: context.debugDescription,
                      path: Self.path(context.codingPath, root: rootPath))
        @unknown default:
            self.init(kind: .typeMismatch, message: "\(error)", path: rootPath)
        }
    }
}

/// An array position as a coding key.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue!)" }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { return nil }
}

private struct ValueDecoder: Decoder, JSONValueDecoding {
    let value: JSONValue
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw mismatch("an object", codingPath)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch("an array", codingPath) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        SingleContainer(value: value, codingPath: codingPath)
    }

    func mismatch(_ expected: String, _ path: [CodingKey]) -> DecodingError {
        DecodingError.typeMismatch(JSONValue.self, .init(
            codingPath: path, debugDescription: "expected \(expected), found \(value.typeName)"))
    }
}

/// Converts one JSON value to a scalar Swift type, shared by all three container kinds. The path is
/// built only when it is needed (an error, or a nested value's decoder), so scalar fields allocate nothing.
private func decodeScalar<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ makePath: @autoclosure () -> [CodingKey]) throws -> T {
    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(T.self, .init(codingPath: makePath(), debugDescription: "expected \(expected), found \(value.typeName)"))
    }
    func outOfRange() -> DecodingError {
        .dataCorrupted(.init(codingPath: makePath(), debugDescription: "number does not fit \(T.self)"))
    }
    func integer<I: FixedWidthInteger>(_: I.Type) throws -> I {
        switch value {
        case .int(let i):
            guard let v = I(exactly: i) else { throw outOfRange() }
            return v
        case .double(let d):
            guard d.rounded() == d, let v = I(exactly: d) else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: makePath(), debugDescription: "expected an integer, found \(d)"))
            }
            return v
        default: throw mismatch("an integer")
        }
    }
    switch type {
    case is String.Type:
        guard case .string(let s) = value else { throw mismatch("a string") }
        return s as! T
    case is Bool.Type:
        guard case .bool(let b) = value else { throw mismatch("a boolean") }
        return b as! T
    case is Double.Type:
        guard let d = value.doubleValue else { throw mismatch("a number") }
        return d as! T
    case is Float.Type:
        guard let d = value.doubleValue else { throw mismatch("a number") }
        return Float(d) as! T
    case is Int.Type: return try integer(Int.self) as! T
    case is Int64.Type: return try integer(Int64.self) as! T
    case is Int32.Type: return try integer(Int32.self) as! T
    case is Int16.Type: return try integer(Int16.self) as! T
    case is Int8.Type: return try integer(Int8.self) as! T
    case is UInt.Type: return try integer(UInt.self) as! T
    case is UInt64.Type: return try integer(UInt64.self) as! T
    case is UInt32.Type: return try integer(UInt32.self) as! T
    case is UInt16.Type: return try integer(UInt16.self) as! T
    case is UInt8.Type: return try integer(UInt8.self) as! T
    case is JSONValue.Type: return value as! T
    default:
        return try T(from: ValueDecoder(value: value, codingPath: makePath()))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [CodingKey]
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { (members[key.stringValue] ?? .null) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeScalar(type, try member(key), codingPath + [key])
    }

    // A member that is present but null counts as absent for optionals.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = members[key.stringValue], value != .null else { return nil }
        return try decodeScalar(type, value, codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ValueDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try ValueDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder {
        ValueDecoder(value: .object(members), codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> Decoder {
        ValueDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [CodingKey]
    var currentIndex = 0
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(elements: [JSONValue], codingPath: [CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    private mutating func next() throws -> (JSONValue, [CodingKey]) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(JSONValue.self, .init(
                codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "array has too few elements"))
        }
        defer { currentIndex += 1 }
        return (elements[currentIndex], codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        if !isAtEnd, elements[currentIndex] == .null {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try decodeScalar(type, value, path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (value, path) = try next()
        return try ValueDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try ValueDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> Decoder {
        let (value, path) = try next()
        return ValueDecoder(value: value, codingPath: path)
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [CodingKey]

    func decodeNil() -> Bool { value == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decodeScalar(type, value, codingPath)
    }
}
