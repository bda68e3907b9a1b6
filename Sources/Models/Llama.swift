/// Llama (Llama 2 and 3, Mistral, TinyLlama, SmolLM): pre-norm decoder with RMSNorm, rotary
/// embeddings, grouped-query attention and a SwiGLU feed-forward (Touvron et al., 2023; llama.cpp's
/// `LLM_ARCH_LLAMA`). GGML's converter permutes the query and key rows so RoPE rotates adjacent
/// pairs ("normal" style); Llama 3.1's frequency scaling arrives as `rope_freqs.weight`.
public enum LlamaArchitecture: ModelArchitecture {
    public static let ggufName = "llama"
    public static let ropeStyle = ModelConfiguration.RopeStyle.normal
    public static let features = BlockFeatures()
}
