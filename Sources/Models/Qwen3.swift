/// Qwen3: the Qwen2 block without projection biases and with an RMS norm on every query and key
/// head before RoPE ("QK-norm") (Qwen team, 2025; llama.cpp's `LLM_ARCH_QWEN3`).
public enum Qwen3Architecture: ModelArchitecture {
    public static let ggufName = "qwen3"
    public static let ropeStyle = ModelConfiguration.RopeStyle.neox
    public static let features = BlockFeatures(queryKeyNorm: true)
}
