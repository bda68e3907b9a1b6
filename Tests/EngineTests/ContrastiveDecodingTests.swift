import Engine
import Foundation
import Kernels
import Models
import Testing

@Suite("Contrastive and speculative decoding: the distributions")
struct ContrastiveMathTests {
    @Test("the contrastive target: plausibility mask, (1+β)/β weights and normalization, against hand-computed values")
    func contrastiveTarget() {
        let expert = [0.5, 0.3, 0.15, 0.05].map(log), amateur = [0.1, 0.6, 0.2, 0.1].map(log)
        // α = 0.2 keeps p ≥ 0.1: tokens 0, 1, 2. Weights p_e^1.5 / p_a^0.5: 1.118034, 0.212132, 0.129904.
        let q = ContrastiveMath.contrastive(expert: expert, amateur: amateur, alpha: 0.2, beta: 0.5)
        let expected = [1.118034, 0.212132, 0.129904, 0].map { $0 / 1.460070 }
        for (a, b) in zip(q, expected) { #expect(abs(a - b) < 1e-5, "\(q)") }
        // β = 0 is the expert restricted to the plausible set, renormalized.
        let plain = ContrastiveMath.contrastive(expert: expert, amateur: amateur, alpha: 0.2, beta: 0)
        for (a, b) in zip(plain, [0.5, 0.3, 0.15, 0].map { $0 / 0.95 }) { #expect(abs(a - b) < 1e-12) }
        // α = 1 keeps only the expert's best token.
        #expect(ContrastiveMath.contrastive(expert: expert, amateur: amateur, alpha: 1, beta: 3) == [1, 0, 0, 0])
    }

    @Test("one speculative step (accept with min(1, q/p), else resample the residual) outputs exactly the target", arguments: 0..<20)
    func speculativeStepIsExact(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        func random(_ n: Int) -> [Double] {
            let raw = (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) < 0.3 ? 0 : Double.random(in: 0.01..<1, using: &rng) }
            let total = raw.reduce(0, +)
            return total > 0 ? raw.map { $0 / total } : [1] + Array(repeating: 0, count: n - 1)
        }
        let q = random(12), p = random(12)
        let residual = ContrastiveMath.residual(target: q, draft: p)
        let acceptance = (0..<12).map { ContrastiveMath.acceptance(target: q, draft: p, token: $0) }
        let rejected = 1 - zip(p, acceptance).reduce(0) { $0 + $1.0 * $1.1 }
        for y in 0..<12 {
            let output = p[y] * acceptance[y] + rejected * residual[y]
            #expect(abs(output - q[y]) < 1e-12, "token \(y): \(output) vs \(q[y])")
        }
    }
}

@Suite("Contrastive and speculative decoding on tiny models")
struct ContrastiveDecodingTests {
    static let engine = Engine(threads: 2, memoryLimit: nil)

    private func model(seed: UInt64, _ configure: (inout SyntheticModel) -> Void = { _ in }) async throws -> LoadedModel {
        let (_, path) = try syntheticFile {
            $0.seed = seed
            $0.matrixType = .q8_0
            $0.contextLength = 512
            configure(&$0)
        }
        return try await Self.engine.load(path: path, name: UUID().uuidString, contextLength: nil) { _, _ in }
    }

    private static let prompt: [Int32] = [5, 77, 300, 12]

    private func options(temperature: Double, seed: UInt64 = 1, maxTokens: Int) -> GenerationOptions {
        var sampling = SamplingParameters.greedy
        sampling.temperature = temperature
        sampling.seed = seed
        return GenerationOptions(sampling: sampling, maxTokens: maxTokens, ignoreEOS: true)
    }

