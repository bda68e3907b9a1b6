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
    /// How many most likely alternatives to report with each generated token (0: none; at most
    /// `maxTopLogprobs`). Every token's own log-probability is always reported.
    public var topLogprobs: Int

    /// Most alternatives `topLogprobs` may ask for.
    public static let maxTopLogprobs = 20

    public init(prompt: [Int32], sampling: SamplingParameters = .init(), maxTokens: Int = 256,
                stopStrings: [String] = [], stopTokens: [Int32] = [], ignoreEOS: Bool = false, topLogprobs: Int = 0) {
        self.prompt = prompt
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stopStrings = stopStrings
        self.stopTokens = stopTokens
        self.ignoreEOS = ignoreEOS
        self.topLogprobs = max(0, min(topLogprobs, Self.maxTopLogprobs))
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
    /// For each of `tokens`: its log-probability under the model's distribution at that step (the
    /// softmax of the raw logits, before temperature, penalties and truncation) and, when asked
    /// for, the most likely alternatives. `ScoreResult.Token`, as `text/score` reports.
    public var logprobs: [ScoreResult.Token]
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
        // Through the scheduler, so concurrent requests on this model decode in one batch.
        let cancelled = CancellationFlag()
        let result: Result<GenerationResult, EngineError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                scheduler.submit(DecodeScheduler.Job(request: request, capacity: capacity, onText: onText, cancelled: cancelled,
                                                     finish: { continuation.resume(returning: $0) }), model: self)
            }
        } onCancel: {
            cancelled.set()
        }
        return try result.get()
    }

    /// Decode steps so far that advanced several concurrent requests at once.
    public var sharedDecodeSteps: Int { scheduler.sharedSteps }

    /// Feeds a prompt in chunks, checking for cancellation between them; returns the last logits.
    func prefill(_ prompt: [Int32], cache: KVCache, cancelled: CancellationFlag) throws(EngineError) -> [Float] {
        var logits: [Float] = []
        var offset = 0
        while offset < prompt.count {
            if cancelled.isSet { throw EngineError.cancelled }
            let chunk = Array(prompt[offset..<min(offset + transformer.maxBatch, prompt.count)])
            offset += chunk.count
            logits = transformer.forward(chunk, cache: cache, logits: offset == prompt.count ? .last : .none)
        }
        return logits
    }

    /// Generates for several sequences at once: each is prefilled on its own, then every decode step
    /// feeds one token of each unfinished sequence in a single forward pass, so the weights are read
    /// once per step for all of them.
    public func generateBatch(_ requests: [GenerationRequest]) async throws(EngineError) -> [GenerationResult] {
        for request in requests {
            guard !request.prompt.isEmpty else { throw EngineError.invalidInput(field: "prompt", reason: "is empty") }
            guard request.prompt.count + 1 <= contextLength else {
                throw EngineError.contextOverflow(needed: request.prompt.count + 1, limit: contextLength)
            }
        }
        return try await compute { cancelled throws(EngineError) in
            var caches: [KVCache] = []
            for request in requests {
                caches.append(try self.makeCache(capacity: min(self.contextLength, request.prompt.count + request.maxTokens)))
            }
            var sequences = requests.map { SequenceState($0, tokenizer: self.tokenizer) }
            var logits: [[Float]] = []
            var prefillSeconds: [Double] = []
            for (request, cache) in zip(requests, caches) {
                let start = Date()
                logits.append(try self.prefill(request.prompt, cache: cache, cancelled: cancelled))
                prefillSeconds.append(Date().timeIntervalSince(start))
            }
            let decodeStart = Date()
            var decodeSeconds = [Double](repeating: 0, count: requests.count)
            let vocabulary = self.configuration.vocabularySize
            while true {
                if cancelled.isSet { throw EngineError.cancelled }
                var batch: [(index: Int, token: Int32)] = []
                for i in sequences.indices where !sequences[i].finished {
                    let token = sequences[i].sample(logits[i])
                    _ = sequences[i].accept(token, cacheFull: caches[i].remaining == 0)
                    if sequences[i].finished {
                        decodeSeconds[i] = Date().timeIntervalSince(decodeStart)
                    } else {
                        batch.append((i, token))
                    }
                }
                if batch.isEmpty { break }
                for start in stride(from: 0, to: batch.count, by: self.transformer.maxBatch) {
                    let part = batch[start..<min(start + self.transformer.maxBatch, batch.count)]
                    let rows = self.transformer.forward(part.map(\.token), positions: part.map { caches[$0.index].nextPosition },
                                                        caches: part.map { caches[$0.index] }, logits: .all)
                    for (row, item) in part.enumerated() {
                        logits[item.index] = Array(rows[(row * vocabulary)..<((row + 1) * vocabulary)])
                    }
                }
            }
            return sequences.indices.map { i in
                _ = sequences[i].finish()
                return sequences[i].result(prefillSeconds: prefillSeconds[i], decodeSeconds: decodeSeconds[i])
            }
        }
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

/// One sequence's decoding state: its sampler, tokens and text so far, and when it stops.
struct SequenceState {
    let request: GenerationRequest
    var sampler: Sampler
    var stops: Set<Int32>
    var history: [Int32]
    var generated: [Int32] = []
    var logprobs: [ScoreResult.Token] = []
    /// The scored token `sample` picked, until `accept` keeps or drops it.
    var pending: ScoreResult.Token?
    var decoder: StreamingDecoder
    var text = ""
    /// Characters of `text` already handed out as streamed text.
    var emitted = 0
    var reason: StopReason?

    init(_ request: GenerationRequest, tokenizer: Tokenizer) {
        self.request = request
        sampler = Sampler(request.sampling)
        stops = Set(request.stopTokens)
        if !request.ignoreEOS, let eos = tokenizer.eosID { stops.insert(eos) }
        history = request.prompt
        decoder = StreamingDecoder(tokenizer: tokenizer)
        if request.maxTokens == 0 { reason = .length }
    }

    var finished: Bool { reason != nil }

    mutating func sample(_ logits: [Float]) -> Int32 {
        let token = sampler.sample(logits, history: history)
        pending = LoadedModel.scoreToken(token, logits, topK: request.topLogprobs)
        return token
    }

    /// Takes a sampled token; returns newly safe text to stream, if any.
    mutating func accept(_ token: Int32, cacheFull: Bool) -> String? {
        if stops.contains(token) {
            reason = .endOfSequence
            return nil
        }
        generated.append(token)
        if let pending, pending.token == token { logprobs.append(pending) }
        pending = nil
        history.append(token)
        text += decoder.append(token)
        let stopStrings = request.stopStrings
        if let cut = LoadedModel.firstStop(in: text, stops: stopStrings, from: max(0, emitted - LoadedModel.longest(stopStrings))) {
            text = String(text[..<cut])
            reason = .stop
            return nil
        }
        if generated.count >= request.maxTokens { reason = .length }
        else if cacheFull { reason = .context }
        let safe = LoadedModel.safeLength(text, stops: stopStrings)
        guard safe > emitted else { return nil }
        defer { emitted = safe }
        return String(text.dropFirst(emitted).prefix(safe - emitted))
    }

    /// Flushes what is left (held-back text, an incomplete UTF-8 tail); returns unstreamed text.
    mutating func finish() -> String? {
        if reason != .stop { text += decoder.finish() }
        guard text.count > emitted else { return nil }
        defer { emitted = text.count }
        return String(text.dropFirst(emitted))
    }

    func result(prefillSeconds: Double, decodeSeconds: Double) -> GenerationResult {
        GenerationResult(text: text, tokens: generated, logprobs: logprobs, stopReason: reason ?? .length, promptTokens: request.prompt.count,
                         prefillSeconds: prefillSeconds, decodeSeconds: decodeSeconds)
    }
}

extension LoadedModel {
    /// Token ids a client sent, checked against the vocabulary (the embedding table and the
    /// tokenizer both): -32602 names `field[index]` of the first id outside it.
    public func checkedTokens(_ ids: [Int64], field: String) throws(EngineError) -> [Int32] {
        let limit = Int64(min(configuration.vocabularySize, tokenizer.vocabularySize))
        if let index = ids.firstIndex(where: { $0 < 0 || $0 >= limit }) {
            throw EngineError.invalidInput(field: "\(field)[\(index)]",
                                           reason: "token id \(ids[index]) is outside the vocabulary (0..<\(limit))")
        }
        return ids.map { Int32($0) }
    }
}
