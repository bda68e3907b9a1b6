import Foundation
import Kernels
import Models

/// Runs a BERT encoder over whole texts: no cache, no causal mask; every token attends to every
/// token of its own text.
///
/// Several texts are packed into one batch of rows (no padding): the matrix products read the
/// weights once for all of them, and attention keeps to each text's own rows. The steps are named
/// as in the paper: token + position + token-type embeddings, embedding LayerNorm; per layer QKV,
/// attention, output projection, residual + LayerNorm, FFN with GELU, residual + LayerNorm.
///
/// GELU is the exact one, x·Φ(x) with erf, as BERT and Hugging Face's `gelu` compute it;
/// llama.cpp uses the tanh approximation, which differs by up to about 5e-4 per activation.
public final class Encoder: @unchecked Sendable {
    public let model: BertModel
    let pool: WorkerPool
    public let precision: ActivationPrecision
    /// Tokens packed into one forward call (a text longer than this runs alone).
    public let maxBatch: Int
    /// The widths `ForwardScratch` sizes its buffers from.
    let shape: ModelConfiguration

    public init(model: BertModel, pool: WorkerPool, maxBatch: Int = 512, precision: ActivationPrecision = .exact) {
        self.model = model
        self.pool = pool
        self.maxBatch = maxBatch
        self.precision = precision
        self.shape = ModelConfiguration(bert: model.configuration)
    }

    public var configuration: BertConfiguration { model.configuration }

    /// The last layer's hidden state of every token of every text, row-major
    /// [Σ tokens × embedding], texts in order. Each text must be non-empty and at most the context
    /// length; callers split work into calls of about `maxBatch` tokens.
    public func forward(_ texts: [[Int32]]) -> [Float] {
        let c = configuration
        let w = model.weights
        let e = c.embeddingLength, f = c.feedForwardLength
        precondition(texts.allSatisfy { !$0.isEmpty && $0.count <= c.contextLength })
        let T = texts.reduce(0) { $0 + $1.count }
        // Each row's text: where its rows start and how many there are.
        var textStart: [Int] = [], textLength: [Int] = []
        textStart.reserveCapacity(T)
        textLength.reserveCapacity(T)
        var offset = 0
        for text in texts {
            for _ in text { textStart.append(offset); textLength.append(text.count) }
            offset += text.count
        }
        let s = scratchStore.get(configuration: shape, batch: T)
        let x = s.x, h = s.h, q = s.q, k = s.k, v = s.v, attended = s.attended, ffn = s.up

        // Embeddings: token + position (within its text) + token type 0.   x: [T, e]
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * e) { buffer in
            let position = buffer.baseAddress!, type = position + e
            w.tokenTypeEmbedding.dequantizeRow(0, into: type)
            var row = 0
            for text in texts {
                for (p, token) in text.enumerated() {
                    w.tokenEmbedding.dequantizeRow(Int(token), into: x + row * e)
                    w.positionEmbedding.dequantizeRow(p, into: position)
                    for i in 0..<e { x[row * e + i] += position[i] + type[i] }
                    row += 1
                }
            }
        }
        layerNormRows(x, w.embeddingNorm, w.embeddingNormBias, rows: T, width: e)

        for block in w.blocks {
            // QKV projections.                                         q, k, v: [T, e]
            linear(block.query, x, tokens: T, bias: block.queryBias, q, scratch: s)
            linear(block.key, x, tokens: T, bias: block.keyBias, k, scratch: s)
            linear(block.value, x, tokens: T, bias: block.valueBias, v, scratch: s)
            // Bidirectional attention within each text.               attended: [T, e]
            attend(q, k, v, rows: T, textStart: textStart, textLength: textLength, into: attended)
            // Output projection, residual, LayerNorm.                 x: [T, e]
            linear(block.output, attended, tokens: T, bias: block.outputBias, h, scratch: s)
            for i in 0..<(T * e) { x[i] += h[i] }
            layerNormRows(x, block.attentionNorm, block.attentionNormBias, rows: T, width: e)
            // FFN: up, GELU, down; residual, LayerNorm.               ffn: [T, f]
            linear(block.up, x, tokens: T, bias: block.upBias, ffn, scratch: s)
            Operations.gelu(ffn, count: T * f)
            // As in the decoder, the down projection's wide-ranging input stays exact on the q8 path.
            linear(block.down, ffn, tokens: T, bias: block.downBias, h, scratch: s, precision: .exact)
            for i in 0..<(T * e) { x[i] += h[i] }
            layerNormRows(x, block.outputNorm, block.outputNormBias, rows: T, width: e)
        }
        return Array(UnsafeBufferPointer(start: x, count: T * e))
    }

    private func layerNormRows(_ x: UnsafeMutablePointer<Float>, _ weight: [Float], _ bias: [Float], rows: Int, width: Int) {
        let epsilon = configuration.layerNormEpsilon
        weight.withUnsafeBufferPointer { wb in
            bias.withUnsafeBufferPointer { bb in
                for r in 0..<rows {
                    Operations.layerNorm(x + r * width, wb.baseAddress!, bb.baseAddress!, x + r * width, count: width, epsilon: epsilon)
                }
            }
        }
    }

    private func linear(_ w: WeightMatrix, _ x: UnsafeMutablePointer<Float>, tokens: Int, bias: [Float]?,
                        _ y: UnsafeMutablePointer<Float>, scratch: ForwardScratch, precision: ActivationPrecision? = nil) {
        Operations.linear(w, x, tokens: tokens, bias: bias, y, pool: pool, scratch: scratch, precision: precision ?? self.precision)
    }

    /// softmax(q·kᵀ/√d)·v for every (row, head) over the rows of the row's own text.
    private func attend(_ queries: UnsafeMutablePointer<Float>, _ keys: UnsafeMutablePointer<Float>,
                        _ values: UnsafeMutablePointer<Float>, rows: Int, textStart: [Int], textLength: [Int],
                        into output: UnsafeMutablePointer<Float>) {
        let c = configuration
        let e = c.embeddingLength, d = c.headDimension, heads = c.headCount
        let qs = UnsafeSendable(queries), ks = UnsafeSendable(keys), vs = UnsafeSendable(values), out = UnsafeSendable(output)
        let scale = 1 / Float(d).squareRoot()
        let longest = textLength.max() ?? 1
        pool.parallelRanges(rows * heads, minimum: 4) { range in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: longest)
            defer { scores.deallocate() }
            for item in range {
                let t = item / heads, head = item % heads
                let start = textStart[t], n = textLength[t]
                let query = qs.pointer + t * e + head * d
                for j in 0..<n {
                    scores[j] = Operations.dot(query, ks.pointer + (start + j) * e + head * d, count: d) * scale
                }
                Operations.softmax(scores, count: n)
                let o = out.pointer + t * e + head * d
                o.update(repeating: 0, count: d)
                for j in 0..<n {
                    Operations.axpy(scores[j], vs.pointer + (start + j) * e + head * d, o, count: d)
                }
            }
        }
    }

    /// Activation buffers, grown to the largest batch seen; calls are serialized by the model's queue.
    private let scratchStore = ScratchStore()
}
