import Foundation
import Kernels
import Models

/// Runs a decoder-only transformer: prefill in batches, then one token at a time, against a
/// `KVCache` that keeps every entry's position.
///
/// The steps are named as in the papers: attention norm, QKV, (QK-norm), RoPE, attention, residual,
/// FFN norm, SwiGLU FFN, residual; then the output norm and the unembedding.
public final class Transformer: @unchecked Sendable {
    public let model: TransformerModel
    let rope: RotaryEmbedding
    let pool: WorkerPool
    /// Tokens per forward call; longer inputs are split into chunks of this size. Prefill decodes
    /// every weight panel once per chunk, so longer chunks spread that over more tokens: 128 was
    /// 5-13% faster at pp128 than 64 on SmolLM2 (both activation paths), for activation scratch of
    /// 128 tokens (about 24 MB on a 7B-shaped model; outside the memory budget, like every
    /// per-call buffer).
    public let maxBatch: Int
    public let precision: ActivationPrecision

    public init(model: TransformerModel, pool: WorkerPool, maxBatch: Int = 128, precision: ActivationPrecision = .exact) {
        self.model = model
        self.pool = pool
        self.maxBatch = maxBatch
        self.precision = precision
        self.rope = RotaryEmbedding(configuration: model.configuration, frequencyFactors: model.weights.ropeFrequencyFactors)
    }

    public var configuration: ModelConfiguration { model.configuration }

    /// A cache shaped for this model.
    public func makeCache(capacity: Int) -> KVCache {
        KVCache(layers: configuration.blockCount, width: configuration.keyValueWidth, kvHeads: configuration.headCountKV,
                capacity: capacity)
    }

    /// Which positions' logits a forward call returns.
    public enum Logits: Sendable {
        case none
        case last
        case all
        /// Only these rows of the batch (indices into `tokens`, ascending).
        case rows([Int])
        /// In place of logits, these rows' final hidden states after the output norm,
        /// [rows × embedding] (embeddings).
        case hiddenStates([Int])
    }

    /// Feeds `tokens` (at most `maxBatch`) at the cache's next positions and returns logits for the
    /// requested positions, row-major [positions × vocabulary]. The cache must have room.
    /// `capture`, when given, records the queries of the tokens it asks for (KV compression).
    public func forward(_ tokens: [Int32], cache: KVCache, logits: Logits, capture: QueryCapture? = nil) -> [Float] {
        let start = cache.nextPosition
        let positions = (0..<tokens.count).map { start + Int32($0) }
        return forward(tokens, positions: positions, cache: cache, logits: logits, capture: capture)
    }

    /// Feeds `tokens` at explicit `positions` of one sequence.
    public func forward(_ tokens: [Int32], positions: [Int32], cache: KVCache, logits: Logits,
                        capture: QueryCapture? = nil) -> [Float] {
        precondition(cache.remaining >= tokens.count)
        return forward(tokens, positions: positions, caches: Array(repeating: cache, count: tokens.count), logits: logits,
                       capture: capture)
    }

