import StepVerification
import Foundation
import Synchronization
import Testing

/// A character-level fake: every character is a token, and the log-odds at a position are a
/// deterministic function of the tokens so far, so scores are checkable by hand.
private final class FakeVerifierModel: VerifierModel {
    let calls = Mutex(0)
    let lastPositions = Mutex<[Int]>([])

    func tokenize(_ text: String, addSpecial: Bool) -> [Int32] {
        (addSpecial ? [0] : []) + text.unicodeScalars.map { Int32($0.value) }
    }

    func labelLogProbabilities(tokens: [Int32], positions: [Int], labels: [Int32]) async throws -> [[Double]] {
        calls.withLock { $0 += 1 }
        lastPositions.withLock { $0 = positions }
        // log-odds = (number of "7" tokens so far) - 1, split evenly between the two labels.
        return positions.map { p in
            let sevens = Double(tokens[...p].filter { $0 == 55 }.count)
            return [(sevens - 1) / 2 - 1, -(sevens - 1) / 2 - 1]
        }
    }
}

@Suite("Step-wise verification")
struct StepVerifierTests {
    @Test("one forward pass scores every step, read at the end of each step's marker")
    func onePass() async throws {
        let model = FakeVerifierModel()
        let result = try await StepVerifier.scoreSteps(question: "Q", steps: ["a7", "b", "77"], profile: .mathShepherd, model: model)
        #expect(model.calls.withLock { $0 } == 1)
        // Layout: BOS "Q " | "a7" " ки" | "\nb" " ки" | "\n77" " ки"
        #expect(model.lastPositions.withLock { $0 } == [7, 12, 18])
        #expect(result.steps.map(\.logOdds) == [0, 0, 2])
        #expect(result.steps[0].probability == 0.5)
        #expect(abs(result.steps[2].probability - 1 / (1 + exp(-2))) < 1e-12)
        #expect(result.aggregates.min == 0.5)
        #expect(result.aggregates.last == result.steps[2].probability)
        #expect(abs(result.aggregates.product - 0.25 * result.steps[2].probability) < 1e-12)
        #expect(abs(result.aggregates.mean - (1 + result.steps[2].probability) / 3) < 1e-12)
    }

    @Test("the outcome is read once, at the outcome marker")
    func outcome() async throws {
        let model = FakeVerifierModel()
        let score = try await StepVerifier.scoreOutcome(question: "Q", solution: "7", profile: .mathShepherd, model: model)
        #expect(model.calls.withLock { $0 } == 1)
        #expect(model.lastPositions.withLock { $0 }.count == 1)
        #expect(score.logOdds == 0)
    }

    @Test("profiles split solutions into steps", arguments: [
        (VerifierProfile.mathShepherd, "a\n\nb\n c ", ["a", "b", "c"]),
        (VerifierProfile.mathMinos, "Step 1: x\ncontinued\nStep 2: y", ["Step 1: x\ncontinued", "Step 2: y"]),
        (VerifierProfile(name: "t", template: "{solution}", stepSplit: .tag, stepMarker: " ки", outcomeMarker: "", positive: "+", negative: "-"),
         "a ки b ки", ["a", "b"]),
    ])
    func splitting(profile: VerifierProfile, solution: String, steps: [String]) {
        #expect(profile.steps(of: solution) == steps)
    }

    @Test("labels that start with the same token are refused")
    func sameLabels() async {
        let profile = VerifierProfile(name: "x", template: "{question}{solution}", stepSplit: .newlines,
                                      stepMarker: "?", outcomeMarker: "?", positive: "ab", negative: "ac")
        await #expect(throws: StepVerifier.Failure.self) {
            try await StepVerifier.scoreSteps(question: "q", steps: ["s"], profile: profile, model: FakeVerifierModel())
        }
    }
}
