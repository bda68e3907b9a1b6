import JSON
import JSONRPC

/// `verify/rank`: best-of-N. Extracts each candidate's final answer and groups equivalent answers,
/// then chooses by `method`: `majority` (self-consistency vote, no model), `verifier` (the candidate
/// the verifier scores highest), `weighted` (verifier scores summed per distinct answer: Math-Minos's
/// SC+verifier), `verifierMajority` (a vote among the better-scored half). Verifier scores are the
/// minimum step probability for `math-shepherd`, else the outcome probability; the question's prefix
/// is computed once and its KV cache shared by every candidate. With `reference`, each candidate
/// and the choice are marked correct or not. Errors: -32602 (no candidates, a verifier method
/// without `model`), -33000.
public enum VerifyRank: RPCMethod, DocumentedMethod {
    public static let name = "verify/rank"
    public static let summary = "Best-of-N: majority vote, verifier score, or verifier-weighted vote over candidate solutions."

    public enum Method: String, Codable, Sendable {
        case majority, verifier, weighted, verifierMajority
    }

    public struct Params: Codable, Sendable {
        public var question: String
        public var candidates: [String]
        public var reference: String?
        public var method: Method
        public var model: String?
        public var profile: String
    }

    public struct Result: Codable, Sendable {
        public struct Group: Codable, Sendable {
            public var answer: String
            public var candidates: [Int]
            public var votes: Int
            public var weight: Double?
            public init(answer: String, candidates: [Int], votes: Int, weight: Double?) {
                self.answer = answer
                self.candidates = candidates
                self.votes = votes
                self.weight = weight
            }
        }
        public struct Candidate: Codable, Sendable {
            public var index: Int
            public var answer: String?
            public var score: Double?
            public var correct: Bool?
            public init(index: Int, answer: String?, score: Double?, correct: Bool?) {
                self.index = index
                self.answer = answer
                self.score = score
                self.correct = correct
            }
        }
        public var method: String
        public var chosen: Int?
        public var answer: String?
        public var support: Double
        public var correct: Bool?
        public var groups: [Group]
        public var candidates: [Candidate]
        public init(method: String, chosen: Int?, answer: String?, support: Double, correct: Bool?, groups: [Group], candidates: [Candidate]) {
            self.method = method
            self.chosen = chosen
            self.answer = answer
            self.support = support
            self.correct = correct
            self.groups = groups
            self.candidates = candidates
        }
    }

    public static let params = [
        ParamDoc("question", "The problem.", Schema.string, required: true),
        ParamDoc("candidates", "Candidate solutions.", Schema.array(Schema.string), required: true),
        ParamDoc("reference", "The correct answer, to mark candidates and the choice.", Schema.string),
        ParamDoc("method", "majority, verifier, weighted or verifierMajority.",
                 Schema.enumeration(["majority", "verifier", "weighted", "verifierMajority"]), default: "majority"),
        ParamDoc("model", "The verifier model (for the verifier methods).", Schema.string),
        VerifyWire.profile,
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "method": Schema.string, "chosen": Schema.integer, "answer": Schema.string, "support": Schema.number,
        "correct": Schema.boolean,
        "groups": Schema.array(Schema.object(["answer": Schema.string, "candidates": Schema.array(Schema.integer),
                                              "votes": Schema.integer, "weight": Schema.number],
                                             required: ["answer", "candidates", "votes"])),
        "candidates": Schema.array(Schema.object(["index": Schema.integer, "answer": Schema.string, "score": Schema.number,
                                                  "correct": Schema.boolean], required: ["index"])),
    ], required: ["method", "support", "groups", "candidates"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .contextOverflow]
}
