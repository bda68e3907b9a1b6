/// GGML's standard tensor names in GGUF files (llama.cpp's `llama-arch.cpp` table).
public enum TensorName {
    public static let tokenEmbedding = "token_embd.weight"
    public static let outputNorm = "output_norm.weight"
    public static let output = "output.weight"
    public static let ropeFrequencies = "rope_freqs.weight"
    // BERT's embeddings beyond the token embedding.
    public static let positionEmbedding = "position_embd.weight"
    public static let tokenTypes = "token_types.weight"
    public static let tokenEmbeddingNorm = "token_embd_norm.weight"
    public static let tokenEmbeddingNormBias = "token_embd_norm.bias"

    /// Names of block `index`'s tensors.
    public struct Block {
        let prefix: String
        public init(_ index: Int) { prefix = "blk.\(index)." }

        public var attentionNorm: String { prefix + "attn_norm.weight" }
        public var query: String { prefix + "attn_q.weight" }
        public var key: String { prefix + "attn_k.weight" }
        public var value: String { prefix + "attn_v.weight" }
        public var output: String { prefix + "attn_output.weight" }
        public var queryBias: String { prefix + "attn_q.bias" }
        public var keyBias: String { prefix + "attn_k.bias" }
        public var valueBias: String { prefix + "attn_v.bias" }
        public var queryNorm: String { prefix + "attn_q_norm.weight" }
        public var keyNorm: String { prefix + "attn_k_norm.weight" }
        public var feedForwardNorm: String { prefix + "ffn_norm.weight" }
        public var gate: String { prefix + "ffn_gate.weight" }
        public var up: String { prefix + "ffn_up.weight" }
        public var down: String { prefix + "ffn_down.weight" }
        // BERT's biases and post-norms (LayerNorm after attention, and after the FFN).
        public var outputBias: String { prefix + "attn_output.bias" }
        public var upBias: String { prefix + "ffn_up.bias" }
        public var downBias: String { prefix + "ffn_down.bias" }
        public var outputNorm: String { prefix + "attn_output_norm.weight" }
        public var outputNormBias: String { prefix + "attn_output_norm.bias" }
        public var layerOutputNorm: String { prefix + "layer_output_norm.weight" }
        public var layerOutputNormBias: String { prefix + "layer_output_norm.bias" }
    }
}
