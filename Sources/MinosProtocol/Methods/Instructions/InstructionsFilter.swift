import JSON
import JSONRPC

/// `instructions/filter`: AutoIF's rejection sampling. Keeps responses whose pass rate is above
/// `threshold` and, with `pairs: true`, emits DPO pairs: a chosen response (pass rate
/// ≥ 0.5) with a rejected one (pass rate 0), at most `maxPairs`.
public enum InstructionsFilter: RPCMethod, DocumentedMethod {
    public static let name = "instructions/filter"
    public static let summary = "Keeps responses above a pass-rate threshold (AutoIF) and can emit DPO pairs."

    public struct Params: Codable, Sendable {
        public var instructionId: Int64?
        public var functions: [String]?
        public var responses: [String]
        public var threshold: Double
        public var pairs: Bool
        public var maxPairs: Int
        public var timeoutSeconds: Double?
    }

    public struct Result: Codable, Sendable {
        public struct Pair: Codable, Sendable, Equatable {
            public var chosen: String
            public var rejected: String
            public var chosenIndex: Int
            public var rejectedIndex: Int
            public init(chosen: String, rejected: String, chosenIndex: Int, rejectedIndex: Int) {
                self.chosen = chosen
                self.rejected = rejected
                self.chosenIndex = chosenIndex
                self.rejectedIndex = rejectedIndex
            }
        }
        public var kept: [Int]
        public var passRates: [Double]
        public var pairs: [Pair]?
        public var skipped: [InstructionWire.SkippedFunction]
        public init(kept: [Int], passRates: [Double], pairs: [Pair]?, skipped: [InstructionWire.SkippedFunction]) {
            self.kept = kept
            self.passRates = passRates
            self.pairs = pairs
            self.skipped = skipped
        }
    }

    public static let params = [
        InstructionWire.instructionID, InstructionWire.functionsSource, InstructionWire.responses,
        ParamDoc("threshold", "Keep responses whose pass rate is above this.", ["type": "number", "minimum": 0, "maximum": 1], default: 0.5),
        ParamDoc("pairs", "Also return DPO pairs (chosen: pass rate ≥ 0.5, rejected: 0).", Schema.boolean, default: false),
        ParamDoc("maxPairs", "At most this many pairs.", Schema.integer(minimum: 0, maximum: 100_000), default: 100),
        InstructionWire.timeout, Schema.workDoneToken,
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "kept": Schema.array(Schema.integer),
        "passRates": Schema.array(Schema.number),
        "pairs": Schema.array(Schema.object([
            "chosen": Schema.string, "rejected": Schema.string, "chosenIndex": Schema.integer, "rejectedIndex": Schema.integer,
        ], required: ["chosen", "rejected", "chosenIndex", "rejectedIndex"])),
        "skipped": InstructionWire.skippedSchema,
    ], required: ["kept", "passRates", "skipped"])
    public static let errors: [ErrorCode] = [.notFound, .sandboxFailure, .storeError]
}
