import Foundation

/// How `decode/contrastive` combines an expert and an amateur model.
public struct ContrastiveSettings: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// One token at a time from the contrastive distribution.
        case contrastive
        /// The amateur drafts `gamma` tokens, the expert checks them in one pass; the output follows
        /// the expert's own distribution.
        case speculative
        /// Speculative contrastive decoding: as `speculative`, with the contrastive distribution
        /// as the target.
        case scd
    }

    public var mode: Mode
    /// The plausibility cut: tokens the expert finds less likely than `alpha` × its best are out.
    public var alpha: Double
    /// How strongly the amateur is contrasted away.
    public var beta: Double
    /// Tokens the amateur drafts per round.
    public var gamma: Int

    public init(mode: Mode = .scd, alpha: Double = 0.1, beta: Double = 0.5, gamma: Int = 4) {
        self.mode = mode
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
    }

    /// Why the settings are unusable, naming the field; nil when valid.
    public func problem() -> (field: String, message: String)? {
        if !(alpha >= 0 && alpha <= 1) { return ("alpha", "must be in [0, 1]") }
        if !(beta >= 0 && beta <= 100) { return ("beta", "must be in [0, 100]") }
        if !(1...16).contains(gamma) { return ("gamma", "must be between 1 and 16") }
        return nil
    }
}

/// What a contrastive or speculative generation did, besides its text.
public struct ContrastiveResult: Sendable {
    public var generation: GenerationResult
    /// Draft tokens the amateur proposed, those the expert accepted, and rejections resampled.
    public var drafted: Int
    public var accepted: Int
    public var resampled: Int
    /// Forward passes of each model after the prompt.
    public var expertPasses: Int
    public var amateurPasses: Int

    /// The share of the drafts the expert judged that it accepted: accepted ÷ (accepted +
    /// rejected). Drafts after a round's first rejection are never judged, so they do not count;
    /// this is the α of (1 − α^(γ+1)) / (1 − α), the expected tokens per expert pass.
    public var acceptanceRate: Double { accepted + resampled > 0 ? Double(accepted) / Double(accepted + resampled) : 0 }
    public var tokensPerExpertPass: Double { expertPasses > 0 ? Double(generation.tokens.count) / Double(expertPasses) : 0 }
}

/// The distributions contrastive and speculative decoding work with, as pure functions (tested on
/// hand-built distributions).
public enum ContrastiveMath {
    /// log softmax(logits / temperature); temperature 0 is taken as 1 (greedy picks the argmax of
    /// what this gives).
    public static func logSoftmax(_ logits: some Collection<Float>, temperature: Double) -> [Double] {
        let t = temperature > 0 ? temperature : 1
        let scaled = logits.map { Double($0) / t }
        let maximum = scaled.max() ?? 0
        let normalizer = maximum + log(scaled.reduce(0) { $0 + exp($1 - maximum) })
        return scaled.map { $0 - normalizer }
    }

    /// The contrastive distribution: proportional to exp((1 + β)·log p_expert − β·log p_amateur)
    /// over the plausible set {x : p_expert(x) ≥ α · max p_expert}, zero elsewhere, normalized.
    public static func contrastive(expert: [Double], amateur: [Double], alpha: Double, beta: Double) -> [Double] {
        precondition(expert.count == amateur.count)
        let cut = (expert.max() ?? 0) + log(max(alpha, .leastNonzeroMagnitude))
        var scores = [Double](repeating: -.infinity, count: expert.count)
        var best = -Double.infinity
        for i in expert.indices where expert[i] >= cut {
            scores[i] = (1 + beta) * expert[i] - beta * amateur[i]
            best = max(best, scores[i])
        }
        var total = 0.0
        for i in scores.indices where scores[i] > -.infinity {
            scores[i] = exp(scores[i] - best)
            total += scores[i]
        }
        return scores.map { $0 > -.infinity ? $0 / total : 0 }
    }

    /// exp of log-probabilities.
    public static func probabilities(_ logProbabilities: [Double]) -> [Double] {
        logProbabilities.map(exp)
    }

    /// The distribution a rejected draft is resampled from: the normalized positive part of
    /// (target − draft); the target itself when that is all zero (the two are equal).
    public static func residual(target: [Double], draft: [Double]) -> [Double] {
        var result = zip(target, draft).map { max(0, $0 - $1) }
        let total = result.reduce(0, +)
        guard total > 0 else { return target }
        for i in result.indices { result[i] /= total }
        return result
    }

