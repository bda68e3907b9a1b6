import JSON
import JSONRPC

/// `instructions/evaluate`: each response's pass rate over a registered instruction's kept functions
/// (`instructionId`) or over the given `functions`. A function that raises, times out or kills its
/// worker on a response fails that response; functions that do not compile are listed in `skipped`.
/// Cancellable between functions and calls. Errors: -33008 (unknown instruction), -33004 (sandbox).
public enum InstructionsEvaluate: RPCMethod, DocumentedMethod {
    public static let name = "instructions/evaluate"
    public static let summary = "Runs verification functions on responses; returns each response's pass rate."

    public struct Params: Codable, Sendable {
        public var instructionId: Int64?
        public var functions: [String]?
        public var responses: [String]
        public var timeoutSeconds: Double?
    }

    public struct Result: Codable, Sendable {
        public var results: [InstructionWire.ResponseResult]
        public var functionCount: Int
        public var skipped: [InstructionWire.SkippedFunction]
        public init(results: [InstructionWire.ResponseResult], functionCount: Int, skipped: [InstructionWire.SkippedFunction]) {
            self.results = results
            self.functionCount = functionCount
            self.skipped = skipped
        }
    }

    public static let params = [InstructionWire.instructionID, InstructionWire.functionsSource,
                                InstructionWire.responses, InstructionWire.timeout, Schema.workDoneToken]
    public static let resultSchema: JSONValue? = Schema.object([
        "results": Schema.array(InstructionWire.responseResultSchema),
        "functionCount": Schema.integer,
        "skipped": InstructionWire.skippedSchema,
    ], required: ["results", "functionCount", "skipped"])
    public static let errors: [ErrorCode] = [.notFound, .sandboxFailure, .storeError]
}
