/// Encodes `Encodable` values into a `JSONValue`. Optional properties that are nil are omitted.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws(JSONError) -> JSONValue {
        if let direct = value as? JSONValue { return direct }
        let root = Slot()
        do {
            try value.encode(to: ValueEncoder(slot: root, codingPath: []))
        } catch let error as EncodingError {
            if case .invalidValue(_, let context) = error {
                throw JSONError(kind: .outOfRange, message: context.debugDescription,
                                path: JSONError.path(context.codingPath))
            }
            throw JSONError(kind: .typeMismatch, message: "\(error)")
        } catch {
            throw JSONError(kind: .typeMismatch, message: "\(error)")
        }
        return root.finished() ?? .object([:])
    }
}

/// A place a value will be written; containers hold slots so nested encoders can fill them later.
/// Scalar members of an object are stored as values directly; only nested containers get slots.
private final class Slot {
    enum Content {
        case empty
        case value(JSONValue)
        case object(values: [String: JSONValue], nested: [String: Slot])
        case array([Slot])
    }

    var content: Content = .empty

    func finished() -> JSONValue? {
        switch content {
        case .empty: return nil
        case .value(let v): return v
        case .object(var values, let nested):
            for (key, slot) in nested { if let v = slot.finished() { values[key] = v } }
            return .object(values)
        case .array(let elements): return .array(elements.map { $0.finished() ?? .null })
        }
    }

    func object() -> Slot {
        if case .object = content { return self }
        content = .object(values: [:], nested: [:])
        return self
    }

    func array() -> Slot {
        if case .array = content { return self }
        content = .array([])
        return self
    }

    // The mutators take the collection out of `content` and clear it first, so it is uniquely
    // referenced and grows in place: filling n members stays O(n), not O(n²).
    func set(_ key: String, _ value: JSONValue) {
        guard case .object(var values, let nested) = content else { preconditionFailure("not an object slot") }
        content = .empty
        values[key] = value
        content = .object(values: values, nested: nested)
    }

    func child(_ key: String) -> Slot {
        guard case .object(let values, var nested) = content else { preconditionFailure("not an object slot") }
        if let existing = nested[key] { return existing }
        content = .empty
        let slot = Slot()
        nested[key] = slot
        content = .object(values: values, nested: nested)
        return slot
    }

    func append() -> Slot {
        guard case .array(var elements) = content else { preconditionFailure("not an array slot") }
        content = .empty
        let slot = Slot()
        elements.append(slot)
        content = .array(elements)
        return slot
    }

    var count: Int {
        if case .array(let elements) = content { return elements.count }
        return 0
    }
}

/// Converts a scalar to a JSON value, or nil when `value` needs its own encoding.
private func scalar<T: Encodable>(_ value: T, _ path: @autoclosure () -> [CodingKey]) throws -> JSONValue? {
    switch value {
    case let v as JSONValue: return v
    case let v as String: return .string(v)
    case let v as Bool: return .bool(v)
    case let v as Double:
        guard v.isFinite else {
            throw EncodingError.invalidValue(v, .init(codingPath: path(), debugDescription: "\(v) has no JSON form"))
        }
        return .double(v)
    case let v as Float:
        guard v.isFinite else {
            throw EncodingError.invalidValue(v, .init(codingPath: path(), debugDescription: "\(v) has no JSON form"))
        }
        return .double(Double(v))
    case let v as Int: return .int(Int64(v))
    case let v as Int64: return .int(v)
    case let v as Int32: return .int(Int64(v))
    case let v as Int16: return .int(Int64(v))
    case let v as Int8: return .int(Int64(v))
    case let v as UInt8: return .int(Int64(v))
    case let v as UInt16: return .int(Int64(v))
    case let v as UInt32: return .int(Int64(v))
    case let v as UInt:
        return Int64(exactly: v).map(JSONValue.int) ?? .double(Double(v))
    case let v as UInt64:
        return Int64(exactly: v).map(JSONValue.int) ?? .double(Double(v))
    default: return nil
    }
}

private func encodeValue<T: Encodable>(_ value: T, into slot: Slot, _ path: [CodingKey]) throws {
    if let s = try scalar(value, path) {
        slot.content = .value(s)
    } else {
        try value.encode(to: ValueEncoder(slot: slot, codingPath: path))
    }
}

private struct ValueEncoder: Encoder {
    let slot: Slot
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(slot: slot.object(), codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        UnkeyedContainer(slot: slot.array(), codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        SingleContainer(slot: slot, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [CodingKey]

    mutating func encodeNil(forKey key: Key) throws { slot.set(key.stringValue, .null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let direct = try scalar(value, codingPath + [key]) {
            slot.set(key.stringValue, direct)
        } else {
            try value.encode(to: ValueEncoder(slot: slot.child(key.stringValue), codingPath: codingPath + [key]))
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: slot.child(key.stringValue).object(),
                                                         codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        UnkeyedContainer(slot: slot.child(key.stringValue).array(), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> Encoder { ValueEncoder(slot: slot.child("super"), codingPath: codingPath) }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        ValueEncoder(slot: slot.child(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [CodingKey]
    var count: Int { slot.count }

    mutating func encodeNil() throws { slot.append().content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        try encodeValue(value, into: slot.append(), codingPath + [IndexKey(index)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let index = count
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: slot.append().object(),
                                                                codingPath: codingPath + [IndexKey(index)]))
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let index = count
        return UnkeyedContainer(slot: slot.append().array(), codingPath: codingPath + [IndexKey(index)])
    }

    mutating func superEncoder() -> Encoder { ValueEncoder(slot: slot.append(), codingPath: codingPath) }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [CodingKey]

    mutating func encodeNil() throws { slot.content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws { try encodeValue(value, into: slot, codingPath) }
}
