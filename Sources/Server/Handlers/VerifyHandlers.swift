import AnswerChecking
import Engine
import JSON
import JSONRPC
import MinosProtocol
import StepVerification

/// Rule-based answer checking: `verify/answer` and `verify/answerBatch`.
extension MinosServer {
    func registerVerifyHandlers() {
        connection.register(VerifyAnswer.self) { params, _ in
            try Self.verdict(params, defaultKind: .auto, path: "params")
        }

        connection.register(VerifyAnswerBatch.self) { params, context in
            let kind = params.kind
            // Validate every pair before checking any.
            for (index, pair) in params.pairs.enumerated() where (pair.solution == nil) == (pair.answer == nil) {
                throw RPCError.invalidParams("give exactly one of solution and answer", path: "params.pairs[\(index)]")
            }
            let verdicts = try await parallelMap(params.pairs, minimum: 64) { index, pair in
                try Self.verdict(pair, defaultKind: kind, path: "params.pairs[\(index)]")
            }
            context.reportProgress(message: "\(verdicts.count) pairs checked", percentage: 100)
            let accuracy = verdicts.isEmpty ? nil : Double(verdicts.filter(\.equivalent).count) / Double(verdicts.count)
            return VerifyAnswerBatch.Result(verdicts: verdicts, accuracy: accuracy)
        }
    }

    static func verdict(_ pair: VerifyWire.Pair, defaultKind: VerifyWire.Kind, path: String) throws -> VerifyWire.Verdict {
        let kind = AnswerKind(rawValue: (pair.kind ?? defaultKind).rawValue) ?? .auto
        let form = ReferenceForm(rawValue: pair.referenceForm.rawValue) ?? .auto
        switch (pair.solution, pair.answer) {
        case (let solution?, nil):
            return wire(AnswerChecker.check(solution: solution, reference: pair.reference, kind: kind, referenceForm: form))
        case (nil, let answer?):
            return wire(AnswerChecker.check(answer: answer, reference: pair.reference, kind: kind, referenceForm: form))
        default:
            throw RPCError.invalidParams("give exactly one of solution and answer", path: path)
        }
    }

    static func wire(_ v: AnswerVerdict) -> VerifyWire.Verdict {
        VerifyWire.Verdict(equivalent: v.equivalent, extracted: v.extracted, extraction: v.extraction?.rawValue,
                           extractedReference: v.extractedReference, referenceExtraction: v.referenceExtraction?.rawValue,
                           normalizedAnswer: v.normalizedAnswer, normalizedReference: v.normalizedReference, reason: v.reason)
    }
}

/// A loaded model as the verifier features see it.
struct EngineVerifierModel: VerifierModel {
    let model: LoadedModel

    func tokenize(_ text: String, addSpecial: Bool) -> [Int32] {
        model.tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: false)
    }

    func labelLogProbabilities(tokens: [Int32], positions: [Int], labels: [Int32]) async throws -> [[Double]] {
        try await model.labelLogProbabilities(tokens: tokens, positions: positions, labels: labels)
    }

    func labelLogProbabilities(prefix: [Int32], suffixes: [[Int32]], positions: [[Int]], labels: [Int32]) async throws -> [[[Double]]] {
        try await model.labelLogProbabilities(prefix: prefix, suffixes: suffixes, positions: positions, labels: labels)
    }
}

/// A loaded model as a critic: one user turn through its chat template.
struct EngineCritic: CriticModel {
    let model: LoadedModel
    let options: GenerationOptions

    func reply(to message: String) async throws -> String {
        try await model.generate(.messages([ChatMessage(role: "user", content: message)]), field: "solution", options: options).text
    }
}

extension MinosServer {
    func registerVerifierModelHandlers() {
        connection.register(VerifySteps.self) { [self] params, _ in
            let profile = try self.profile(params.profile)
            let verifier = EngineVerifierModel(model: try engine.model(params.model))
            let steps: [String]
            switch (params.solution, params.steps) {
            case (let solution?, nil): steps = profile.steps(of: solution)
            case (nil, let given?): steps = given
            default: throw RPCError.invalidParams("give exactly one of solution and steps", path: "params")
            }
            guard !steps.isEmpty else { throw RPCError.invalidParams("the solution has no steps", path: params.solution == nil ? "params.steps" : "params.solution") }
            let result = try await StepVerifier.scoreSteps(question: params.question, steps: steps, profile: profile, model: verifier)
            return VerifySteps.Result(
                profile: profile.name,
                steps: result.steps.map { .init(text: $0.text, probability: $0.probability, logOdds: $0.logOdds) },
                aggregates: .init(min: result.aggregates.min, product: result.aggregates.product,
                                  last: result.aggregates.last, mean: result.aggregates.mean),
                tokens: result.tokens)
        }

        connection.register(VerifyOutcome.self) { [self] params, _ in
            let profile = try self.profile(params.profile)
            let verifier = EngineVerifierModel(model: try engine.model(params.model))
            let score = try await StepVerifier.scoreOutcome(question: params.question, solution: params.solution,
                                                            profile: profile, model: verifier)
            return VerifyOutcome.Result(text: score.text, probability: score.probability, logOdds: score.logOdds)
        }
    }

