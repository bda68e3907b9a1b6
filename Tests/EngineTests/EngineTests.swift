import Engine
import Foundation
import GGUF
import Kernels
import Models
import Testing
import Tokenizers

/// Writes a synthetic model to a temporary file and opens it.
func syntheticFile(_ configure: (inout SyntheticModel) -> Void = { _ in }) throws -> (GGUFFile, String) {
    var model = SyntheticModel()
    configure(&model)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-\(UUID().uuidString).gguf").path
    try model.build().write(to: path)
    return (try GGUFFile.open(path: path), path)
}

let architectures = ["llama", "qwen2", "qwen3"]
let encodings: [GGMLType] = [.f32, .f16, .q8_0, .q4_0, .q2_K, .q3_K, .q4_K, .q6_K]

@Suite("Forward pass")
struct ForwardTests {
    static let pool = WorkerPool(threads: 2)

    @Test("logits match the scalar reference forward", arguments: architectures, encodings)
    func matchesReference(architecture: String, type: GGMLType) throws {
        let (file, _) = try syntheticFile {
            $0.architecture = architecture
            $0.matrixType = type
            $0.tiedEmbeddings = architecture == "qwen2"
            if type.blockSize == 256 {   // K-quant rows are whole 256-element blocks
                $0.embeddingLength = 256
                $0.feedForwardLength = 256
            }
        }
        let transformer = Transformer(model: try ArchitectureRegistry.load(file), pool: Self.pool)
        let tokens: [Int32] = [5, 77, 300, 12, 45, 200, 9, 101]
        let cache = transformer.makeCache(capacity: 16)
        let engine = transformer.forward(tokens, cache: cache, logits: .all)
        let reference = try ReferenceForward(file: file).logits(tokens)
        let vocabulary = transformer.configuration.vocabularySize
        for t in tokens.indices {
            let error = relativeError(Array(engine[(t * vocabulary)..<((t + 1) * vocabulary)]), reference[t])
            #expect(error < 1e-3, "\(architecture)/\(type) position \(t): relative error \(error)")
        }
    }

    @Test("the Q8-activation path stays within its stated tolerance of the reference", arguments: architectures, [GGMLType.q8_0, .q4_0, .q4_K])
    func quantizedActivations(architecture: String, type: GGMLType) throws {
        let (file, _) = try syntheticFile {
            $0.architecture = architecture
            $0.matrixType = type
            if type.blockSize == 256 { $0.embeddingLength = 256; $0.feedForwardLength = 256 }
        }
        let transformer = Transformer(model: try ArchitectureRegistry.load(file), pool: Self.pool, precision: .q8)
        let tokens: [Int32] = [5, 77, 300, 12, 45, 200]
        let engine = transformer.forward(tokens, cache: transformer.makeCache(capacity: 8), logits: .all)
        let reference = try ReferenceForward(file: file).logits(tokens)
        let vocabulary = transformer.configuration.vocabularySize
        // Stated tolerance of the Q8 path: 8-bit activation rounding moves logits by about 1-2%.
        for t in tokens.indices {
            let error = relativeError(Array(engine[(t * vocabulary)..<((t + 1) * vocabulary)]), reference[t])
            #expect(error < 5e-2, "\(architecture)/\(type) position \(t): relative error \(error)")
        }
    }

    /// Q4_0 decodes through the split-activation kernels where the CPU has AVX-512 VNNI, and
    /// prefills through f32 panels.
    @Test("decoding one token at a time equals a full recompute", arguments: architectures, [GGMLType.q8_0, .q4_0])
    func incrementalEqualsFull(architecture: String, type: GGMLType) throws {
        let (file, _) = try syntheticFile { $0.architecture = architecture; $0.matrixType = type }
        let transformer = Transformer(model: try ArchitectureRegistry.load(file), pool: Self.pool)
        let tokens: [Int32] = [3, 14, 15, 92, 65, 35, 89, 79, 32, 38]
        let full = transformer.forward(tokens, cache: transformer.makeCache(capacity: 16), logits: .all)
        let vocabulary = transformer.configuration.vocabularySize
        let cache = transformer.makeCache(capacity: 16)
        _ = transformer.forward(Array(tokens.prefix(4)), cache: cache, logits: .none)
        for t in 4..<tokens.count {
            let step = transformer.forward([tokens[t]], cache: cache, logits: .last)
            let error = relativeError(step, Array(full[(t * vocabulary)..<((t + 1) * vocabulary)]))
            #expect(error < 1e-4, "position \(t): relative error \(error)")
        }
        #expect(cache.count == tokens.count)
        #expect(cache.nextPosition == Int32(tokens.count))
    }

