import JSON
import JSONRPC

/// A generation backend on the wire (`backend/add`, `backend/list`): a local model or a remote
/// OpenAI-compatible endpoint. Never carries an API key, only the name of the variable holding it.
public struct BackendWire: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case local
        case remote
    }

    public var name: String
    public var kind: Kind
    /// The loaded model's name (local) or the model name sent to the endpoint (remote).
    public var model: String
    public var baseURL: String?
    public var apiKeyEnv: String?
    public var timeoutSeconds: Double
    public var costPer1kTokens: Double

    public init(name: String, kind: Kind, model: String, baseURL: String?, apiKeyEnv: String?,
                timeoutSeconds: Double, costPer1kTokens: Double) {
        self.name = name
        self.kind = kind
        self.model = model
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.timeoutSeconds = timeoutSeconds
        self.costPer1kTokens = costPer1kTokens
    }

    // The params of backend/add, each declared once; the wire schema is built from them.
    static let name = ParamDoc("name", "The backend's name; a backend of the same name is replaced.", Schema.string, required: true)
    static let kind = ParamDoc("kind", "\"local\": a model loaded in this daemon; \"remote\": an OpenAI-compatible endpoint.",
                               Schema.enumeration(["local", "remote"]), required: true)
    static let model = ParamDoc("model", "The loaded model's name (local), or the model name sent to the endpoint (remote).",
                                Schema.string, required: true)
    static let baseURL = ParamDoc("baseURL", "Remote only, required there: the endpoint, e.g. http://127.0.0.1:8000 or http://127.0.0.1:8000/v1 (requests go to {base}/v1/chat/completions).",
                                  Schema.string)
    static let apiKeyEnv = ParamDoc("apiKeyEnv", "Remote only: the NAME of minosd's environment variable holding the API key, sent as `Authorization: Bearer`. The key itself is never stored or returned.",
                                    Schema.string)
    static let timeoutSeconds = ParamDoc("timeoutSeconds", "How long one generation may take, in seconds.",
                                         ["type": "number", "exclusiveMinimum": 0, "maximum": 600], default: 60)
    static let costPer1kTokens = ParamDoc("costPer1kTokens", "Price per 1,000 tokens, prompt and completion alike: a generation costs (prompt + completion tokens) / 1000 × this.",
                                          ["type": "number", "minimum": 0], default: 0)

    static let params = [name, kind, model, baseURL, apiKeyEnv, timeoutSeconds, costPer1kTokens]

    static let schema = Schema.object(
        Dictionary(uniqueKeysWithValues: params.map { ($0.name, $0.declaredSchema) }),
        required: ["name", "kind", "model", "timeoutSeconds", "costPer1kTokens"])
}
