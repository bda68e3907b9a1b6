import Engine
import JSON
import JSONRPC
import MinosProtocol

/// `text/generate` and `text/score`.
extension MinosServer {
    func registerTextHandlers() {
        connection.register(TextGenerate.self) { [self] params, context in
            let model = try engine.model(params.model)
            let (prompt, field) = try Self.prompt(prompt: params.prompt, messages: params.messages)
            context.beginProgress(title: "Generating with \(model.name)", percentage: 0)
            defer { context.endProgress() }
            let result = try await model.generate(prompt, field: field, options: Self.options(params), reuse: true) { text in
                context.sendPartialResult(["text": .string(text)])
            }
            return Self.wire(result, model: model)
        }

        connection.register(TextScore.self) { [self] params, _ in
            let model = try engine.model(params.model)
            let scored = try await model.score(prompt: Self.input(params.prompt), continuation: Self.input(params.continuation),
                                               topK: params.topK, parseSpecial: params.parseSpecial, reuse: true)
            return Self.wire(scored, model: model)
        }
    }

    static func wire(_ result: GenerationResult, model: LoadedModel) -> TextGenerate.Result {
        let timings = TextGenerate.Result.Timings(
            prefillSeconds: result.prefillSeconds, decodeSeconds: result.decodeSeconds,
            prefillTokensPerSecond: rate(result.evaluatedTokens, result.prefillSeconds),
            decodeTokensPerSecond: rate(result.tokens.count, result.decodeSeconds))
        return TextGenerate.Result(text: result.text, tokens: result.tokens,
                                   logprobs: result.logprobs.map { wireToken($0, model: model) }, tokenCount: result.tokens.count,
                                   promptTokens: result.promptTokens, cachedTokens: result.cachedTokens,
                                   evaluatedTokens: result.evaluatedTokens, stopReason: result.stopReason.rawValue, timings: timings)
    }

    static func wire(_ scored: ScoreResult, model: LoadedModel) -> TextScore.Result {
        TextScore.Result(tokens: scored.tokens.map { wireToken($0, model: model) }, totalLogprob: scored.totalLogprob,
                         promptTokens: scored.promptTokens, cachedTokens: scored.cachedTokens,
                         evaluatedTokens: scored.promptTokens - scored.cachedTokens)
    }

    /// A scored token as the wire shows it, with the texts of the token and its alternatives.
    static func wireToken(_ t: ScoreResult.Token, model: LoadedModel) -> TextScore.Result.Token {
        func text(_ token: Int32) -> String { String(decoding: model.tokenizer.piece(token), as: UTF8.self) }
        return .init(token: t.token, text: text(t.token), logprob: t.logprob,
                     top: t.top.isEmpty ? nil : t.top.map { .init(token: $0.token, text: text($0.token), logprob: $0.logprob) })
    }

    static func input(_ input: TextInput) -> PromptInput {
        switch input {
        case .text(let text): return .text(text)
        case .tokens(let ids): return .tokens(ids)
        }
    }

    /// `prompt` or `messages` (exactly one), and the param it came from.
    static func prompt(prompt: TextInput?, messages: [ChatWireMessage]?) throws -> (PromptInput, field: String) {
        switch (prompt, messages) {
        case (let prompt?, nil): return (input(prompt), "prompt")
        case (nil, let messages?): return (.messages(messages.map(message)), "messages")
        default: throw RPCError.invalidParams("give exactly one of prompt and messages", path: "params")
        }
    }

    static func message(_ m: ChatWireMessage) -> ChatMessage {
        ChatMessage(role: m.role, content: m.content)
    }

    static func options(_ p: some GenerationParams) -> GenerationOptions {
        let sampling = SamplingParameters(
            temperature: p.temperature, topK: p.topK, topP: p.topP, minP: p.minP, repetitionPenalty: p.repetitionPenalty,
            frequencyPenalty: p.frequencyPenalty, presencePenalty: p.presencePenalty, penaltyWindow: p.penaltyWindow, seed: p.seed)
        return GenerationOptions(sampling: sampling, maxTokens: p.maxTokens, stopStrings: p.stop,
                                 stopTokens: p.stopTokens.map(Int64.init), ignoreEOS: p.ignoreEOS, topLogprobs: p.logprobs)
    }

    static func rate(_ count: Int, _ seconds: Double) -> Double {
        seconds > 0 ? Double(count) / seconds : 0
    }
}
