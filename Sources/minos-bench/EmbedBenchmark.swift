import ArgumentParser
import Dispatch
import Engine
import Foundation
import Kernels
import Models

/// `minos-bench embed`: text embeddings per second on a synthetic BERT encoder shaped like
/// all-MiniLM-L6-v2 (6 layers, width 384, 12 heads, FFN 1536, vocabulary 30,522, context 512) or
/// on a GGUF file, for texts of a fixed token count, at several batch sizes (texts per call).
struct EmbedBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Text embeddings per second (BERT encoder, MiniLM-L6 shape by default) at several batch sizes.")

    @Option(help: "GGUF model instead of the synthetic MiniLM-shaped encoder.")
    var model: String?

    @Option(help: "Weight encoding of the synthetic model (f32, f16, q8_0, …).")
    var type = "f16"

    @Option(help: "Worker threads.")
    var threads = 2

    @Option(help: "Tokens per text, [CLS] and [SEP] included.")
    var tokens = 20

    @Option(help: "Texts per call to measure, comma-separated.")
    var batches = "1,32,256"

    @Option(help: "Texts embedded per measurement (at least one call).")
    var texts = 512

    func run() async throws {
        guard threads > 0, tokens >= 3, texts > 0 else { throw ValidationError("--threads, --tokens (≥ 3) and --texts must be positive") }
        let sizes = batches.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        guard !sizes.isEmpty else { throw ValidationError("--batches lists no positive size") }
        let path: String
        if let model {
            path = model
        } else {
            path = try Self.syntheticEncoder(type: type)
        }
        defer { if model == nil { try? FileManager.default.removeItem(atPath: path) } }
        let engine = Engine(threads: threads, memoryLimit: nil)
        let loaded = try await engine.load(path: path, name: nil, contextLength: nil) { _, _ in }
        let c = loaded.configuration
        let corpus = Self.texts(count: texts, tokens: tokens) { loaded.tokenizer.encode($0).count }
        let counts = corpus.prefix(8).map { loaded.tokenizer.encode($0).count }
        print("minos-bench embed: \(model ?? "synthetic MiniLM-L6 shape (\(type))")")
        print("\(c.architecture), \(c.blockCount) layers, width \(c.embeddingLength), \(c.headCount) heads, FFN \(c.feedForwardLength), vocabulary \(c.vocabularySize); weights \(loaded.weightEncodings.map(\.description).joined(separator: ", "))")
        print("threads \(threads); texts of \(counts.min() ?? 0)-\(counts.max() ?? 0) tokens; CPU path \(Engine.kernelPath.active)")
        _ = try await loaded.embed(Array(corpus.prefix(8)))   // warm-up: maps pages, grows scratch
        print("")
        print("texts/call   embeddings/s   tokens/s   ms/call")
        for size in sizes {
            let calls = max(1, texts / size)
            let start = DispatchTime.now().uptimeNanoseconds
            for call in 0..<calls {
                let slice = (0..<size).map { corpus[(call * size + $0) % corpus.count] }
                _ = try await loaded.embed(slice)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let embedded = Double(calls * size)
            print(String(format: "%10d   %12.1f   %8.0f   %7.2f", size, embedded / seconds, embedded * Double(tokens) / seconds,
                         seconds * 1000 / Double(calls)))
        }
    }

    /// `count` seeded texts of random two-letter words, each grown a word at a time until
    /// `tokenCount` (special tokens included) reaches `tokens`: exactly `tokens` on the synthetic
    /// vocabulary, where every two-letter word is one token; about that many on a real tokenizer.
    static func texts(count: Int, tokens: Int, seed: UInt64 = 7, tokenCount: (String) -> Int) -> [String] {
        let letters = Array("etaoinshrdlucmfwypvbgkjqxz")
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            var text = "", words = 0
            repeat {   // a word is at least one token, so `tokens` words always suffice
                let word = String([letters[Int(rng.next() % 26)], letters[Int(rng.next() % 26)]])
                text += text.isEmpty ? word : " " + word
                words += 1
            } while words < tokens && tokenCount(text) < tokens
            return text
        }
    }

    /// Writes a random encoder in the shape of all-MiniLM-L6-v2 (6 layers, width 384, 12 heads, FFN
    /// 1536, 30,522-token WordPiece vocabulary) to a temporary file and returns its path.
    static func syntheticEncoder(type: String) throws -> String {
        guard let encoding = GGMLType.allCases.first(where: { $0.description == type }) else {
            throw ValidationError("unknown --type \(type)")
        }
        var synthetic = SyntheticModel()
        synthetic.architecture = BertArchitecture.ggufName
        synthetic.vocabularySize = 30_522
        synthetic.embeddingLength = 384
        synthetic.blockCount = 6
        synthetic.headCount = 12
        synthetic.feedForwardLength = 1536
        synthetic.contextLength = 512
        synthetic.rmsNormEpsilon = 1e-12
        synthetic.matrixType = encoding
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minos-bench-encoder-\(getpid())-\(type).gguf").path
        try synthetic.build().write(to: path)
        return path
    }
}
