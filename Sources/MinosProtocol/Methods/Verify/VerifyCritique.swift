import JSON
import JSONRPC

/// `verify/critique`: a model writes step-by-step feedback on a solution (Math-Minos's stage-1
/// form: "Step k: … This step is True/False", then "The final answer is True/False"), rendered with
/// the model's chat template and generated greedily by default; the reply has the feedback and its
/// parsed per-step verdicts and final verdict (null where the feedback gives none).
/// Errors: -33000, -33002, -32602 (bad sampling values).
public enum VerifyCritique: RPCMethod, DocumentedMethod {
    public static let name = "verify/critique"
    public static let summary = "Generates step-by-step feedback on a solution and parses its per-step and final verdicts."

    public struct Params: Codable, Sendable {
        public var model: String
        public var question: String
        public var solution: String
        public var maxTokens: Int
        public var temperature: Double
        public var seed: UInt64?
    }

    public struct Result: Codable, Sendable {
        public struct Step: Codable, Sendable {
            public var step: Int
            public var text: String
            public var correct: Bool?
            public init(step: Int, text: String, correct: Bool?) {
                self.step = step
                self.text = text
                self.correct = correct
            }
        }
        public var feedback: String
        public var steps: [Step]
        public var final: Bool?
        public init(feedback: String, steps: [Step], final: Bool?) {
            self.feedback = feedback
            self.steps = steps
            self.final = final
        }
    }

    public static let params = [
        ParamDoc("model", "The critic model (loaded).", Schema.string, required: true),
        ParamDoc("question", "The problem.", Schema.string, required: true),
        ParamDoc("solution", "The solution to critique.", Schema.string, required: true),
        ParamDoc("maxTokens", "Most feedback tokens.", Schema.integer(minimum: 1), default: 512),
        ParamDoc("temperature", "Sampling temperature; 0 is greedy.", ["type": "number", "minimum": 0, "maximum": 100], default: 0),
        ParamDoc("seed", "Random seed.", Schema.integer(minimum: 0)),
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "feedback": Schema.string,
        "steps": Schema.array(Schema.object(["step": Schema.integer, "text": Schema.string, "correct": Schema.boolean],
                                            required: ["step", "text"])),
        "final": Schema.boolean,
    ], required: ["feedback", "steps"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow]
}
