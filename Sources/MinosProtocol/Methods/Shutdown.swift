import JSON
import JSONRPC

/// `shutdown`: asks the server to get ready to exit. Replies null; from then on every request
/// gets -32600 and only the `exit` notification is acted on.
public enum Shutdown: RPCMethod, DocumentedMethod {
    public static let name = "shutdown"
    public static let summary = "Prepares to exit; afterwards requests get -32600 until `exit`."
    public typealias Params = NoParams
    public typealias Result = NullResult
    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = Schema.null
}