    /// The probability of accepting draft token `x`: min(1, target(x) / draft(x)).
    public static func acceptance(target: [Double], draft: [Double], token x: Int) -> Double {
        draft[x] > 0 ? min(1, target[x] / draft[x]) : 1
    }

    public static func argmax(_ p: [Double]) -> Int32 {
        var best = 0
        for i in p.indices where p[i] > p[best] { best = i }
        return Int32(best)
    }

    /// A token drawn from `p` with one uniform number.
    public static func sample(_ p: [Double], using generator: inout SeededGenerator) -> Int32 {
        let total = p.reduce(0, +)
        var u = Double.random(in: 0..<1, using: &generator) * total
        for i in p.indices where p[i] > 0 {
            u -= p[i]
            if u < 0 { return Int32(i) }
        }
        return Int32(p.lastIndex { $0 > 0 } ?? 0)
    }
}

/// Contrastive, speculative and speculative contrastive decoding (SCD) with an expert and an
/// amateur model sharing a vocabulary. Both models' caches hold every token of the sequence but
/// the last ("pending"); rejected drafts are rolled back from both.
public enum ContrastiveDecoding {
    /// Refuses models whose vocabularies differ, listing the first mismatches.
    public static func checkVocabularies(expert: LoadedModel, amateur: LoadedModel) throws(EngineError) {
        let a = expert.tokenizer, b = amateur.tokenizer
        var mismatches: [String] = []
        if a.vocabularySize != b.vocabularySize {
            mismatches.append("sizes \(a.vocabularySize) and \(b.vocabularySize)")
        }
        for id in 0..<min(a.vocabularySize, b.vocabularySize) where mismatches.count < 5 {
            let x = a.tokenText(Int32(id)), y = b.tokenText(Int32(id))
            if x != y { mismatches.append("token \(id): \(x.map { "'\($0)'" } ?? "none") vs \(y.map { "'\($0)'" } ?? "none")") }
        }
        guard mismatches.isEmpty else {
            throw EngineError.invalidInput(field: "amateur", reason: "the models' vocabularies differ: " + mismatches.joined(separator: "; "))
        }
    }

    /// Where the two sequences start: caches holding the prompt's first tokens (all but at least the
    /// last), or fresh ones.
    public struct Start: @unchecked Sendable {
        public var expert: KVCache
        public var amateur: KVCache
        public init(expert: KVCache, amateur: KVCache) {
            self.expert = expert
            self.amateur = amateur
        }
    }

    /// Generates from `prompt`. `templateStops` are end-of-turn tokens of a chat prompt. Stops as
    /// `text/generate` does; cancellation is checked between rounds.
    public static func generate(expert: LoadedModel, amateur: LoadedModel, prompt: [Int32], templateStops: [Int32] = [],
                                options: GenerationOptions, settings: ContrastiveSettings, start: Start? = nil, reuse: Bool = false,
                                onText: @escaping @Sendable (String) -> Void = { _ in }) async throws(EngineError) -> ContrastiveResult {
        if let problem = settings.problem() { throw EngineError.invalidInput(field: problem.field, reason: problem.message) }
        _ = try expert.decoder()
        _ = try amateur.decoder()
        try checkVocabularies(expert: expert, amateur: amateur)
        let request = try expert.request(prompt, templateStops: templateStops, options: options)
        guard !prompt.isEmpty else { throw EngineError.invalidInput(field: "prompt", reason: "is empty after tokenization") }
        let context = min(expert.contextLength, amateur.contextLength)
        guard prompt.count + 1 <= context else { throw EngineError.contextOverflow(needed: prompt.count + 1, limit: context) }
        let begin = start ?? Start(expert: reuse ? fromPrefixCache(expert, prompt) : expert.makeGrowableCache(),
                                   amateur: reuse ? fromPrefixCache(amateur, prompt) : amateur.makeGrowableCache())
        var run = Run(expert: expert, amateur: amateur, request: request, settings: settings, context: context, start: begin)
        let result = try await run.generate(onText: onText)
        if reuse && start == nil {
            let fed = Array(run.sequence.prefix(Int(begin.expert.nextPosition)))
            let expertCache = begin.expert, amateurCache = begin.amateur
            _ = try? await expert.compute { _ in expert.prefixCache.offer(fed, cache: expertCache) }
            let amateurFed = Array(run.sequence.prefix(Int(begin.amateur.nextPosition)))
            _ = try? await amateur.compute { _ in amateur.prefixCache.offer(amateurFed, cache: amateurCache) }
        }
        return result
    }

