/// Decoding of metadata values (scalars, strings and typed, possibly nested, arrays).
extension GGUFCursor {
    /// Reads a value type id and returns it, or throws `.unknownValueType` naming the id.
    mutating func valueType(_ what: @autoclosure () -> String) throws(GGUFError) -> GGUFValueType {
        let start = offset
        let raw = try u32(what())
        guard let type = GGUFValueType(rawValue: raw) else {
            throw GGUFError(
                .unknownValueType,
                "unknown metadata value type \(raw) \(atByte(start)) (\(what())); known types are 0 through 12",
                offset: start)
        }
        return type
    }

    /// Reads one value of `type` belonging to metadata key `key`; `depth` counts enclosing arrays.
    mutating func value(of type: GGUFValueType, depth: Int, key: String) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try u8("uint8 value of key \(quoted(key))"))
        case .int8: return .int8(Int8(bitPattern: try u8("int8 value of key \(quoted(key))")))
        case .uint16: return .uint16(try u16("uint16 value of key \(quoted(key))"))
        case .int16: return .int16(Int16(bitPattern: try u16("int16 value of key \(quoted(key))")))
        case .uint32: return .uint32(try u32("uint32 value of key \(quoted(key))"))
        case .int32: return .int32(Int32(bitPattern: try u32("int32 value of key \(quoted(key))")))
        case .uint64: return .uint64(try u64("uint64 value of key \(quoted(key))"))
        case .int64: return .int64(Int64(bitPattern: try u64("int64 value of key \(quoted(key))")))
        case .float32: return .float32(Float(bitPattern: try u32("float32 value of key \(quoted(key))")))
        case .float64: return .float64(Double(bitPattern: try u64("float64 value of key \(quoted(key))")))
        case .bool:
            let start = offset
            return .bool(try boolByte(try u8("bool value of key \(quoted(key))"), at: start, key: key))
        case .string: return .string(try string("string value of key \(quoted(key))"))
        case .array: return .array(try array(depth: depth + 1, key: key))
        }
    }

    /// Checks a bool byte is 0 or 1, as the spec requires.
    func boolByte(_ byte: UInt8, at position: Int, key: String) throws(GGUFError) -> Bool {
        guard byte <= 1 else {
            throw GGUFError(
                .invalidBool,
                "bool value of key \(quoted(key)) \(atByte(position)) is \(byte); it must be 0 or 1",
                offset: position)
        }
        return byte == 1
    }

    /// Reads an array (element type, u64 count, elements) at nesting level `depth` (1 = outermost).
    ///
    /// The count is bounded by the bytes remaining (every element needs at least its type's
    /// minimum size) before any storage is reserved.
    mutating func array(depth: Int, key: String) throws(GGUFError) -> [GGUFValue] {
        let start = offset
        guard depth <= GGUFLimits.maxArrayDepth else {
            throw GGUFError(
                .nestingTooDeep,
                "arrays in key \(quoted(key)) are nested \(depth) deep \(atByte(start)); "
                    + "the limit is \(GGUFLimits.maxArrayDepth)",
                offset: start)
        }
        let type = try valueType("element type of an array in key \(quoted(key))")
        let countOffset = offset
        let rawCount = try u64("element count of an array in key \(quoted(key))")
        let minimum = type.minimumSize
        guard rawCount <= UInt64(remaining / minimum) else {
            throw GGUFError(
                .arrayTooLarge,
                "array of \(type.name) in key \(quoted(key)) \(atByte(countOffset)) claims \(rawCount) elements, "
                    + "but only \(remaining) bytes remain (at least \(minimum) per element)",
                offset: countOffset)
        }
        guard rawCount <= UInt64(arrayElementBudget) else {
            throw GGUFError(
                .arrayTooLarge,
                "array of \(type.name) in key \(quoted(key)) \(atByte(countOffset)) claims \(rawCount) elements, "
                    + "more than the \(GGUFLimits.maxMetadataArrayElements) array elements the reader accepts in all",
                offset: countOffset)
        }
        let count = Int(rawCount)
        arrayElementBudget -= count
        var elements: [GGUFValue] = []
        elements.reserveCapacity(count)
        if let size = type.fixedSize {
            // The whole run fits (count * size <= remaining was checked above).
            if type == .bool {
                for index in 0..<count { _ = try boolByte(base[offset + index], at: offset + index, key: key) }
            }
            appendFixed(type, count: count, to: &elements)
            offset += count * size
            return elements
        }
        if type == .string {
            for _ in 0..<count {
                // Inlined string read: the vocabulary arrays have 100k+ entries.
                let stringStart = offset
                try require(8, "length of a string in an array in key \(quoted(key))")
                let length = UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
                offset += 8
                guard length <= UInt64(end - offset) else {
                    throw stringTooLong(length, start: stringStart, "string in an array in key \(quoted(key))")
                }
                let n = Int(length)
                let text = String(decoding: UnsafeBufferPointer(start: base + offset, count: n), as: UTF8.self)
                elements.append(.string(text))
                offset += n
            }
            return elements
        }
        for _ in 0..<count {
            elements.append(.array(try array(depth: depth + 1, key: key)))
        }
        return elements
    }

    /// Appends `count` fixed-size values of `type` starting at `offset` (not advancing it).
    ///
    /// One loop per type with concrete loads, so that unoptimized builds stay fast too.
    private func appendFixed(_ type: GGUFValueType, count: Int, to elements: inout [GGUFValue]) {
        let bytes = base + offset
        let raw = UnsafeRawPointer(bytes)
        switch type {
        case .uint8: for i in 0..<count { elements.append(.uint8(bytes[i])) }
        case .int8: for i in 0..<count { elements.append(.int8(Int8(bitPattern: bytes[i]))) }
        case .bool: for i in 0..<count { elements.append(.bool(bytes[i] != 0)) }
        case .uint16:
            for i in 0..<count {
                elements.append(.uint16(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 &* i, as: UInt16.self))))
            }
        case .int16:
            for i in 0..<count {
                elements.append(.int16(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 &* i, as: Int16.self))))
            }
        case .uint32:
            for i in 0..<count {
                elements.append(.uint32(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 &* i, as: UInt32.self))))
            }
        case .int32:
            for i in 0..<count {
                elements.append(.int32(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 &* i, as: Int32.self))))
            }
        case .uint64:
            for i in 0..<count {
                elements.append(.uint64(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 &* i, as: UInt64.self))))
            }
        case .int64:
            for i in 0..<count {
                elements.append(.int64(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 &* i, as: Int64.self))))
            }
        case .float32:
            for i in 0..<count {
                let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 &* i, as: UInt32.self))
                elements.append(.float32(Float(bitPattern: bits)))
            }
        case .float64:
            for i in 0..<count {
                let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 &* i, as: UInt64.self))
                elements.append(.float64(Double(bitPattern: bits)))
            }
        case .string, .array:
            break
        }
    }
}
