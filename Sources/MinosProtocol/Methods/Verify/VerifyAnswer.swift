import JSON
import JSONRPC

/// Shapes shared by `verify/answer` and `verify/answerBatch`.
public enum VerifyWire {
    public enum Kind: String, Codable, Sendable {
        case auto, number, expression, choice, text
    }

    /// How `reference` is read: `auto` (a worked solution when it holds `\boxed{}`, `####` or "the answer
    /// is", else the answer itself), `answer` (always as given) or `solution` (always extracted).
    public enum ReferenceForm: String, Codable, Sendable {
        case auto, answer, solution
    }

    /// One answer-and-reference pair: `solution` (the answer is extracted from it) or `answer`.
    public struct Pair: Codable, Sendable {
        public var solution: String?
        public var answer: String?
        public var reference: String
        public var kind: Kind?
        public var referenceForm: ReferenceForm
    }

    public struct Verdict: Codable, Sendable, Equatable {
        public var equivalent: Bool
        /// The answer taken from `solution`, and how ("boxed", "gsm8k", "the answer is", "whole",
        /// "last math", "last number"; "given" for `answer`).
        public var extracted: String?
        public var extraction: String?
        /// The answer taken from a reference read as a solution, and how the reference was read (as
        /// `extraction`; "given" when used as it is).
        public var extractedReference: String?
        public var referenceExtraction: String?
        public var normalizedAnswer: String
        public var normalizedReference: String
        public var reason: String
        public init(equivalent: Bool, extracted: String?, extraction: String?, extractedReference: String? = nil,
                    referenceExtraction: String? = nil, normalizedAnswer: String,
                    normalizedReference: String, reason: String) {
            self.equivalent = equivalent
            self.extracted = extracted
            self.extraction = extraction
            self.extractedReference = extractedReference
            self.referenceExtraction = referenceExtraction
            self.normalizedAnswer = normalizedAnswer
            self.normalizedReference = normalizedReference
            self.reason = reason
        }
    }

    static let kindSchema = Schema.enumeration(["auto", "number", "expression", "choice", "text"])
    static let kind = ParamDoc("kind", "How to compare: auto, number, expression, choice or text.", kindSchema, default: "auto")
    static let referenceFormSchema: JSONValue = ["type": "string", "enum": ["auto", "answer", "solution"], "default": "auto"]
    /// The verifier profile of the model-backed methods: a built-in one (math-shepherd, math-minos,
    /// judge) or one saved with verify/profiles/save.
    static let profile = ParamDoc("profile", "Verifier profile: math-shepherd, math-minos, judge or a saved one.", Schema.string,
                                  default: "math-shepherd")
    static let referenceForm = ParamDoc(
        "referenceForm",
        "How to read reference: auto (a worked solution when it holds \\boxed{}, #### or \"the answer is\", "
            + "else the answer itself), answer (as given) or solution (its answer is extracted).",
        Schema.enumeration(["auto", "answer", "solution"]), default: "auto")
    static let pairProperties: [String: JSONValue] = [
        "solution": Schema.string, "answer": Schema.string, "reference": Schema.string,
        "kind": kindSchema,
        "referenceForm": referenceFormSchema,
    ]
    static let verdictSchema = Schema.object([
        "equivalent": Schema.boolean, "extracted": Schema.string, "extraction": Schema.string,
        "extractedReference": Schema.string, "referenceExtraction": Schema.string,
        "normalizedAnswer": Schema.string, "normalizedReference": Schema.string, "reason": Schema.string,
    ], required: ["equivalent", "normalizedAnswer", "normalizedReference", "reason"])
}

/// `verify/answer`: does a math answer match the reference, by rule (no model)? Give the whole
/// `solution` (the final answer is extracted: last `\boxed{}`, GSM8K's `#### N`, "The answer is …",
/// else the whole text when it is one bare answer such as `\frac{1}{2}`, else the last `$…$` span when it
/// is one, else the last number) or the
/// bare `answer`. A `reference` holding one of those markers is a worked solution and its answer is
/// extracted the same way (`referenceForm` overrides). `extraction` and `referenceExtraction` say how
/// each side was read. Numbers, fractions, percentages, units, intervals, tuples and sets, radicals
/// and π, and algebraic expressions are compared as docs/answers.md says.
/// Errors: -32602 when neither or both of solution and answer are given.
public enum VerifyAnswer: RPCMethod, DocumentedMethod {
    public static let name = "verify/answer"
    public static let summary = "Checks a math answer (or a solution's final answer) against a reference, by rule."

    public typealias Params = VerifyWire.Pair
    public typealias Result = VerifyWire.Verdict

    public static let params = [
        ParamDoc("solution", "A full solution; its final answer is extracted.", Schema.string),
        ParamDoc("answer", "The answer itself (instead of solution).", Schema.string),
        ParamDoc("reference", "The correct answer, or a worked solution that holds it.", Schema.string, required: true),
        VerifyWire.kind,
        VerifyWire.referenceForm,
    ]
    public static let resultSchema: JSONValue? = VerifyWire.verdictSchema
}

/// `verify/answerBatch`: `verify/answer` for many pairs at once, with the fraction equivalent.
/// Cancellable between pairs. A pair with neither or both of solution/answer fails the request
/// with -32602 naming it (`params.pairs[3]`).
public enum VerifyAnswerBatch: RPCMethod, DocumentedMethod {
    public static let name = "verify/answerBatch"
    public static let summary = "Checks many answer/reference pairs at once; returns each verdict and the accuracy."

    public struct Params: Codable, Sendable {
        public var pairs: [VerifyWire.Pair]
        public var kind: VerifyWire.Kind
    }

    public struct Result: Codable, Sendable {
        public var verdicts: [VerifyWire.Verdict]
        public var accuracy: Double?
        public init(verdicts: [VerifyWire.Verdict], accuracy: Double?) {
            self.verdicts = verdicts
            self.accuracy = accuracy
        }
    }

    public static let params = [
        ParamDoc("pairs", "The pairs: {solution | answer, reference, kind?, referenceForm?}.",
                 Schema.array(Schema.object(VerifyWire.pairProperties, required: ["reference"])), required: true),
        ParamDoc("kind", "Comparison for pairs that do not say.", VerifyWire.kindSchema, default: "auto"),
        Schema.workDoneToken,
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "verdicts": Schema.array(VerifyWire.verdictSchema), "accuracy": Schema.number,
    ], required: ["verdicts"])
}
