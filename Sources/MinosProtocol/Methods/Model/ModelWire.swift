import JSON
import JSONRPC

/// Shapes shared by the `model/*` and `text/*` methods.
public enum ModelWire {
    /// A loaded model as `model/load` and `model/list` describe it.
    public struct Info: Codable, Sendable, Equatable {
        public var name: String
        public var path: String
        public var architecture: String
        public var parameters: Int
        /// The tensor encodings of its weight matrices ("q4_K", "q6_K", …).
        public var quantTypes: [String]
        public var contextLength: Int
        public var trainedContextLength: Int
        public var vocabularySize: Int
        public var bytesResident: Int
        public var chatTemplate: String
        /// What the loader had to assume or work around (a missing pre-tokenizer name, a chat
        /// template that cannot run); absent when nothing.
        public var warnings: [String]?
        public init(name: String, path: String, architecture: String, parameters: Int, quantTypes: [String], contextLength: Int,
                    trainedContextLength: Int, vocabularySize: Int, bytesResident: Int, chatTemplate: String, warnings: [String]?) {
            self.name = name
            self.path = path
            self.architecture = architecture
            self.parameters = parameters
            self.quantTypes = quantTypes
            self.contextLength = contextLength
            self.trainedContextLength = trainedContextLength
            self.vocabularySize = vocabularySize
            self.bytesResident = bytesResident
            self.chatTemplate = chatTemplate
            self.warnings = warnings
        }
    }

    public static let infoSchema = Schema.object([
        "name": Schema.string, "path": Schema.string, "architecture": Schema.string, "parameters": Schema.integer,
        "quantTypes": Schema.array(Schema.string), "contextLength": Schema.integer, "trainedContextLength": Schema.integer,
        "vocabularySize": Schema.integer, "bytesResident": Schema.integer, "chatTemplate": Schema.string,
        "warnings": Schema.array(Schema.string),
    ], required: ["name", "path", "architecture", "parameters", "quantTypes", "contextLength", "trainedContextLength",
                  "vocabularySize", "bytesResident", "chatTemplate"])

    static let model = ParamDoc("model", "The name of a loaded model.", Schema.string, required: true)
}

/// `model/load`: memory-maps a GGUF model and makes it available under `name` (default: the file
/// name without `.gguf`). Refused before mapping when the file would exceed `--memory-limit`.
/// Reports progress with `workDoneToken`. Errors: -33006 (not a valid GGUF file, with the reason),
/// -33007 (unsupported architecture, tensor type or tokenizer), -33001 (memory budget), -32602
/// (a name already in use, a bad contextLength).
public enum ModelLoad: RPCMethod, DocumentedMethod {
    public static let name = "model/load"
    public static let summary = "Memory-maps a GGUF model (llama, qwen2, qwen3) and keeps it loaded under a name."

    public struct Params: Codable, Sendable {
        public var path: String
        public var name: String?
        public var contextLength: Int?
    }

    public typealias Result = ModelWire.Info

    public static let params = [
        ParamDoc("path", "Path of the GGUF file.", Schema.string, required: true),
        ParamDoc("name", "Name to refer to it by (default: the file name without .gguf).", Schema.string),
        ParamDoc("contextLength", "Context length to use (default and maximum: the model's).", Schema.integer(minimum: 1)),
        Schema.workDoneToken,
    ]
    public static let resultSchema: JSONValue? = ModelWire.infoSchema
    public static let errors: [ErrorCode] = [.invalidModelFile, .unsupportedModel, .memoryBudgetExceeded]
}

/// `model/unload`: forgets a loaded model and returns its memory to the budget. Requests already
/// running on it finish first. Errors: -33000 when no model has that name.
public enum ModelUnload: RPCMethod, DocumentedMethod {
    public static let name = "model/unload"
    public static let summary = "Unloads a model."

    public struct Params: Codable, Sendable {
        public var name: String
    }

    public struct Result: Codable, Sendable {
        public var unloaded: String
        public init(unloaded: String) { self.unloaded = unloaded }
    }

    public static let params = [ParamDoc("name", "The loaded model's name.", Schema.string, required: true)]
    public static let resultSchema: JSONValue? = Schema.object(["unloaded": Schema.string], required: ["unloaded"])
    public static let errors: [ErrorCode] = [.modelNotLoaded]
}

/// `model/list`: the loaded models and the memory budget.
public enum ModelList: RPCMethod, DocumentedMethod {
    public static let name = "model/list"
    public static let summary = "Lists loaded models with architecture, parameters, quant types, context and memory."
    public typealias Params = NoParams

    public struct Result: Codable, Sendable {
        public struct Memory: Codable, Sendable {
            public var limit: Int?
            public var reserved: Int
            public init(limit: Int?, reserved: Int) {
                self.limit = limit
                self.reserved = reserved
            }
        }
        public var models: [ModelWire.Info]
        public var memory: Memory
        public init(models: [ModelWire.Info], memory: Memory) {
            self.models = models
            self.memory = memory
        }
    }

    public static let params: [ParamDoc] = []
    public static let resultSchema: JSONValue? = Schema.object([
        "models": Schema.array(ModelWire.infoSchema),
        "memory": Schema.object(["limit": Schema.integer, "reserved": Schema.integer], required: ["reserved"]),
    ], required: ["models", "memory"])
}
