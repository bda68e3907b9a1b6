/// Qwen2 and Qwen2.5 (including Qwen2.5-Math): the Llama block with biases on the query, key and
/// value projections, and RoPE rotating the two halves of each head ("neox" style) (Qwen team,
/// 2024; llama.cpp's `LLM_ARCH_QWEN2`). Small models tie the embeddings.
public enum Qwen2Architecture: ModelArchitecture {
    public static let ggufName = "qwen2"
    public static let ropeStyle = ModelConfiguration.RopeStyle.neox
    public static let features = BlockFeatures(attentionBiases: true)
}
