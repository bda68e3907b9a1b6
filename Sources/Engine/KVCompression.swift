/// KV-cache compression applied when a prompt is prefilled: how many entries each layer keeps
/// (the budget plan) and which ones each KV head keeps (selection), for PyramidKV, SnapKV and
/// StreamingLLM; the query capture that selection scores with; and `prefill(_:into:compression:)`,
/// which feeds a prompt and compacts its cache. docs/kv-compression.md has worked examples.
///
/// References: SnapKV (Li et al. 2024, arXiv:2404.14469): an observation window of the prompt's
/// last tokens votes, through its attention, for the earlier keys worth keeping. PyramidKV (Cai et
/// al. 2024, arXiv:2406.02069): the same selection with budgets that shrink from the bottom layer
/// to the top. StreamingLLM (Xiao et al. 2023, arXiv:2309.17453): keep the first tokens (attention
/// sinks) and the most recent ones.
public struct KVCompression: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable, CaseIterable {
        /// Keep every entry.
        case none
        /// SnapKV selection with per-layer budgets decreasing linearly from the bottom layer up.
        case pyramid
        /// SnapKV: every layer keeps `budget` entries chosen by the observation window's attention.
        case snap
        /// StreamingLLM: every layer keeps the first `budget − window` tokens and the last `window`.
        case streaming
    }

    /// How attention scores are smoothed along the key axis before the top keys are picked.
    public enum Pooling: String, Sendable, Equatable, CaseIterable {
        case max
        case avg
    }

    public var method: Method
    /// Average entries kept per layer, the window included.
    public var budget: Int
    /// Observation window: the prompt's last tokens, always kept; their queries score the rest.
    public var window: Int
    /// Width of the 1-D pooling over key scores (odd, so it is centred on each key).
    public var kernel: Int
    public var pooling: Pooling
    /// PyramidKV's slope: the top layer keeps (budget − window) / beta entries besides the window.
    public var beta: Int

    public init(method: Method = .none, budget: Int = 128, window: Int = 8, kernel: Int = 7, pooling: Pooling = .avg,
                beta: Int = 20) {
        self.method = method
        self.budget = budget
        self.window = window
        self.kernel = kernel
        self.pooling = pooling
        self.beta = beta
    }

    /// The first invalid setting, as the field's name and what is wrong with it; nil when the
    /// settings can be applied.
    public func problem() -> (field: String, message: String)? {
        if window < 1 { return ("window", "must be at least 1 (got \(window))") }
        if budget <= window { return ("budget", "must be larger than the window of \(window) (got \(budget))") }
        if kernel < 1 || kernel % 2 == 0 { return ("kernel", "must be odd and at least 1 (got \(kernel))") }
        if beta < 1 { return ("beta", "must be at least 1 (got \(beta))") }
        return nil
    }
}

/// What compressing a prompt of a given length does: the method that actually applies and the
/// entries each layer keeps, window included.
public struct KVCompressionPlan: Sendable, Equatable {
    public var applied: KVCompression.Method
    /// Entries kept per layer, bottom layer first.
    public var kept: [Int]

    public init(applied: KVCompression.Method, kept: [Int]) {
        self.applied = applied
        self.kept = kept
    }
}

