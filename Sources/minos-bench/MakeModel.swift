import ArgumentParser
import GGUF
import Kernels
import Models

/// `minos-bench make-model`: writes a model with seeded random weights, so anyone can reproduce
/// the engine figures (and try the engine methods) without downloading weights.
struct MakeModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-model",
        abstract: "Writes a GGUF model with random weights (tiny, or shaped like Qwen2.5-0.5B with a 32k vocabulary).")

    enum Shape: String, ExpressibleByArgument, CaseIterable {
        case tiny
        case qwen05b = "qwen2.5-0.5b"
    }

    @Option(help: "Shape: tiny (2 layers, width 64) or qwen2.5-0.5b (24 layers, width 896, 14 heads, 2 KV heads, FFN 4864, 32,000 tokens, tied embeddings).")
    var shape: Shape = .tiny

    @Option(help: "Architecture: llama, qwen2 or qwen3.")
    var architecture = "qwen2"

    @Option(help: "Weight encoding: f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q2_K, q3_K, q4_K, q5_K, q6_K.")
    var type = "q8_0"

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Context length (default: 256 for tiny, 4096 for qwen2.5-0.5b).")
    var context: Int?

    @Option(name: .shortAndLong, help: "Output path.")
    var output: String

    func run() throws {
        guard let encoding = GGMLType.allCases.first(where: { $0.description.lowercased() == type.lowercased() }),
              encoding != .q8_1, encoding != .q8_K else {
            throw ValidationError("unknown or unsupported weight type '\(type)'")
        }
        guard ArchitectureRegistry.names.contains(architecture) else {
            throw ValidationError("unknown architecture '\(architecture)'; choose one of \(ArchitectureRegistry.names.joined(separator: ", "))")
        }
        var model = SyntheticModel()
        model.architecture = architecture
        model.matrixType = encoding
        model.seed = seed
        model.chatTemplate = SyntheticModel.chatMLTemplate
        if shape == .qwen05b {
            model.vocabularySize = 32_000
            model.embeddingLength = 896
            model.blockCount = 24
            model.feedForwardLength = 4864
            model.headCount = 14
            model.headCountKV = 2
            model.contextLength = 4096
            model.tiedEmbeddings = true
            model.ropeFrequencyBase = 1_000_000
            model.rmsNormEpsilon = 1e-6
        }
        if let context { model.contextLength = context }
        let writer = try model.build()
        try writer.write(to: output)
        print("wrote \(output): \(architecture), \(shape.rawValue), \(encoding) weights, seed \(seed)")
    }
}
