import Foundation
import Tokenizers

/// Log-probabilities of a continuation given a prompt.
public struct ScoreResult: Sendable {
    public struct Alternative: Sendable {
        public var token: Int32
        public var logprob: Double
    }
    public struct Token: Sendable {
        public var token: Int32
        public var logprob: Double
        /// The most likely tokens at this position, best first (empty unless asked for).
        public var top: [Alternative]
    }
    public var promptTokens: Int
    /// Prompt tokens whose entries were already cached (reused, not evaluated).
    public var cachedTokens: Int = 0
    public var tokens: [Token]
    public var totalLogprob: Double { tokens.reduce(0) { $0 + $1.logprob } }
}

extension LoadedModel {
    /// Scores `continuation` after `prompt` in one forward pass over both: the log-probability of
    /// each continuation token given everything before it, and optionally the top-k alternatives.
    /// With `reuse`, the prompt starts from the longest prefix this model has cached and what is
    /// computed is kept for later requests (`cachedTokens` says how much was reused).
    public func score(prompt: [Int32], continuation: [Int32], topK: Int, reuse: Bool = false) async throws(EngineError) -> ScoreResult {
        _ = try decoder()
        guard !prompt.isEmpty else { throw EngineError.invalidInput(field: "prompt", reason: "is empty after tokenization (nothing to condition on)") }
        guard !continuation.isEmpty else { throw EngineError.invalidInput(field: "continuation", reason: "is empty after tokenization") }
        let total = prompt.count + continuation.count
        guard total <= contextLength else { throw EngineError.contextOverflow(needed: total, limit: contextLength) }
        return try await compute { cancelled throws(EngineError) in
            let start: CacheStart
            if reuse, let reused = self.prefixCache.start(for: prompt, allocate: self.storageAllocator) {
                start = reused
            } else {
                start = CacheStart(cache: try self.makeCache(capacity: total), cached: 0)
            }
            let result = try self.score(prompt: prompt, continuation: continuation, topK: topK, from: start, cancelled: cancelled)
            if reuse { self.prefixCache.offer(Array((prompt + continuation).dropLast()), cache: start.cache) }
            return result
        }
    }

    /// Scores on the model's queue, from a cache holding the prompt's first `start.cached` tokens
    /// (fewer than the prompt's); the cache is fed the rest but the last continuation token.
    func score(prompt: [Int32], continuation: [Int32], topK: Int, from start: CacheStart,
               cancelled: CancellationFlag) throws(EngineError) -> ScoreResult {
        let sequence = prompt + continuation, total = sequence.count, cached = start.cached
        var scored: [ScoreResult.Token] = []
        // The last token predicts nothing scored, so it is not fed; the logits at position p
        // predict sequence[p + 1].
        try feed(sequence[cached..<(total - 1)], into: start.cache,
                 wanted: Array((prompt.count - 1 - cached)..<(total - 1 - cached)), cancelled: cancelled) { index, logits in
            scored.append(Self.scoreToken(sequence[cached + index + 1], Array(logits), topK: topK))
        }
        return ScoreResult(promptTokens: prompt.count, cachedTokens: cached, tokens: scored)
    }

    static func scoreToken(_ token: Int32, _ logits: [Float], topK: Int) -> ScoreResult.Token {
        let maximum = logits.max() ?? 0
        var sum = 0.0
        for l in logits { sum += exp(Double(l - maximum)) }
        let logNormalizer = Double(maximum) + log(sum)
        let top = topK > 0
            ? Sampler.topK(logits.indices.map { (Int32($0), logits[$0]) }, min(topK, logits.count))
                .map { ScoreResult.Alternative(token: $0.0, logprob: Double($0.1) - logNormalizer) }
            : []
        return ScoreResult.Token(token: token, logprob: Double(logits[Int(token)]) - logNormalizer, top: top)
    }
}

extension LoadedModel {
    /// Log-probabilities of each of `labels` as the next token after each of `positions` (indices into
    /// `tokens`), from one forward pass over `tokens`: what step-wise verifiers read.
    public func labelLogProbabilities(tokens: [Int32], positions: [Int], labels: [Int32]) async throws(EngineError) -> [[Double]] {
        _ = try decoder()
        guard !tokens.isEmpty else { throw EngineError.invalidInput(field: "solution", reason: "is empty after tokenization") }
        guard tokens.count <= contextLength else { throw EngineError.contextOverflow(needed: tokens.count, limit: contextLength) }
        guard positions.allSatisfy({ (0..<tokens.count).contains($0) }) else {
            throw EngineError.invalidInput(field: "solution", reason: "a step marker lies outside the text")
        }
        let wanted = Array(Set(positions)).sorted()
        return try await compute { cancelled throws(EngineError) in
            let cache = try self.makeCache(capacity: tokens.count)
            var byPosition: [Int: [Double]] = [:]
            try self.feed(tokens[...], into: cache, wanted: wanted, cancelled: cancelled) { position, logits in
                byPosition[position] = Self.logProbabilities(of: labels, in: logits)
            }
            return positions.map { byPosition[$0]! }
        }
    }
}

extension LoadedModel {
    /// `labelLogProbabilities` for several sequences that all start with `prefix`: the prefix is
    /// computed once and its KV cache copied into each sequence's cache, so only the suffixes are
    /// run per sequence. `positions[i]` index into `prefix + suffixes[i]` and must lie in the suffix.
    public func labelLogProbabilities(prefix: [Int32], suffixes: [[Int32]], positions: [[Int]],
                                      labels: [Int32]) async throws(EngineError) -> [[[Double]]] {
        _ = try decoder()
        guard !prefix.isEmpty else { throw EngineError.invalidInput(field: "question", reason: "is empty after tokenization") }
        for (suffix, wanted) in zip(suffixes, positions) {
            guard prefix.count + suffix.count <= contextLength else {
                throw EngineError.contextOverflow(needed: prefix.count + suffix.count, limit: contextLength)
            }
            guard wanted.allSatisfy({ $0 >= prefix.count && $0 < prefix.count + suffix.count }) else {
                throw EngineError.invalidInput(field: "candidates", reason: "a step marker lies outside the candidate")
            }
        }
        return try await compute { cancelled throws(EngineError) in
            let shared = try self.makeCache(capacity: prefix.count)
            try self.feed(prefix[...], into: shared, cancelled: cancelled)
            var results: [[[Double]]] = []
            for (suffix, wanted) in zip(suffixes, positions) {
                // Each candidate reads the prefix's entries (a fork copies nothing) and writes its own.
                let cache = shared.fork(allocate: self.storageAllocator)
                var byPosition: [Int: [Double]] = [:]
                let rows = Set(wanted).map { $0 - prefix.count }.sorted()
                try self.feed(suffix[...], into: cache, wanted: rows, cancelled: cancelled) { row, logits in
                    byPosition[prefix.count + row] = Self.logProbabilities(of: labels, in: logits)
                }
                results.append(wanted.map { byPosition[$0]! })
            }
            return results
        }
    }

    static func logProbabilities(of labels: [Int32], in slice: ArraySlice<Float>) -> [Double] {
        let maximum = Double(slice.max() ?? 0)
        let normalizer = maximum + log(slice.reduce(0.0) { $0 + exp(Double($1) - maximum) })
        return labels.map { Double(slice[slice.startIndex + Int($0)]) - normalizer }
    }
}
