import GGUF
import Kernels

/// Which optional parts a decoder block has; each architecture file says which it requires.
public struct BlockFeatures: Sendable, Equatable {
    /// Biases on the query, key and value projections (Qwen2).
    public var attentionBiases: Bool
    /// RMS norms on each query and key head before RoPE (Qwen3).
    public var queryKeyNorm: Bool

    public init(attentionBiases: Bool = false, queryKeyNorm: Bool = false) {
        self.attentionBiases = attentionBiases
        self.queryKeyNorm = queryKeyNorm
    }
}

/// One decoder block's weights.
public struct TransformerBlockWeights: Sendable {
    public var attentionNorm: [Float]     // [embedding]
    public var query: WeightMatrix        // [queryWidth × embedding]
    public var key: WeightMatrix          // [keyValueWidth × embedding]
    public var value: WeightMatrix        // [keyValueWidth × embedding]
    public var output: WeightMatrix       // [embedding × queryWidth]
    public var queryBias: [Float]?        // [queryWidth]
    public var keyBias: [Float]?          // [keyValueWidth]
    public var valueBias: [Float]?        // [keyValueWidth]
    public var queryNorm: [Float]?        // [headDimension]
    public var keyNorm: [Float]?          // [headDimension]
    public var feedForwardNorm: [Float]   // [embedding]
    public var gate: WeightMatrix         // [feedForward × embedding]
    public var up: WeightMatrix           // [feedForward × embedding]
    public var down: WeightMatrix         // [embedding × feedForward]
}

/// All weights of a decoder-only transformer, viewed in the mapped GGUF file.
public struct TransformerWeights: Sendable {
    public var tokenEmbedding: WeightMatrix   // [vocabulary × embedding]
    public var outputNorm: [Float]            // [embedding]
    /// The unembedding; the token embedding itself when the model ties them.
    public var output: WeightMatrix           // [vocabulary × embedding]
    public var tiedEmbeddings: Bool
    /// Per-dimension RoPE frequency divisors (`rope_freqs.weight`, Llama 3.1), if present.
    public var ropeFrequencyFactors: [Float]?
    public var blocks: [TransformerBlockWeights]

    /// Loads and shape-checks every tensor with GGML's standard names (see `TensorName`).
    public init(file: GGUFFile, configuration c: ModelConfiguration, features: BlockFeatures) throws(ModelError) {
        let e = c.embeddingLength
        tokenEmbedding = try WeightMatrix(file: file, name: TensorName.tokenEmbedding, rows: c.vocabularySize, columns: e)
        outputNorm = try vectorWeight(file, TensorName.outputNorm, count: e)
        if file.tensor(named: TensorName.output) != nil {
            output = try WeightMatrix(file: file, name: TensorName.output, rows: c.vocabularySize, columns: e)
            tiedEmbeddings = false
        } else {
            output = tokenEmbedding
            tiedEmbeddings = true
        }
        ropeFrequencyFactors = try optionalVectorWeight(file, TensorName.ropeFrequencies, count: c.ropeDimensionCount / 2)
        var blocks: [TransformerBlockWeights] = []
        for i in 0..<c.blockCount {
            let n = TensorName.Block(i)
            let bias = features.attentionBiases
            blocks.append(TransformerBlockWeights(
                attentionNorm: try vectorWeight(file, n.attentionNorm, count: e),
                query: try WeightMatrix(file: file, name: n.query, rows: c.queryWidth, columns: e),
                key: try WeightMatrix(file: file, name: n.key, rows: c.keyValueWidth, columns: e),
                value: try WeightMatrix(file: file, name: n.value, rows: c.keyValueWidth, columns: e),
                output: try WeightMatrix(file: file, name: n.output, rows: e, columns: c.queryWidth),
                queryBias: bias ? try vectorWeight(file, n.queryBias, count: c.queryWidth) : nil,
                keyBias: bias ? try vectorWeight(file, n.keyBias, count: c.keyValueWidth) : nil,
                valueBias: bias ? try vectorWeight(file, n.valueBias, count: c.keyValueWidth) : nil,
                queryNorm: features.queryKeyNorm ? try vectorWeight(file, n.queryNorm, count: c.headDimension) : nil,
                keyNorm: features.queryKeyNorm ? try vectorWeight(file, n.keyNorm, count: c.headDimension) : nil,
                feedForwardNorm: try vectorWeight(file, n.feedForwardNorm, count: e),
                gate: try WeightMatrix(file: file, name: n.gate, rows: c.feedForwardLength, columns: e),
                up: try WeightMatrix(file: file, name: n.up, rows: c.feedForwardLength, columns: e),
                down: try WeightMatrix(file: file, name: n.down, rows: e, columns: c.feedForwardLength)))
        }
        self.blocks = blocks
    }

    /// The distinct tensor encodings used by the matrices, for `model/list`.
    public var encodings: [GGMLType] {
        var seen: [GGMLType] = []
        let matrices = [tokenEmbedding, output] + blocks.flatMap { [$0.query, $0.key, $0.value, $0.output, $0.gate, $0.up, $0.down] }
        for m in matrices where !seen.contains(m.type) { seen.append(m.type) }
        return seen
    }

    /// Bytes of weight data the matrices span in the mapped file.
    public var matrixBytes: Int {
        let blockBytes = blocks.reduce(0) { sum, b in
            sum + b.query.byteCount + b.key.byteCount + b.value.byteCount + b.output.byteCount
                + b.gate.byteCount + b.up.byteCount + b.down.byteCount
        }
        return tokenEmbedding.byteCount + (tiedEmbeddings ? 0 : output.byteCount) + blockBytes
    }
}