    func registerRankHandler() {
        connection.register(VerifyRank.self) { [self] params, _ in
            guard !params.candidates.isEmpty else { throw RPCError.invalidParams("give at least one candidate", path: "params.candidates") }
            let method = CandidateRanking.Method(rawValue: params.method.rawValue)!
            var scores: [Double]?
            if method.needsVerifier {
                guard let name = params.model else {
                    throw RPCError.invalidParams("method \(method.rawValue) needs a verifier model", path: "params.model")
                }
                let verifier = EngineVerifierModel(model: try engine.model(name))
                scores = try await StepVerifier.scoreCandidates(question: params.question, candidates: params.candidates,
                                                                profile: try self.profile(params.profile), model: verifier)
            }
            let ranked = CandidateRanking.rank(candidates: params.candidates, scores: scores, reference: params.reference, method: method)
            return VerifyRank.Result(
                method: method.rawValue, chosen: ranked.chosenIndex, answer: ranked.chosenAnswer, support: ranked.support,
                correct: ranked.chosenCorrect,
                groups: ranked.groups.map { .init(answer: $0.answer, candidates: $0.members, votes: $0.votes, weight: $0.weight) },
                candidates: ranked.candidates.enumerated().map { .init(index: $0, answer: $1.answer, score: $1.score, correct: $1.correct) })
        }
    }

    /// A built-in profile, or one stored with verify/profiles/save.
    func profile(_ wanted: String) throws -> VerifierProfile {
        if let builtIn = VerifierProfile.builtIn.first(where: { $0.name == wanted }) { return builtIn }
        guard let definition = try store.verifierProfile(named: wanted) else {
            throw RPCError.invalidParams("unknown verifier profile '\(wanted)'; built-in: \(VerifierProfile.builtIn.map(\.name).joined(separator: ", ")), or save one with verify/profiles/save",
                                         path: "params.profile")
        }
        return try Self.decodeProfile(definition)
    }

    func registerCritiqueHandler() {
        connection.register(VerifyCritique.self) { [self] params, _ in
            var sampling = SamplingParameters.greedy
            sampling.temperature = params.temperature
            sampling.seed = params.seed
            let critic = EngineCritic(model: try engine.model(params.model),
                                      options: GenerationOptions(sampling: sampling, maxTokens: params.maxTokens))
            let review = try await Critique.review(question: params.question, solution: params.solution, critic: critic)
            return VerifyCritique.Result(feedback: review.feedback,
                                         steps: review.parsed.steps.map { .init(step: $0.step, text: $0.text, correct: $0.correct) },
                                         final: review.parsed.final)
        }
    }

    func registerProfileHandlers() {
        connection.register(VerifyProfilesSave.self) { [self] params, _ in
            let wire = params.profile
            let profile: VerifierProfile
            do throws(StepVerifier.Failure) {
                profile = try VerifierProfile.defined(
                    name: wire.name, template: wire.template, stepSplit: wire.stepSplit, stepMarker: wire.stepMarker,
                    outcomeMarker: wire.outcomeMarker, positive: wire.positive, negative: wire.negative)
            } catch {
                throw RPCError.invalidParams(error.message, path: "params.profile.\(error.field)")
            }
            try store.saveVerifierProfile(name: profile.name, definition: try JSONValueEncoder().encode(profile).serializedString())
            return Self.wire(profile, builtIn: false)
        }

        connection.register(VerifyProfilesList.self) { [self] _, _ in
            let stored = try store.verifierProfiles().map { try Self.wire(Self.decodeProfile($0.definition), builtIn: false) }
            return VerifyProfilesList.Result(profiles: VerifierProfile.builtIn.map { Self.wire($0, builtIn: true) } + stored)
        }

        connection.register(VerifyProfilesDelete.self) { [self] params, _ in
            guard try store.deleteVerifierProfile(named: params.name) else {
                throw RPCError(.notFound, "no stored verifier profile named '\(params.name)'", data: ["path": "params.name"])
            }
            return VerifyProfilesDelete.Result(deleted: params.name)
        }
    }

    static func decodeProfile(_ definition: String) throws -> VerifierProfile {
        try JSONValueDecoder().decode(VerifierProfile.self, from: try JSONValue.parse(definition))
    }

    static func wire(_ p: VerifierProfile, builtIn: Bool) -> VerifierProfileWire {
        VerifierProfileWire(name: p.name, template: p.template, stepSplit: p.stepSplit.rawValue, stepMarker: p.stepMarker,
                            outcomeMarker: p.outcomeMarker, positive: p.positive, negative: p.negative, builtIn: builtIn)
    }
}