    /// A synthetic qwen3 model (query heads sharing KV heads) behind a transformer feeding 64
    /// tokens per call and one feeding 3. The caller keeps `file`: the model reads its mapping.
    private func bigAndSmallBatches() throws -> (file: GGUFFile, model: TransformerModel, big: Transformer, small: Transformer) {
        let (file, _) = try syntheticFile { $0.architecture = "qwen3" }
        let model = try ArchitectureRegistry.load(file)
        return (file, model, Transformer(model: model, pool: Self.pool, maxBatch: 64), Transformer(model: model, pool: Self.pool, maxBatch: 3))
    }

    @Test("prefill in small chunks equals one batch")
    func chunkedPrefill() throws {
        let (file, _, big, small) = try bigAndSmallBatches()
        defer { withExtendedLifetime(file) {} }
        let tokens: [Int32] = (0..<11).map { Int32($0 * 31 % 380) }
        let reference = big.forward(tokens, cache: big.makeCache(capacity: 16), logits: .last)
        let cache = small.makeCache(capacity: 16)
        var logits: [Float] = []
        for start in stride(from: 0, to: tokens.count, by: 3) {
            logits = small.forward(Array(tokens[start..<min(start + 3, tokens.count)]), cache: cache, logits: .last)
        }
        #expect(relativeError(logits, reference) < 1e-4)
    }

    @Test("prefill attention as matrix products equals attention one token at a time, after a cached prefix too")
    func tiledAttention() throws {
        let (file, model, tiled, small) = try bigAndSmallBatches()
        defer { withExtendedLifetime(file) {} }
        #expect(model.configuration.headCount > model.configuration.headCountKV, "the query heads share KV heads")
        let tokens: [Int32] = (0..<60).map { Int32($0 * 37 % 380) }
        // 20 tokens, then 40 in one call: both at least `tiledAttentionMinimum`, the second against
        // a cache that already holds the first.
        let cache = tiled.makeCache(capacity: 64)
        _ = tiled.forward(Array(tokens[0..<20]), cache: cache, logits: .none)
        let reference = tiled.forward(Array(tokens[20...]), cache: cache, logits: .all)
        let stepCache = small.makeCache(capacity: 64)
        var rows: [Float] = []
        for start in stride(from: 0, to: tokens.count, by: 3) {
            let chunk = Array(tokens[start..<min(start + 3, tokens.count)])
            let logits = small.forward(chunk, cache: stepCache, logits: .all)
            if start + chunk.count > 20 {
                let skip = max(0, 20 - start) * model.configuration.vocabularySize
                rows += logits[skip...]
            }
        }
        #expect(rows.count == reference.count)
        #expect(relativeError(rows, reference) < 1e-4)
    }

    @Test("attention follows stored positions, not cache order: dropped entries leave the rest intact")
    func positionsPerEntry() throws {
        let (file, _) = try syntheticFile()
        let transformer = Transformer(model: try ArchitectureRegistry.load(file), pool: Self.pool)
        let cache = transformer.makeCache(capacity: 16)
        _ = transformer.forward([1, 2, 3, 4], cache: cache, logits: .none)
        try cache.truncate(to: 2)
        // Continuing at position 2 after dropping entries 2 and 3 equals never having seen them.
        let resumed = transformer.forward([30, 31], cache: cache, logits: .all)
        let fresh = transformer.forward([1, 2, 30, 31], cache: transformer.makeCache(capacity: 16), logits: .all)
        let vocabulary = transformer.configuration.vocabularySize
        #expect(relativeError(resumed, Array(fresh[(2 * vocabulary)...])) < 1e-4)
    }
}
