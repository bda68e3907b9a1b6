import Foundation
import Tokenizers

/// What to generate.
public struct GenerationRequest: Sendable {
    public var prompt: [Int32]
    public var sampling: SamplingParameters
    public var maxTokens: Int
    /// Generation ends when the text contains one of these; it is cut before the match.
    public var stopStrings: [String]
    /// Generation ends on one of these tokens (the model's end-of-sequence token is always included
    /// unless `ignoreEOS`).
    public var stopTokens: [Int32]
    public var ignoreEOS: Bool

    public init(prompt: [Int32], sampling: SamplingParameters = .init(), maxTokens: Int = 256,
                stopStrings: [String] = [], stopTokens: [Int32] = [], ignoreEOS: Bool = false) {
        self.prompt = prompt
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stopStrings = stopStrings
        self.stopTokens = stopTokens
        self.ignoreEOS = ignoreEOS
    }
}

public enum StopReason: String, Sendable, Codable {
    /// A stop string appeared.
    case stop
    /// The end-of-sequence token or a stop token was sampled.
    case endOfSequence
    /// `maxTokens` were generated.
    case length
    /// The context is full.
    case context
}

public struct GenerationResult: Sendable {
    public var text: String
    public var tokens: [Int32]
    public var stopReason: StopReason
    public var promptTokens: Int
    public var prefillSeconds: Double
    public var decodeSeconds: Double
}

extension LoadedModel {
    /// Generates a continuation of `request.prompt`, calling `onText` with each new piece of text
    /// that can no longer turn into a stop string. Runs on the model's compute queue.
    public func generate(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Void = { _ in })
        async throws(EngineError) -> GenerationResult
    {
        let needed = request.prompt.count + 1
        guard !request.prompt.isEmpty else { throw EngineError.invalidInput(field: "prompt", reason: "is empty after tokenization") }
        guard needed <= contextLength else { throw EngineError.contextOverflow(needed: needed, limit: contextLength) }
        let capacity = min(contextLength, request.prompt.count + request.maxTokens)
        return try await compute { cancelled throws(EngineError) in
            try self.runGeneration(request, capacity: capacity, cancelled: cancelled, onText: onText)
        }
    }

    private func runGeneration(_ request: GenerationRequest, capacity: Int, cancelled: CancellationFlag,
                               onText: (String) -> Void) throws(EngineError) -> GenerationResult {
        let cache = transformer.makeCache(capacity: capacity)
        var sampler = Sampler(request.sampling)
        var stops = Set(request.stopTokens)
        if !request.ignoreEOS, let eos = tokenizer.eosID { stops.insert(eos) }

        // Prefill in chunks, checking for cancellation between them.
        let start = Date()
        var logits: [Float] = []
        var offset = 0
        while offset < request.prompt.count {
            if cancelled.isSet { throw EngineError.cancelled }
            let chunk = Array(request.prompt[offset..<min(offset + transformer.maxBatch, request.prompt.count)])
            offset += chunk.count
            logits = transformer.forward(chunk, cache: cache, logits: offset == request.prompt.count ? .last : .none)
        }
        let prefillSeconds = Date().timeIntervalSince(start)

        let decodeStart = Date()
        var history = request.prompt
        var generated: [Int32] = []
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var text = ""
        var emitted = 0   // characters of `text` already passed to onText
        var reason = StopReason.length
        loop: while generated.count < request.maxTokens {
            if cancelled.isSet { throw EngineError.cancelled }
            let token = sampler.sample(logits, history: history)
            if stops.contains(token) {
                reason = .endOfSequence
                break
            }
            generated.append(token)
            history.append(token)
            text += decoder.append(token)
            if let cut = Self.firstStop(in: text, stops: request.stopStrings, from: max(0, emitted - Self.longest(request.stopStrings))) {
                text = String(text[..<cut])
                reason = .stop
                break loop
            }
            let safe = Self.safeLength(text, stops: request.stopStrings)
            if safe > emitted {
                onText(String(text.dropFirst(emitted).prefix(safe - emitted)))
                emitted = safe
            }
            if cache.remaining == 0 {
                reason = .context
                break
            }
            if generated.count < request.maxTokens {
                logits = transformer.forward([token], cache: cache, logits: .last)
            }
        }
        if reason != .stop { text += decoder.finish() }
        if text.count > emitted { onText(String(text.dropFirst(emitted))) }
        return GenerationResult(text: text, tokens: generated, stopReason: reason, promptTokens: request.prompt.count,
                                prefillSeconds: prefillSeconds, decodeSeconds: Date().timeIntervalSince(decodeStart))
    }

    /// Where the earliest stop string starts in `text` (searching from character `from`), if any.
    static func firstStop(in text: String, stops: [String], from: Int) -> String.Index? {
        let searchStart = text.index(text.startIndex, offsetBy: min(from, text.count))
        var best: String.Index?
        for stop in stops where !stop.isEmpty {
            if let range = text.range(of: stop, range: searchStart..<text.endIndex), best.map({ range.lowerBound < $0 }) ?? true {
                best = range.lowerBound
            }
        }
        return best
    }

    /// Characters of `text` that cannot become part of a stop string, however generation goes on.
    static func safeLength(_ text: String, stops: [String]) -> Int {
        var hold = 0
        for stop in stops where !stop.isEmpty {
            for length in stride(from: min(stop.count - 1, text.count), to: 0, by: -1) where text.hasSuffix(stop.prefix(length)) {
                hold = max(hold, length)
                break
            }
        }
        return text.count - hold
    }

    static func longest(_ stops: [String]) -> Int { stops.map(\.count).max() ?? 0 }
}
