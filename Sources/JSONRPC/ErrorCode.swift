/// A JSON-RPC error code. A struct with static constants rather than an enum, so a module can add
/// codes (Minos's own range is declared in `MinosProtocol`) without breaking any caller.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The message was not valid JSON, or its framing could not be read.
    public static let parseError = ErrorCode(rawValue: -32700)
    /// The message was JSON but not a valid request (or arrived after shutdown).
    public static let invalidRequest = ErrorCode(rawValue: -32600)
    /// No method of that name.
    public static let methodNotFound = ErrorCode(rawValue: -32601)
    /// The params were missing, of the wrong type, or out of range; `data.path` names the field.
    public static let invalidParams = ErrorCode(rawValue: -32602)
    /// The server failed while handling a valid request.
    public static let internalError = ErrorCode(rawValue: -32603)
    /// A request other than `initialize` arrived before `initialize` (LSP).
    public static let serverNotInitialized = ErrorCode(rawValue: -32002)
    /// The request was cancelled by `$/cancelRequest` or by the server shutting down (LSP).
    public static let requestCancelled = ErrorCode(rawValue: -32800)

    public var description: String { "\(rawValue)" }
}
