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
