import JSON
import JSONRPC

/// Shapes shared by the `instructions/*` verification-function methods.
public enum InstructionWire {
    public struct Case: Codable, Sendable, Equatable {
        public var input: String
        public var output: Bool
        public init(input: String, output: Bool) {
            self.input = input
            self.output = output
        }
    }

    public struct FunctionScore: Codable, Sendable, Equatable {
        public var index: Int
        public var kept: Bool
        public var accuracy: Double?
        public var reason: String?
        /// The source, included by `instructions/get` and in refusals.
        public var source: String?
        public init(index: Int, kept: Bool, accuracy: Double?, reason: String?, source: String?) {
            self.index = index
            self.kept = kept
            self.accuracy = accuracy
            self.reason = reason
            self.source = source
        }
    }

    public struct CaseScore: Codable, Sendable, Equatable {
        public var input: String
        public var output: Bool
        public var kept: Bool
        public var agreeing: Int
        public init(input: String, output: Bool, kept: Bool, agreeing: Int) {
            self.input = input
            self.output = output
            self.kept = kept
            self.agreeing = agreeing
        }
    }

    /// An instruction with its cross-validation results.
    public struct Instruction: Codable, Sendable, Equatable {
        public var id: Int64
        public var instruction: String
        public var createdAt: Double
        public var minAccuracy: Double
        public var keptFunctions: Int
        public var keptCases: Int
        public var functions: [FunctionScore]
        public var cases: [CaseScore]
        public init(id: Int64, instruction: String, createdAt: Double, minAccuracy: Double, keptFunctions: Int,
                    keptCases: Int, functions: [FunctionScore], cases: [CaseScore]) {
            self.id = id
            self.instruction = instruction
            self.createdAt = createdAt
            self.minAccuracy = minAccuracy
            self.keptFunctions = keptFunctions
            self.keptCases = keptCases
            self.functions = functions
            self.cases = cases
        }
    }

    /// One response's execution feedback.
    public struct ResponseResult: Codable, Sendable, Equatable {
        public struct Outcome: Codable, Sendable, Equatable {
            public var function: Int
            public var passed: Bool
            public var error: String?
            public init(function: Int, passed: Bool, error: String?) {
                self.function = function
                self.passed = passed
                self.error = error
            }
        }
        public var index: Int
        public var passRate: Double
        public var passed: Int
        public var total: Int
        public var outcomes: [Outcome]
        public init(index: Int, passRate: Double, passed: Int, total: Int, outcomes: [Outcome]) {
            self.index = index
            self.passRate = passRate
            self.passed = passed
            self.total = total
            self.outcomes = outcomes
        }
    }

    public struct SkippedFunction: Codable, Sendable, Equatable {
        public var index: Int
        public var reason: String
        public init(index: Int, reason: String) {
            self.index = index
            self.reason = reason
        }
    }

    static let caseSchema = Schema.object(["input": Schema.string, "output": Schema.boolean], required: ["input", "output"])
    static let functionScoreSchema = Schema.object([
        "index": Schema.integer, "kept": Schema.boolean, "accuracy": Schema.number,
        "reason": Schema.string, "source": Schema.string,
    ], required: ["index", "kept"])
    static let caseScoreSchema = Schema.object([
        "input": Schema.string, "output": Schema.boolean, "kept": Schema.boolean, "agreeing": Schema.integer,
    ], required: ["input", "output", "kept", "agreeing"])
    static let instructionSchema = Schema.object([
        "id": Schema.integer, "instruction": Schema.string, "createdAt": Schema.number,
        "minAccuracy": Schema.number, "keptFunctions": Schema.integer, "keptCases": Schema.integer,
        "functions": Schema.array(functionScoreSchema), "cases": Schema.array(caseScoreSchema),
    ], required: ["id", "instruction", "createdAt", "minAccuracy", "keptFunctions", "keptCases", "functions", "cases"])
    static let responseResultSchema = Schema.object([
        "index": Schema.integer, "passRate": Schema.number, "passed": Schema.integer, "total": Schema.integer,
        "outcomes": Schema.array(Schema.object(["function": Schema.integer, "passed": Schema.boolean, "error": Schema.string],
                                               required: ["function", "passed"])),
    ], required: ["index", "passRate", "passed", "total", "outcomes"])
    static let skippedSchema = Schema.array(Schema.object(["index": Schema.integer, "reason": Schema.string],
                                                          required: ["index", "reason"]))

    static let functionsSource = ParamDoc(
        "functions", "Python sources, each defining `evaluate(response) -> bool` (instead of instructionId).",
        Schema.array(Schema.string))
    static let instructionID = ParamDoc("instructionId", "A registered instruction whose kept functions to use.", Schema.integer)
    static let responses = ParamDoc("responses", "The responses to check.", Schema.array(Schema.string), required: true)
    static let timeout = ParamDoc("timeoutSeconds", "Per-call time limit in seconds (default: the daemon's, 5 s; above 0, at most 300).",
                                  ["type": "number", "exclusiveMinimum": 0, "maximum": 300])
}

extension ErrorCode {
    /// Cross-validation refused an instruction: too few functions or cases survived. `data` holds
    /// the reasons and every function's and case's score.
    public static let instructionRejected = ErrorCode(rawValue: -33009)
}
