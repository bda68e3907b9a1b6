import JSON
import JSONRPC

/// `backend/list`: every stored backend, by name. API keys are never returned, only the names of
/// the variables that hold them.
public enum BackendList: RPCMethod, DocumentedMethod {
    public static let name = "backend/list"
    public static let summary = "Lists the stored generation backends (never an API key)."
    public typealias Params = NoParams

    public struct Result: Codable, Sendable {
        public var backends: [BackendWire]
        public init(backends: [BackendWire]) { self.backends = backends }
    }

    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = Schema.object(["backends": Schema.array(BackendWire.schema)], required: ["backends"])
    public static let errors: [ErrorCode] = [.storeError]
}
