import JSON
import JSONRPC

/// `model/merge`: merges GGUF models of one architecture into a new GGUF file, offline (nothing
/// is loaded). Methods: `linear` Σ wᵢ·θᵢ (weights used as given, not normalized);
/// `task_arithmetic` base + Σ wᵢ·(θᵢ − base); `ties` (task vectors trimmed to their top `density`
/// by magnitude, sign elected by the weighted sum, agreeing entries averaged with weights);
/// `dare` (entries of each task vector dropped with probability `dropRate`, seeded by `seed`,
/// survivors scaled by 1/(1 − dropRate), then task arithmetic); `dare_ties` (DARE, then TIES's
/// sign election and mean). Tensors are dequantized to f32, merged, and written as `outputType`
/// where their row length allows (else f16; 1-D tensors f32). Metadata comes from the base (or the
/// first model) with `minos.merge.*` provenance keys. The output is written atomically: on any
/// error or cancellation no file is left. Reports progress per tensor with `workDoneToken`.
/// Errors: -32602 (bad params: weights count, a missing base, ranges), -33006 (an input is not a
/// valid GGUF file), -33007 (inputs differ in architecture, vocabulary, tensor names or shapes;
/// `data.mismatch` says which), -32603 (the output cannot be written), -32800 (cancelled).
public enum ModelMergeMethod: RPCMethod, DocumentedMethod {
    public static let name = "model/merge"
    public static let summary = "Merges GGUF models (linear, task arithmetic, TIES, DARE, DARE-TIES) into a new GGUF file."

    /// The method names, as on the wire.
    public static let methods = ["linear", "task_arithmetic", "ties", "dare", "dare_ties"]
    /// The output encodings accepted.
    public static let outputTypes = ["f32", "f16", "bf16", "q8_0", "q5_0", "q5_1", "q4_0", "q4_1",
                                     "q6_K", "q5_K", "q4_K", "q3_K", "q2_K", "iq4_nl", "iq4_xs"]

    public struct Params: Codable, Sendable {
        public var output: String
        public var base: String?
        public var models: [String]
        public var weights: [Double]
        public var method: String
        public var density: Double
        public var dropRate: Double
        public var seed: Int
        public var outputType: String
    }

    public struct Result: Codable, Sendable, Equatable {
        public var output: String
        public var tensorsMerged: Int
        public var bytesRead: Int
        public var bytesWritten: Int
        public var seconds: Double
        /// Each input's fingerprint (base first when given), as stored in `minos.merge.*`.
        public var fingerprints: [String]
        public init(output: String, tensorsMerged: Int, bytesRead: Int, bytesWritten: Int, seconds: Double,
                    fingerprints: [String]) {
            self.output = output
            self.tensorsMerged = tensorsMerged
            self.bytesRead = bytesRead
            self.bytesWritten = bytesWritten
            self.seconds = seconds
            self.fingerprints = fingerprints
        }
    }

    public static let params = [
        ParamDoc("output", "Path of the GGUF file to write (replaced atomically).", Schema.string, required: true),
        ParamDoc("base", "The base model's GGUF path; required by every method but linear.", Schema.string),
        ParamDoc("models", "The GGUF paths of the models to merge.",
                 Schema.array(Schema.string, minItems: 1, maxItems: 64), required: true),
        ParamDoc("weights", "One weight per model, used as given (not normalized); ties and dare_ties need weights ≥ 0.",
                 Schema.array(Schema.number, minItems: 1, maxItems: 64), required: true),
        ParamDoc("method", "The merge method.", Schema.enumeration(methods), required: true),
        ParamDoc("density", "ties: fraction of each task vector kept, by magnitude, per tensor.",
                 ["type": "number", "exclusiveMinimum": 0, "maximum": 1], default: 0.5),
        ParamDoc("dropRate", "dare, dare_ties: probability of dropping each task-vector entry.",
                 ["type": "number", "minimum": 0, "exclusiveMaximum": 1], default: 0.5),
        ParamDoc("seed", "dare, dare_ties: seed of the drop masks (the same seed gives the same file).",
                 Schema.integer(minimum: 0), default: 1),
        ParamDoc("outputType", "Encoding of merged matrices (rows that are not whole blocks get f16; 1-D tensors f32).",
                 Schema.enumeration(outputTypes), default: "f16"),
        Schema.workDoneToken,
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "output": Schema.string, "tensorsMerged": Schema.integer, "bytesRead": Schema.integer,
        "bytesWritten": Schema.integer, "seconds": Schema.number, "fingerprints": Schema.array(Schema.string),
    ], required: ["output", "tensorsMerged", "bytesRead", "bytesWritten", "seconds", "fingerprints"])
    public static let errors: [ErrorCode] = [.invalidModelFile, .unsupportedModel]
}
