import Foundation

/// What step-wise verification needs from a model; the engine provides it, tests fake it.
public protocol VerifierModel: Sendable {
    /// Token ids of `text` (`addSpecial` adds BOS as the model does).
    func tokenize(_ text: String, addSpecial: Bool) -> [Int32]
    /// Log-probabilities of each label token as the next token after each position, in one pass.
    func labelLogProbabilities(tokens: [Int32], positions: [Int], labels: [Int32]) async throws -> [[Double]]
    /// The same for several sequences sharing `prefix` (positions index into prefix + suffix); a model
    /// can compute the prefix once. The default runs each sequence on its own.
    func labelLogProbabilities(prefix: [Int32], suffixes: [[Int32]], positions: [[Int]], labels: [Int32]) async throws -> [[[Double]]]
}

extension VerifierModel {
    public func labelLogProbabilities(prefix: [Int32], suffixes: [[Int32]], positions: [[Int]], labels: [Int32]) async throws -> [[[Double]]] {
        var results: [[[Double]]] = []
        for (suffix, wanted) in zip(suffixes, positions) {
            results.append(try await labelLogProbabilities(tokens: prefix + suffix, positions: wanted, labels: labels))
        }
        return results
    }
}

/// Scores a solution step by step (or as a whole) with a verifier model under a profile, reading
/// every score from a single forward pass over the solution.
public enum StepVerifier {
    public struct StepScore: Sendable, Equatable {
        public var text: String
        /// P(positive) / (P(positive) + P(negative)) at the step's marker.
        public var probability: Double
        /// log P(positive) − log P(negative).
        public var logOdds: Double
    }

    public struct Aggregates: Sendable, Equatable {
        /// The weakest step (Math-Shepherd's convention).
        public var min: Double
        public var product: Double
        public var last: Double
        public var mean: Double
    }

    public struct Result: Sendable, Equatable {
        public var steps: [StepScore]
        public var aggregates: Aggregates
        public var tokens: Int
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { "\(field): \(message)" }
    }

    /// Scores each of `steps` (or the profile's split of `solution`) after `question`.
    public static func scoreSteps(question: String, steps: [String], profile: VerifierProfile,
                                  model: some VerifierModel) async throws -> Result {
        guard !steps.isEmpty else { throw Failure(field: "solution", message: "has no steps") }
        let (tokens, positions) = layout(question: question, steps: steps, marker: profile.stepMarker,
                                         finalMarker: nil, profile: profile, model: model)
        let labels = try labelTokens(profile, model)
        let logprobs = try await model.labelLogProbabilities(tokens: tokens, positions: positions, labels: labels)
        let scores = zip(steps, logprobs).map { step, pair in
            let odds = pair[0] - pair[1]
            return StepScore(text: step, probability: 1 / (1 + exp(-odds)), logOdds: odds)
        }
        let probabilities = scores.map(\.probability)
        return Result(steps: scores, aggregates: Aggregates(
            min: probabilities.min()!, product: probabilities.reduce(1, *), last: probabilities.last!,
            mean: probabilities.reduce(0, +) / Double(probabilities.count)), tokens: tokens.count)
    }

    /// Scores the whole solution once, at the profile's outcome marker.
    public static func scoreOutcome(question: String, solution: String, profile: VerifierProfile,
                                    model: some VerifierModel) async throws -> StepScore {
        let (tokens, positions) = layout(question: question, steps: [solution], marker: nil,
                                         finalMarker: profile.outcomeMarker, profile: profile, model: model)
        let labels = try labelTokens(profile, model)
        let pair = try await model.labelLogProbabilities(tokens: tokens, positions: positions, labels: labels)[0]
        let odds = pair[0] - pair[1]
        return StepScore(text: solution, probability: 1 / (1 + exp(-odds)), logOdds: odds)
    }

    /// The prompt's tokens with each step followed by its marker, and the index of each marker's
    /// last token (where the next-token logits give the label probabilities).
    static func layout(question: String, steps: [String], marker: String?, finalMarker: String?,
                       profile: VerifierProfile, model: some VerifierModel) -> (tokens: [Int32], positions: [Int]) {
        let template = profile.template.replacingOccurrences(of: "{question}", with: question)
        let parts = template.components(separatedBy: "{solution}")
        var tokens = model.tokenize(parts[0], addSpecial: true)
        var positions: [Int] = []
        for (index, step) in steps.enumerated() {
            tokens += model.tokenize((index == 0 ? "" : "\n") + step, addSpecial: false)
            if let marker {
                tokens += model.tokenize(marker, addSpecial: false)
                positions.append(tokens.count - 1)
            }
        }
        if parts.count > 1 { tokens += model.tokenize(parts[1...].joined(separator: ""), addSpecial: false) }
        if let finalMarker {
            tokens += model.tokenize(finalMarker, addSpecial: false)
            positions.append(tokens.count - 1)
        }
        return (tokens, positions)
    }

    /// One score per candidate: the minimum step probability for a step-tag profile (Math-Shepherd),
    /// else the outcome probability; the question's prefix is shared across candidates.
    public static func scoreCandidates(question: String, candidates: [String], profile: VerifierProfile,
                                       model: some VerifierModel) async throws -> [Double] {
        let stepwise = profile.name == VerifierProfile.mathShepherd.name || profile.stepSplit == .tag
        let template = profile.template.replacingOccurrences(of: "{question}", with: question)
        let prefix = model.tokenize(template.components(separatedBy: "{solution}")[0], addSpecial: true)
        var suffixes: [[Int32]] = [], positions: [[Int]] = []
        for candidate in candidates {
            let steps = stepwise ? profile.steps(of: candidate) : [candidate]
            let (tokens, marks) = layout(question: question, steps: steps.isEmpty ? [candidate] : steps,
                                         marker: stepwise ? profile.stepMarker : nil,
                                         finalMarker: stepwise ? nil : profile.outcomeMarker, profile: profile, model: model)
            suffixes.append(Array(tokens[prefix.count...]))
            positions.append(marks)
        }
        let labels = try labelTokens(profile, model)
        let logprobs = try await model.labelLogProbabilities(prefix: prefix, suffixes: suffixes, positions: positions, labels: labels)
        return logprobs.map { marks in marks.map { 1 / (1 + exp(-($0[0] - $0[1]))) }.min() ?? 0 }
    }

    static func labelTokens(_ profile: VerifierProfile, _ model: some VerifierModel) throws -> [Int32] {
        guard let positive = model.tokenize(profile.positive, addSpecial: false).first,
              let negative = model.tokenize(profile.negative, addSpecial: false).first else {
            throw Failure(field: "profile", message: "its labels are empty for this model's tokenizer")
        }
        guard positive != negative else {
            throw Failure(field: "profile", message: "'\(profile.positive)' and '\(profile.negative)' start with the same token for this model")
        }
        return [positive, negative]
    }
}
