/// Typed access to metadata values.
///
/// Each accessor returns nil when the key is absent or holds a value of another kind, so callers
/// can write `file.integer("llama.block_count") ?? default`.
extension GGUFFile {
    /// The string stored under `key`.
    public func string(_ key: String) -> String? {
        metadata[key]?.stringValue
    }

    /// The integer stored under `key`, of any integer type, when it fits in `Int`.
    public func integer(_ key: String) -> Int? {
        metadata[key]?.intValue
    }

    /// The number stored under `key`: a float32/float64, or an integer converted to `Double`.
    public func float(_ key: String) -> Double? {
        metadata[key]?.doubleValue
    }

    /// The bool stored under `key`.
    public func bool(_ key: String) -> Bool? {
        metadata[key]?.boolValue
    }

    /// The array stored under `key`, elements as stored.
    public func array(_ key: String) -> [GGUFValue]? {
        metadata[key]?.arrayValue
    }

    /// The array of strings stored under `key` (nil unless every element is a string).
    public func stringArray(_ key: String) -> [String]? {
        guard let elements = metadata[key]?.arrayValue else { return nil }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element else { return nil }
            result.append(text)
        }
        return result
    }

    /// The array of numbers stored under `key` as `Double` (floats or integers; nil otherwise).
    public func floatArray(_ key: String) -> [Double]? {
        guard let elements = metadata[key]?.arrayValue else { return nil }
        var result: [Double] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            switch element {
            case .float32(let value): result.append(Double(value))
            case .float64(let value): result.append(value)
            default:
                guard let value = element.doubleValue else { return nil }
                result.append(value)
            }
        }
        return result
    }

    /// The array of integers stored under `key` (nil unless every element is an integer fitting `Int`).
    public func integerArray(_ key: String) -> [Int]? {
        guard let elements = metadata[key]?.arrayValue else { return nil }
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let value = element.intValue else { return nil }
            result.append(value)
        }
        return result
    }
}
