import JSON
import JSONRPC

/// `exit` (notification): flushes the store and ends the process, with exit code 0 if `shutdown`
/// came first and 1 otherwise (as in LSP).
public enum Exit: RPCNotification, DocumentedMethod {
    public static let name = "exit"
    public static let summary = "Notification: exit now (code 0 after shutdown, 1 otherwise)."
    public typealias Params = NoParams
    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = nil
}
