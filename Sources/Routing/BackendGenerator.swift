import Engine

/// What a backend generated, and what it cost.
package struct BackendGeneration: Sendable, Equatable {
    /// The backend's name.
    package var backend: String
    package var text: String
    /// "stop" (end of turn, EOS or a stop string), "length" (maxTokens or the context), or what a
    /// remote server said; nil when it said nothing.
    package var finishReason: String?
    /// Prompt and completion tokens as the backend counts them; nil when a remote server did not
    /// report usage.
    package var promptTokens: Int?
    package var completionTokens: Int?
    /// `(promptTokens + completionTokens) / 1000 × costPer1kTokens`; nil when usage is unknown.
    package var cost: Double?

    package init(backend: String, text: String, finishReason: String?, promptTokens: Int?, completionTokens: Int?, cost: Double?) {
        self.backend = backend
        self.text = text
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
    }
}

/// Generates a chat reply with a named backend: a local one through the engine (the model's chat
/// template, prefix reuse on), a remote one through `RemoteChatClient`. Either way the backend's
/// timeout bounds the generation and cancelling the task stops it.
package struct BackendGenerator: Sendable {
    package let engine: Engine
    package let catalog: BackendCatalog
    package let client: RemoteChatClient

    package init(engine: Engine, catalog: BackendCatalog, client: RemoteChatClient = RemoteChatClient()) {
        self.engine = engine
        self.catalog = catalog
        self.client = client
    }

    /// Generates with the stored backend `name`. Errors: `BackendError` (`notFound`, and the remote
    /// kinds, attributed to the backend), `EngineError` from a local model (not loaded, bad sampling
    /// values, context overflow), `StoreError`, and `CancellationError`.
    package func generate(backend name: String, messages: [ChatMessage], options: GenerationOptions) async throws -> BackendGeneration {
        try await generate(with: try catalog.backend(named: name), messages: messages, options: options)
    }

    /// Generates with `backend`. A remote backend gets `maxTokens`, the temperature and the stop
    /// strings of `options`; the other sampling settings apply to local models only.
    package func generate(with backend: Backend, messages: [ChatMessage], options: GenerationOptions) async throws -> BackendGeneration {
        do {
            switch backend.kind {
            case .local(let name):
                let model = try engine.model(name)
                let result = try await withDeadline(seconds: backend.timeoutSeconds, what: "generating with \(name)") {
                    try await model.generate(.messages(messages), field: "messages", options: options, reuse: true)
                }
                let finish = switch result.stopReason {
                case .stop, .endOfSequence: "stop"
                case .length, .context: "length"
                }
                return BackendGeneration(backend: backend.name, text: result.text, finishReason: finish,
                                         promptTokens: result.promptTokens, completionTokens: result.tokens.count,
                                         cost: backend.cost(tokens: result.promptTokens + result.tokens.count))
            case .remote(let endpoint):
                let request = RemoteChatRequest(messages: messages, maxTokens: options.maxTokens,
                                                temperature: options.sampling.temperature, stop: options.stopStrings)
                let reply = try await client.complete(request, endpoint: endpoint, timeoutSeconds: backend.timeoutSeconds)
                var cost: Double?
                if let prompt = reply.promptTokens, let completion = reply.completionTokens {
                    cost = backend.cost(tokens: prompt + completion)
                }
                return BackendGeneration(backend: backend.name, text: reply.content, finishReason: reply.finishReason,
                                         promptTokens: reply.promptTokens, completionTokens: reply.completionTokens, cost: cost)
            }
        } catch let error as BackendError {
            throw error.attributed(to: backend.name)
        }
    }
}
