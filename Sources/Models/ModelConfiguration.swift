import GGUF

/// A decoder-only transformer's hyperparameters, read from GGUF metadata (`<arch>.*` keys).
public struct ModelConfiguration: Sendable, Equatable {
    /// How rotary embeddings pair dimensions: adjacent pairs (`normal`, GGML's Llama) or halves
    /// (`neox`, Qwen2/Qwen3).
    public enum RopeStyle: Sendable, Equatable {
        case normal
        case neox
    }

    public var architecture: String
    public var name: String?
    public var contextLength: Int
    public var embeddingLength: Int
    public var blockCount: Int
    public var feedForwardLength: Int
    public var headCount: Int
    public var headCountKV: Int
    public var headDimension: Int
    public var vocabularySize: Int
    public var rmsNormEpsilon: Float
    public var ropeFrequencyBase: Float
    /// Linear RoPE scaling: positions are divided by this factor (1 when absent).
    public var ropeScale: Float
    public var ropeDimensionCount: Int
    public var ropeStyle: RopeStyle

    /// Reads the configuration for `architecture` from `file`'s metadata, checking every value.
    public init(file: GGUFFile, architecture: String, ropeStyle: RopeStyle) throws(ModelError) {
        func required(_ key: String) throws(ModelError) -> Int {
            guard let value = file.integer("\(architecture).\(key)") else {
                throw ModelError.missingMetadata("\(architecture).\(key)")
            }
            guard value > 0 else { throw ModelError.invalidMetadata("\(architecture).\(key)", "must be positive, is \(value)") }
            return value
        }
        self.architecture = architecture
        self.name = file.string("general.name")
        self.contextLength = try required("context_length")
        self.embeddingLength = try required("embedding_length")
        self.blockCount = try required("block_count")
        self.feedForwardLength = try required("feed_forward_length")
        self.headCount = try required("attention.head_count")
        self.headCountKV = file.integer("\(architecture).attention.head_count_kv") ?? headCount
        self.headDimension = file.integer("\(architecture).attention.key_length") ?? (embeddingLength / max(headCount, 1))
        let epsilon = file.float("\(architecture).attention.layer_norm_rms_epsilon") ?? 1e-5
        self.rmsNormEpsilon = Float(epsilon)
        self.ropeFrequencyBase = Float(file.float("\(architecture).rope.freq_base") ?? 10_000)
        let scalingType = file.string("\(architecture).rope.scaling.type")
        let factor = file.float("\(architecture).rope.scaling.factor") ?? file.float("\(architecture).rope.scale_linear")
        self.ropeScale = (scalingType == nil || scalingType == "linear") ? Float(factor ?? 1) : 1
        self.ropeDimensionCount = file.integer("\(architecture).rope.dimension_count") ?? headDimension
        self.ropeStyle = ropeStyle
        let tokens = file.stringArray("tokenizer.ggml.tokens")?.count
        self.vocabularySize = file.integer("\(architecture).vocab_size") ?? tokens ?? 0

        guard vocabularySize > 0 else { throw ModelError.missingMetadata("tokenizer.ggml.tokens") }
        guard headCountKV > 0, headCount % headCountKV == 0 else {
            throw ModelError.invalidMetadata("\(architecture).attention.head_count_kv",
                                             "\(headCountKV) does not divide the head count \(headCount)")
        }
        guard headDimension > 0, headDimension % 2 == 0, ropeDimensionCount <= headDimension, ropeDimensionCount % 2 == 0 else {
            throw ModelError.invalidMetadata("\(architecture).rope.dimension_count",
                                             "head dimension \(headDimension) and RoPE dimension \(ropeDimensionCount) must be even, RoPE ≤ head")
        }
        guard epsilon > 0, epsilon < 1 else {
            throw ModelError.invalidMetadata("\(architecture).attention.layer_norm_rms_epsilon", "\(epsilon) is not in (0, 1)")
        }
        guard ropeScale > 0, ropeFrequencyBase > 1 else {
            throw ModelError.invalidMetadata("\(architecture).rope", "frequency base \(ropeFrequencyBase) and scale \(ropeScale) must be positive")
        }
    }

    /// Width of the query projection (heads × head dimension).
    public var queryWidth: Int { headCount * headDimension }
    /// Width of the key and value projections.
    public var keyValueWidth: Int { headCountKV * headDimension }
    /// Query heads per key/value head (grouped-query attention).
    public var groupSize: Int { headCount / headCountKV }
}

/// Why a model cannot be built from a GGUF file.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedArchitecture(String, supported: [String])
    case missingMetadata(String)
    case invalidMetadata(String, String)
    case missingTensor(String)
    case tensorShape(String, expected: [Int], found: [Int])
    case unsupportedTensorType(String, String)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let name, let supported):
            return "unsupported architecture '\(name)'; supported: \(supported.joined(separator: ", "))"
        case .missingMetadata(let key): return "missing metadata key \(key)"
        case .invalidMetadata(let key, let why): return "invalid metadata \(key): \(why)"
        case .missingTensor(let name): return "missing tensor \(name)"
        case .tensorShape(let name, let expected, let found):
            return "tensor \(name) has shape \(found), expected \(expected)"
        case .unsupportedTensorType(let name, let type): return "tensor \(name) has unsupported type \(type)"
        }
    }
}
