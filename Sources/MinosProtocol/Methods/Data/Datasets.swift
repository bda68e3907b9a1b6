import JSON
import JSONRPC

/// Shapes shared by the dataset methods.
public enum DatasetWire {
    /// A stored dataset's summary.
    public struct Dataset: Codable, Sendable, Equatable {
        public var name: String
        /// The file it was read from, or "texts".
        public var source: String
        public var examples: Int
        /// Seconds since 1970 (UTC).
        public var createdAt: Double
        public init(name: String, source: String, examples: Int, createdAt: Double) {
            self.name = name
            self.source = source
            self.examples = examples
            self.createdAt = createdAt
        }
    }

    public static let name = ParamDoc("name", "The dataset's name in the store.",
                                      ["type": "string", "minLength": 1, "maxLength": 200], required: true)
    public static let datasetSchema = Schema.object(
        ["name": Schema.string, "source": Schema.string, "examples": Schema.integer, "createdAt": Schema.number],
        required: ["name", "source", "examples", "createdAt"])
}

/// `data/import`: reads a JSONL file (Alpaca `{instruction, input, output}` or ShareGPT
/// `{conversations: [{from, value}]}` lines, decided per line) or plain `texts` (each one human
/// turn) and stores the examples in SQLite as dataset `name`, in one transaction, for
/// `data/select {dataset}`. An existing dataset of that name is kept unless `replace`. Errors:
/// -32602 (neither or both of file and texts, the name taken without replace, a bad JSONL line:
/// `data.file`, `data.line`), -32603 (the file cannot be read), -33005 (the store failed).
public enum DataImport: RPCMethod, DocumentedMethod {
    public static let name = "data/import"
    public static let summary = "Stores a dataset (a JSONL file of Alpaca or ShareGPT lines, or texts) in SQLite under a name."
    public struct Params: Codable, Sendable {
        public var name: String
        public var file: String?
        public var texts: [String]?
        public var replace: Bool
    }
    public typealias Result = DatasetWire.Dataset
    public static let params = [
        DatasetWire.name,
        ParamDoc("file", "A JSONL file of Alpaca or ShareGPT examples (give this or texts).", Schema.string),
        ParamDoc("texts", "The examples as texts, each one human turn (give this or file).",
                 Schema.array(Schema.string, minItems: 1, maxItems: 1_000_000)),
        ParamDoc("replace", "Replace a dataset of the same name; without it, the name being taken is an error.", Schema.boolean,
                 default: false),
    ]
    public static let resultSchema: JSONValue? = DatasetWire.datasetSchema
    public static let errors: [ErrorCode] = [.storeError]
}

/// `data/list`: the stored datasets, by name.
public enum DataList: RPCMethod, DocumentedMethod {
    public static let name = "data/list"
    public static let summary = "Lists the stored datasets: name, source and example count."
    public struct Params: Codable, Sendable {}
    public struct Result: Codable, Sendable {
        public var datasets: [DatasetWire.Dataset]
        public init(datasets: [DatasetWire.Dataset]) { self.datasets = datasets }
    }
    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = Schema.object(["datasets": Schema.array(DatasetWire.datasetSchema)], required: ["datasets"])
    public static let errors: [ErrorCode] = [.storeError]
}

/// `data/delete`: deletes a stored dataset and its examples. Errors: -33008 (no such dataset).
public enum DataDelete: RPCMethod, DocumentedMethod {
    public static let name = "data/delete"
    public static let summary = "Deletes a stored dataset."
    public struct Params: Codable, Sendable {
        public var name: String
    }
    public struct Result: Codable, Sendable {
        public var deleted: String
        public init(deleted: String) { self.deleted = deleted }
    }
    public static let params = [DatasetWire.name]
    public static let resultSchema: JSONValue? = Schema.object(["deleted": Schema.string], required: ["deleted"])
    public static let errors: [ErrorCode] = [.notFound, .storeError]
}