extension KVCompression {
    /// The budget arithmetic for a model of `layers` layers and a prompt of `promptTokens` tokens.
    /// The settings must be valid (`problem()` is nil).
    ///
    /// - A prompt of at most `budget` tokens drops nothing: applied `none`, every layer keeps it all.
    /// - `snap` and `streaming`: every layer keeps `budget`.
    /// - `pyramid`: with B = budget − window, the top layer keeps m = B / beta (integer division)
    ///   besides the window and the bottom layer M = 2B − m; the layers between fall on the straight
    ///   line from M to m, whose mean is B, so the layers keep L × budget entries in all. Exact
    ///   values that are not whole are rounded down, and the entries this leaves over (a whole
    ///   number, since the exact values sum to L × B) go one each to the layers with the largest
    ///   fractional parts, the lower layer first on a tie; so the budgets never grow upwards.
    ///   A prompt shorter than 2B + window would let the bottom layer keep everything: `snap`
    ///   applies instead (and is reported). One layer keeps `budget`, the line's mean.
    public func plan(layers: Int, promptTokens n: Int) -> KVCompressionPlan {
        precondition(layers >= 1 && problem() == nil, "plan needs valid settings and a model with layers")
        guard method != .none, n > budget else {
            return KVCompressionPlan(applied: .none, kept: Array(repeating: n, count: layers))
        }
        let uniform = Array(repeating: budget, count: layers)
        switch method {
        case .none: preconditionFailure("handled above")
        case .snap, .streaming: return KVCompressionPlan(applied: method, kept: uniform)
        case .pyramid:
            let B = budget - window
            guard n >= 2 * B + window else { return KVCompressionPlan(applied: .snap, kept: uniform) }
            guard layers > 1 else { return KVCompressionPlan(applied: .pyramid, kept: uniform) }
            let low = B / beta, high = 2 * B - low, steps = layers - 1
            // Layer i's exact prefix budget is high − i·(high − low)/steps = numerator / steps.
            let numerators = (0..<layers).map { high * steps - $0 * (high - low) }
            var prefix = numerators.map { $0 / steps }
            let leftOver = layers * B - prefix.reduce(0, +)
            let byFraction = (0..<layers).sorted { a, b in
                let fa = numerators[a] % steps, fb = numerators[b] % steps
                return fa != fb ? fa > fb : a < b
            }
            for layer in byFraction.prefix(leftOver) { prefix[layer] += 1 }
            return KVCompressionPlan(applied: .pyramid, kept: prefix.map { $0 + window })
        }
    }
}

/// What compressing a prefilled prompt did.
public struct KVCompressionReport: Sendable, Equatable {
    public var requested: KVCompression.Method
    /// `none` when nothing was dropped; `snap` when a pyramid did not fit the prompt.
    public var applied: KVCompression.Method
    public var promptTokens: Int
    /// Entries kept per layer, bottom layer first, window included.
    public var keptPerLayer: [Int]
    /// Bytes the cache's entries took after feeding and after compacting.
    public var bytesBefore: Int
    public var bytesAfter: Int

    public init(requested: KVCompression.Method, applied: KVCompression.Method, promptTokens: Int, keptPerLayer: [Int],
                bytesBefore: Int, bytesAfter: Int) {
        self.requested = requested
        self.applied = applied
        self.promptTokens = promptTokens
        self.keptPerLayer = keptPerLayer
        self.bytesBefore = bytesBefore
        self.bytesAfter = bytesAfter
    }

    public var bytesSaved: Int { bytesBefore - bytesAfter }
}

/// Records, per layer, the queries (after QK-norm and RoPE, as attention uses them) of the tokens
/// fed at or after `start`: the observation window that SnapKV-style selection scores keys with.
/// Filled by `Transformer.forward` on the model's queue and read after feeding; never shared.
public final class QueryCapture {
    /// The first position recorded.
    public let start: Int32
    /// Positions of the recorded rows, in the order fed (the same for every layer).
    public private(set) var positions: [Int32] = []
    /// [layer][row × query width]
    public private(set) var queries: [[Float]]

    public init(layers: Int, from start: Int32) {
        self.start = start
        queries = Array(repeating: [], count: layers)
    }

    /// Appends the rows of `queries` (row-major, `width` floats each) whose position is recorded.
    func record(layer: Int, queries rows: UnsafePointer<Float>, positions fed: [Int32], width: Int) {
        for (t, position) in fed.enumerated() where position >= start {
            queries[layer].append(contentsOf: UnsafeBufferPointer(start: rows + t * width, count: width))
            if layer == 0 { positions.append(position) }
        }
    }
}

