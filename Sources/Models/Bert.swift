import GGUF
import Kernels

/// BERT encoders (BERT, MiniLM, BGE, E5, GTE, …) as llama.cpp's converter writes them
/// (`convert_hf_to_gguf.py`'s `BertModel`, llama.cpp's `LLM_ARCH_BERT`): learned absolute
/// position and token-type embeddings, post-norm blocks with LayerNorm, bidirectional multi-head
/// attention with biases and a GELU feed-forward with biases (Devlin et al., 2019).
public enum BertArchitecture {
    public static let ggufName = "bert"
}

/// A BERT encoder's hyperparameters, from the `bert.*` metadata keys.
public struct BertConfiguration: Sendable, Equatable {
    /// llama.cpp's `bert.pooling_type`: how the model was trained to pool token states.
    public enum PoolingType: Int, Sendable {
        case none = 0, mean = 1, cls = 2, last = 3, rank = 4
    }

    public var name: String?
    /// Position embeddings there are (`bert.context_length`).
    public var contextLength: Int
    public var embeddingLength: Int
    public var blockCount: Int
    public var feedForwardLength: Int
    public var headCount: Int
    public var layerNormEpsilon: Float
    public var vocabularySize: Int
    /// Rows of `token_types` (`tokenizer.ggml.token_type_count`, 2 for BERT; only type 0 is used).
    public var tokenTypeCount: Int
    /// `bert.pooling_type` when the file has it.
    public var pooling: PoolingType?

    /// Reads and checks the `bert.*` keys of `file`.
    public init(file: GGUFFile) throws(ModelError) {
        let a = BertArchitecture.ggufName
        func required(_ key: String) throws(ModelError) -> Int {
            guard let value = file.integer("\(a).\(key)") else { throw ModelError.missingMetadata("\(a).\(key)") }
            guard value > 0 else { throw ModelError.invalidMetadata("\(a).\(key)", "must be positive, is \(value)") }
            return value
        }
        name = file.string("general.name")
        contextLength = try required("context_length")
        embeddingLength = try required("embedding_length")
        blockCount = try required("block_count")
        feedForwardLength = try required("feed_forward_length")
        headCount = try required("attention.head_count")
        guard embeddingLength % headCount == 0 else {
            throw ModelError.invalidMetadata("\(a).attention.head_count", "\(headCount) does not divide the width \(embeddingLength)")
        }
        guard let epsilon = file.float("\(a).attention.layer_norm_epsilon") else {
            throw ModelError.missingMetadata("\(a).attention.layer_norm_epsilon")
        }
        guard epsilon > 0, epsilon < 1 else {
            throw ModelError.invalidMetadata("\(a).attention.layer_norm_epsilon", "\(epsilon) is not in (0, 1)")
        }
        layerNormEpsilon = Float(epsilon)
        vocabularySize = file.integer("\(a).vocab_size") ?? file.stringArray("tokenizer.ggml.tokens")?.count ?? 0
        guard vocabularySize > 0 else { throw ModelError.missingMetadata("tokenizer.ggml.tokens") }
        // The converter writes the count; the tensor's own shape is checked against it below.
        tokenTypeCount = file.integer("tokenizer.ggml.token_type_count") ?? file.tensor(named: TensorName.tokenTypes)?.shape.last ?? 0
        guard tokenTypeCount > 0 else { throw ModelError.missingMetadata("tokenizer.ggml.token_type_count") }
        if let raw = file.integer("\(a).pooling_type") {
            guard let type = PoolingType(rawValue: raw) else {
                throw ModelError.invalidMetadata("\(a).pooling_type", "\(raw) is not a llama.cpp pooling type (0-4)")
            }
            pooling = type
        }
    }

    public var headDimension: Int { embeddingLength / headCount }
}

/// One encoder block's weights (post-norm: attention, residual, LayerNorm, FFN, residual, LayerNorm).
public struct BertBlockWeights: Sendable {
    public var query: WeightMatrix             // [embedding × embedding]
    public var queryBias: [Float]              // [embedding]
    public var key: WeightMatrix               // [embedding × embedding]
    public var keyBias: [Float]                // [embedding]
    public var value: WeightMatrix             // [embedding × embedding]
    public var valueBias: [Float]              // [embedding]
    public var output: WeightMatrix            // [embedding × embedding]
    public var outputBias: [Float]             // [embedding]
    public var attentionNorm: [Float]          // [embedding] LayerNorm scale after attention
    public var attentionNormBias: [Float]      // [embedding]
    public var up: WeightMatrix                // [feedForward × embedding]
    public var upBias: [Float]                 // [feedForward]
    public var down: WeightMatrix              // [embedding × feedForward]
    public var downBias: [Float]               // [embedding]
    public var outputNorm: [Float]             // [embedding] LayerNorm scale after the FFN
    public var outputNormBias: [Float]         // [embedding]
}

