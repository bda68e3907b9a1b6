import JSON
import JSONRPC

/// Shapes shared by `instructions/check` and `instructions/checkBatch`.
public enum CheckWire {
    public enum Mode: String, Codable, Sendable {
        case strict, loose, both
    }

    public struct Instruction: Codable, Sendable {
        public var id: String
        public var kwargs: [String: JSONValue]?
    }

    public struct Outcome: Codable, Sendable, Equatable {
        public var id: String
        public var followed: Bool
        public var detail: String
        public init(id: String, followed: Bool, detail: String) {
            self.id = id
            self.followed = followed
            self.detail = detail
        }
    }

    /// One mode's verdicts for one response.
    public struct Verdict: Codable, Sendable, Equatable {
        public var instructions: [Outcome]
        public var allFollowed: Bool
        public init(instructions: [Outcome], allFollowed: Bool) {
            self.instructions = instructions
            self.allFollowed = allFollowed
        }
    }

    /// A response's verdicts in the modes asked for (the other is absent).
    public struct RowResult: Codable, Sendable, Equatable {
        public var strict: Verdict?
        public var loose: Verdict?
        public init(strict: Verdict?, loose: Verdict?) {
            self.strict = strict
            self.loose = loose
        }
    }

    static let instructionSchema = Schema.object(["id": Schema.string, "kwargs": ["type": "object"]], required: ["id"])
    static let verdictSchema = Schema.object([
        "instructions": Schema.array(Schema.object(["id": Schema.string, "followed": Schema.boolean, "detail": Schema.string],
                                                   required: ["id", "followed", "detail"])),
        "allFollowed": Schema.boolean,
    ], required: ["instructions", "allFollowed"])
    static let rowResultSchema = Schema.object(["strict": verdictSchema, "loose": verdictSchema])
    static let mode = ParamDoc("mode", "strict, loose (also try the response without its first/last line and asterisks), or both.",
                               Schema.enumeration(["strict", "loose", "both"]), default: "both")
}

/// `instructions/check`: does one response follow IFEval's verifiable instructions? Each
/// instruction is `{id, kwargs}` with an IFEval id (`keywords:existence`, `length_constraints:number_words`, …)
/// and that instruction's keyword arguments. `combination:repeat_prompt` reads `prompt_to_repeat`
/// from kwargs, or `prompt` when given. Errors: -32602 naming the unknown id or the bad kwarg
/// (`data.path`, e.g. `params.instructions[1].kwargs.relation`).
public enum InstructionsCheck: RPCMethod, DocumentedMethod {
    public static let name = "instructions/check"
    public static let summary = "Checks one response against IFEval's verifiable instructions (strict and/or loose)."

    public struct Params: Codable, Sendable {
        public var response: String
        public var instructions: [CheckWire.Instruction]
        public var prompt: String?
        public var mode: CheckWire.Mode
    }

    public typealias Result = CheckWire.RowResult

    public static let params = [
        ParamDoc("response", "The response to check.", Schema.string, required: true),
        ParamDoc("instructions", "IFEval instructions: {id, kwargs}.", Schema.array(CheckWire.instructionSchema), required: true),
        ParamDoc("prompt", "The prompt, for combination:repeat_prompt when kwargs lack prompt_to_repeat.", Schema.string),
        CheckWire.mode,
    ]
    public static let resultSchema: JSONValue? = CheckWire.rowResultSchema
}

/// `instructions/checkBatch`: many (response, instructions) rows at once, with IFEval's four
/// accuracies: prompt-level (all of a row's instructions followed) and instruction-level, strict
/// and loose. Cancellable between rows.
public enum InstructionsCheckBatch: RPCMethod, DocumentedMethod {
    public static let name = "instructions/checkBatch"
    public static let summary = "Checks many responses against IFEval instructions; returns per-row verdicts and the four accuracies."

    public struct Params: Codable, Sendable {
        public struct Row: Codable, Sendable {
            public var response: String
            public var instructions: [CheckWire.Instruction]
            public var prompt: String?
        }
        public var rows: [Row]
        public var mode: CheckWire.Mode
    }

    public struct Result: Codable, Sendable {
        public struct Accuracy: Codable, Sendable, Equatable {
            public var promptStrict: Double?
            public var instructionStrict: Double?
            public var promptLoose: Double?
            public var instructionLoose: Double?
            public init(promptStrict: Double?, instructionStrict: Double?, promptLoose: Double?, instructionLoose: Double?) {
                self.promptStrict = promptStrict
                self.instructionStrict = instructionStrict
                self.promptLoose = promptLoose
                self.instructionLoose = instructionLoose
            }
        }
        public var rows: [CheckWire.RowResult]
        public var accuracy: Accuracy
        public var checks: Int
        public init(rows: [CheckWire.RowResult], accuracy: Accuracy, checks: Int) {
            self.rows = rows
            self.accuracy = accuracy
            self.checks = checks
        }
    }

    public static let params = [
        ParamDoc("rows", "The rows: {response, instructions, prompt?}.", Schema.array(Schema.object([
            "response": Schema.string, "instructions": Schema.array(CheckWire.instructionSchema), "prompt": Schema.string,
        ], required: ["response", "instructions"])), required: true),
        CheckWire.mode,
        Schema.workDoneToken,
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "rows": Schema.array(CheckWire.rowResultSchema),
        "accuracy": Schema.object(["promptStrict": Schema.number, "instructionStrict": Schema.number,
                                   "promptLoose": Schema.number, "instructionLoose": Schema.number]),
        "checks": Schema.integer,
    ], required: ["rows", "accuracy", "checks"])
}