    @Test("a batch of up to 8 tokens gives each token what decoding it alone gives, within f32 round-off",
          arguments: [GGMLType.f32, .f16, .q4_0, .q4_1, .q5_0, .q8_0])
    func smallBatchesMatchDecode(type: GGMLType) async throws {
        let model = try await model(seed: 1) { $0.matrixType = type }
        let transformer = try model.decoder()
        let tokens: [Int32] = [5, 77, 300, 12, 45, 200]
        let batched = transformer.forward(tokens, cache: transformer.makeCache(capacity: 16), logits: .all)
        let cache = transformer.makeCache(capacity: 16)
        var single: [Float] = []
        for token in tokens { single += transformer.forward([token], cache: cache, logits: .last) }
        let scale = single.map(abs).max() ?? 1
        let worst = zip(batched, single).map { abs($0 - $1) }.max() ?? 0
        #expect(worst / scale < 1e-5, "largest difference \(worst) at scale \(scale)")
    }

    @Test("greedy scd gives exactly greedy contrastive's tokens; greedy speculative gives the expert's greedy tokens")
    func greedyEquivalence() async throws {
        let expert = try await model(seed: 1), amateur = try await model(seed: 2) { $0.blockCount = 1 }
        for gamma in [1, 3, 4, 7] {
            let contrastive = try await ContrastiveDecoding.generate(
                expert: expert, amateur: amateur, prompt: Self.prompt, options: options(temperature: 0, maxTokens: 24),
                settings: .init(mode: .contrastive, gamma: gamma))
            let scd = try await ContrastiveDecoding.generate(
                expert: expert, amateur: amateur, prompt: Self.prompt, options: options(temperature: 0, maxTokens: 24),
                settings: .init(mode: .scd, gamma: gamma))
            #expect(scd.generation.tokens == contrastive.generation.tokens, "gamma \(gamma)")
            #expect(scd.expertPasses < contrastive.expertPasses || scd.acceptanceRate == 0)
            #expect(scd.drafted == scd.accepted + scd.resampled || scd.drafted > scd.accepted + scd.resampled)
        }
        let alone = try await expert.generate(GenerationRequest(prompt: Self.prompt, sampling: .greedy, maxTokens: 24, ignoreEOS: true))
        let speculative = try await ContrastiveDecoding.generate(
            expert: expert, amateur: amateur, prompt: Self.prompt, options: options(temperature: 0, maxTokens: 24),
            settings: .init(mode: .speculative, gamma: 4))
        #expect(speculative.generation.tokens == alone.tokens)
        #expect(speculative.generation.tokens.count == 24)
        #expect(speculative.expertPasses <= 24)
    }

    /// The first generated token's empirical distribution over many seeds against the exact target.
    private func firstTokenDistance(mode: ContrastiveSettings.Mode, expert: LoadedModel, amateur: LoadedModel,
                                    temperature: Double, samples: Int) async throws -> (toTarget: Double, targetToAmateur: Double) {
        func logits(_ model: LoadedModel) throws -> [Float] {
            let transformer = try model.decoder()
            return transformer.forward(Self.prompt, cache: transformer.makeCache(capacity: 8), logits: .last)
        }
        let e = ContrastiveMath.logSoftmax(try logits(expert), temperature: temperature)
        let a = ContrastiveMath.logSoftmax(try logits(amateur), temperature: temperature)
        let target = mode == .speculative ? ContrastiveMath.probabilities(e)
            : ContrastiveMath.contrastive(expert: e, amateur: a, alpha: 0.1, beta: 0.5)
        var counts = [Double](repeating: 0, count: target.count)
        for seed in 0..<samples {
            let result = try await ContrastiveDecoding.generate(
                expert: expert, amateur: amateur, prompt: Self.prompt, options: options(temperature: temperature, seed: UInt64(seed) + 1, maxTokens: 1),
                settings: .init(mode: mode, gamma: 2))
            counts[Int(result.generation.tokens[0])] += 1
        }
        // Compared over 11 bins — the target's 10 likeliest tokens, and the rest — so sampling noise
        // stays small (at most about 0.04 here) while a wrong rule still shows.
        let top = target.indices.sorted { target[$0] > target[$1] }.prefix(10)
        func binned(_ d: [Double]) -> [Double] {
            let bins = top.map { d[$0] }
            return bins + [1 - bins.reduce(0, +)]
        }
        let empirical = binned(counts.map { $0 / Double(samples) }), expected = binned(target)
        let amateurBins = binned(ContrastiveMath.probabilities(a))
        func distance(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + abs($1.0 - $1.1) } / 2 }
        return (distance(empirical, expected), distance(amateurBins, expected))
    }