    /// Feeds one batch in which every token belongs to the sequence of `caches[i]` (several tokens
    /// may share a cache: a prefill chunk; or each its own: sequences decoded together). Weights are
    /// read once for the whole batch; attention reads each token's own cache.
    public func forward(_ tokens: [Int32], positions: [Int32], caches: [KVCache], logits: Logits,
                        capture: QueryCapture? = nil) -> [Float] {
        let c = configuration
        let w = model.weights
        let T = tokens.count
        precondition(T > 0 && T <= maxBatch && positions.count == T && caches.count == T)
        let e = c.embeddingLength, d = c.headDimension
        let s = scratch(for: T)
        let x = s.x, h = s.h, q = s.q, k = s.k, v = s.v, attended = s.attended, gate = s.gate, up = s.up

        // Token embeddings.                                            x: [T, e]
        for t in 0..<T { w.tokenEmbedding.dequantizeRow(Int(tokens[t]), into: x + t * e) }
        // RoPE's cos/sin per token, computed once for every head of every layer.
        let angleWidth = 2 * max(rope.dimensions / 2, 1)
        let angles = UnsafeMutablePointer<Float>.allocate(capacity: T * angleWidth)
        defer { angles.deallocate() }
        for t in 0..<T { rope.angles(position: positions[t], into: angles + t * angleWidth) }

        for (layer, block) in w.blocks.enumerated() {
            // Attention norm.                                          h: [T, e]
            normRows(x, block.attentionNorm, into: h, rows: T, width: e)
            // QKV projections.                                         q: [T, heads·d], k, v: [T, kvHeads·d]
            linear([.init(block.query, bias: block.queryBias, q), .init(block.key, bias: block.keyBias, k),
                    .init(block.value, bias: block.valueBias, v)], h, tokens: T, scratch: s)
            // QK-norm (Qwen3), then RoPE, per head.
            for t in 0..<T {
                for head in 0..<c.headCount {
                    let p = q + t * c.queryWidth + head * d
                    if let norm = block.queryNorm { norm.withUnsafeBufferPointer { Operations.rmsNorm(p, $0.baseAddress!, p, count: d, epsilon: c.rmsNormEpsilon) } }
                    rope.apply(p, angles: angles + t * angleWidth)
                }
                for head in 0..<c.headCountKV {
                    let p = k + t * c.keyValueWidth + head * d
                    if let norm = block.keyNorm { norm.withUnsafeBufferPointer { Operations.rmsNorm(p, $0.baseAddress!, p, count: d, epsilon: c.rmsNormEpsilon) } }
                    rope.apply(p, angles: angles + t * angleWidth)
                }
            }
            // Queries as attention uses them, for scoring which keys to keep (KV compression only).
            capture?.record(layer: layer, queries: q, positions: positions, width: c.queryWidth)
            // Store each token's key and value, with its position, in its sequence's cache.
            positions.withUnsafeBufferPointer { pb in
                var t = 0
                while t < T {
                    var run = 1   // consecutive tokens of the same sequence go in one append
                    while t + run < T && caches[t + run] === caches[t] { run += 1 }
                    caches[t].append(layer: layer, keys: k + t * c.keyValueWidth, values: v + t * c.keyValueWidth,
                                     positions: pb.baseAddress! + t, count: run)
                    t += run
                }
            }
            // Attention over every cached entry at or before each token's position.
            attend(queries: q, positions: positions, caches: caches, layer: layer, into: attended)
            // Output projection and residual.
            linear(block.output, attended, tokens: T, bias: nil, h, scratch: s)
            for i in 0..<(T * e) { x[i] += h[i] }

            // FFN norm, SwiGLU feed-forward, residual.                 gate, up: [T, ff]
            normRows(x, block.feedForwardNorm, into: h, rows: T, width: e)
            linear([.init(block.gate, bias: nil, gate), .init(block.up, bias: nil, up)], h, tokens: T, scratch: s)
            Operations.swiGLU(gate, up, count: T * c.feedForwardLength)
            // The down projection's input (SwiGLU products) has the widest range of any activation,
            // so 8-bit blocks lose the most there: it stays exact on the q8 path too, which keeps
            // that path's deviation from the f32 model within llama.cpp's.
            linear(block.down, gate, tokens: T, bias: nil, h, scratch: s, precision: .exact)
            for i in 0..<(T * e) { x[i] += h[i] }
        }

        // Output norm and unembedding for the rows asked for.          logits: [rows, vocabulary]
        let selected: [Int]
        var hiddenStates = false
        switch logits {
        case .none: return []
        case .last: selected = [T - 1]
        case .all: selected = Array(0..<T)
        case .rows(let chosen): selected = chosen
        case .hiddenStates(let chosen): selected = chosen; hiddenStates = true
        }
        let rows = selected.count
        if rows == 0 { return [] }
        for (r, row) in selected.enumerated() where r != row {
            (x + r * e).update(from: x + row * e, count: e)   // ascending, so sources are never overwritten first
        }
        normRows(x, w.outputNorm, into: h, rows: rows, width: e)
        if hiddenStates { return Array(UnsafeBufferPointer(start: h, count: rows * e)) }
        var result = [Float](repeating: 0, count: rows * c.vocabularySize)
        result.withUnsafeMutableBufferPointer { linear(w.output, h, tokens: rows, bias: nil, $0.baseAddress!, scratch: s) }
        return result
    }

    private func normRows(_ x: UnsafeMutablePointer<Float>, _ weight: [Float], into y: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        let epsilon = configuration.rmsNormEpsilon
        weight.withUnsafeBufferPointer { wb in
            for r in 0..<rows {
                Operations.rmsNorm(x + r * width, wb.baseAddress!, y + r * width, count: width, epsilon: epsilon)
            }
        }
    }