extension LoadedModel {
    /// Prefills `tokens` into the empty growable `cache` and compresses the prompt's entries as
    /// `compression` says. Returns the logits after the last token (computed with full attention,
    /// before anything is dropped) and what was done.
    ///
    /// Compression keeps, per layer, the plan's entry count (`KVCompression.plan`); for `snap` and
    /// `pyramid` each KV head picks its own keys (`selectKeys`). The kept entries go to new storage
    /// sized exactly for them (reserved from the budget; -33001 if it cannot be), which replaces the
    /// cache's; from position n − window on every layer and head holds one entry per token, so the
    /// cache grows and truncates normally from there. With `none`, or a prompt within the budget,
    /// the cache stays as fed. Invalid settings are refused (-32602 naming the field) before
    /// anything is fed.
    package func prefill(_ tokens: ArraySlice<Int32>, into cache: KVCache, compression: KVCompression,
                         cancelled: CancellationFlag) throws(EngineError) -> (logits: [Float], report: KVCompressionReport) {
        if let problem = compression.problem() {
            throw EngineError.invalidInput(field: problem.field, reason: problem.message)
        }
        guard !tokens.isEmpty else { throw EngineError.invalidInput(field: "tokens", reason: "is empty") }
        guard tokens.count <= contextLength else { throw EngineError.contextOverflow(needed: tokens.count, limit: contextLength) }
        precondition(cache.nextPosition == 0 && cache.count == 0 && cache.allocate != nil,
                     "compressing prefill needs an empty growable cache (makeGrowableCache)")
        let n = tokens.count
        let plan = compression.plan(layers: configuration.blockCount, promptTokens: n)
        let scored = plan.applied == .snap || plan.applied == .pyramid
        let capture = scored ? QueryCapture(layers: configuration.blockCount, from: Int32(n - compression.window)) : nil
        var logits: [Float] = []
        try feed(tokens, into: cache, wanted: [n - 1], cancelled: cancelled, capture: capture) { _, row in logits = Array(row) }
        let before = cache.entryBytes
        if plan.applied != .none {
            if cancelled.isSet { throw EngineError.cancelled }
            let prefixes = plan.kept.map { $0 - compression.window }
            let chosen: [[[Int]]]
            if let capture {
                chosen = selectKeys(cache, capture: capture, prefixes: prefixes, settings: compression)
            } else {   // streaming: the first tokens, the same for every head
                chosen = prefixes.map { Array(repeating: Array(0..<$0), count: configuration.headCountKV) }
            }
            let storage = try makeStorage(plan.kept)
            compact(cache, into: storage, chosen: chosen, window: compression.window)
            cache.replace(with: storage, length: Int32(n), compressedThrough: Int32(n - compression.window))
        }
        let report = KVCompressionReport(requested: compression.method, applied: plan.applied, promptTokens: n,
                                         keptPerLayer: cache.counts, bytesBefore: before, bytesAfter: cache.entryBytes)
        return (logits, report)
    }

