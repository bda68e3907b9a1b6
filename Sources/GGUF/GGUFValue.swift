import Kernels

/// One metadata value, as stored in a GGUF key/value pair.
///
/// Arrays hold values of a single case in a file (the writer requires that); nested arrays may
/// each have their own element type.
public enum GGUFValue: Sendable, Equatable {
    /// An unsigned 8-bit integer (type 0).
    case uint8(UInt8)
    /// A signed 8-bit integer (type 1).
    case int8(Int8)
    /// An unsigned 16-bit integer (type 2).
    case uint16(UInt16)
    /// A signed 16-bit integer (type 3).
    case int16(Int16)
    /// An unsigned 32-bit integer (type 4).
    case uint32(UInt32)
    /// A signed 32-bit integer (type 5).
    case int32(Int32)
    /// An unsigned 64-bit integer (type 10).
    case uint64(UInt64)
    /// A signed 64-bit integer (type 11).
    case int64(Int64)
    /// An IEEE 754 single-precision float (type 6).
    case float32(Float)
    /// An IEEE 754 double-precision float (type 12).
    case float64(Double)
    /// A bool, stored as one byte that must be 0 or 1 (type 7).
    case bool(Bool)
    /// A UTF-8 string (type 8); invalid UTF-8 in a file is repaired with U+FFFD.
    case string(String)
    /// A typed array (type 9), possibly of arrays.
    case array([GGUFValue])

    /// The value as an `Int` when it is an integer of any width that fits, else nil.
    public var intValue: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(exactly: v)
        default: return nil
        }
    }

    /// The value as a `Double` when it is a float or an integer, else nil.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        case .uint64(let v): return Double(v)
        case .int64(let v): return Double(v)
        default: return intValue.map(Double.init)
        }
    }

    /// The string when the value is a string, else nil.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The flag when the value is a bool, else nil.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements when the value is an array, else nil.
    public var arrayValue: [GGUFValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The type id this value is stored under.
    var valueType: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .uint64: return .uint64
        case .int64: return .int64
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        }
    }
}

/// The metadata value type ids of the GGUF spec (`gguf_metadata_value_type`).
enum GGUFValueType: UInt32 {
    case uint8 = 0
    case int8 = 1
    case uint16 = 2
    case int16 = 3
    case uint32 = 4
    case int32 = 5
    case float32 = 6
    case bool = 7
    case string = 8
    case array = 9
    case uint64 = 10
    case int64 = 11
    case float64 = 12

    /// Bytes of a fixed-size value, or nil for strings and arrays.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    /// The fewest bytes one value of this type can occupy: a string needs its u64 length, an
    /// array its u32 element type and u64 count.
    var minimumSize: Int {
        switch self {
        case .string: return 8
        case .array: return 12
        default: return fixedSize ?? 1
        }
    }

    /// The spec's name for the type, for messages.
    var name: String {
        switch self {
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .uint16: return "uint16"
        case .int16: return "int16"
        case .uint32: return "uint32"
        case .int32: return "int32"
        case .float32: return "float32"
        case .bool: return "bool"
        case .string: return "string"
        case .array: return "array"
        case .uint64: return "uint64"
        case .int64: return "int64"
        case .float64: return "float64"
        }
    }
}

/// One entry of a GGUF file's tensor table.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name (`blk.0.attn_q.weight`, …).
    public let name: String
    /// Dimensions as stored: `shape[0]` is the fastest-varying (GGML's `ne0`, the row length).
    public let shape: [Int]
    /// The element encoding.
    public let type: GGMLType
    /// Byte offset of the data within the data section (not the file).
    public let offset: Int
    /// Bytes of data.
    public let byteCount: Int
    /// Number of elements (the product of `shape`).
    public let elementCount: Int

    /// Creates a tensor table entry; the reader and writer check the fields agree.
    public init(name: String, shape: [Int], type: GGMLType, offset: Int, byteCount: Int, elementCount: Int) {
        self.name = name
        self.shape = shape
        self.type = type
        self.offset = offset
        self.byteCount = byteCount
        self.elementCount = elementCount
    }
}
