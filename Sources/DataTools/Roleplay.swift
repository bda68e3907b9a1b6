import Foundation
import JSON

/// Ditto-style role-play data (Lu et al. 2024, "Large Language Models are Superpositions of All
/// Characters"): a model simulates dialogues with a character by reading the character's profile,
/// as reading comprehension. Three steps, each one prompt template:
/// 1. query simulation: questions a user would ask this character (`query`), and, as Ditto adds
///    to teach the character's knowledge boundary, questions about things it could not know
///    (`contrastive_query`);
/// 2. response simulation: the model answers each question in character with the profile as
///    context (`answer`, the system prompt);
/// 3. the consistency check: a multiple-choice judge (`judge`) reads the profile and one exchange
///    and picks A (consistent), B (contradicts a profile fact) or C (out of character); the choice
///    is read from the judge's next-token probabilities of the three letters, so it is
///    deterministic and never unparsable.
package enum Roleplay {
    /// A character as Wikidata describes one: a name, a short description, attribute/value facts.
    package struct Character: Sendable, Equatable {
        package struct Fact: Sendable, Equatable {
            package var attribute: String
            package var value: String
            package init(attribute: String, value: String) {
                self.attribute = attribute
                self.value = value
            }
        }

        package var name: String
        package var description: String
        package var facts: [Fact]

        package init(name: String, description: String = "", facts: [Fact]) {
            self.name = name
            self.description = description
            self.facts = facts
        }

        /// The profile as prompts show it: the name, the description, one fact per line.
        package var profile: String {
            var lines = ["Name: \(name)"]
            if !description.isEmpty { lines.append("Description: \(description)") }
            lines += facts.map { "- \($0.attribute): \($0.value)" }
            return lines.joined(separator: "\n")
        }
    }

    /// What the judge decided about one exchange.
    package enum Verdict: String, Sendable, CaseIterable {
        /// A: the answer agrees with the profile and speaks as the character.
        case consistent
        /// B: the answer contradicts a fact of the profile.
        case contradiction
        /// C: the answer does not speak as the character (breaks role, speaks as an assistant).
        case outOfCharacter = "out_of_character"

        /// The judge's option letters, in `allCases` order.
        package static let letters = ["A", "B", "C"]
    }

    /// The judge's reading of one exchange.
    package struct Check: Sendable, Equatable {
        package var verdict: Verdict
        /// Each verdict's probability, renormalized over the three letters.
        package var probabilities: [Verdict: Double]
        /// The probability the judge gave the three letters together before renormalizing: low
        /// means it wanted to answer with something else and the verdict is weak.
        package var mass: Double
    }

    /// Where a question came from.
    package enum QuestionKind: String, Sendable {
        /// About the character (query simulation).
        case character
        /// Beyond what the character could know (Ditto's contrastive queries).
        case contrastive
        /// Given by the caller.
        case given
    }

    /// One simulated exchange and its check.
    package struct Exchange: Sendable, Equatable {
        package var question: String
        package var kind: QuestionKind
        package var answer: String
        package var check: Check

        /// LLaMA-Factory's ShareGPT record: the answer prompt as system turn, the question, the answer.
        package func shareGPT(system: String) -> JSONValue {
            TrainingExample(turns: [.init(from: "system", value: system), .init(from: "human", value: question),
                                    .init(from: "gpt", value: answer)]).shareGPT
        }
    }

    /// A round's exchanges and what query simulation produced, for inspection.
    package struct Round: Sendable {
        package var exchanges: [Exchange]
        /// The query prompts' raw outputs (character, then contrastive), empty when questions were given.
        package var queryOutputs: [String]
        /// The rendered answer prompt every exchange used as its system turn.
        package var system: String
    }

    /// How much to simulate.
    package struct Plan: Sendable {
        /// Questions to ask, skipping query simulation; empty to simulate them.
        package var questions: [String]
        package var characterQuestions: Int
        package var contrastiveQuestions: Int

        package init(questions: [String] = [], characterQuestions: Int = 4, contrastiveQuestions: Int = 1) {
            self.questions = questions
            self.characterQuestions = characterQuestions
            self.contrastiveQuestions = contrastiveQuestions
        }
    }

    /// Runs a round: questions (given, or simulated with `model`), answers in character with
    /// `model`, and `judge`'s check of each. `progress(done, total)` hears each answered exchange.
    package static func simulate(_ character: Character, plan: Plan, templates: RoleplayTemplates.Set,
                                 model: some RoleplayModel, judge: some RoleplayModel,
                                 progress: (Int, Int) -> Void = { _, _ in }) async throws -> Round {
        var asked: [(String, QuestionKind)] = plan.questions.map { ($0, .given) }
        var outputs: [String] = []
        if plan.questions.isEmpty {
            for (kind, count, template) in [(QuestionKind.character, plan.characterQuestions, templates.query),
                                            (.contrastive, plan.contrastiveQuestions, templates.contrastiveQuery)] where count > 0 {
                let prompt = RoleplayTemplates.render(template, character: character, extra: ["count": String(count)])
                let output = try await model.reply(system: nil, user: prompt)
                outputs.append(output)
                asked += questions(in: output, limit: count).filter { q in !asked.contains { $0.0 == q } }.map { ($0, kind) }
            }
        }
        let system = RoleplayTemplates.render(templates.answer, character: character)
        // Every question at once: the daemon's decode scheduler batches concurrent generations.
        let exchanges = try await inOrder(asked, progress: progress) { question, kind in
            let answer = try await model.reply(system: system, user: question)
            let check = try await self.check(character, question: question, answer: answer, template: templates.judge, judge: judge)
            return Exchange(question: question, kind: kind, answer: answer, check: check)
        }
        return Round(exchanges: exchanges, queryOutputs: outputs, system: system)
    }

    /// `body` applied to every item concurrently, the results in the items' order; `progress` hears
    /// each completion.
    static func inOrder<Item: Sendable, Output: Sendable>(
        _ items: [Item], progress: (Int, Int) -> Void = { _, _ in },
        _ body: @escaping @Sendable (Item) async throws -> Output
    ) async throws -> [Output] {
        try await withThrowingTaskGroup(of: (Int, Output).self) { group in
            for (index, item) in items.enumerated() { group.addTask { (index, try await body(item)) } }
            var outputs = [Output?](repeating: nil, count: items.count)
            var done = 0
            for try await (index, output) in group {
                outputs[index] = output
                done += 1
                progress(done, items.count)
            }
            return outputs.map { $0! }
        }
    }

    /// The judge's check of one exchange against the character's profile.
    package static func check(_ character: Character, question: String, answer: String, template: String,
                              judge: some RoleplayModel) async throws -> Check {
        let prompt = RoleplayTemplates.render(template, character: character, extra: ["question": question, "answer": answer])
        let raw = try await judge.choiceProbabilities(user: prompt, choices: Verdict.letters)
        let mass = raw.reduce(0, +)
        let normalized = raw.map { mass > 0 ? $0 / mass : 1 / Double(raw.count) }
        var probabilities: [Verdict: Double] = [:]
        for (verdict, p) in zip(Verdict.allCases, normalized) { probabilities[verdict] = p }
        // The likeliest letter; ties go to the earlier one.
        let best = normalized.indices.reduce(0) { normalized[$1] > normalized[$0] ? $1 : $0 }
        return Check(verdict: Verdict.allCases[best], probabilities: probabilities, mass: mass)
    }

    /// The questions in a query prompt's output: the lines with a question mark, list markers and
    /// numbering removed, duplicates dropped, at most `limit`. A line without one is not a question
    /// (a heading, a preamble) and is skipped.
    package static func questions(in text: String, limit: Int) -> [String] {
        var seen = Swift.Set<String>()
        let lines = text.split(whereSeparator: \.isNewline).map { stripMarker(String($0)) }
            .filter { $0.contains("?") && seen.insert($0).inserted }
        return Array(lines.prefix(limit))
    }

    /// A line without its list marker ("1.", "2)", "-", "*", "•", "Q:", "Question 3:") and spaces.
    static func stripMarker(_ line: String) -> String {
        var rest = Substring(line).drop { $0.isWhitespace }
        for prefix in ["Question", "Q"] where rest.lowercased().hasPrefix(prefix.lowercased()) {
            let after = rest.dropFirst(prefix.count).drop { $0.isNumber || $0 == " " }
            if after.first == ":" { rest = after.dropFirst(); break }
        }
        if let first = rest.first, "-*•".contains(first) {
            rest = rest.dropFirst()
        } else {
            let digits = rest.prefix { $0.isNumber }
            let after = rest.dropFirst(digits.count)
            if !digits.isEmpty, let mark = after.first, ".):".contains(mark) { rest = after.dropFirst() }
        }
        return rest.trimmingCharacters(in: .whitespaces)
    }
}

