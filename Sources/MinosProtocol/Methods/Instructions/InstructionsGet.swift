import JSON
import JSONRPC

/// `instructions/get`: one registered instruction with every function (source, accuracy, kept) and case.
/// Errors: -33008 when there is no instruction with that id.
public enum InstructionsGet: RPCMethod, DocumentedMethod {
    public static let name = "instructions/get"
    public static let summary = "Returns a registered instruction with its functions, cases and scores."

    public struct Params: Codable, Sendable {
        public var id: Int64
    }

    public typealias Result = InstructionWire.Instruction

    public static let params = [ParamDoc("id", "The instruction's id.", Schema.integer, required: true)]
    public static let resultSchema: JSONValue? = InstructionWire.instructionSchema
    public static let errors: [ErrorCode] = [.notFound, .storeError]
}
