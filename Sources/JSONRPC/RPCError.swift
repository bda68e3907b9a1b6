import JSON

/// An error as it goes on the wire: code, message, optional structured data.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var data: JSONValue?

    public init(_ code: ErrorCode, _ message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// An invalid-params error naming the offending field by its JSON path (`params.messages[2].role`).
    public static func invalidParams(_ message: String, path: String) -> RPCError {
        RPCError(.invalidParams, message, data: ["path": .string(path)])
    }

    public static func cancelled(_ reason: String = "request cancelled") -> RPCError {
        RPCError(.requestCancelled, reason)
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = ["code": .int(Int64(code.rawValue)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension RPCError {
    /// The wire form of a decoding failure in params.
    public init(params error: JSONError) {
        let path = error.path.isEmpty ? "params" : error.path
        self = .invalidParams("invalid params: \(path): \(error.message)", path: path)
    }
}
