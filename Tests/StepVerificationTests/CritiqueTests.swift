import StepVerification
import Testing

@Suite("Critique parsing")
struct CritiqueTests {
    @Test("per-step verdicts and the final verdict, in Math-Minos's form")
    func mathMinosForm() {
        let feedback = """
            Step 1: The student adds 3 and 4 to get 7. This step is True.
            Step 2: Then 7 * 2 is written as 16, which is wrong.
            It should be 14. This step is False.
            **Step 3:** The student concludes 16.
            The final answer is False.
            """
        let parsed = Critique.parse(feedback)
        #expect(parsed.steps.map(\.step) == [1, 2, 3])
        #expect(parsed.steps.map(\.correct) == [true, false, nil])
        #expect(parsed.steps[1].text.contains("It should be 14."))
        #expect(parsed.final == false)
    }

    @Test("correct/incorrect wording and a true final verdict")
    func wording() {
        let parsed = Critique.parse("Step 1: correct.\nStep 2: this is incorrect\nSo the final answer is correct")
        #expect(parsed.steps.map(\.correct) == [true, false])
        #expect(parsed.final == true)
    }

    @Test("feedback without steps or verdict parses to nothing")
    func nothing() {
        let parsed = Critique.parse("I cannot tell.")
        #expect(parsed.steps.isEmpty)
        #expect(parsed.final == nil)
    }

    @Test("the request asks for the parseable form")
    func request() {
        let text = Critique.request(question: "What is 2+2?", solution: "Step 1: 4")
        #expect(text.contains("What is 2+2?") && text.contains("Step 1: 4") && text.contains("The final answer is True."))
    }
}

/// A critic that answers with fixed feedback and records what it was asked.
private final class FixedCritic: CriticModel, @unchecked Sendable {
    let feedback: String
    var asked: [String] = []
    init(_ feedback: String) { self.feedback = feedback }
    func reply(to message: String) async throws -> String {
        asked.append(message)
        return feedback
    }
}

@Suite("Critique review")
struct CritiqueReviewTests {
    @Test("the critic is asked about the question and solution, and its feedback is parsed")
    func review() async throws {
        let critic = FixedCritic("Step 1: 2 + 2 = 4. This step is True.\nThe final answer is True.")
        let review = try await Critique.review(question: "What is 2 + 2?", solution: "2 + 2 = 4", critic: critic)
        #expect(critic.asked.count == 1)
        #expect(critic.asked[0].contains("What is 2 + 2?") && critic.asked[0].contains("2 + 2 = 4"))
        #expect(review.feedback == critic.feedback)
        #expect(review.parsed.steps.map(\.correct) == [true])
        #expect(review.parsed.final == true)
    }

    @Test("a client-defined profile is checked field by field", arguments: [
        ("math-shepherd", "{question} {solution}", "newlines", "+", "-", "name"),
        ("", "{question} {solution}", "newlines", "+", "-", "name"),
        ("mine", "{question} {solution}", "sentences", "+", "-", "stepSplit"),
        ("mine", "{question}", "newlines", "+", "-", "template"),
        ("mine", "{question} {solution}", "newlines", "+", "+", "positive"),
    ])
    func definedProfiles(name: String, template: String, split: String, positive: String, negative: String, field: String) {
        #expect(throws: StepVerifier.Failure.self) {
            try VerifierProfile.defined(name: name, template: template, stepSplit: split, stepMarker: " ки", outcomeMarker: " ки",
                                        positive: positive, negative: negative)
        }
        do {
            _ = try VerifierProfile.defined(name: name, template: template, stepSplit: split, stepMarker: " ки", outcomeMarker: " ки",
                                            positive: positive, negative: negative)
        } catch {
            #expect(error.field == field)
        }
        #expect((try? VerifierProfile.defined(name: "mine", template: "{question} {solution}", stepSplit: "newlines", stepMarker: " ки",
                                              outcomeMarker: " ки", positive: "+", negative: "-")) != nil)
    }
}
