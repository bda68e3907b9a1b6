import Foundation
import Store

/// A named place to generate with: a model loaded in this daemon, or a remote OpenAI-compatible
/// endpoint (vLLM, llama.cpp's server, Ollama, OpenAI). Routing picks among backends by name.
///
/// Cost is one number, `costPer1kTokens`, charged on prompt and completion tokens alike:
/// `cost = (promptTokens + completionTokens) / 1000 × costPer1kTokens`. One price is what a router
/// compares backends by; servers that price input and output differently can be given their blend.
package struct Backend: Sendable, Equatable {
    /// Where the backend generates.
    package enum Kind: Sendable, Equatable {
        /// A model loaded in this daemon, by its loaded name.
        case local(model: String)
        /// An OpenAI-compatible chat-completions endpoint.
        case remote(RemoteEndpoint)
    }

    package var name: String
    package var kind: Kind
    /// How long one generation may take, local or remote, before it fails with `timedOut`.
    package var timeoutSeconds: Double
    /// Price per 1,000 tokens, prompt and completion alike (0: free).
    package var costPer1kTokens: Double

    /// Longest accepted `timeoutSeconds`.
    package static let maximumTimeoutSeconds = 600.0
    /// Longest accepted name.
    package static let maximumNameLength = 128

    /// A checked backend; `invalidDefinition` names the field at fault.
    package init(name: String, kind: Kind, timeoutSeconds: Double = 60, costPer1kTokens: Double = 0) throws(BackendError) {
        guard !name.isEmpty, name.count <= Self.maximumNameLength else {
            throw BackendError(.invalidDefinition, "the name must be 1 to \(Self.maximumNameLength) characters", field: "name")
        }
        guard timeoutSeconds > 0, timeoutSeconds <= Self.maximumTimeoutSeconds else {
            throw BackendError(.invalidDefinition, "timeoutSeconds must be in (0, \(Int(Self.maximumTimeoutSeconds))]",
                               field: "timeoutSeconds")
        }
        guard costPer1kTokens >= 0, costPer1kTokens.isFinite else {
            throw BackendError(.invalidDefinition, "costPer1kTokens must be a finite number ≥ 0", field: "costPer1kTokens")
        }
        if case .local(let model) = kind, model.isEmpty {
            throw BackendError(.invalidDefinition, "a local backend names a loaded model", field: "model")
        }
        self.name = name
        self.kind = kind
        self.timeoutSeconds = timeoutSeconds
        self.costPer1kTokens = costPer1kTokens
    }

    /// The model this backend generates with: the loaded model's name or the remote model name.
    package var model: String {
        switch kind {
        case .local(let model): return model
        case .remote(let endpoint): return endpoint.model
        }
    }

    /// The cost of a generation of `tokens` tokens (prompt and completion together).
    package func cost(tokens: Int) -> Double {
        Double(tokens) / 1000 * costPer1kTokens
    }
}

/// An OpenAI-compatible endpoint: where to POST chat completions, which model to ask for, and
/// which environment variable holds the API key (the key itself is read at request time and never
/// kept).
package struct RemoteEndpoint: Sendable, Equatable {
    /// As given: `http://host:8000`, `http://host:8000/v1`, with or without a trailing slash.
    package var baseURL: String
    package var model: String
    /// The name of the environment variable holding the bearer token; nil: no Authorization header.
    package var apiKeyEnv: String?
    /// `{baseURL}/v1/chat/completions`, with one `/v1` whether or not the base URL ends in it.
    package let chatCompletionsURL: URL

    /// A checked endpoint; `invalidDefinition` names the field at fault.
    package init(baseURL: String, model: String, apiKeyEnv: String? = nil) throws(BackendError) {
        guard !model.isEmpty else {
            throw BackendError(.invalidDefinition, "a remote backend names the model to ask the endpoint for", field: "model")
        }
        if let apiKeyEnv, !Self.isEnvironmentName(apiKeyEnv) {
            throw BackendError(.invalidDefinition,
                               "apiKeyEnv is the NAME of an environment variable (letters, digits and _, not starting with a digit), not the key",
                               field: "apiKeyEnv")
        }
        guard let url = Self.chatCompletionsURL(baseURL) else {
            throw BackendError(.invalidDefinition, "baseURL must be an http or https URL with a host, such as http://127.0.0.1:8000/v1",
                               field: "baseURL")
        }
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.chatCompletionsURL = url
    }

    /// `{base}/v1/chat/completions` for a base URL with or without a trailing `/v1` (and slashes);
    /// nil unless it is http(s) with a host and no query or fragment.
    static func chatCompletionsURL(_ baseURL: String) -> URL? {
        guard let components = URLComponents(string: baseURL),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil
        else { return nil }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if !path.hasSuffix("/v1") { path += "/v1" }
        var endpoint = components
        endpoint.path = path + "/chat/completions"
        return endpoint.url
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}

extension Backend {
    /// The backend a record describes (a stored one, or one a client defines), checked: a local
    /// backend takes no baseURL or apiKeyEnv, a remote one needs baseURL.
    package init(record: Store.BackendRecord) throws(BackendError) {
        let kind: Kind
        switch record.kind {
        case "local":
            for (field, value) in [("baseURL", record.baseURL), ("apiKeyEnv", record.apiKeyEnv)] where value != nil {
                throw BackendError(.invalidDefinition, "\(field) is for remote backends only", backend: record.name, field: field)
            }
            kind = .local(model: record.model)
        case "remote":
            guard let baseURL = record.baseURL else {
                throw BackendError(.invalidDefinition, "a remote backend needs baseURL", backend: record.name, field: "baseURL")
            }
            kind = .remote(try RemoteEndpoint(baseURL: baseURL, model: record.model, apiKeyEnv: record.apiKeyEnv))
        default:
            throw BackendError(.invalidDefinition, "stored kind '\(record.kind)' is neither local nor remote", backend: record.name, field: "kind")
        }
        try self.init(name: record.name, kind: kind, timeoutSeconds: record.timeoutSeconds, costPer1kTokens: record.costPer1kTokens)
    }

    /// The record the store keeps.
    package var record: Store.BackendRecord {
        switch kind {
        case .local(let model):
            return .init(name: name, kind: "local", model: model, baseURL: nil, apiKeyEnv: nil,
                         timeoutSeconds: timeoutSeconds, costPer1kTokens: costPer1kTokens)
        case .remote(let endpoint):
            return .init(name: name, kind: "remote", model: endpoint.model, baseURL: endpoint.baseURL, apiKeyEnv: endpoint.apiKeyEnv,
                         timeoutSeconds: timeoutSeconds, costPer1kTokens: costPer1kTokens)
        }
    }
}