    private func linear(_ w: WeightMatrix, _ x: UnsafeMutablePointer<Float>, tokens: Int, bias: [Float]?,
                        _ y: UnsafeMutablePointer<Float>, scratch: ForwardScratch, precision: ActivationPrecision? = nil) {
        Operations.linear(w, x, tokens: tokens, bias: bias, y, pool: pool, scratch: scratch, precision: precision ?? self.precision)
    }

    /// Several products of the same input in one parallel section (`Operations.linear(_:...)`).
    private func linear(_ parts: [Operations.LinearPart], _ x: UnsafeMutablePointer<Float>, tokens: Int,
                        scratch: ForwardScratch) {
        Operations.linear(parts, x, tokens: tokens, pool: pool, scratch: scratch, precision: precision)
    }

    /// Causal attention of every (token, head) over the layer's cached entries of the token's own
    /// sequence, by position.
    private func attend(queries: UnsafeMutablePointer<Float>, positions: [Int32], caches: [KVCache], layer: Int,
                        into output: UnsafeMutablePointer<Float>) {
        let c = configuration
        let d = c.headDimension, group = c.groupSize
        let qs = UnsafeSendable(queries), out = UnsafeSendable(output)
        let scale = 1 / Float(d).squareRoot()
        let heads = c.headCount, kvWidth = c.keyValueWidth, qWidth = c.queryWidth
        let tokenPositions = positions
        // Each distinct cache's segments for this layer, once (a prefill chunk shares one cache).
        var viewIndex: [Int] = []
        var views: [[KVSegment]] = []
        for (t, cache) in caches.enumerated() {
            if t > 0, caches[t - 1] === cache { viewIndex.append(viewIndex[t - 1]); continue }
            viewIndex.append(views.count)
            views.append(cache.segments(layer: layer))
        }
        if VectorKernels.isAccelerated, positions.count >= Self.tiledAttentionMinimum, views.count == 1,
           views[0].reduce(0, { $0 + $1.count }) * c.keyValueWidth <= Self.tiledAttentionMaximumValues {
            return attendTiled(queries: queries, positions: positions, segments: views[0], into: output)
        }
        let segmentViews = UnsafeSendableBox(views)
        let cacheOfToken = viewIndex
        let kvHeads = c.headCountKV
        let longest = views.map { $0.reduce(0) { $0 + $1.count } }.max() ?? 1
        pool.parallelRanges(positions.count * heads, minimum: 1) { range in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(longest, 1))
            defer { scores.deallocate() }
            for item in range {
                let t = item / heads, head = item % heads
                let segments = segmentViews.value[cacheOfToken[t]]
                let kvHead = head / group
                let query = qs.pointer + t * qWidth + head * d
                let limit = tokenPositions[t]
                let o = out.pointer + t * qWidth + head * d
                o.update(repeating: 0, count: d)
                var n = 0
                if VectorKernels.isAccelerated {
                    for segment in segments {
                        VectorKernels.attendScores(query: query, keys: segment.keys + kvHead * d, keyStride: kvWidth,
                                                   count: segment.count, dimension: d, scale: scale,
                                                   positions: segment.positions + kvHead, positionStride: kvHeads,
                                                   limit: limit, scores: scores + n)
                        n += segment.count
                    }
                    VectorKernels.softmax(scores, count: n)
                    n = 0
                    for segment in segments {
                        VectorKernels.attendValues(weights: scores + n, values: segment.values + kvHead * d, valueStride: kvWidth,
                                                   count: segment.count, dimension: d, into: o)
                        n += segment.count
                    }
                    continue
                }
                for segment in segments {
                    for j in 0..<segment.count {
                        scores[n + j] = segment.positions[j * kvHeads + kvHead] > limit
                            ? -.infinity
                            : Operations.dot(query, segment.keys + j * kvWidth + kvHead * d, count: d) * scale
                    }
                    n += segment.count
                }
                Operations.softmax(scores, count: n)
                n = 0
                for segment in segments {
                    for j in 0..<segment.count where scores[n + j] > 0 {
                        Operations.axpy(scores[n + j], segment.values + j * kvWidth + kvHead * d, o, count: d)
                    }
                    n += segment.count
                }
            }
        }
    }

    /// Tokens of one sequence from which attention runs as matrix products (`attendTiled`).
    static let tiledAttentionMinimum = 16
    /// Most cached values (entries × KV width) `attendTiled` lays out again per call: 16M floats,
    /// 64 MiB of scratch outside the memory budget (a 7B-shaped model with 8 KV heads of 128 reaches
    /// it at 16k cached tokens); longer contexts attend one token at a time.
    static let tiledAttentionMaximumValues = 16 << 20

    /// Prefill attention as two matrix products per query head and block of tokens, in the prefill
    /// path's f32 product tiles: scores = Q·Kᵀ against every cached key of the sequence (scaled,
    /// masked by position, softmax per token), then out = P·V, with each KV head's values (and
    /// positions) laid out once per call as rows over the keys. Keys after a token's position are
    /// multiplied and then masked; what that wastes is less than what the tiles gain over one key
    /// at a time. Every (token, key) product is computed alike whatever the tiling, so a cache split
    /// into segments gives the same bits as a contiguous one.
    private func attendTiled(queries: UnsafeMutablePointer<Float>, positions: [Int32], segments: [KVSegment],
                             into output: UnsafeMutablePointer<Float>) {
        let c = configuration
        let d = c.headDimension, group = c.groupSize, heads = c.headCount, kvHeads = c.headCountKV
        let kvWidth = c.keyValueWidth, qWidth = c.queryWidth
        let T = positions.count
        let n = segments.reduce(0) { $0 + $1.count }
        let scale = 1 / Float(d).squareRoot()
        // Per KV head: values as d rows of n, and the keys' positions in order.
        let transposed = UnsafeMutablePointer<Float>.allocate(capacity: kvHeads * d * n)
        let keyPositions = UnsafeMutablePointer<Int32>.allocate(capacity: kvHeads * n)
        defer { transposed.deallocate(); keyPositions.deallocate() }
        let vt = UnsafeSendable(transposed), kp = UnsafeSendable(keyPositions)
        let segs = UnsafeSendableBox(segments)
        pool.parallelFor(kvHeads) { kvHead in
            let rows = vt.pointer + kvHead * d * n, order = kp.pointer + kvHead * n
            var column = 0
            for segment in segs.value {
                for j in 0..<segment.count {
                    let value = segment.values + j * kvWidth + kvHead * d
                    for i in 0..<d { rows[i * n + column + j] = value[i] }
                    order[column + j] = segment.positions[j * kvHeads + kvHead]
                }
                column += segment.count
            }
        }
        let blockTokens = 32
        let blocks = (T + blockTokens - 1) / blockTokens
        let qs = UnsafeSendable(queries), out = UnsafeSendable(output)
        let tokenPositions = positions
        pool.parallelFor(heads * blocks) { item in
            let head = item / blocks, kvHead = head / group
            let t0 = (item % blocks) * blockTokens, count = min(blockTokens, T - t0)
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: count * n)
            defer { scores.deallocate() }
            var column = 0
            for segment in segs.value {
                VectorKernels.product(segment.keys + kvHead * d, pStride: kvWidth, rows: segment.count,
                                      qs.pointer + t0 * qWidth + head * d, aStride: qWidth, tokens: count, k: d,
                                      into: scores + column, cStride: n)
                column += segment.count
            }
            for t in 0..<count {
                VectorKernels.attendMask(scores + t * n, count: n, scale: scale, positions: kp.pointer + kvHead * n,
                                         limit: tokenPositions[t0 + t])
                VectorKernels.softmax(scores + t * n, count: n)
            }
            VectorKernels.product(vt.pointer + kvHead * d * n, pStride: n, rows: d, scores, aStride: n, tokens: count, k: n,
                                  into: out.pointer + t0 * qWidth + head * d, cStride: qWidth)
        }
    }

    /// Reusable activation buffers, sized for `maxBatch` tokens; allocated once per transformer and
    /// reused for every call, so decoding does not allocate. Calls are serialized by the model's queue.
    private let scratchStore = ScratchStore()

    private func scratch(for tokens: Int) -> ForwardScratch {
        scratchStore.get(configuration: configuration, batch: maxBatch)
    }
}

/// A value handed to the attention workers, which only read it.
private struct UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

extension Transformer {
    /// Bytes a cache of `capacity` entries takes for this model.
    public func cacheBytes(capacity: Int) -> Int {
        KVCache.byteCount(layers: configuration.blockCount, width: configuration.keyValueWidth, kvHeads: configuration.headCountKV,
                          capacity: capacity)
    }
}
