import Foundation
import Synchronization
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
    /// Prompt tokens whose entries were already cached (reused, not evaluated).
    public var cachedTokens: Int
    /// Prompt tokens evaluated for this request.
    public var evaluatedTokens: Int { promptTokens - cachedTokens }
    public var prefillSeconds: Double
    public var decodeSeconds: Double
}

extension LoadedModel {
    /// Generates a continuation of `request.prompt`, calling `onText` with each new piece of text
    /// that can no longer turn into a stop string. Runs through the model's decode scheduler, so
    /// concurrent requests on this model decode in one batch.
    /// With `reuse`, the prompt starts from the longest prefix this model has cached (see
    /// `PrefixCache`; the result's `cachedTokens` says how many) and what it computes is kept for
    /// later requests.
    public func generate(_ request: GenerationRequest, reuse: Bool = false, onText: @escaping @Sendable (String) -> Void = { _ in })
        async throws(EngineError) -> GenerationResult
    {
        let capacity = min(contextLength, request.prompt.count + request.maxTokens)
        let job = reuse
            ? try scheduled(request, onText: onText, start: { [self] () throws(EngineError) in
                if let start = prefixCache.start(for: request.prompt, allocate: storageAllocator) { return start }
                return CacheStart(cache: try makeCache(capacity: capacity), cached: 0)
            }, keep: { [self] cache, tokens in prefixCache.offer(tokens, cache: cache) })
            : try scheduled(request, onText: onText)
        return try await run([job])[0].get()
    }

    /// Generates for several requests submitted together: each is prefilled on its own, then every
    /// decode step feeds one token of each unfinished sequence in a single forward pass (the
    /// scheduler's loop, as concurrent `generate` calls get), so the weights are read once per step
    /// for all of them. Fails with the first request's error, if any fails.
    public func generateBatch(_ requests: [GenerationRequest]) async throws(EngineError) -> [GenerationResult] {
        let jobs = try requests.map { request throws(EngineError) in try scheduled(request, onText: { _ in }) }
        return try await run(jobs).map { outcome throws(EngineError) in try outcome.get() }
    }

    /// Decode steps so far that advanced several concurrent requests at once.
    public var sharedDecodeSteps: Int { scheduler.sharedSteps }

    /// A request checked against the context and made into a scheduler job (its finish set by
    /// `run`), starting from `start`'s cache (default: a fresh one) and handing its cache to `keep`.
    func scheduled(_ request: GenerationRequest, onText: @escaping @Sendable (String) -> Void,
                   start: (@Sendable () throws(EngineError) -> CacheStart)? = nil,
                   keep: (@Sendable (KVCache, [Int32]) -> Void)? = nil) throws(EngineError) -> DecodeScheduler.Job
    {
        _ = try decoder()
        let needed = request.prompt.count + 1
        guard !request.prompt.isEmpty else { throw EngineError.invalidInput(field: "prompt", reason: "is empty after tokenization") }
        guard needed <= contextLength else { throw EngineError.contextOverflow(needed: needed, limit: contextLength) }
        return DecodeScheduler.Job(request: request, capacity: min(contextLength, request.prompt.count + request.maxTokens),
                                   start: start, keep: keep, onText: onText, cancelled: CancellationFlag(), finish: { _ in })
    }

    /// Submits jobs together and waits for all of them; cancelling the task cancels every job.
    func run(_ jobs: [DecodeScheduler.Job]) async -> [Result<GenerationResult, EngineError>] {
        let outcomes = Mutex([Result<GenerationResult, EngineError>?](repeating: nil, count: jobs.count))
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let submitted = jobs.enumerated().map { index, job in
                    job.finishing { outcome in
                        let all = outcomes.withLock { results -> [Result<GenerationResult, EngineError>]? in
                            results[index] = outcome
                            let done = results.compactMap { $0 }
                            return done.count == results.count ? done : nil
                        }
                        if let all { continuation.resume(returning: all) }
                    }
                }
                scheduler.submit(submitted, model: self)
            }
        } onCancel: {
            for job in jobs { job.cancelled.set() }
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

    func result(prefillSeconds: Double, decodeSeconds: Double, cachedTokens: Int) -> GenerationResult {
        GenerationResult(text: text, tokens: generated, logprobs: logprobs, stopReason: reason ?? .length, promptTokens: request.prompt.count,
                         cachedTokens: cachedTokens, prefillSeconds: prefillSeconds, decodeSeconds: decodeSeconds)
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
