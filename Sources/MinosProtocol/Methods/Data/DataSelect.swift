import JSON
import JSONRPC

/// `data/select`: DiverseEvol-style diverse subset selection. The examples (`texts`, a JSONL
/// `file` whose lines are Alpaca `{instruction, input, output}` or ShareGPT `{conversations}` —
/// decided per line — or a `dataset` stored with `data/import`; an example's text is its parts
/// joined by newlines) are embedded with the loaded `model` in batches of 64 (progress every 1,000
/// examples, cancellation between batches) into one Float32 matrix reserved against the memory
/// budget (-33001 when it does not fit), then selected by greedy k-center under `metric` on a
/// thread of its own (cancellable). With `rounds` = 1: a seeded random first
/// point, then k − 1 farthest points; `radii` has the coverage radius (largest distance of any
/// example to its nearest selected one) after each addition. With `rounds` > 1: `perRound`
/// (default ⌈k / rounds⌉) random examples, then k-center rounds of `perRound` until `rounds`
/// rounds or k examples; `radii` has one radius per round. `vendi.selected` and `vendi.random`
/// are Vendi scores (cosine kernel) of the selection and of a seeded random subset of the same
/// size, each computed on a seeded sample of at most 1,000 vectors (`vendi.sampled` says how many).
/// Errors: -33000 (model not loaded), -33001 (the matrix does not fit the budget), -33002 (an
/// example longer than the context), -33008 (no such dataset), -32602 (not exactly one of texts,
/// file and dataset; k beyond the examples; a bad JSONL line: `data.line`), -32603 (the file cannot
/// be read), -32800 (cancelled).
public enum DataSelect: RPCMethod, DocumentedMethod {
    public static let name = "data/select"
    public static let summary = "Selects a diverse subset of examples by k-center over embeddings (DiverseEvol), with Vendi scores."

    /// The distances k-center can use.
    public static let metrics = ["cosine", "euclidean"]

    public struct Params: Codable, Sendable {
        public var model: String
        public var texts: [String]?
        public var file: String?
        public var dataset: String?
        public var pooling: TextEmbed.Pooling
        public var k: Int
        public var metric: String
        public var rounds: Int
        public var perRound: Int?
        public var seed: Int
    }

    /// Vendi scores of the selection and of a random subset of its size.
    public struct Vendi: Codable, Sendable, Equatable {
        public var selected: Double
        public var random: Double
        /// Vectors each score was computed on (at most 1,000, drawn with the seed).
        public var sampled: Int
        public init(selected: Double, random: Double, sampled: Int) {
            self.selected = selected
            self.random = random
            self.sampled = sampled
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Selected example indices (0-based, in input order), in selection order.
        public var indices: [Int]
        public var radii: [Float]
        public var vendi: Vendi
        /// How many examples were read and embedded.
        public var examples: Int
        public init(indices: [Int], radii: [Float], vendi: Vendi, examples: Int) {
            self.indices = indices
            self.radii = radii
            self.vendi = vendi
            self.examples = examples
        }
    }

    public static let params = [
        ModelWire.model,
        ParamDoc("texts", "The examples as texts (give one of texts, file and dataset).",
                 Schema.array(Schema.string, minItems: 1, maxItems: 1_000_000)),
        ParamDoc("file", "A JSONL file of Alpaca or ShareGPT examples.", Schema.string),
        ParamDoc("dataset", "A dataset stored with data/import.", Schema.string),
        ParamDoc("pooling", "mean (every token), cls (the first token) or last (the last token).",
                 Schema.enumeration(TextEmbed.Pooling.allCases.map(\.rawValue)), default: "mean"),
        ParamDoc("k", "How many examples to select.", Schema.integer(minimum: 1), required: true),
        ParamDoc("metric", "The k-center distance: cosine (1 − cos) or euclidean.", Schema.enumeration(metrics), default: "cosine"),
        ParamDoc("rounds", "DiverseEvol rounds; 1 is plain k-center from one random example.", Schema.integer(minimum: 1, maximum: 10_000),
                 default: 1),
        ParamDoc("perRound", "Examples added per round when rounds > 1 (the first round at random); default ⌈k / rounds⌉.",
                 Schema.integer(minimum: 1)),
        ParamDoc("seed", "Seed of the random start and of the Vendi samples.", Schema.integer(minimum: 0), default: 1),
        Schema.workDoneToken,
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "indices": Schema.array(Schema.integer), "radii": Schema.array(Schema.number),
        "vendi": Schema.object(["selected": Schema.number, "random": Schema.number, "sampled": Schema.integer],
                               required: ["selected", "random", "sampled"]),
        "examples": Schema.integer,
    ], required: ["indices", "radii", "vendi", "examples"])
    public static let errors: [ErrorCode] = [.modelNotLoaded, .memoryBudgetExceeded, .contextOverflow, .notFound]
}
