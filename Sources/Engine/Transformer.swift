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
    /// Tokens per forward call; longer inputs are split into chunks of this size.
    public let maxBatch: Int

    public init(model: TransformerModel, pool: WorkerPool, maxBatch: Int = 64) {
        self.model = model
        self.pool = pool
        self.maxBatch = maxBatch
        self.rope = RotaryEmbedding(configuration: model.configuration, frequencyFactors: model.weights.ropeFrequencyFactors)
    }

    public var configuration: ModelConfiguration { model.configuration }

    /// A cache shaped for this model.
    public func makeCache(capacity: Int) -> KVCache {
        KVCache(layers: configuration.blockCount, width: configuration.keyValueWidth, capacity: capacity)
    }

    /// Which positions' logits a forward call returns.
    public enum Logits: Sendable {
        case none
        case last
        case all
    }

    /// Feeds `tokens` (at most `maxBatch`) at the cache's next positions and returns logits for the
    /// requested positions, row-major [positions × vocabulary]. The cache must have room.
    public func forward(_ tokens: [Int32], cache: KVCache, logits: Logits) -> [Float] {
        let start = cache.nextPosition
        let positions = (0..<tokens.count).map { start + Int32($0) }
        return forward(tokens, positions: positions, cache: cache, logits: logits)
    }

    /// Feeds `tokens` at explicit `positions`.
    public func forward(_ tokens: [Int32], positions: [Int32], cache: KVCache, logits: Logits) -> [Float] {
        let c = configuration
        let w = model.weights
        let T = tokens.count
        precondition(T > 0 && T <= maxBatch && positions.count == T && cache.remaining >= T)
        let e = c.embeddingLength, d = c.headDimension

        var x = [Float](repeating: 0, count: T * e)               // [T, e] residual stream
        var h = [Float](repeating: 0, count: T * e)               // [T, e] normed
        var q = [Float](repeating: 0, count: T * c.queryWidth)    // [T, heads·d]
        var k = [Float](repeating: 0, count: T * c.keyValueWidth) // [T, kvHeads·d]
        var v = [Float](repeating: 0, count: T * c.keyValueWidth) // [T, kvHeads·d]
        var attended = [Float](repeating: 0, count: T * c.queryWidth)
        var gate = [Float](repeating: 0, count: T * c.feedForwardLength) // [T, ff]
        var up = [Float](repeating: 0, count: T * c.feedForwardLength)   // [T, ff]

        // Token embeddings.
        x.withUnsafeMutableBufferPointer { xb in
            for t in 0..<T { w.tokenEmbedding.dequantizeRow(Int(tokens[t]), into: xb.baseAddress! + t * e) }
        }

        for (layer, block) in w.blocks.enumerated() {
            // Attention norm.
            normRows(x, block.attentionNorm, into: &h, rows: T, width: e)
            // QKV projections.
            h.withUnsafeBufferPointer { hb in
                q.withUnsafeMutableBufferPointer { Operations.linear(block.query, hb.baseAddress!, tokens: T, bias: block.queryBias, $0.baseAddress!, pool: pool) }
                k.withUnsafeMutableBufferPointer { Operations.linear(block.key, hb.baseAddress!, tokens: T, bias: block.keyBias, $0.baseAddress!, pool: pool) }
                v.withUnsafeMutableBufferPointer { Operations.linear(block.value, hb.baseAddress!, tokens: T, bias: block.valueBias, $0.baseAddress!, pool: pool) }
            }
            // QK-norm (Qwen3), then RoPE, per head.
            q.withUnsafeMutableBufferPointer { qb in
                k.withUnsafeMutableBufferPointer { kb in
                    for t in 0..<T {
                        for head in 0..<c.headCount {
                            let p = qb.baseAddress! + t * c.queryWidth + head * d
                            if let norm = block.queryNorm { norm.withUnsafeBufferPointer { Operations.rmsNorm(p, $0.baseAddress!, p, count: d, epsilon: c.rmsNormEpsilon) } }
                            rope.apply(p, position: positions[t])
                        }
                        for head in 0..<c.headCountKV {
                            let p = kb.baseAddress! + t * c.keyValueWidth + head * d
                            if let norm = block.keyNorm { norm.withUnsafeBufferPointer { Operations.rmsNorm(p, $0.baseAddress!, p, count: d, epsilon: c.rmsNormEpsilon) } }
                            rope.apply(p, position: positions[t])
                        }
                    }
                }
            }
            // Store this chunk's keys and values with their positions.
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    positions.withUnsafeBufferPointer { pb in
                        cache.append(layer: layer, keys: kb.baseAddress!, values: vb.baseAddress!, positions: pb.baseAddress!, count: T)
                    }
                }
            }
            // Attention over every cached entry at or before each token's position.
            q.withUnsafeBufferPointer { qb in
                attended.withUnsafeMutableBufferPointer { ab in
                    attend(queries: qb.baseAddress!, positions: positions, cache: cache, layer: layer, into: ab.baseAddress!)
                }
            }
            // Output projection and residual.
            attended.withUnsafeBufferPointer { ab in
                h.withUnsafeMutableBufferPointer { Operations.linear(block.output, ab.baseAddress!, tokens: T, bias: nil, $0.baseAddress!, pool: pool) }
            }
            for i in 0..<(T * e) { x[i] += h[i] }

            // FFN norm, SwiGLU feed-forward, residual.
            normRows(x, block.feedForwardNorm, into: &h, rows: T, width: e)
            h.withUnsafeBufferPointer { hb in
                gate.withUnsafeMutableBufferPointer { Operations.linear(block.gate, hb.baseAddress!, tokens: T, bias: nil, $0.baseAddress!, pool: pool) }
                up.withUnsafeMutableBufferPointer { Operations.linear(block.up, hb.baseAddress!, tokens: T, bias: nil, $0.baseAddress!, pool: pool) }
            }
            gate.withUnsafeMutableBufferPointer { gb in
                up.withUnsafeBufferPointer { Operations.swiGLU(gb.baseAddress!, $0.baseAddress!, count: T * c.feedForwardLength) }
            }
            gate.withUnsafeBufferPointer { gb in
                h.withUnsafeMutableBufferPointer { Operations.linear(block.down, gb.baseAddress!, tokens: T, bias: nil, $0.baseAddress!, pool: pool) }
            }
            for i in 0..<(T * e) { x[i] += h[i] }
        }

        // Output norm and unembedding for the rows asked for.
        let firstRow: Int
        switch logits {
        case .none: return []
        case .last: firstRow = T - 1
        case .all: firstRow = 0
        }
        let rows = T - firstRow
        var normed = [Float](repeating: 0, count: rows * e)
        x.withUnsafeBufferPointer { xb in
            normed.withUnsafeMutableBufferPointer { nb in
                w.outputNorm.withUnsafeBufferPointer { wb in
                    for r in 0..<rows {
                        Operations.rmsNorm(xb.baseAddress! + (firstRow + r) * e, wb.baseAddress!, nb.baseAddress! + r * e, count: e, epsilon: c.rmsNormEpsilon)
                    }
                }
            }
        }
        var result = [Float](repeating: 0, count: rows * c.vocabularySize)   // [rows, vocabulary]
        normed.withUnsafeBufferPointer { nb in
            result.withUnsafeMutableBufferPointer { Operations.linear(w.output, nb.baseAddress!, tokens: rows, bias: nil, $0.baseAddress!, pool: pool) }
        }
        return result
    }

    private func normRows(_ x: [Float], _ weight: [Float], into y: inout [Float], rows: Int, width: Int) {
        let epsilon = configuration.rmsNormEpsilon
        x.withUnsafeBufferPointer { xb in
            weight.withUnsafeBufferPointer { wb in
                y.withUnsafeMutableBufferPointer { yb in
                    for r in 0..<rows {
                        Operations.rmsNorm(xb.baseAddress! + r * width, wb.baseAddress!, yb.baseAddress! + r * width, count: width, epsilon: epsilon)
                    }
                }
            }
        }
    }

    /// Causal attention of every (token, head) over the layer's cached entries, by position.
    private func attend(queries: UnsafePointer<Float>, positions: [Int32], cache: KVCache, layer: Int,
                        into output: UnsafeMutablePointer<Float>) {
        let c = configuration
        let d = c.headDimension, group = c.groupSize
        let entries = cache.counts[layer]
        let keys = UnsafeSendable(cache.keys[layer]), values = UnsafeSendable(cache.values[layer])
        let cachedPositions = UnsafeSendable(cache.positions[layer])
        let qs = UnsafeSendable(UnsafeMutablePointer(mutating: queries)), out = UnsafeSendable(output)
        let scale = 1 / Float(d).squareRoot()
        let heads = c.headCount, kvWidth = c.keyValueWidth, qWidth = c.queryWidth
        let tokenPositions = positions
        pool.parallelRanges(positions.count * heads, minimum: 1) { range in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(entries, 1))
            defer { scores.deallocate() }
            for item in range {
                let t = item / heads, head = item % heads
                let kvHead = head / group
                let query = qs.pointer + t * qWidth + head * d
                let limit = tokenPositions[t]
                for j in 0..<entries {
                    if cachedPositions.pointer[j] > limit {
                        scores[j] = -.infinity
                        continue
                    }
                    let key = keys.pointer + j * kvWidth + kvHead * d
                    var dot: Float = 0
                    for i in 0..<d { dot += query[i] * key[i] }
                    scores[j] = dot * scale
                }
                Operations.softmax(scores, count: entries)
                let o = out.pointer + t * qWidth + head * d
                o.update(repeating: 0, count: d)
                for j in 0..<entries where scores[j] > 0 {
                    let value = values.pointer + j * kvWidth + kvHead * d
                    let p = scores[j]
                    for i in 0..<d { o[i] += p * value[i] }
                }
            }
        }
    }
}

extension Transformer {
    /// Bytes a cache of `capacity` entries takes for this model.
    public func cacheBytes(capacity: Int) -> Int {
        KVCache.byteCount(layers: configuration.blockCount, width: configuration.keyValueWidth, capacity: capacity)
    }
}
