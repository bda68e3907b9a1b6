/// Text embeddings: one vector per text from a BERT encoder's token states, or from a decoder's
/// last hidden states (after its output norm), mean-pooled by default as DiverseEvol embeds
/// instructions for k-center selection.

/// How the token states of a text become one vector.
public enum Pooling: String, Sendable, CaseIterable {
    /// The average over every token of the text, special tokens included (every token is
    /// attended; texts are never padded).
    case mean
    /// The first token's state: [CLS] for BERT; for a decoder, BOS or the first token of the text.
    case cls
    /// The last token's state: [SEP] for BERT; for a decoder, the last token of the text.
    case last
}

/// Embeddings of several texts, and how many tokens each text became.
public struct Embeddings: Sendable, Equatable {
    /// One vector per text, each `dimension` long, in the order of the texts.
    public var vectors: [[Float]]
    public var tokenCounts: [Int]
    public var dimension: Int
}

extension LoadedModel {
    /// Embeds `texts` (see `embeddings(for:pooling:normalize:truncate:)`), returning the vectors.
    public func embed(_ texts: [String], pooling: Pooling = .mean, normalize: Bool = true) async throws(EngineError) -> [[Float]] {
        try await embeddings(for: texts, pooling: pooling, normalize: normalize).vectors
    }

    /// One vector per text, each text tokenized with the model's special tokens ([CLS] … [SEP]
    /// for BERT, BOS as the tokenizer adds it for a decoder), pooled, and scaled to unit length
    /// with `normalize`. A text longer than the context is -33002 (`contextOverflow`) unless
    /// `truncate`, which keeps its first tokens (and the final [SEP] of a BERT text).
    ///
    /// An encoder packs texts into forward passes of up to `Encoder.maxBatch` tokens; a decoder
    /// runs each text as one prefill into a KV cache made by `makeCache` (so from the budget), freed
    /// right after. Runs on the model's queue; cancellation is checked between passes.
    public func embeddings(for texts: [String], pooling: Pooling = .mean, normalize: Bool = true,
                           truncate: Bool = false) async throws(EngineError) -> Embeddings {
        guard !texts.isEmpty else { throw EngineError.invalidInput(field: "texts", reason: "must hold at least one text") }
        var sequences: [[Int32]] = []
        for (i, text) in texts.enumerated() {
            var tokens = tokenizer.encode(text, addSpecial: true, parseSpecial: false)
            guard !tokens.isEmpty else { throw EngineError.invalidInput(field: "texts[\(i)]", reason: "is empty after tokenization") }
            if tokens.count > contextLength {
                guard truncate else { throw EngineError.contextOverflow(needed: tokens.count, limit: contextLength) }
                let closing = tokenizer.addsEOS ? tokenizer.eosID : nil
                tokens = Array(tokens.prefix(contextLength - (closing == nil ? 0 : 1))) + (closing.map { [$0] } ?? [])
            }
            sequences.append(tokens)
        }
        let sequencesToRun = sequences
        let vectors = try await compute { [self] cancelled throws(EngineError) -> [[Float]] in
            switch network {
            case .encoder(let encoder): return try Self.encode(sequencesToRun, with: encoder, pooling: pooling, cancelled: cancelled)
            case .decoder: return try decoderEmbeddings(sequencesToRun, pooling: pooling, cancelled: cancelled)
            }
        }
        return Embeddings(vectors: normalize ? vectors.map(Self.unitLength) : vectors, tokenCounts: sequences.map(\.count),
                          dimension: configuration.embeddingLength)
    }

    /// Packs texts into encoder passes of up to `maxBatch` tokens (a longer text runs alone) and
    /// pools each text's rows.
    private static func encode(_ sequences: [[Int32]], with encoder: Encoder, pooling: Pooling,
                               cancelled: CancellationFlag) throws(EngineError) -> [[Float]] {
        let e = encoder.configuration.embeddingLength
        var vectors: [[Float]] = []
        vectors.reserveCapacity(sequences.count)
        var next = 0
        while next < sequences.count {
            if cancelled.isSet { throw EngineError.cancelled }
            var end = next + 1, tokens = sequences[next].count
            while end < sequences.count, tokens + sequences[end].count <= encoder.maxBatch {
                tokens += sequences[end].count
                end += 1
            }
            let batch = Array(sequences[next..<end])
            let states = encoder.forward(batch)   // [Σ tokens × e]
            var row = 0
            for sequence in batch {
                vectors.append(pooled(count: sequence.count, width: e, pooling: pooling) { states[((row + $0) * e)..<((row + $0 + 1) * e)] })
                row += sequence.count
            }
            next = end
        }
        return vectors
    }