    @Test("speculative sampling reproduces the expert's distribution and scd the contrastive one (3,000 seeded samples)",
          arguments: [ContrastiveSettings.Mode.speculative, .scd])
    func samplingFollowsTheTarget(mode: ContrastiveSettings.Mode) async throws {
        let expert = try await model(seed: 1), amateur = try await model(seed: 2) { $0.blockCount = 1 }
        let distance = try await firstTokenDistance(mode: mode, expert: expert, amateur: amateur, temperature: 0.5, samples: 3000)
        // The amateur's own distribution is far from the target, so a rule that kept drafts
        // unconditionally (or resampled from the wrong distribution) would land far away too.
        #expect(distance.targetToAmateur > 0.2, "the test needs models that disagree: \(distance)")
        #expect(distance.toTarget < 0.06, "total variation from the target: \(distance)")
    }

    @Test("models with different vocabularies are refused, naming the first mismatches")
    func vocabularyMismatch() async throws {
        let expert = try await model(seed: 1), other = try await model(seed: 1) { $0.vocabularySize = 400 }
        do {
            _ = try await ContrastiveDecoding.generate(expert: expert, amateur: other, prompt: Self.prompt,
                                                       options: options(temperature: 0, maxTokens: 2), settings: .init())
            Issue.record("expected a vocabulary error")
        } catch EngineError.invalidInput(let field, let reason) {
            #expect(field == "amateur")
            #expect(reason.contains("384") && reason.contains("400"), "\(reason)")
        }
    }

    @Test("both caches end holding the sequence, rejected drafts rolled back: a continuation equals a fresh run")
    func cachesStayConsistent() async throws {
        let expert = try await model(seed: 1), amateur = try await model(seed: 2) { $0.blockCount = 1 }
        let e = expert.makeGrowableCache(), a = amateur.makeGrowableCache()
        let first = try await ContrastiveDecoding.generate(
            expert: expert, amateur: amateur, prompt: Self.prompt, options: options(temperature: 0, maxTokens: 10),
            settings: .init(mode: .scd, gamma: 3), start: .init(expert: e, amateur: a))
        let sequence = Self.prompt + first.generation.tokens
        #expect(Int(e.nextPosition) == sequence.count - 1 && Int(a.nextPosition) <= sequence.count - 1)
        // Continuing on those caches gives what a fresh run on the whole sequence gives.
        let continued = try await ContrastiveDecoding.generate(
            expert: expert, amateur: amateur, prompt: sequence, options: options(temperature: 0, maxTokens: 8),
            settings: .init(mode: .scd, gamma: 3), start: .init(expert: e, amateur: a))
        let fresh = try await ContrastiveDecoding.generate(
            expert: expert, amateur: amateur, prompt: sequence, options: options(temperature: 0, maxTokens: 8),
            settings: .init(mode: .scd, gamma: 3))
        #expect(continued.generation.tokens == fresh.generation.tokens)
        #expect(continued.generation.cachedTokens == sequence.count - 1)
    }

    @Test("invalid settings name their field")
    func invalidSettings() {
        #expect(ContrastiveSettings(gamma: 0).problem()?.field == "gamma")
        #expect(ContrastiveSettings(alpha: 2).problem()?.field == "alpha")
        #expect(ContrastiveSettings(beta: -1).problem()?.field == "beta")
        #expect(ContrastiveSettings().problem() == nil)
    }
}
