import ArgumentParser
import Engine
import Foundation
import Kernels
import Models

/// `minos-bench engine`: prefill and decode tokens/s of a model on this machine, and decode as a
/// fraction of the memory-bandwidth ceiling measured by a read probe.
struct EngineBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Prefill and decode tokens/s, decode as a fraction of the bandwidth ceiling; --make-model writes the test models.")

    @Option(help: "GGUF model to measure.")
    var model: String?

    @Option(help: "Worker threads.")
    var threads = 2

    @Option(help: "Prompt tokens (prefill).")
    var prompt = 512

    @Option(help: "Tokens to generate (decode).")
    var generate = 128

    @Option(help: "Repeats (min/median/max reported).")
    var repeats = 3

    @Option(help: "Activations against quantized weights: exact or q8.")
    var activations = "exact"

    @Option(help: "Parallel sequences to decode together (comma-separated), e.g. 1,4,16.")
    var parallel: String?

    @Option(help: "Write the Qwen2.5-0.5B-shaped random models (F16, Q8_0, Q4_0, Q4_K) into this directory and exit.")
    var makeModel: String?

    func run() async throws {
        if let directory = makeModel {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for type in [GGMLType.f16, .q8_0, .q4_0, .q4_K] {
                let path = "\(directory)/qwen2-0.5b-shape-\(type).gguf"
                try Self.qwenShaped(type).build().write(to: path)
                print("wrote \(path)")
            }
            return
        }
        guard let path = model else { throw ValidationError("give --model PATH (or --make-model DIR)") }
        guard let precision = ActivationPrecision(rawValue: activations) else { throw ValidationError("--activations must be exact or q8") }
        let engine = Engine(threads: threads, memoryLimit: nil, precision: precision)
        let loaded = try await engine.load(path: path, name: nil, contextLength: nil) { _, _ in }
        let c = loaded.configuration
        let weightBytes = loaded.transformer.model.weights.matrixBytes
        let bandwidth = BandwidthProbe.measure(pool: engine.pool)
        let ceiling = bandwidth / Double(weightBytes)
        print("minos-bench engine: \(path)")
        print("\(c.architecture), \(c.blockCount) layers, width \(c.embeddingLength), \(c.headCount)/\(c.headCountKV) heads, FFN \(c.feedForwardLength), vocabulary \(c.vocabularySize); weights \(loaded.transformer.model.weights.encodings.map(\.description).joined(separator: ", ")), \(String(format: "%.0f", Double(weightBytes) / 1e6)) MB read per token")
        print("activations \(precision.rawValue); threads \(threads); read bandwidth \(String(format: "%.1f", bandwidth / 1e9)) GB/s (probe) -> decode ceiling \(String(format: "%.1f", ceiling)) tok/s")
        print("")

        let vocabulary = Int32(c.vocabularySize)
        var prefill: [Double] = [], decode: [Double] = []
        for round in 0..<(repeats + 1) {
            var rng = SeededGenerator(seed: UInt64(round + 1))
            let tokens = (0..<prompt).map { _ in Int32.random(in: 0..<vocabulary, using: &rng) }
            var request = GenerationRequest(prompt: tokens, sampling: .greedy, maxTokens: generate, ignoreEOS: true)
            request.sampling.seed = 1
            let result = try await loaded.generate(request)
            if round == 0 { continue }   // warm-up: page in the weights
            prefill.append(Double(prompt) / result.prefillSeconds)
            decode.append(Double(max(result.tokens.count - 1, 1)) / result.decodeSeconds)
        }
        prefill.sort()
        decode.sort()
        func triple(_ values: [Double]) -> String {
            String(format: "%.1f / %.1f / %.1f", values.first!, values[values.count / 2], values.last!)
        }
        print("prefill (pp\(prompt)) tok/s, min / median / max: \(triple(prefill))")
        print("decode  (tg\(generate)) tok/s, min / median / max: \(triple(decode))")
        print(String(format: "decode median = %.0f%% of the bandwidth ceiling", 100 * decode[decode.count / 2] / ceiling))

        if let parallel {
            print("\nparallel sequences (aggregate decode tok/s, \(generate) tokens each after a \(min(prompt, 64))-token prompt):")
            for n in parallel.split(separator: ",").compactMap({ Int($0) }) where n > 0 {
                var rng = SeededGenerator(seed: 99)
                let requests = (0..<n).map { _ in
                    GenerationRequest(prompt: (0..<min(prompt, 64)).map { _ in Int32.random(in: 0..<vocabulary, using: &rng) },
                                      sampling: .greedy, maxTokens: generate, ignoreEOS: true)
                }
                let start = Date()
                let results = try await loaded.generateBatch(requests)
                let seconds = Date().timeIntervalSince(start)
                let decodeSeconds = results.map(\.decodeSeconds).max() ?? seconds
                let tokens = results.reduce(0) { $0 + $1.tokens.count }
                print(String(format: "  %2d sequences: %.1f tok/s aggregate (%.1f per sequence), %.2f s total", n,
                             Double(tokens) / decodeSeconds, Double(tokens) / decodeSeconds / Double(n), seconds))
            }
        }
    }

    /// The issue's reference shape: Qwen2.5-0.5B with a 32,000-token vocabulary, tied embeddings.
    static func qwenShaped(_ type: GGMLType) -> SyntheticModel {
        var m = SyntheticModel()
        m.architecture = "qwen2"
        m.vocabularySize = 32_000
        m.embeddingLength = 896
        m.blockCount = 24
        m.feedForwardLength = 4864
        m.headCount = 14
        m.headCountKV = 2
        m.contextLength = 4096
        m.tiedEmbeddings = true
        m.ropeFrequencyBase = 1_000_000
        m.rmsNormEpsilon = 1e-6
        m.matrixType = type
        m.chatTemplate = SyntheticModel.chatMLTemplate
        return m
    }
}

/// Measures read bandwidth: every thread of the pool sums its share of a buffer much larger than the
/// caches; the median of several passes.
enum BandwidthProbe {
    static func measure(pool: WorkerPool, bytes: Int = 1 << 30) -> Double {
        let count = bytes / MemoryLayout<SIMD8<Float>>.stride
        let buffer = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: count)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: SIMD8(repeating: 1), count: count)
        let shared = UnsafeSendablePointer(buffer)
        var rates: [Double] = []
        for _ in 0..<5 {
            let start = Date()
            pool.parallelRanges(count, minimum: 1 << 16) { range in
                var a = SIMD8<Float>(), b = SIMD8<Float>(), c = SIMD8<Float>(), d = SIMD8<Float>()
                var i = range.lowerBound
                while i + 4 <= range.upperBound {
                    a += shared.pointer[i]; b += shared.pointer[i + 1]; c += shared.pointer[i + 2]; d += shared.pointer[i + 3]
                    i += 4
                }
                while i < range.upperBound { a += shared.pointer[i]; i += 1 }
                if (a + b + c + d).sum() == -1 { print("") }   // keep the loads
            }
            rates.append(Double(bytes) / Date().timeIntervalSince(start))
        }
        return rates.sorted()[rates.count / 2]
    }
}

struct UnsafeSendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
