import ArgumentParser
import Dispatch
import Engine
import Foundation
import Kernels
import Models
import Synchronization

/// `minos-bench engine`: prefill and decode tokens/s of a model on this machine with each
/// activation path, and decode as a fraction of the memory-bandwidth ceiling measured by a read
/// probe. ppN and tgN are measured as llama-bench measures them, so the figures sit side by side
/// (scripts/bench-vs-llamacpp.sh): ppN is one N-token prompt fed from an empty cache; tgN is N
/// tokens fed one at a time from an empty cache. Both time the forward pass alone (logits
/// included, no sampling).
struct EngineBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Prefill and decode tokens/s with each activation path, decode as a fraction of the bandwidth ceiling; --make-model writes the test models.")

    @Option(help: "GGUF model to measure.")
    var model: String?

    @Option(help: "Worker threads.")
    var threads = 2

    @Option(help: "Prompt tokens (prefill, ppN).")
    var prompt = 512

    @Option(help: "Tokens to generate (decode, tgN).")
    var generate = 128

    @Option(help: "Repeats (min/median/max reported), after one warm-up round.")
    var repeats = 3

    @Option(help: "Activation paths to measure, comma-separated: exact, q8.")
    var paths = "exact,q8"

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
        var precisions: [ActivationPrecision] = []
        for name in paths.split(separator: ",") {
            guard let precision = ActivationPrecision(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--paths takes exact and q8, comma-separated; got '\(name)'")
            }
            if !precisions.contains(precision) { precisions.append(precision) }
        }
        guard !precisions.isEmpty else { throw ValidationError("--paths is empty") }
        guard prompt > 0, generate > 0, repeats > 0, threads > 0 else {
            throw ValidationError("--prompt, --generate, --repeats and --threads must be positive")
        }

        var rows: [(precision: ActivationPrecision, prefill: [Double], decode: [Double])] = []
        var ceiling = 0.0
        var peak = (f32: 0.0, int8: 0.0)
        var prefillFlops = 0.0
        for precision in precisions {
            // One engine per path (the precision is fixed at load); the mapped file is shared by the page cache.
            let engine = Engine(threads: threads, memoryLimit: nil, precision: precision)
            let loaded = try await engine.load(path: path, name: nil, contextLength: nil) { _, _ in }
            let transformer = try loaded.decoder()
            guard prompt <= loaded.contextLength, generate <= loaded.contextLength else {
                throw ValidationError("--prompt and --generate must fit the model's context of \(loaded.contextLength) tokens")
            }
            if rows.isEmpty {
                let c = loaded.configuration
                let weightBytes = transformer.model.weights.matrixBytes
                let bandwidth = BandwidthProbe.measure(pool: engine.pool)
                ceiling = bandwidth / Double(weightBytes)
                let kernels = Engine.kernelPath
                let requested = ProcessInfo.processInfo.environment["MINOS_CPU"] ?? "native"
                print("minos-bench engine: \(path)")
                print("\(c.architecture), \(c.blockCount) layers, width \(c.embeddingLength), \(c.headCount)/\(c.headCountKV) heads, FFN \(c.feedForwardLength), vocabulary \(c.vocabularySize); weights \(transformer.model.weights.encodings.map(\.description).joined(separator: ", ")), \(String(format: "%.0f", Double(weightBytes) / 1e6)) MB read per token")
                print("CPU path \(kernels.active) (MINOS_CPU=\(requested); this machine has \(kernels.detected)); threads \(threads)")
                print("read bandwidth \(String(format: "%.1f", bandwidth / 1e9)) GB/s (probe) -> decode ceiling \(String(format: "%.1f", ceiling)) tok/s")
                peak = ComputeProbe.measure(pool: engine.pool)
                prefillFlops = Self.prefillFlops(transformer, prompt: prompt)
                print("compute peak (probe, \(threads) threads): f32 \(String(format: "%.0f", peak.f32 / 1e9)) GFLOP/s, int8 \(String(format: "%.0f", peak.int8 / 1e9)) GOP/s; pp\(prompt) does \(String(format: "%.0f", prefillFlops / 1e6)) MFLOP per token")
                print("")
            }
            let (prefill, decode) = measure(transformer, vocabulary: Int32(loaded.configuration.vocabularySize))
            rows.append((precision, prefill, decode))

            if let parallel {
                print("\(precision.rawValue) activations, parallel sequences (aggregate decode tok/s, \(generate) tokens each after a \(min(prompt, 64))-token prompt):")
                try await measureParallel(loaded, counts: parallel.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 })
                print("")
            }
            try engine.unload(loaded.name)
        }

        func triple(_ values: [Double]) -> String {
            String(format: "%.1f / %.1f / %.1f", values.first!, values[values.count / 2], values.last!)
        }
        let cpu = CPUPath.active.description
        print("| activations | CPU path | pp\(prompt) tok/s (min / median / max) | tg\(generate) tok/s (min / median / max) | tg median / ceiling | pp median GFLOP/s / peak |")
        print("| --- | --- | --- | --- | --- | --- |")
        for row in rows {
            let fraction = 100 * row.decode[row.decode.count / 2] / ceiling
            // The exact path multiplies in f32, the q8 path mostly in int8: each against its own peak.
            let rate = row.prefill[row.prefill.count / 2] * prefillFlops
            let used = 100 * rate / (row.precision == .exact ? peak.f32 : peak.int8)
            print("| \(row.precision.rawValue) | \(cpu) | \(triple(row.prefill)) | \(triple(row.decode)) | \(String(format: "%.0f%%", fraction)) | \(String(format: "%.0f", rate / 1e9)) / \(String(format: "%.0f%%", used)) (\(row.precision == .exact ? "f32" : "int8")) |")
        }
    }

    /// Sorted ppN and tgN rates over `repeats` rounds after one warm-up round (which also pages in
    /// the weights). Token ids are seeded random: speed does not depend on them.
    private func measure(_ transformer: Transformer, vocabulary: Int32) -> (prefill: [Double], decode: [Double]) {
        var prefill: [Double] = [], decode: [Double] = []
        for round in 0...repeats {
            var rng = SeededGenerator(seed: UInt64(round + 1))
            let tokens = (0..<max(prompt, generate)).map { _ in Int32.random(in: 0..<vocabulary, using: &rng) }

            let promptCache = transformer.makeCache(capacity: prompt)
            var start = DispatchTime.now().uptimeNanoseconds
            var offset = 0
            while offset < prompt {
                let chunk = Array(tokens[offset..<min(offset + transformer.maxBatch, prompt)])
                offset += chunk.count
                _ = transformer.forward(chunk, cache: promptCache, logits: offset == prompt ? .last : .none)
            }
            let prefillSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

            let decodeCache = transformer.makeCache(capacity: generate)
            start = DispatchTime.now().uptimeNanoseconds
            for i in 0..<generate {
                _ = transformer.forward([tokens[i]], cache: decodeCache, logits: .last)
            }
            let decodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

            if round == 0 { continue }
            prefill.append(Double(prompt) / prefillSeconds)
            decode.append(Double(generate) / decodeSeconds)
        }
        return (prefill.sorted(), decode.sorted())
    }

    /// Floating-point operations per token of an N-token prefill as `measure` runs it: two per
    /// weight of every block's matrices, attention's scores and value sums over the causal context
    /// (2·2·heads·headDimension per cached entry, (N + 1)/2 entries on average), and the
    /// unembedding once for the last token, spread over the N tokens.
    static func prefillFlops(_ transformer: Transformer, prompt: Int) -> Double {
        let c = transformer.configuration, w = transformer.model.weights
        let matrices = w.blocks.reduce(0.0) { sum, b in
            sum + [b.query, b.key, b.value, b.output, b.gate, b.up, b.down].reduce(0.0) { $0 + Double($1.rows * $1.columns) }
        }
        let attention = 4.0 * Double(c.blockCount * c.headCount * c.headDimension) * Double(prompt + 1) / 2
        return 2 * matrices + attention + 2 * Double(w.output.rows * w.output.columns) / Double(prompt)
    }

    /// Aggregate decode rate of `n` sequences generated together (one batched forward pass per step).
    private func measureParallel(_ loaded: LoadedModel, counts: [Int]) async throws {
        let vocabulary = Int32(loaded.configuration.vocabularySize)
        for n in counts {
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

/// Measures the compute peak the kernels' instruction sets reach on every thread of the pool
/// (CKernels' peak.c: register-only multiply-add chains on the path in use), the best of several
/// passes (a peak: other load on the machine only ever lowers it): f32 FLOP/s (FMA) and int8
/// operations/s (the integer kernels' multiply-add).
enum ComputeProbe {
    static func measure(pool: WorkerPool, iterations: Int = 4_000_000) -> (f32: Double, int8: Double) {
        func rate(_ probe: @escaping @Sendable (Int) -> Double) -> Double {
            var rates: [Double] = []
            for _ in 0..<5 {
                let operations = Atomic<Int>(0)
                let start = Date()
                pool.parallelFor(pool.size) { _ in operations.wrappingAdd(Int(probe(iterations)), ordering: .relaxed) }
                rates.append(Double(operations.load(ordering: .relaxed)) / Date().timeIntervalSince(start))
            }
            return rates.max()!
        }
        return (rate { ComputePeak.f32(iterations: $0) }, rate { ComputePeak.int8(iterations: $0) })
    }
}
