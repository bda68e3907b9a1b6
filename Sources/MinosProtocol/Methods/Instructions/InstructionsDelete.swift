import JSON
import JSONRPC

/// `instructions/delete`: removes a registered instruction and its functions and cases.
/// Errors: -33008 when there is no instruction with that id.
public enum InstructionsDelete: RPCMethod, DocumentedMethod {
    public static let name = "instructions/delete"
    public static let summary = "Deletes a registered instruction."

    public struct Params: Codable, Sendable {
        public var id: Int64
    }

    public struct Result: Codable, Sendable {
        public var deleted: Int64
        public init(deleted: Int64) { self.deleted = deleted }
    }

    public static let params = [ParamDoc("id", "The instruction's id.", Schema.integer, required: true)]
    public static let resultSchema: JSONValue? = Schema.object(["deleted": Schema.integer], required: ["deleted"])
    public static let errors: [ErrorCode] = [.notFound, .storeError]
}