    /// SnapKV selection: for each layer and KV head, the `prefixes[layer]` entries among the first
    /// n − window that the observation window attends to most, in ascending order (entry index =
    /// position, the cache having been fed from empty).
    ///
    /// A key's score is the attention it receives, summed over the window's queries and, under
    /// GQA, over the query heads sharing its KV head; each query's softmax runs over every key it
    /// may see (positions up to its own), window keys included, so a score is a share of that
    /// query's attention. Scores are pooled along the key axis (`pool`) and the top ones kept, the
    /// lower position first on a tie.
    private func selectKeys(_ cache: KVCache, capture: QueryCapture, prefixes: [Int], settings: KVCompression) -> [[[Int]]] {
        let c = configuration
        let d = c.headDimension, kvHeads = c.headCountKV, group = c.groupSize
        let width = c.keyValueWidth, queryWidth = c.queryWidth
        let scale = 1 / Float(d).squareRoot()
        let n = cache.count
        let candidates = n - settings.window
        let layerEntries = (0..<c.blockCount).map { cache.segments(layer: $0) }
        let queryPositions = capture.positions, queries = capture.queries
        let units = c.blockCount * kvHeads
        let results = UnsafeSendable(UnsafeMutablePointer<[Int]>.allocate(capacity: units))
        results.pointer.initialize(repeating: [], count: units)
        defer {
            results.pointer.deinitialize(count: units)
            results.pointer.deallocate()
        }
        pool.parallelRanges(units, minimum: 1) { range in
            var logits = [Float](repeating: 0, count: n)
            for unit in range {
                let layer = unit / kvHeads, kvHead = unit % kvHeads
                let keys = layerEntries[layer]
                var scores = [Float](repeating: 0, count: candidates)
                queries[layer].withUnsafeBufferPointer { layerQueries in
                    for (row, position) in queryPositions.enumerated() {
                        for head in (kvHead * group)..<((kvHead + 1) * group) {
                            let query = layerQueries.baseAddress! + row * queryWidth + head * d
                            var j = 0
                            for segment in keys {
                                for e in 0..<segment.count {
                                    logits[j] = segment.positions[e * kvHeads + kvHead] > position
                                        ? -.infinity
                                        : Operations.dot(query, segment.keys + e * width + kvHead * d, count: d) * scale
                                    j += 1
                                }
                            }
                            logits.withUnsafeMutableBufferPointer { Operations.softmax($0.baseAddress!, count: n) }
                            for k in 0..<candidates { scores[k] += logits[k] }
                        }
                    }
                }
                let pooled = KVCompression.pool(scores, kernel: settings.kernel, pooling: settings.pooling)
                results.pointer[unit] = KVCompression.top(prefixes[layer], of: pooled)
            }
        }
        return (0..<c.blockCount).map { layer in (0..<kvHeads).map { results.pointer[layer * kvHeads + $0] } }
    }

    /// Writes the chosen entries of each layer and KV head, then the window's, into `storage`: row r
    /// of a head's slice holds its r-th kept entry's key and value slice and position.
    private func compact(_ cache: KVCache, into storage: KVStorage, chosen: [[[Int]]], window: Int) {
        let d = configuration.headDimension, kvHeads = configuration.headCountKV, width = configuration.keyValueWidth
        let n = cache.count
        for layer in 0..<cache.layers {
            // Where each entry lives: (segment, offset), by entry index.
            let segments = cache.segments(layer: layer)
            var place: [(segment: Int, offset: Int)] = []
            place.reserveCapacity(n)
            for (s, segment) in segments.enumerated() {
                for e in 0..<segment.count { place.append((s, e)) }
            }
            for kvHead in 0..<kvHeads {
                for (row, entry) in (chosen[layer][kvHead] + Array((n - window)..<n)).enumerated() {
                    let segment = segments[place[entry].segment], e = place[entry].offset
                    (storage.keys[layer] + row * width + kvHead * d).update(from: segment.keys + e * width + kvHead * d, count: d)
                    (storage.values[layer] + row * width + kvHead * d).update(from: segment.values + e * width + kvHead * d, count: d)
                    storage.positions[layer][row * kvHeads + kvHead] = segment.positions[e * kvHeads + kvHead]
                }
            }
        }
        storage.counts = storage.capacities   // sized for exactly the kept entries
    }
}

extension KVCompression {
    /// Smooths `scores` along the key axis with a centred window of `kernel` keys (stride 1), so
    /// neighbours of a strongly attended key score too and are kept with it. `avg` divides each
    /// window's sum by `kernel` even at the ends, as if padded with zeros (PyTorch's avg_pool1d with
    /// padding kernel/2); `max` takes the largest score inside the sequence.
    static func pool(_ scores: [Float], kernel: Int, pooling: Pooling) -> [Float] {
        let half = kernel / 2, n = scores.count
        return (0..<n).map { j in
            let window = scores[max(0, j - half)..<min(n, j + half + 1)]
            switch pooling {
            case .avg: return window.reduce(0, +) / Float(kernel)
            case .max: return window.max() ?? 0
            }
        }
    }

    /// Indices of the `k` largest scores, ascending; on equal scores the lower index wins.
    static func top(_ k: Int, of scores: [Float]) -> [Int] {
        let ranked = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return ranked.prefix(k).sorted()
    }
}
