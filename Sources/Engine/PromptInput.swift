import Logging

/// What a request conditions the model on, as a client gives it.
public enum PromptInput: Sendable, Equatable {
    /// Text, tokenized as the model does.
    case text(String)
    /// Token ids, used exactly as given once checked against the vocabulary.
    case tokens([Int64])
    /// Chat messages, rendered with the model's chat template.
    case messages([ChatMessage])
}

/// How to generate, beside the prompt: what `text/generate` and the features that generate take.
public struct GenerationOptions: Sendable {
    public var sampling: SamplingParameters
    public var maxTokens: Int
    public var stopStrings: [String]
    /// Token ids that end generation, checked against the vocabulary.
    public var stopTokens: [Int64]
    public var ignoreEOS: Bool
    public var topLogprobs: Int

    public init(sampling: SamplingParameters = .init(), maxTokens: Int = 256, stopStrings: [String] = [],
                stopTokens: [Int64] = [], ignoreEOS: Bool = false, topLogprobs: Int = 0) {
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stopStrings = stopStrings
        self.stopTokens = stopTokens
        self.ignoreEOS = ignoreEOS
        self.topLogprobs = topLogprobs
    }
}

extension LoadedModel {
    /// The tokens of `input` and the tokens that end a turn of it (the chat template's end-of-turn
    /// markers for messages; none otherwise). Text gets BOS/EOS as the tokenizer adds them when
    /// `addSpecial`, and special-token texts are recognized when `parseSpecial`; messages always
    /// parse them. `field` names the param in errors.
    public func tokens(for input: PromptInput, field: String, addSpecial: Bool = true,
                       parseSpecial: Bool = false) throws(EngineError) -> (tokens: [Int32], stopTokens: [Int32]) {
        switch input {
        case .text(let text):
            return (tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial), [])
        case .tokens(let ids):
            return (try checkedTokens(ids, field: field), [])
        case .messages(let messages):
            guard !messages.isEmpty else { throw EngineError.invalidInput(field: field, reason: "must not be empty") }
            let chat = chatPrompt(messages)
            if chat.prompt.templateFailed, let reason = chat.prompt.fallbackReason {
                Logger(label: "minos.chat-template").warning("\(name): \(reason); the \(chatTemplate.name) renderer made the prompt")
            }
            return (chat.tokens, chat.stopTokens)
        }
    }

    /// Generates from a prompt as a client gives it: sampling values and stop tokens are checked
    /// (errors name the field), the prompt is tokenized or rendered, and its template's end-of-turn
    /// tokens stop generation like EOS does.
    public func generate(_ prompt: PromptInput, field: String = "prompt", options: GenerationOptions, reuse: Bool = false,
                         onText: @escaping @Sendable (String) -> Void = { _ in }) async throws(EngineError) -> GenerationResult {
        let input = try tokens(for: prompt, field: field)
        return try await generate(try request(input.tokens, templateStops: input.stopTokens, options: options), reuse: reuse, onText: onText)
    }

    /// A generation request for prompt tokens, with `options` checked (errors name the field).
    func request(_ prompt: [Int32], templateStops: [Int32], options: GenerationOptions) throws(EngineError) -> GenerationRequest {
        if let problem = options.sampling.problem() {
            throw EngineError.invalidInput(field: problem.field, reason: problem.message)
        }
        let stops = try checkedTokens(options.stopTokens, field: "stopTokens")
        return GenerationRequest(prompt: prompt, sampling: options.sampling, maxTokens: options.maxTokens,
                                 stopStrings: options.stopStrings, stopTokens: stops + templateStops,
                                 ignoreEOS: options.ignoreEOS, topLogprobs: options.topLogprobs)
    }

    /// Scores `continuation` after `prompt`, both as a client gives them: the prompt gets BOS as the
    /// tokenizer adds it, the continuation does not.
    public func score(prompt: PromptInput, continuation: PromptInput, topK: Int,
                      parseSpecial: Bool, reuse: Bool = false) async throws(EngineError) -> ScoreResult {
        let context = try tokens(for: prompt, field: "prompt", addSpecial: true, parseSpecial: parseSpecial).tokens
        let scored = try tokens(for: continuation, field: "continuation", addSpecial: false, parseSpecial: parseSpecial).tokens
        return try await score(prompt: context, continuation: scored, topK: topK, reuse: reuse)
    }
}