/// A model as the role-play tools see it. The daemon adapts a loaded model (its chat template, the
/// request's sampling options); tests script one.
package protocol RoleplayModel: Sendable {
    /// The assistant's reply to `user`, after `system` when given.
    func reply(system: String?, user: String) async throws -> String
    /// The probability that the assistant's reply to `user` starts with each of `choices` (not
    /// renormalized).
    func choiceProbabilities(user: String, choices: [String]) async throws -> [Double]
}

/// A question and its answer (a Sendable tuple).
private struct Pair: Sendable {
    var question: String
    var answer: String
}

extension RoleplayTemplates {
    /// `roleplay/generate` in one call: the templates in use (stored or built-in), a simulated
    /// round, and, given `output`, the consistent exchanges written there as ShareGPT JSONL
    /// (atomically); `written` counts them.
    package func generate(_ character: Roleplay.Character, plan: Roleplay.Plan, model: some RoleplayModel,
                          judge: some RoleplayModel, output: String?,
                          progress: (Int, Int) -> Void = { _, _ in }) async throws -> (round: Roleplay.Round, written: Int?) {
        let round = try await Roleplay.simulate(character, plan: plan, templates: try current(), model: model, judge: judge,
                                                progress: progress)
        guard let output else { return (round, nil) }
        let kept = round.exchanges.filter { $0.check.verdict == .consistent }
        var lines = Data()
        for exchange in kept {
            lines.append(contentsOf: exchange.shareGPT(system: round.system).serialized())
            lines.append(UInt8(ascii: "\n"))
        }
        do { try lines.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
            throw DataError.io("cannot write \(output): \(error.localizedDescription)")
        }
        return (round, kept.count)
    }

    /// `roleplay/check` in one call: the judge's check of each question/answer with the `judge`
    /// template in use.
    package func check(_ character: Roleplay.Character, dialogue: [(question: String, answer: String)],
                       judge: some RoleplayModel) async throws -> [Roleplay.Check] {
        let template = try current().judge
        return try await Roleplay.inOrder(dialogue.map { Pair(question: $0.question, answer: $0.answer) }) { turn in
            try await Roleplay.check(character, question: turn.question, answer: turn.answer, template: template, judge: judge)
        }
    }
}
