import JSON
import JSONRPC

/// `backend/add`: defines a named generation backend for routing and stores it (replacing one of
/// the same name); definitions survive restarts. A local backend names a model loaded in this
/// daemon (it need not be loaded yet); a remote one an OpenAI-compatible endpoint (`baseURL`), the
/// model to ask it for, and optionally the environment variable holding its API key. Errors:
/// -32602 for a bad definition (naming the field), -33005 when the store fails.
public enum BackendAdd: RPCMethod, DocumentedMethod {
    public static let name = "backend/add"
    public static let summary = "Defines (or replaces) a named generation backend: a local model or a remote OpenAI-compatible endpoint."

    public typealias Params = BackendWire
    public typealias Result = BackendWire

    public static let params = BackendWire.params
    public static let resultSchema: JSONValue? = BackendWire.schema
    public static let errors: [ErrorCode] = [.storeError]
}
