/// How to read a verifier model: the prompt around the question and solution, how the solution is
/// split into steps, the marker placed after each step (and at the end), and the label tokens whose
/// probabilities at a marker give the score.
public struct VerifierProfile: Sendable, Codable, Equatable {
    public enum StepSplit: String, Sendable, Codable {
        /// One step per non-empty line.
        case newlines
        /// A new step at each line starting "Step k:".
        case stepPrefix
        /// Steps end at the profile's step tag already present in the solution (Math-Shepherd's `ки`).
        case tag
    }

    public var name: String
    /// The prompt; `{question}` and `{solution}` are replaced.
    public var template: String
    public var stepSplit: StepSplit
    /// Text placed after each step; the score is read where it ends.
    public var stepMarker: String
    /// Text placed after the whole solution for the outcome score.
    public var outcomeMarker: String
    /// The label whose probability means "correct", and the one meaning "wrong" (first token of each).
    public var positive: String
    public var negative: String

    public init(name: String, template: String, stepSplit: StepSplit, stepMarker: String, outcomeMarker: String,
                positive: String, negative: String) {
        self.name = name
        self.template = template
        self.stepSplit = stepSplit
        self.stepMarker = stepMarker
        self.outcomeMarker = outcomeMarker
        self.positive = positive
        self.negative = negative
    }

    /// A profile a client defines, checked: a name that is not empty and not a built-in's, a known
    /// step split, a template holding `{question}` and `{solution}`, and two different labels.
    /// Errors name the field at fault.
    public static func defined(name: String, template: String, stepSplit: String, stepMarker: String, outcomeMarker: String,
                               positive: String, negative: String) throws(StepVerifier.Failure) -> VerifierProfile {
        guard !builtIn.contains(where: { $0.name == name }) else {
            throw StepVerifier.Failure(field: "name", message: "'\(name)' is a built-in profile; choose another name")
        }
        guard !name.isEmpty else { throw StepVerifier.Failure(field: "name", message: "name must not be empty") }
        guard let split = StepSplit(rawValue: stepSplit) else {
            throw StepVerifier.Failure(field: "stepSplit", message: "stepSplit must be newlines, stepPrefix or tag")
        }
        guard template.contains("{question}"), template.contains("{solution}") else {
            throw StepVerifier.Failure(field: "template", message: "template must contain {question} and {solution}")
        }
        guard !positive.isEmpty, !negative.isEmpty, positive != negative else {
            throw StepVerifier.Failure(field: "positive", message: "positive and negative labels must be different and not empty")
        }
        return VerifierProfile(name: name, template: template, stepSplit: split, stepMarker: stepMarker,
                               outcomeMarker: outcomeMarker, positive: positive, negative: negative)
    }

    /// Math-Shepherd's process reward model: a `ки` tag after every step, read as `+` versus `-`
    /// (Wang et al., 2024).
    public static let mathShepherd = VerifierProfile(
        name: "math-shepherd", template: "{question} {solution}", stepSplit: .newlines,
        stepMarker: " ки", outcomeMarker: " ки", positive: "+", negative: "-")

    /// Math-Minos's critic: "True"/"False" after each step and after "The final answer is"
    /// (Gao et al., 2024).
    public static let mathMinos = VerifierProfile(
        name: "math-minos", template: "Question: {question}\nSolution:\n{solution}", stepSplit: .stepPrefix,
        stepMarker: "\nThis step is", outcomeMarker: "\nThe final answer is", positive: " True", negative: " False")

    /// A generic yes/no LLM judge.
    public static let judge = VerifierProfile(
        name: "judge", template: "Question: {question}\nProposed solution:\n{solution}", stepSplit: .newlines,
        stepMarker: "\nIs this step correct? Answer yes or no:", outcomeMarker: "\nIs the solution correct? Answer yes or no:",
        positive: " yes", negative: " no")

    public static let builtIn: [VerifierProfile] = [mathShepherd, mathMinos, judge]

    /// The solution's steps under this profile.
    public func steps(of solution: String) -> [String] {
        let lines = solution.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        switch stepSplit {
        case .newlines:
            return lines.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        case .stepPrefix:
            var steps: [String] = []
            for line in lines {
                let trimmed = line.trimmingSpaces()
                if trimmed.isEmpty { continue }
                if steps.isEmpty || trimmed.lowercased().hasPrefix("step ") {
                    steps.append(trimmed)
                } else {
                    steps[steps.count - 1] += "\n" + trimmed
                }
            }
            return steps
        case .tag:
            let tag = stepMarker.trimmingSpaces()
            return solution.components(separatedBy: tag).map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }

    fileprivate func components(separatedBy separator: String) -> [String] {
        guard !separator.isEmpty else { return [self] }
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.range(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
