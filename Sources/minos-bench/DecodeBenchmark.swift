import ArgumentParser
import Dispatch
import Engine
import Foundation
import GGUF
import Kernels
import Models

/// `minos-bench decode`: what an amateur model buys the expert. On a pair of models sharing a
/// vocabulary, it times the expert alone (`LoadedModel.generate`) against `contrastive`,
/// `speculative` and `scd` decoding (`ContrastiveDecoding.generate`) at temperature 0 and 1 with
/// fixed seeds, and for the drafting modes puts the measured tokens per expert pass next to what
/// the acceptance rate predicts, (1 − r^(γ+1)) / (1 − r) for drafts each accepted with probability r.
///
/// Two rates are shown. λ = accepted ÷ drafted counts every draft, also those a round discards
/// unchecked after its first rejection, so it understates r; α = accepted ÷ (accepted + rejected)
/// counts only the drafts the expert judged, which is r's estimate when acceptances are independent.
///
/// Each row is one whole call, prompt included, timed by the wall clock; tok/s is the generated
/// tokens over that time, the median of `--repeats` after one warm-up round. The counters (drafts,
/// passes) come from the run with the median time; with fixed seeds every repeat gives the same ones.
struct DecodeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Expert alone against contrastive, speculative and scd decoding: tok/s, expert passes per token, acceptance against theory.")

    @Option(help: "Expert GGUF model (with --amateur; default: a synthetic pair built in a temporary directory).")
    var expert: String?

    @Option(help: "Amateur GGUF model sharing the expert's vocabulary (with --expert).")
    var amateur: String?

    @Option(help: "Blocks of the synthetic expert the synthetic amateur keeps (of 8).")
    var amateurBlocks = 2

    @Option(help: "Tokens to generate after the prompt.")
    var tokens = 128

    @Option(help: "Timed repeats per row (median reported), after one warm-up round.")
    var repeats = 3

    @Option(help: "Draft lengths γ for speculative and scd, comma-separated.")
    var gammas = "2,4,8"

    @Option(help: "Plausibility cut α of the contrastive target.")
    var alpha = 0.1

    @Option(help: "Contrast strength β of the contrastive target.")
    var beta = 0.5

    @Option(help: "Seed of the sampled (temperature 1) rows.")
    var seed: UInt64 = 1

    @Option(help: "Worker threads.")
    var threads = 2

    /// Blocks and width of the synthetic expert.
    static let syntheticBlocks = 8
    static let syntheticWidth = 256

    static let promptText = "Once upon a time, in a small village by the sea, there lived an old fisherman who"

    func run() async throws {
        let draftLengths = gammas.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !draftLengths.isEmpty, draftLengths.allSatisfy({ (1...16).contains($0) }) else {
            throw ValidationError("--gammas must list numbers between 1 and 16, comma-separated; got '\(gammas)'")
        }
        guard tokens > 0, repeats > 0, threads > 0 else { throw ValidationError("--tokens, --repeats and --threads must be positive") }
        guard (1..<Self.syntheticBlocks).contains(amateurBlocks) else {
            throw ValidationError("--amateur-blocks must be between 1 and \(Self.syntheticBlocks - 1)")
        }

        let pair: (expert: String, amateur: String, made: String)
        var temporary: String?
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }   // the synthetic pair, if built
        switch (expert, amateur) {
        case let (e?, a?):
            pair = (e, a, "given files")
        case (nil, nil):
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minos-decode-bench-\(getpid())").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            temporary = directory
            let e = directory + "/expert.gguf", a = directory + "/amateur.gguf"
            try Self.syntheticExpert.build().write(to: e)
            try Self.writeTruncated(e, keepingBlocks: amateurBlocks, to: a)
            pair = (e, a, "synthetic: the expert is a random llama of \(Self.syntheticBlocks) blocks, width \(Self.syntheticWidth) (Q8_0, seed 1); "
                + "the amateur is the expert's own file keeping the token embedding, output norm, output head and the first "
                + "\(amateurBlocks) block\(amateurBlocks == 1 ? "" : "s") (block_count \(amateurBlocks)), so the two share a vocabulary and their first blocks")
        default:
            throw ValidationError("give both --expert and --amateur, or neither (a synthetic pair)")
        }

        let engine = Engine(threads: threads, memoryLimit: nil)
        let expertModel = try await engine.load(path: pair.expert, name: "expert", contextLength: nil) { _, _ in }
        let amateurModel = try await engine.load(path: pair.amateur, name: "amateur", contextLength: nil) { _, _ in }
        try ContrastiveDecoding.checkVocabularies(expert: expertModel, amateur: amateurModel)
        let prompt = expertModel.tokenizer.encode(Self.promptText)
        let context = min(expertModel.contextLength, amateurModel.contextLength)
        guard prompt.count + tokens + 16 <= context else {
            throw ValidationError("--tokens \(tokens) after a \(prompt.count)-token prompt does not fit the context of \(context)")
        }

        print("minos-bench decode: \(pair.made)")
        for (role, path, model) in [("expert", pair.expert, expertModel), ("amateur", pair.amateur, amateurModel)] {
            print("- \(role): \(Self.describe(model, path: path))")
        }
        print("- \(tokens) tokens after a \(prompt.count)-token prompt, EOS ignored; α \(alpha), β \(beta); seed \(seed) at temperature 1; threads \(threads)")
        print("- tok/s: generated tokens over the wall time of the whole call (prompt included), median of \(repeats); theory: (1 − r^(γ+1)) / (1 − r) tokens per expert pass at r = λ and at r = α\n")

        let bench = Runner(expert: expertModel, amateur: amateurModel, prompt: prompt, tokens: tokens, seed: seed, alpha: alpha, beta: beta)
        // Warm-up: pages both models in.
        _ = try await bench.expertAlone(temperature: 0)
        _ = try await bench.pair(.scd, gamma: 4, temperature: 0)

        for temperature in [0.0, 1.0] {
            var rows: [(label: String, gamma: Int?, sample: Sample)] = []
            rows.append((temperature == 0 ? "expert alone (greedy)" : "expert alone (sampled)", nil,
                         try await measure { try await bench.expertAlone(temperature: temperature) }))
            rows.append(("contrastive", nil, try await measure { try await bench.pair(.contrastive, gamma: 1, temperature: temperature) }))
            for mode in [ContrastiveSettings.Mode.speculative, .scd] {
                for gamma in draftLengths {
                    rows.append((mode.rawValue, gamma, try await measure { try await bench.pair(mode, gamma: gamma, temperature: temperature) }))
                }
            }
            print("### temperature \(temperature == 0 ? "0 (greedy)" : "1 (sampled, seed \(seed))")\n")
            Self.printTable(rows, baseline: rows[0].sample.tokensPerSecond)
            print("")
        }
        try engine.unload(amateurModel.name)
        try engine.unload(expertModel.name)
    }

    /// The median-time sample of `repeats` runs.
    private func measure(_ body: () async throws -> Sample) async throws -> Sample {
        var samples: [Sample] = []
        for _ in 0..<repeats { samples.append(try await body()) }
        return samples.sorted { $0.seconds < $1.seconds }[samples.count / 2]
    }

    // MARK: Runs

    /// What one generation took and did.
    struct Sample {
        var generated: Int
        var seconds: Double
        /// Nil for the expert alone, which makes one expert pass per token and drafts nothing.
        var counters: (drafted: Int, accepted: Int, rejected: Int, expertPasses: Int, amateurPasses: Int)?

        var tokensPerSecond: Double { Double(generated) / seconds }
        var expertPassesPerToken: Double { counters.map { Double($0.expertPasses) / Double(generated) } ?? 1 }
        var amateurPassesPerToken: Double { counters.map { Double($0.amateurPasses) / Double(generated) } ?? 0 }
        var acceptance: Double? {
            guard let c = counters, c.drafted > 0 else { return nil }
            return Double(c.accepted) / Double(c.drafted)
        }
        var checkedAcceptance: Double? {
            guard let c = counters, c.accepted + c.rejected > 0 else { return nil }
            return Double(c.accepted) / Double(c.accepted + c.rejected)
        }
    }

    /// The calls a row times, with everything but the mode, γ and temperature fixed.
    struct Runner {
        let expert: LoadedModel
        let amateur: LoadedModel
        let prompt: [Int32]
        let tokens: Int
        let seed: UInt64
        let alpha: Double
        let beta: Double

        /// Plain temperature sampling over the whole vocabulary (no top-k, top-p, min-p or
        /// penalties), the distribution speculative decoding reproduces, so the rows compare.
        func sampling(_ temperature: Double) -> SamplingParameters {
            SamplingParameters(temperature: temperature, topK: nil, topP: nil, minP: nil, repetitionPenalty: 1,
                               frequencyPenalty: 0, presencePenalty: 0, penaltyWindow: 0, seed: seed)
        }

        func expertAlone(temperature: Double) async throws -> Sample {
            let request = GenerationRequest(prompt: prompt, sampling: sampling(temperature), maxTokens: tokens, ignoreEOS: true)
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try await expert.generate(request)
            return Sample(generated: result.tokens.count, seconds: Self.since(start), counters: nil)
        }

        func pair(_ mode: ContrastiveSettings.Mode, gamma: Int, temperature: Double) async throws -> Sample {
            let options = GenerationOptions(sampling: sampling(temperature), maxTokens: tokens, ignoreEOS: true)
            let settings = ContrastiveSettings(mode: mode, alpha: alpha, beta: beta, gamma: gamma)
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try await ContrastiveDecoding.generate(expert: expert, amateur: amateur, prompt: prompt,
                                                                options: options, settings: settings)
            return Sample(generated: result.generation.tokens.count, seconds: Self.since(start),
                          counters: (result.drafted, result.accepted, result.resampled, result.expertPasses, result.amateurPasses))
        }

        static func since(_ start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    }

    // MARK: Output

    /// Tokens per expert pass that rounds of γ drafts give when each draft is accepted
    /// independently with probability r (Leviathan et al. 2023): (1 − r^(γ+1)) / (1 − r), γ + 1 at r = 1.
    static func expectedTokensPerPass(acceptance r: Double, gamma: Int) -> Double {
        r >= 1 ? Double(gamma + 1) : (1 - pow(r, Double(gamma + 1))) / (1 - r)
    }

    static func printTable(_ rows: [(label: String, gamma: Int?, sample: Sample)], baseline: Double) {
        print("| mode | γ | tok/s | speed-up vs expert alone | expert passes / token | amateur passes / token | λ = accepted / drafted | theory at λ | α = accepted / checked | theory at α | measured tokens / expert pass |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for row in rows {
            let s = row.sample
            var cells = [row.label, row.gamma.map(String.init) ?? "-", String(format: "%.1f", s.tokensPerSecond),
                         String(format: "%.2f×", s.tokensPerSecond / baseline), String(format: "%.3f", s.expertPassesPerToken),
                         String(format: "%.3f", s.amateurPassesPerToken)]
            if let gamma = row.gamma, let λ = s.acceptance {
                let α = s.checkedAcceptance ?? 0
                cells += [String(format: "%.3f", λ), String(format: "%.2f", expectedTokensPerPass(acceptance: λ, gamma: gamma)),
                          String(format: "%.3f", α), String(format: "%.2f", expectedTokensPerPass(acceptance: α, gamma: gamma))]
            } else {
                cells += ["-", "-", "-", "-"]
            }
            cells.append(String(format: "%.2f", 1 / s.expertPassesPerToken))
            print("| " + cells.joined(separator: " | ") + " |")
        }
    }

    static func describe(_ model: LoadedModel, path: String) -> String {
        let c = model.configuration
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let encodings = model.transformer!.model.weights.encodings.map(\.description).joined(separator: ", ")
        return "\(URL(fileURLWithPath: path).lastPathComponent): \(c.architecture), \(c.blockCount) blocks, width \(c.embeddingLength), "
            + "vocabulary \(c.vocabularySize), \(encodings); file \(String(format: "%.1f", Double(bytes) / 1e6)) MB, "
            + "\(String(format: "%.1f", Double(model.transformer!.model.weights.matrixBytes) / 1e6)) MB of matrices read per pass"
    }

    // MARK: The synthetic pair

    /// The synthetic expert: a random llama, 8 blocks of width 256, Q8_0 matrices.
    static var syntheticExpert: SyntheticModel {
        var m = SyntheticModel()
        m.architecture = "llama"
        m.vocabularySize = 2048
        m.embeddingLength = syntheticWidth
        m.blockCount = syntheticBlocks
        m.feedForwardLength = 768
        m.headCount = 4
        m.headCountKV = 2
        m.contextLength = 1024
        m.matrixType = .q8_0
        return m
    }

    /// Writes a copy of the GGUF file at `source` that keeps every metadata key (block_count set to
    /// `blocks`, general.name marked) and every tensor except those of blocks `blocks` and later:
    /// a shallower model with the same vocabulary, embedding, output norm and head.
    static func writeTruncated(_ source: String, keepingBlocks blocks: Int, to path: String) throws {
        let file = try GGUFFile.open(path: source)
        guard let architecture = file.string("general.architecture") else {
            throw ValidationError("\(source) has no general.architecture")
        }
        var writer = GGUFWriter(alignment: file.alignment)
        for key in file.metadataKeys {
            guard var value = file.metadata[key] else { continue }
            if key == "\(architecture).block_count" { value = .uint32(UInt32(blocks)) }
            if key == "general.name" { value = .string((file.string(key) ?? architecture) + " (first \(blocks) blocks)") }
            writer.set(key, value)
        }
        for tensor in file.tensors where blockIndex(tensor.name).map({ $0 < blocks }) ?? true {
            try writer.addTensor(name: tensor.name, shape: tensor.shape, type: tensor.type, data: Array(file.data(for: tensor)))
        }
        try writer.write(to: path)
    }

    /// The block a tensor belongs to (`blk.3.attn_q.weight` → 3), nil for the others.
    static func blockIndex(_ name: String) -> Int? {
        guard name.hasPrefix("blk.") else { return nil }
        return Int(name.dropFirst(4).prefix { $0 != "." })
    }
}
