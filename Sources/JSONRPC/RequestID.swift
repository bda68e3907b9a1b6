import JSON

/// A JSON-RPC request id: an integer or a string.
public enum RequestID: Hashable, Sendable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    /// Reads an id from its JSON form; nil for anything that is not an integer or a string.
    public init?(_ value: JSONValue) {
        switch value {
        case .int(let i): self = .int(i)
        case .string(let s): self = .string(s)
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: self = .int(Int64(d))
        default: return nil
        }
    }

    public var json: JSONValue {
        switch self {
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        }
    }

    public var description: String {
        switch self {
        case .int(let i): return "\(i)"
        case .string(let s): return "\"\(s)\""
        }
    }
}
