import JSON
import JSONRPC

/// `verify/steps`: scores a solution step by step with a verifier model, reading every step's score
/// from one forward pass: after each step the profile's marker is placed, and the probability of
/// its positive label against its negative one is the step's score. Built-in profiles:
/// `math-shepherd` (a `ки` tag after each step, `+`/`-`), `math-minos` ("True"/"False"), `judge`
/// ("yes"/"no"). Aggregates: `min` (Math-Shepherd's convention), `product`, `last`, `mean`.
/// Errors: -33000 (model not loaded), -32602 (unknown profile, no steps), -33002 (too long).
public enum VerifySteps: RPCMethod, DocumentedMethod {
    public static let name = "verify/steps"
    public static let summary = "Scores each step of a solution with a verifier model (one forward pass), with min/product/last/mean."

    public struct Params: Codable, Sendable {
        public var model: String
        public var profile: String
        public var question: String
        public var solution: String?
        public var steps: [String]?
    }

    public struct Result: Codable, Sendable {
        public struct Step: Codable, Sendable {
            public var text: String
            public var probability: Double
            public var logOdds: Double
            public init(text: String, probability: Double, logOdds: Double) {
                self.text = text
                self.probability = probability
                self.logOdds = logOdds
            }
        }
        public struct Aggregates: Codable, Sendable {
            public var min: Double
            public var product: Double
            public var last: Double
            public var mean: Double
            public init(min: Double, product: Double, last: Double, mean: Double) {
                self.min = min
                self.product = product
                self.last = last
                self.mean = mean
            }
        }
        public var profile: String
        public var steps: [Step]
        public var aggregates: Aggregates
        public var tokens: Int
        public init(profile: String, steps: [Step], aggregates: Aggregates, tokens: Int) {
            self.profile = profile
            self.steps = steps
            self.aggregates = aggregates
            self.tokens = tokens
        }
    }

    static let stepSchema = Schema.object(["text": Schema.string, "probability": Schema.number, "logOdds": Schema.number],
                                          required: ["text", "probability", "logOdds"])
    public static let params = [
        ParamDoc("model", "The verifier model (loaded).", Schema.string, required: true),
        VerifyWire.profile,
        ParamDoc("question", "The problem.", Schema.string, required: true),
        ParamDoc("solution", "The solution, split into steps by the profile.", Schema.string),
        ParamDoc("steps", "The steps themselves (instead of solution).", Schema.array(Schema.string)),
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "profile": Schema.string, "steps": Schema.array(stepSchema),
        "aggregates": Schema.object(["min": Schema.number, "product": Schema.number, "last": Schema.number, "mean": Schema.number],
                                    required: ["min", "product", "last", "mean"]),
        "tokens": Schema.integer,
    ], required: ["profile", "steps", "aggregates", "tokens"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow]
}

/// `verify/outcome`: scores a whole solution once, at the profile's outcome marker (e.g. Math-Minos's
/// "The final answer is" → True/False). Errors as `verify/steps`.
public enum VerifyOutcome: RPCMethod, DocumentedMethod {
    public static let name = "verify/outcome"
    public static let summary = "Scores a whole solution with a verifier model: P(correct) and its log-odds."

    public struct Params: Codable, Sendable {
        public var model: String
        public var profile: String
        public var question: String
        public var solution: String
    }

    public typealias Result = VerifySteps.Result.Step

    public static let params = [
        ParamDoc("model", "The verifier model (loaded).", Schema.string, required: true),
        VerifyWire.profile,
        ParamDoc("question", "The problem.", Schema.string, required: true),
        ParamDoc("solution", "The solution.", Schema.string, required: true),
    ]
    public static let resultSchema: JSONValue? = VerifySteps.stepSchema
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow]
}
