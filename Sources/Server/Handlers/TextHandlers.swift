import Engine
import JSON
import JSONRPC
import Logging
import MinosProtocol

/// `text/generate` and `text/score`.
extension MinosServer {
    func registerTextHandlers() {
        connection.register(TextGenerate.self) { [self] params, context in
            let model = try engine.model(params.model)
            let request = try Self.generationRequest(params, model: model)
            context.beginProgress(title: "Generating with \(model.name)", percentage: 0)
            defer { context.endProgress() }
            let result = try await model.generate(request) { text in
                context.sendPartialResult(["text": .string(text)])
            }
            let timings = TextGenerate.Result.Timings(
                prefillSeconds: result.prefillSeconds, decodeSeconds: result.decodeSeconds,
                prefillTokensPerSecond: Self.rate(result.promptTokens, result.prefillSeconds),
                decodeTokensPerSecond: Self.rate(result.tokens.count, result.decodeSeconds))
            return TextGenerate.Result(text: result.text, tokens: result.tokens,
                                       logprobs: result.logprobs.map { Self.wireToken($0, model: model) }, tokenCount: result.tokens.count,
                                       promptTokens: result.promptTokens, stopReason: result.stopReason.rawValue, timings: timings)
        }

        connection.register(TextScore.self) { [self] params, _ in
            let model = try engine.model(params.model)
            let topK = params.topK
            let special = params.parseSpecial
            let prompt = try Self.tokens(params.prompt, field: "prompt", addSpecial: true, parseSpecial: special, model: model)
            let continuation = try Self.tokens(params.continuation, field: "continuation", addSpecial: false,
                                               parseSpecial: special, model: model)
            let scored = try await model.score(prompt: prompt, continuation: continuation, topK: topK)
            return TextScore.Result(tokens: scored.tokens.map { Self.wireToken($0, model: model) },
                                    totalLogprob: scored.totalLogprob, promptTokens: scored.promptTokens)
        }
    }

    /// A scored token as the wire shows it, with the texts of the token and its alternatives.
    static func wireToken(_ t: ScoreResult.Token, model: LoadedModel) -> TextScore.Result.Token {
        func text(_ token: Int32) -> String { String(decoding: model.tokenizer.piece(token), as: UTF8.self) }
        return .init(token: t.token, text: text(t.token), logprob: t.logprob,
                     top: t.top.isEmpty ? nil : t.top.map { .init(token: $0.token, text: text($0.token), logprob: $0.logprob) })
    }

    /// Text tokenized as the model does, or token ids checked against its vocabulary.
    static func tokens(_ input: TextInput, field: String, addSpecial: Bool, parseSpecial: Bool,
                       model: LoadedModel) throws -> [Int32] {
        switch input {
        case .text(let text): return model.tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
        case .tokens(let ids): return try model.checkedTokens(ids, field: field)
        }
    }

    static func generationRequest(_ p: TextGenerate.Params, model: LoadedModel) throws -> GenerationRequest {
        let sampling = SamplingParameters(
            temperature: p.temperature, topK: p.topK, topP: p.topP, minP: p.minP, repetitionPenalty: p.repetitionPenalty,
            frequencyPenalty: p.frequencyPenalty, presencePenalty: p.presencePenalty, penaltyWindow: p.penaltyWindow, seed: p.seed)
        if let problem = sampling.problem() {
            throw RPCError.invalidParams("\(problem.field) \(problem.message)", path: "params.\(problem.field)")
        }
        if let index = p.stopTokens.firstIndex(where: { $0 < 0 || Int($0) >= model.tokenizer.vocabularySize }) {
            throw RPCError.invalidParams("stop token \(p.stopTokens[index]) is outside the vocabulary", path: "params.stopTokens[\(index)]")
        }

        let prompt: [Int32]
        var stopTokens = p.stopTokens
        switch (p.prompt, p.messages) {
        case (let input?, nil):
            prompt = try tokens(input, field: "prompt", addSpecial: true, parseSpecial: false, model: model)
        case (nil, let messages?):
            guard !messages.isEmpty else { throw RPCError.invalidParams("messages must not be empty", path: "params.messages") }
            let chat = chatPrompt(messages.map { ChatMessage(role: $0.role, content: $0.content) }, model: model)
            prompt = chat.tokens
            stopTokens += chat.stopTokens
        default:
            throw RPCError.invalidParams("give exactly one of prompt and messages", path: "params")
        }
        return GenerationRequest(prompt: prompt, sampling: sampling, maxTokens: p.maxTokens, stopStrings: p.stop,
                                 stopTokens: stopTokens, ignoreEOS: p.ignoreEOS, topLogprobs: p.logprobs)
    }

    /// Chat messages rendered with the model's own template, tokenized (special-token texts parsed),
    /// and the template's end-of-turn tokens, which stop generation like EOS does. A template that
    /// fails on these messages is logged; the family renderer made the prompt instead.
    static func chatPrompt(_ messages: [ChatMessage], model: LoadedModel) -> (tokens: [Int32], stopTokens: [Int32]) {
        let chat = model.chatPrompt(messages)
        if chat.prompt.templateFailed, let reason = chat.prompt.fallbackReason {
            Logger(label: "minos.chat-template").warning("\(model.name): \(reason); the \(model.chatTemplate.name) renderer made the prompt")
        }
        return (chat.tokens, chat.stopTokens)
    }

    static func rate(_ count: Int, _ seconds: Double) -> Double {
        seconds > 0 ? Double(count) / seconds : 0
    }
}