    /// Each text in its own cache, with the hidden states of the rows pooling needs. Texts that fit
    /// one forward pass together are packed into it (each token attends only to its own text's
    /// cache, from position 0), so short texts — instructions, queries — share the weight reads; a
    /// text longer than a pass is fed alone in chunks.
    private func decoderEmbeddings(_ sequences: [[Int32]], pooling: Pooling, cancelled: CancellationFlag) throws(EngineError) -> [[Float]] {
        let e = configuration.embeddingLength
        let transformer = try decoder()
        let wantedRows: (Int) -> [Int] = { n in
            switch pooling {
            case .mean: return Array(0..<n)
            case .cls: return [0]
            case .last: return [n - 1]
            }
        }
        var vectors: [[Float]] = []
        vectors.reserveCapacity(sequences.count)
        var next = 0
        while next < sequences.count {
            if cancelled.isSet { throw EngineError.cancelled }
            let first = sequences[next]
            if first.count > transformer.maxBatch {
                let cache = try makeCache(capacity: first.count)
                var states: [Int: ArraySlice<Float>] = [:]
                try feed(first[...], into: cache, wanted: wantedRows(first.count), cancelled: cancelled, hiddenStates: true) { index, state in
                    states[index] = state
                }
                vectors.append(Self.pooled(count: first.count, width: e, pooling: pooling) { states[$0]! })
                next += 1
                continue
            }
            var end = next + 1, total = first.count
            while end < sequences.count, total + sequences[end].count <= transformer.maxBatch {
                total += sequences[end].count
                end += 1
            }
            var tokens: [Int32] = [], positions: [Int32] = [], caches: [KVCache] = [], rows: [Int] = []
            var firstRow: [Int] = []   // index into `rows` of each text's first wanted row
            for sequence in sequences[next..<end] {
                let cache = try makeCache(capacity: sequence.count)
                try cache.reserve(sequence.count)
                firstRow.append(rows.count)
                rows += wantedRows(sequence.count).map { tokens.count + $0 }
                for (position, token) in sequence.enumerated() {
                    tokens.append(token)
                    positions.append(Int32(position))
                    caches.append(cache)
                }
            }
            let states = transformer.forward(tokens, positions: positions, caches: caches, logits: .hiddenStates(rows))
            for (index, sequence) in sequences[next..<end].enumerated() {
                let base = firstRow[index]
                // Pooling's `state(i)` is the text's i-th wanted row (for .mean, its i-th token).
                vectors.append(Self.pooled(count: sequence.count, width: e, pooling: pooling) { i in
                    let r = base + (pooling == .mean ? i : 0)
                    return states[(r * e)..<((r + 1) * e)]
                })
            }
            next = end
        }
        return vectors
    }

    /// One text's vector from its token states (`state(i)`, i in 0..<count).
    private static func pooled(count: Int, width: Int, pooling: Pooling, state: (Int) -> ArraySlice<Float>) -> [Float] {
        switch pooling {
        case .cls: return Array(state(0))
        case .last: return Array(state(count - 1))
        case .mean:
            var sum = [Float](repeating: 0, count: width)
            for t in 0..<count {
                for (i, value) in state(t).enumerated() { sum[i] += value }
            }
            let inverse = 1 / Float(count)
            return sum.map { $0 * inverse }
        }
    }

    /// `v / ‖v‖` (a zero vector stays zero, as with PyTorch's `normalize`'s ε).
    static func unitLength(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let inverse = 1 / max(norm, 1e-12)
        return v.map { $0 * inverse }
    }
}