    /// A cache for `prompt` from the model's reusable prefixes, or a fresh one.
    private static func fromPrefixCache(_ model: LoadedModel, _ prompt: [Int32]) -> KVCache {
        model.prefixCache.start(for: prompt, allocate: model.storageAllocator)?.cache ?? model.makeGrowableCache()
    }

    /// One generation's state.
    struct Run {
        let expert: LoadedModel
        let amateur: LoadedModel
        let request: GenerationRequest
        let settings: ContrastiveSettings
        let context: Int
        let expertCache: KVCache
        let amateurCache: KVCache
        var sequence: [Int32]
        var state: SequenceState
        var generator: SeededGenerator
        var result = (drafted: 0, accepted: 0, resampled: 0, expertPasses: 0, amateurPasses: 0)
        let cachedTokens: Int

        init(expert: LoadedModel, amateur: LoadedModel, request: GenerationRequest, settings: ContrastiveSettings, context: Int,
             start: Start) {
            self.expert = expert
            self.amateur = amateur
            self.request = request
            self.settings = settings
            self.context = context
            expertCache = start.expert
            amateurCache = start.amateur
            sequence = request.prompt
            state = SequenceState(request, tokenizer: expert.tokenizer)
            generator = SeededGenerator(seed: request.sampling.seed ?? UInt64.random(in: .min ... .max))
            cachedTokens = min(Int(start.expert.nextPosition), request.prompt.count - 1)
        }

        var temperature: Double { request.sampling.temperature }
        var greedy: Bool { temperature == 0 }

        mutating func generate(onText: @escaping @Sendable (String) -> Void) async throws(EngineError) -> ContrastiveResult {
            let started = Date()
            // Both caches get every prompt token but the last (a session's may hold it already).
            try await rollBack(to: sequence.count - 1)
            try await Self.catchUp(expert, expertCache, sequence, to: sequence.count - 1)
            try await Self.catchUp(amateur, amateurCache, sequence, to: sequence.count - 1)
            let prefillSeconds = Date().timeIntervalSince(started)
            let decodeStart = Date()
            while !state.finished {
                if Task.isCancelled { throw EngineError.cancelled }
                let room = context - sequence.count   // entries left once the pending token is fed
                guard room > 0 else {
                    state.reason = .context
                    break
                }
                let emitted: [Int32]
                switch settings.mode {
                case .contrastive: emitted = [try await contrastiveStep()]
                case .speculative, .scd: emitted = try await speculativeRound(gamma: min(settings.gamma, room))
                }
                for token in emitted where !state.finished {
                    sequence.append(token)
                    if let text = state.accept(token, cacheFull: sequence.count >= context) { onText(text) }
                }
            }
            if let text = state.finish() { onText(text) }
            // Tokens emitted after a stop in the same round leave the caches; they hold at most the
            // sequence but its last token.
            try await rollBack(to: sequence.count - 1)
            let generation = state.result(prefillSeconds: prefillSeconds, decodeSeconds: Date().timeIntervalSince(decodeStart),
                                          cachedTokens: cachedTokens)
            return ContrastiveResult(generation: generation, drafted: result.drafted, accepted: result.accepted,
                                     resampled: result.resampled, expertPasses: result.expertPasses, amateurPasses: result.amateurPasses)
        }

        /// Cuts both caches back to at most `length` tokens (each on its model's queue).
        func rollBack(to length: Int) async throws(EngineError) {
            for (model, cache) in [(expert, expertCache), (amateur, amateurCache)] {
                try await model.compute { _ throws(EngineError) in
                    if Int(cache.nextPosition) > length { try cache.truncate(to: length) }
                }
            }
        }

        /// Feeds `tokens[cache's length..<length]` into the cache (none when it is already there).
        static func catchUp(_ model: LoadedModel, _ cache: KVCache, _ tokens: [Int32], to length: Int) async throws(EngineError) {
            let have = Int(cache.nextPosition)
            guard have < length else { return }
            let slice = tokens[have..<length]
            try await model.compute { cancelled throws(EngineError) in try model.feed(slice, into: cache, cancelled: cancelled) }
        }

        /// Feeds the tokens the cache lacks up to the end of `tokens` and returns the logits rows of
        /// the last `rows` of them (one forward pass per chunk).
        static func logits(_ model: LoadedModel, _ cache: KVCache, _ tokens: [Int32], rows: Int) async throws(EngineError) -> [[Float]] {
            let have = Int(cache.nextPosition)
            let slice = tokens[have...]
            return try await model.compute { cancelled throws(EngineError) -> [[Float]] in
                var out: [[Float]] = []
                try model.feed(slice, into: cache, wanted: Array((slice.count - rows)..<slice.count), cancelled: cancelled) { _, l in
                    out.append(Array(l))
                }
                return out
            }
        }

