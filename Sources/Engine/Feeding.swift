/// The engine's one way of putting tokens into KV caches. Every method that evaluates a model —
/// generation, scoring, verifier label probabilities, shared prefixes — goes through `feed` (a run of
/// tokens of one sequence) or `decodeStep` (one token of each of several sequences), so chunking,
/// cancellation and which logits get computed are decided in one place.
extension LoadedModel {
    /// Feeds `tokens` into `cache` in chunks of the transformer's batch size, checking `cancelled`
    /// between chunks. For each index in `wanted` (ascending, within `tokens`), `row` receives that
    /// index and the logits it produces (the distribution of the token after it); logits are
    /// computed for those rows only. With `hiddenStates`, `row` receives the row's final hidden
    /// state (after the output norm) instead. `capture` records queries for KV compression.
    package func feed(_ tokens: ArraySlice<Int32>, into cache: KVCache, wanted: [Int] = [], cancelled: CancellationFlag,
              capture: QueryCapture? = nil, hiddenStates: Bool = false,
              row: (_ index: Int, _ logits: ArraySlice<Float>) -> Void = { _, _ in }) throws(EngineError) {
        let transformer = try decoder()
        let width = hiddenStates ? configuration.embeddingLength : configuration.vocabularySize
        var next = wanted.startIndex
        var offset = 0
        while offset < tokens.count {
            if cancelled.isSet { throw EngineError.cancelled }
            let end = min(offset + transformer.maxBatch, tokens.count)
            try cache.reserve(end - offset)
            let first = next
            while next < wanted.endIndex, wanted[next] < end { next += 1 }
            let rows = wanted[first..<next].map { $0 - offset }
            let start = tokens.startIndex
            let chunk = Array(tokens[(start + offset)..<(start + end)])
            let output: Transformer.Logits = rows.isEmpty ? .none : hiddenStates ? .hiddenStates(rows) : .rows(rows)
            let logits = transformer.forward(chunk, cache: cache, logits: output, capture: capture)
            for (r, index) in rows.enumerated() {
                row(offset + index, logits[(r * width)..<((r + 1) * width)])
            }
            offset = end
        }
    }

    /// Feeds a prompt; returns the logits after its last token.
    package func prefill(_ prompt: ArraySlice<Int32>, cache: KVCache, cancelled: CancellationFlag) throws(EngineError) -> [Float] {
        var last: [Float] = []
        try feed(prompt, into: cache, wanted: [prompt.count - 1], cancelled: cancelled) { _, logits in last = Array(logits) }
        return last
    }

    package func prefill(_ prompt: [Int32], cache: KVCache, cancelled: CancellationFlag) throws(EngineError) -> [Float] {
        try prefill(prompt[...], cache: cache, cancelled: cancelled)
    }

    /// One decode step for several sequences: `tokens[i]` goes into `caches[i]` at its next
    /// position, all in one forward pass per batch of rows, so the weights are read once for every
    /// sequence. Returns each sequence's next-token logits.
    package func decodeStep(_ tokens: [Int32], caches: [KVCache]) -> [[Float]] {
        guard let transformer else { preconditionFailure("decodeStep on encoder \(name): its caches cannot have been made") }
        let vocabulary = configuration.vocabularySize
        var result: [[Float]] = []
        result.reserveCapacity(tokens.count)
        for start in stride(from: 0, to: tokens.count, by: transformer.maxBatch) {
            let part = start..<min(start + transformer.maxBatch, tokens.count)
            let partCaches = Array(caches[part])
            let rows = transformer.forward(Array(tokens[part]), positions: partCaches.map(\.nextPosition), caches: partCaches, logits: .all)
            for row in 0..<part.count {
                result.append(Array(rows[(row * vocabulary)..<((row + 1) * vocabulary)]))
            }
        }
        return result
    }
}
