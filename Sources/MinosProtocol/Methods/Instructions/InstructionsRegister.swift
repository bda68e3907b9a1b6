import JSON
import JSONRPC

/// `instructions/register`: cross-validates verification functions against test cases as AutoIF
/// does and stores the instruction with its scores. Functions and cases come as `functions` +
/// `cases`, and/or as AutoIF answer objects in `answers` (`{"func", "cases"}` objects, or model
/// replies holding one in a ```json block). Every function runs in the sandbox.
///
/// Errors: -32602 for malformed params or answers; -33009 when too few functions or cases survive
/// (`data.reasons`, `data.functions`, `data.cases`); -33004 when the sandbox cannot run at all.
public enum InstructionsRegister: RPCMethod, DocumentedMethod {
    public static let name = "instructions/register"
    public static let summary = "Cross-validates verification functions against cases (AutoIF) and stores the instruction."

    public struct Params: Codable, Sendable {
        public var instruction: String
        public var functions: [String]
        public var cases: [InstructionWire.Case]
        public var answers: [JSONValue]
        public var minAccuracy: Double
        public var minFunctions: Int
        public var minCases: Int
        public var timeoutSeconds: Double?
    }

    public typealias Result = InstructionWire.Instruction

    public static let params = [
        ParamDoc("instruction", "The instruction the functions verify.", Schema.string, required: true),
        ParamDoc("functions", "Python sources defining `evaluate(response) -> bool`.", Schema.array(Schema.string), default: []),
        ParamDoc("cases", "Labelled test cases.", Schema.array(InstructionWire.caseSchema), default: []),
        ParamDoc("answers", "AutoIF answers: {func, cases} objects or model replies containing one.",
                 Schema.array(Schema.oneOf(Schema.string, Schema.object(["func": Schema.string, "cases": Schema.array(InstructionWire.caseSchema)]))), default: []),
        ParamDoc("minAccuracy", "Keep functions at or above this accuracy on kept cases.", ["type": "number", "minimum": 0, "maximum": 1], default: 0.8),
        ParamDoc("minFunctions", "Refuse unless at least this many functions survive.", Schema.integer(minimum: 0, maximum: 10_000), default: 1),
        ParamDoc("minCases", "Refuse unless at least this many cases survive.", Schema.integer(minimum: 0, maximum: 100_000), default: 1),
        InstructionWire.timeout,
    ]
    public static let resultSchema: JSONValue? = InstructionWire.instructionSchema
    public static let errors: [ErrorCode] = [.instructionRejected, .sandboxFailure, .storeError]
}
