import JSON
import JSONRPC

/// `backend/remove`: deletes a stored backend. Errors: -33008 when there is none of that name.
public enum BackendRemove: RPCMethod, DocumentedMethod {
    public static let name = "backend/remove"
    public static let summary = "Deletes a stored generation backend."

    public struct Params: Codable, Sendable {
        public var name: String
    }

    public struct Result: Codable, Sendable {
        public var removed: String
        public init(removed: String) { self.removed = removed }
    }

    public static let params = [ParamDoc("name", "The backend's name.", Schema.string, required: true)]
    public static let resultSchema: JSONValue? = Schema.object(["removed": Schema.string], required: ["removed"])
    public static let errors: [ErrorCode] = [.notFound, .storeError]
}
