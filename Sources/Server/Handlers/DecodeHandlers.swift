import Engine
import JSON
import JSONRPC
import MinosProtocol

/// `decode/contrastive`: an expert and an amateur model together (Engine's `ContrastiveDecoding`).
extension MinosServer {
    func registerDecodeHandlers() {
        connection.register(DecodeContrastive.self) { [self] params, context in
            let expert = try engine.model(params.expert), amateur = try engine.model(params.amateur)
            guard let mode = ContrastiveSettings.Mode(rawValue: params.mode) else {
                throw RPCError.invalidParams("mode must be contrastive, speculative or scd", path: "params.mode")
            }
            let settings = ContrastiveSettings(mode: mode, alpha: params.alpha, beta: params.beta, gamma: params.gamma)
            var sampling = SamplingParameters.greedy
            sampling.temperature = params.temperature
            sampling.seed = params.seed
            let options = GenerationOptions(sampling: sampling, maxTokens: params.maxTokens, stopStrings: params.stop,
                                            stopTokens: params.stopTokens.map(Int64.init), ignoreEOS: params.ignoreEOS)
            context.beginProgress(title: "Decoding with \(expert.name) and \(amateur.name)", percentage: 0)
            defer { context.endProgress() }
            let onText: @Sendable (String) -> Void = { text in context.sendPartialResult(["text": .string(text)]) }
            let result: ContrastiveResult
            switch (params.prompt, params.messages, params.expertSessionId, params.amateurSessionId) {
            case (nil, nil, let e?, let a?):
                guard try engine.sessions.model(of: e) === expert, try engine.sessions.model(of: a) === amateur else {
                    throw RPCError.invalidParams("the sessions must run on the expert and the amateur model", path: "params.expertSessionId")
                }
                result = try await engine.sessions.contrastive(expert: e, amateur: a, options: options, settings: settings, onText: onText)
            case (_, _, nil, nil):
                let (input, field) = try Self.prompt(prompt: params.prompt, messages: params.messages)
                let prompt = try expert.tokens(for: input, field: field)
                result = try await ContrastiveDecoding.generate(expert: expert, amateur: amateur, prompt: prompt.tokens,
                                                                templateStops: prompt.stopTokens, options: options, settings: settings,
                                                                reuse: true, onText: onText)
            default:
                throw RPCError.invalidParams("give prompt or messages, or both expertSessionId and amateurSessionId", path: "params")
            }
            return Self.wire(result, mode: mode)
        }
    }

    static func wire(_ r: ContrastiveResult, mode: ContrastiveSettings.Mode) -> DecodeContrastive.Result {
        let g = r.generation
        return DecodeContrastive.Result(
            text: g.text, tokens: g.tokens, tokenCount: g.tokens.count, promptTokens: g.promptTokens, cachedTokens: g.cachedTokens,
            evaluatedTokens: g.evaluatedTokens, stopReason: g.stopReason.rawValue, mode: mode.rawValue,
            statistics: .init(drafted: r.drafted, accepted: r.accepted, resampled: r.resampled, acceptanceRate: r.acceptanceRate,
                              expertPasses: r.expertPasses, amateurPasses: r.amateurPasses, tokensPerExpertPass: r.tokensPerExpertPass),
            timings: .init(prefillSeconds: g.prefillSeconds, decodeSeconds: g.decodeSeconds,
                           prefillTokensPerSecond: rate(g.evaluatedTokens, g.prefillSeconds),
                           decodeTokensPerSecond: rate(g.tokens.count, g.decodeSeconds)))
    }
}
