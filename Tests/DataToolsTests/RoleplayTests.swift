import Foundation
import JSON
import Store
import Testing
@testable import DataTools

/// A scripted model: query prompts get fixed question lists, answers depend on the question, and
/// the judge's letter probabilities depend on the answer. It records every prompt it is given.
private final class ScriptedModel: RoleplayModel, @unchecked Sendable {
    private let lock = NSLock()
    private var prompts: [(system: String?, user: String)] = []
    var seen: [(system: String?, user: String)] { lock.withLock { prompts } }

    func reply(system: String?, user: String) async throws -> String {
        lock.withLock { prompts.append((system, user)) }
        if user.contains("could not\nknow") || user.contains("could not know") {
            return "Here are some questions:\n1. What do you think of the smartphone?\n2. What do you think of the smartphone?"
        }
        if user.contains("might ask") {
            return "Questions for you\n1. Where were you born?\n- Whom did you marry?\nQ3: Which prize did you win?\n4) Why?"
        }
        switch user {
        case "Where were you born?": return "I was born in Paris."
        case "Whom did you marry?": return "As an AI language model, I cannot marry."
        default: return "I was born in Warsaw and I won the Nobel Prize."
        }
    }

    func choiceProbabilities(user: String, choices: [String]) async throws -> [Double] {
        lock.withLock { prompts.append((nil, user)) }
        #expect(choices == ["A", "B", "C"])
        if user.contains("Answer: I was born in Paris.") { return [0.1, 0.6, 0.1] }
        if user.contains("AI language model") { return [0.05, 0.05, 0.4] }
        return [0.5, 0.2, 0.1]
    }
}

@Suite("Ditto role-play data")
struct RoleplayTests {
    let curie = Roleplay.Character(name: "Marie Curie", description: "physicist", facts: [
        .init(attribute: "place of birth", value: "Warsaw"), .init(attribute: "spouse", value: "Pierre Curie"),
    ])

    @Test("questions are the lines with a question mark, markers removed, duplicates dropped, at most the limit")
    func questionParsing() {
        let text = "Sure! Questions:\n1. Where were you born?\n- What is your work?\nHeading\nQ2: Who is your spouse?\n1. Where were you born?\n* Why? "
        #expect(Roleplay.questions(in: text, limit: 10) == ["Where were you born?", "What is your work?", "Who is your spouse?", "Why?"])
        #expect(Roleplay.questions(in: text, limit: 2) == ["Where were you born?", "What is your work?"])
        #expect(Roleplay.questions(in: "no questions here\n\n", limit: 3).isEmpty)
    }

    @Test("templates render the profile and their values; saved templates are checked against their placeholders")
    func templates() throws {
        let rendered = RoleplayTemplates.render("{{name}} | {{ profile }} | {{count}} | {{other}}", character: curie, extra: ["count": "3"])
        #expect(rendered == "Marie Curie | Name: Marie Curie\nDescription: physicist\n- place of birth: Warsaw\n- spouse: Pierre Curie | 3 | {{other}}")
        for name in RoleplayTemplates.Name.allCases { try RoleplayTemplates.check(name.builtIn, for: name) }
        #expect(throws: DataError.invalidArgument(field: "template", message: "the judge template must use {{answer}}")) {
            try RoleplayTemplates.check("{{profile}} {{question}}", for: .judge)
        }
        #expect(throws: DataError.self) { try RoleplayTemplates.check("{{name}} {{count}} {{answer}}", for: .query) }
        #expect(throws: DataError.invalidArgument(field: "template", message: "a {{ is not closed by }}")) {
            try RoleplayTemplates.check("{{name}} {{count", for: .query)
        }
    }

    @Test("a round: simulated questions of both kinds, answers under the answer prompt, the judge's verdicts, consistent ones written")
    func round() async throws {
        let store = try Store(path: ":memory:")
        let templates = RoleplayTemplates(store: store)
        let model = ScriptedModel()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("roleplay-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let (round, written) = try await templates.generate(
            curie, plan: .init(characterQuestions: 3, contrastiveQuestions: 2), model: model, judge: model, output: output)
        #expect(round.exchanges.map(\.question) == ["Where were you born?", "Whom did you marry?", "Which prize did you win?",
                                                    "What do you think of the smartphone?"])
        #expect(round.exchanges.map(\.kind) == [.character, .character, .character, .contrastive])
        #expect(round.exchanges.map(\.check.verdict) == [.contradiction, .outOfCharacter, .consistent, .consistent])
        let first = round.exchanges[0].check
        #expect(abs(first.mass - 0.8) < 1e-12 && abs(first.probabilities[.contradiction]! - 0.75) < 1e-12)
        #expect(round.queryOutputs.count == 2)
        // Every answer was asked under the rendered answer prompt, which holds the profile.
        let answered = model.seen.filter { $0.system != nil }
        #expect(answered.count == 4 && answered.allSatisfy { $0.system == round.system })
        #expect(round.system.contains("- place of birth: Warsaw"))
        // The judge saw the profile, the question and the answer.
        #expect(model.seen.contains { $0.user.contains("Question: Where were you born?\nAnswer: I was born in Paris.") && $0.user.contains("- spouse: Pierre Curie") })
        #expect(written == 2)
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let record = try JSONValue.parse(String(lines[0]))
        #expect(record["conversations"]?[0]?["from"] == "system")
        #expect(record["conversations"]?[1]?["value"] == "Which prize did you win?")
        #expect(record["conversations"]?[2]?["from"] == "gpt")
    }

    @Test("given questions skip query simulation; check alone judges a dialogue")
    func givenQuestionsAndCheck() async throws {
        let templates = RoleplayTemplates(store: try Store(path: ":memory:"))
        let model = ScriptedModel()
        let (round, written) = try await templates.generate(curie, plan: .init(questions: ["Where were you born?"]), model: model,
                                                            judge: model, output: nil)
        #expect(round.exchanges.map(\.kind) == [.given] && round.queryOutputs.isEmpty && written == nil)
        let checks = try await templates.check(curie, dialogue: [("Q?", "I was born in Paris."), ("Q?", "I was born in Warsaw.")], judge: model)
        #expect(checks.map(\.verdict) == [.contradiction, .consistent])
    }

    @Test("edited templates are stored, used, listed, kept across reopening, and reset to the built-in text")
    func storedTemplates() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roleplay-\(UUID()).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let templates = RoleplayTemplates(store: try Store(path: path))
            try templates.save(.query, template: "Ask {{name}} {{count}} questions that might ask about chemistry.")
            #expect(throws: DataError.self) { try templates.save(.answer, template: "You are someone.") }
            #expect(try templates.current().query == "Ask {{name}} {{count}} questions that might ask about chemistry.")
            #expect(try templates.current().answer == RoleplayTemplates.Name.answer.builtIn)
        }
        let templates = RoleplayTemplates(store: try Store(path: path))
        let listed = try templates.list()
        #expect(listed.map(\.name) == RoleplayTemplates.Name.allCases)
        #expect(listed.map(\.builtIn) == [false, true, true, true])
        let model = ScriptedModel()
        _ = try await templates.generate(curie, plan: .init(characterQuestions: 1, contrastiveQuestions: 0), model: model, judge: model,
                                         output: nil)
        #expect(model.seen.first?.user == "Ask Marie Curie 1 questions that might ask about chemistry.")
        #expect(try templates.reset(.query))
        #expect(try !templates.reset(.query))
        #expect(try templates.current() == RoleplayTemplates.Set.builtIn)
    }
}