/// All weights of a BERT encoder, viewed in the mapped GGUF file.
public struct BertWeights: Sendable {
    public var tokenEmbedding: WeightMatrix    // [vocabulary × embedding]
    public var positionEmbedding: WeightMatrix // [context × embedding]
    public var tokenTypeEmbedding: WeightMatrix // [types × embedding]
    public var embeddingNorm: [Float]          // [embedding]
    public var embeddingNormBias: [Float]      // [embedding]
    public var blocks: [BertBlockWeights]

    /// Loads and shape-checks every tensor under llama.cpp's BERT names (see `TensorName`).
    public init(file: GGUFFile, configuration c: BertConfiguration) throws(ModelError) {
        let e = c.embeddingLength, f = c.feedForwardLength
        typealias N = TensorName
        tokenEmbedding = try WeightMatrix(file: file, name: TensorName.tokenEmbedding, rows: c.vocabularySize, columns: e)
        positionEmbedding = try WeightMatrix(file: file, name: N.positionEmbedding, rows: c.contextLength, columns: e)
        tokenTypeEmbedding = try WeightMatrix(file: file, name: N.tokenTypes, rows: c.tokenTypeCount, columns: e)
        embeddingNorm = try vectorWeight(file, N.tokenEmbeddingNorm, count: e)
        embeddingNormBias = try vectorWeight(file, N.tokenEmbeddingNormBias, count: e)
        var blocks: [BertBlockWeights] = []
        for i in 0..<c.blockCount {
            let n = TensorName.Block(i)
            blocks.append(BertBlockWeights(
                query: try WeightMatrix(file: file, name: n.query, rows: e, columns: e),
                queryBias: try vectorWeight(file, n.queryBias, count: e),
                key: try WeightMatrix(file: file, name: n.key, rows: e, columns: e),
                keyBias: try vectorWeight(file, n.keyBias, count: e),
                value: try WeightMatrix(file: file, name: n.value, rows: e, columns: e),
                valueBias: try vectorWeight(file, n.valueBias, count: e),
                output: try WeightMatrix(file: file, name: n.output, rows: e, columns: e),
                outputBias: try vectorWeight(file, n.outputBias, count: e),
                attentionNorm: try vectorWeight(file, n.outputNorm, count: e),
                attentionNormBias: try vectorWeight(file, n.outputNormBias, count: e),
                up: try WeightMatrix(file: file, name: n.up, rows: f, columns: e),
                upBias: try vectorWeight(file, n.upBias, count: f),
                down: try WeightMatrix(file: file, name: n.down, rows: e, columns: f),
                downBias: try vectorWeight(file, n.downBias, count: e),
                outputNorm: try vectorWeight(file, n.layerOutputNorm, count: e),
                outputNormBias: try vectorWeight(file, n.layerOutputNormBias, count: e)))
        }
        self.blocks = blocks
    }

    var matrices: [WeightMatrix] {
        [tokenEmbedding, positionEmbedding, tokenTypeEmbedding] + blocks.flatMap { [$0.query, $0.key, $0.value, $0.output, $0.up, $0.down] }
    }

    /// The distinct tensor encodings used by the matrices, for `model/list`.
    public var encodings: [GGMLType] {
        var seen: [GGMLType] = []
        for m in matrices where !seen.contains(m.type) { seen.append(m.type) }
        return seen
    }
}

/// A loaded BERT encoder: configuration and weights, ready for the engine.
public struct BertModel: Sendable {
    public var configuration: BertConfiguration
    public var weights: BertWeights

    /// Reads the configuration and every tensor of a `bert` GGUF file.
    public init(file: GGUFFile) throws(ModelError) {
        configuration = try BertConfiguration(file: file)
        weights = try BertWeights(file: file, configuration: configuration)
    }
}

extension ModelConfiguration {
    /// The summary of an encoder that `LoadedModel.configuration` and `model/list` show: one key
    /// and value head per query head, no RoPE; `rmsNormEpsilon` holds the LayerNorm epsilon.
    public init(bert c: BertConfiguration) {
        architecture = BertArchitecture.ggufName
        name = c.name
        contextLength = c.contextLength
        embeddingLength = c.embeddingLength
        blockCount = c.blockCount
        feedForwardLength = c.feedForwardLength
        headCount = c.headCount
        headCountKV = c.headCount
        headDimension = c.headDimension
        vocabularySize = c.vocabularySize
        rmsNormEpsilon = c.layerNormEpsilon
        ropeFrequencyBase = 10_000
        ropeScale = 1
        ropeDimensionCount = 0
        ropeStyle = .normal
    }
}
