import JSON
import JSONRPC

/// `initialized` (notification): the client has read the `initialize` reply. Informational only.
public enum Initialized: RPCNotification, DocumentedMethod {
    public static let name = "initialized"
    public static let summary = "Notification: the client has processed the initialize result."
    public typealias Params = NoParams
    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = nil
}
