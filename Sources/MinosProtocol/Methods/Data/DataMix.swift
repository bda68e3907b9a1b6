import JSON
import JSONRPC

/// `data/mix`: a DMT (dual-stage mixed fine-tuning) plan written as LLaMA-Factory datasets. Reads
/// each specialized set by name — a JSONL file (`specialized`; Alpaca or ShareGPT lines, decided
/// per line) or a dataset stored with `data/import` (`specializedDatasets`) — and the general set
/// (`general` file or `generalDataset`). Stage 1 is every specialized example (sets in name order); stage 2 is the
/// general data plus ⌈fraction × n⌉ examples of each specialized set of n (so at least one when
/// fraction > 0), drawn with `seed`. Writes `stage1.json`, `stage2.json` (JSON arrays of ShareGPT
/// `{"conversations": [{"from", "value"}]}` records) and `dataset_info.json` into
/// `outputDirectory` (created if missing), each file atomically. Errors: -32602 (a bad JSONL line:
/// `data.file`, `data.line`; fraction out of range; no specialized set, a name given twice, not
/// exactly one general source), -33008 (no such dataset), -32603 (a file cannot be read or written).
public enum DataMix: RPCMethod, DocumentedMethod {
    public static let name = "data/mix"
    public static let summary = "Writes a DMT two-stage mixing plan (specialized, then general + a fraction of each) as LLaMA-Factory datasets."

    public struct Params: Codable, Sendable {
        public var specialized: [String: String]?
        public var specializedDatasets: [String: String]?
        public var general: String?
        public var generalDataset: String?
        public var fraction: Double
        public var seed: Int
        public var outputDirectory: String
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Examples each specialized set put in stage 1 (all of it), by name.
        public var stage1: [String: Int]
        /// Examples each specialized set put in stage 2 (its sample), by name.
        public var stage2: [String: Int]
        /// General examples (all in stage 2).
        public var general: Int
        /// Total records in stage1.json and stage2.json.
        public var stage1Total: Int
        public var stage2Total: Int
        /// The paths written: stage1.json, stage2.json, dataset_info.json.
        public var files: [String]
        public init(stage1: [String: Int], stage2: [String: Int], general: Int, stage1Total: Int, stage2Total: Int, files: [String]) {
            self.stage1 = stage1
            self.stage2 = stage2
            self.general = general
            self.stage1Total = stage1Total
            self.stage2Total = stage2Total
            self.files = files
        }
    }

    private static let counts: JSONValue = ["type": "object", "additionalProperties": Schema.integer]

    public static let params = [
        ParamDoc("specialized", "Specialized JSONL files by name (e.g. {\"math\": \"math.jsonl\"}).",
                 ["type": "object", "additionalProperties": Schema.string]),
        ParamDoc("specializedDatasets", "Specialized stored datasets by name (e.g. {\"code\": \"code-v2\"}); with specialized, names must differ.",
                 ["type": "object", "additionalProperties": Schema.string]),
        ParamDoc("general", "The general JSONL file (give this or generalDataset).", Schema.string),
        ParamDoc("generalDataset", "The general stored dataset.", Schema.string),
        ParamDoc("fraction", "Share k of each specialized set mixed into stage 2 (rounded up).",
                 ["type": "number", "minimum": 0, "maximum": 1], default: 0.00390625),
        ParamDoc("seed", "Seed of the stage-2 samples.", Schema.integer(minimum: 0), default: 1),
        ParamDoc("outputDirectory", "Directory for stage1.json, stage2.json and dataset_info.json.", Schema.string, required: true),
    ]
    public static let resultSchema: JSONValue? = Schema.object([
        "stage1": counts, "stage2": counts, "general": Schema.integer, "stage1Total": Schema.integer,
        "stage2Total": Schema.integer, "files": Schema.array(Schema.string),
    ], required: ["stage1", "stage2", "general", "stage1Total", "stage2Total", "files"])
}