        /// The next token's expert and amateur log-probabilities, and the contrastive distribution.
        mutating func contrastiveStep() async throws(EngineError) -> Int32 {
            let e = try await Self.logits(expert, expertCache, sequence, rows: 1)[0]
            let a = try await Self.logits(amateur, amateurCache, sequence, rows: 1)[0]
            result.expertPasses += 1
            result.amateurPasses += 1
            let q = ContrastiveMath.contrastive(expert: ContrastiveMath.logSoftmax(e, temperature: temperature),
                                                amateur: ContrastiveMath.logSoftmax(a, temperature: temperature),
                                                alpha: settings.alpha, beta: settings.beta)
            return greedy ? ContrastiveMath.argmax(q) : ContrastiveMath.sample(q, using: &generator)
        }

        /// The target distribution at one position from the expert's logits (and the amateur's
        /// log-probabilities there, for SCD).
        func target(expertLogits: [Float], amateur: [Double]) -> [Double] {
            let e = ContrastiveMath.logSoftmax(expertLogits, temperature: temperature)
            switch settings.mode {
            case .scd: return ContrastiveMath.contrastive(expert: e, amateur: amateur, alpha: settings.alpha, beta: settings.beta)
            default: return ContrastiveMath.probabilities(e)
            }
        }

        /// One round: the amateur drafts `gamma` tokens one pass each, the expert scores the pending
        /// token and every draft in one pass, drafts are accepted left to right, the first rejection
        /// is resampled from the residual, and a bonus token follows when all are accepted. Both
        /// caches are rolled back to the accepted tokens. Returns the tokens to emit.
        mutating func speculativeRound(gamma: Int) async throws(EngineError) -> [Int32] {
            let base = sequence.count   // the pending token is sequence[base - 1]
            var drafts: [Int32] = []
            var draftLogProbabilities: [[Double]] = []
            var working = sequence
            for _ in 0..<gamma {
                let row = try await Self.logits(amateur, amateurCache, working, rows: 1)[0]
                result.amateurPasses += 1
                let logProbabilities = ContrastiveMath.logSoftmax(row, temperature: temperature)
                let p = ContrastiveMath.probabilities(logProbabilities)
                let draft = greedy ? ContrastiveMath.argmax(p) : ContrastiveMath.sample(p, using: &generator)
                drafts.append(draft)
                draftLogProbabilities.append(logProbabilities)
                working.append(draft)
            }
            // The expert scores the pending token and every draft: gamma + 1 rows in one pass.
            let rows = try await Self.logits(expert, expertCache, working, rows: gamma + 1)
            result.expertPasses += 1
            result.drafted += gamma

            var emitted: [Int32] = []
            var rejected = false
            for i in 0..<gamma {
                let q = target(expertLogits: rows[i], amateur: draftLogProbabilities[i])
                let p = ContrastiveMath.probabilities(draftLogProbabilities[i])
                let x = Int(drafts[i])
                let accept = greedy ? ContrastiveMath.argmax(q) == drafts[i]
                    : Double.random(in: 0..<1, using: &generator) < ContrastiveMath.acceptance(target: q, draft: p, token: x)
                if accept {
                    emitted.append(drafts[i])
                    result.accepted += 1
                    continue
                }
                let residual = ContrastiveMath.residual(target: q, draft: p)
                emitted.append(greedy ? ContrastiveMath.argmax(q) : ContrastiveMath.sample(residual, using: &generator))
                result.resampled += 1
                rejected = true
                break
            }
            if !rejected {
                // Every draft accepted: a bonus token from the target after the last draft. SCD
                // needs the amateur's distribution there, one more amateur pass.
                var amateurThere: [Double] = []
                if settings.mode == .scd {
                    let row = try await Self.logits(amateur, amateurCache, working, rows: 1)[0]
                    result.amateurPasses += 1
                    amateurThere = ContrastiveMath.logSoftmax(row, temperature: temperature)
                }
                let q = target(expertLogits: rows[gamma], amateur: amateurThere)
                emitted.append(greedy ? ContrastiveMath.argmax(q) : ContrastiveMath.sample(q, using: &generator))
            }
            // Keep the pending token and the accepted drafts in both caches; the last emitted token
            // is the new pending one.
            try await rollBack(to: base + emitted.count - 1)
            return emitted
        }
    }
}
