/// A model that answers one user turn of its chat, with its sampling settings fixed by whoever
/// made it.
public protocol CriticModel: Sendable {
    func reply(to message: String) async throws -> String
}

/// Math-Minos's stage-1 critique: a model writes step-by-step natural-language feedback ending in a
/// verdict; this builds the request and reads the feedback back into per-step verdicts.
public enum Critique {
    public struct StepVerdict: Sendable, Equatable {
        public var step: Int
        public var text: String
        /// True (correct), false (wrong), or nil when the step's feedback gives no verdict.
        public var correct: Bool?
    }

    public struct Parsed: Sendable, Equatable {
        public var steps: [StepVerdict]
        /// The final "The final answer is True/False" verdict, if the feedback has one.
        public var final: Bool?
    }

    /// A critique: the critic's feedback as written and what it says of each step.
    public struct Review: Sendable {
        public var feedback: String
        public var parsed: Parsed
    }

    /// Asks `critic` (as one user turn of its chat) to review `solution`, and reads its feedback.
    public static func review(question: String, solution: String, critic: some CriticModel) async throws -> Review {
        let feedback = try await critic.reply(to: request(question: question, solution: solution))
        return Review(feedback: feedback, parsed: parse(feedback))
    }

    /// The instruction given to the critic model.
    public static func request(question: String, solution: String) -> String {
        """
        Check the solution to the math question step by step. For each step write "Step k:", your \
        feedback, and "This step is True." or "This step is False.". End with "The final answer is \
        True." or "The final answer is False.".

        Question: \(question)

        Solution:
        \(solution)
        """
    }

    /// Reads feedback: each "Step k" paragraph's verdict (its last True/False, or correct/incorrect),
    /// and the verdict after "final answer is".
    public static func parse(_ feedback: String) -> Parsed {
        var steps: [StepVerdict] = []
        var finalVerdict: Bool?
        for rawLine in feedback.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.trimmingCharacters(in: " \t*#")
            let lower = line.lowercased()
            if let range = lower.range(of: "final answer is") {
                finalVerdict = verdict(in: String(lower[range.upperBound...])) ?? finalVerdict
                continue
            }
            if lower.hasPrefix("step "), let number = Int(lower.dropFirst(5).prefix { $0.isNumber }) {
                steps.append(StepVerdict(step: number, text: line, correct: verdict(in: lower)))
            } else if !steps.isEmpty {
                steps[steps.count - 1].text += "\n" + line
                if let v = verdict(in: lower) { steps[steps.count - 1].correct = v }
            }
        }
        return Parsed(steps: steps, final: finalVerdict)
    }

    /// The last verdict word in `text`: true/correct, or false/incorrect/wrong.
    static func verdict(in text: String) -> Bool? {
        let words = text.split { !$0.isLetter }.map { $0.lowercased() }
        for word in words.reversed() {
            switch word {
            case "true", "correct", "right": return true
            case "false", "incorrect", "wrong": return false
            default: continue
            }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self
        while let first = s.first, set.contains(first) { s = s.dropFirst() }
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
