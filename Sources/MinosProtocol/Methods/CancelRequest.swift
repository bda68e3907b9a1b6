import JSON
import JSONRPC

/// `$/cancelRequest` (notification): cancels the request with the given id. That request still gets
/// exactly one reply: error -32800, sent at once. Unknown or finished ids are ignored.
public enum CancelRequest: RPCNotification, DocumentedMethod {
    public static let name = "$/cancelRequest"
    public static let summary = "Notification: cancel an in-flight request; it replies -32800."

    public struct Params: Codable, Sendable {
        public var id: JSONValue
    }

    public static let params = [
        ParamDoc("id", "The id of the request to cancel.",
                 Schema.oneOf(["type": "string"], ["type": "integer"]), required: true),
    ]
    public static let resultSchema: JSONValue? = nil
}
