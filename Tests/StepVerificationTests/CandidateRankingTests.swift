import StepVerification
import Testing

@Suite("Best-of-N ranking")
struct CandidateRankingTests {
    // Three candidates reach 12 (two written differently), two reach 15, one has no answer.
    let candidates = [
        "3 * 4 = 12, so \\boxed{12}", "Adding gives 15.\n#### 15", "The answer is 12.",
        "so \\boxed{15}", "I am not sure.", "It is \\boxed{\\frac{24}{2}}",
    ]
    let scores = [0.2, 0.9, 0.1, 0.8, 0.5, 0.3]

    @Test("majority votes on extracted answers, grouping equivalent forms")
    func majority() {
        let r = CandidateRanking.rank(candidates: candidates, scores: nil, reference: "12", method: .majority)
        #expect(r.chosenAnswer == "12")
        #expect(r.groups.map(\.members) == [[0, 2, 5], [1, 3]])
        #expect(r.support == 3.0 / 6.0)
        #expect(r.chosenCorrect == true)
        #expect(r.candidates.map(\.correct) == [true, false, true, false, nil, true])
        #expect(r.candidates[4].answer == nil)
    }

    @Test("verifier takes the top-scoring candidate")
    func verifier() {
        let r = CandidateRanking.rank(candidates: candidates, scores: scores, reference: "12", method: .verifier)
        #expect(r.chosenIndex == 1)
        #expect(r.chosenAnswer == "15")
        #expect(r.support == 0.9)
        #expect(r.chosenCorrect == false)
    }

    @Test("weighted sums scores per answer: 15 (1.7) beats 12 (0.6)")
    func weighted() throws {
        let r = CandidateRanking.rank(candidates: candidates, scores: scores, reference: nil, method: .weighted)
        #expect(r.chosenAnswer == "15")
        #expect(r.chosenIndex == 1)
        let weights = r.groups.compactMap(\.weight)
        #expect(abs(weights[0] - 0.6) < 1e-12 && abs(weights[1] - 1.7) < 1e-12)
        #expect(abs(r.support - 1.7 / 2.3) < 1e-12)
    }

    @Test("verifierMajority votes among the better-scored half")
    func verifierMajority() {
        // Top 3 by score: 1 (15), 3 (15), 4 (no answer) → 15 wins with 2 of 3.
        let r = CandidateRanking.rank(candidates: candidates, scores: scores, reference: nil, method: .verifierMajority)
        #expect(r.chosenAnswer == "15")
        #expect(r.support == 2.0 / 3.0)
    }

    @Test("no extractable answer: nothing chosen by vote")
    func nothing() {
        let r = CandidateRanking.rank(candidates: ["hmm", "no idea"], scores: nil, reference: nil, method: .majority)
        #expect(r.chosenIndex == nil)
        #expect(r.support == 0)
    }
}
