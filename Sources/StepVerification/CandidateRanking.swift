import AnswerChecking

/// Best-of-N: choosing among candidate solutions by vote, by verifier score, or both.
public enum CandidateRanking {
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// Self-consistency: the answer most candidates reach.
        case majority
        /// The single candidate the verifier scores highest.
        case verifier
        /// Verifier scores summed per distinct answer (Math-Minos's SC+verifier).
        case weighted
        /// A majority vote among the better-scored half of the candidates.
        case verifierMajority

        public var needsVerifier: Bool { self != .majority }
    }

    public struct AnswerGroup: Sendable, Equatable {
        public var answer: String
        public var members: [Int]
        public var votes: Int { members.count }
        public var weight: Double?
    }

    public struct Candidate: Sendable, Equatable {
        public var answer: String?
        public var score: Double?
        public var group: Int?
        public var correct: Bool?
    }

    public struct Result: Sendable, Equatable {
        public var chosenIndex: Int?
        public var chosenAnswer: String?
        /// Votes (majority), score (verifier), or weight share (weighted) behind the choice, in [0, 1].
        public var support: Double
        public var groups: [AnswerGroup]
        public var candidates: [Candidate]
        public var chosenCorrect: Bool?
    }

    /// Ranks `candidates`; `scores` (one per candidate, in [0, 1]) are required for the verifier methods.
    public static func rank(candidates: [String], scores: [Double]?, reference: String?, method: Method) -> Result {
        // Extract and group equivalent answers, in order of first appearance.
        var entries = candidates.map { text -> Candidate in
            Candidate(answer: AnswerChecker.extract(from: text)?.answer, score: nil, group: nil, correct: nil)
        }
        var groups: [AnswerGroup] = []
        for index in entries.indices {
            if let scores { entries[index].score = scores[index] }
            guard let answer = entries[index].answer else { continue }
            if let reference {
                entries[index].correct = AnswerChecker.check(answer: answer, reference: reference, kind: .auto).equivalent
            }
            if let existing = groups.firstIndex(where: { AnswerChecker.check(answer: answer, reference: $0.answer, kind: .auto).equivalent }) {
                groups[existing].members.append(index)
                entries[index].group = existing
            } else {
                entries[index].group = groups.count
                groups.append(AnswerGroup(answer: answer, members: [index]))
            }
        }
        if let scores {
            for g in groups.indices { groups[g].weight = groups[g].members.reduce(0) { $0 + scores[$1] } }
        }

        var chosen: Int?
        var support = 0.0
        let total = Double(max(candidates.count, 1))
        switch method {
        case .majority:
            if let best = groups.indices.max(by: { groups[$0].votes < groups[$1].votes || (groups[$0].votes == groups[$1].votes && $0 > $1) }) {
                chosen = groups[best].members.first
                support = Double(groups[best].votes) / total
            }
        case .verifier:
            if let scores, let best = scores.indices.max(by: { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }) {
                chosen = best
                support = scores[best]
            }
        case .weighted:
            let weightTotal = groups.reduce(0) { $0 + ($1.weight ?? 0) }
            if let best = groups.indices.max(by: { (groups[$0].weight ?? 0) < (groups[$1].weight ?? 0) || ((groups[$0].weight ?? 0) == (groups[$1].weight ?? 0) && $0 > $1) }) {
                chosen = groups[best].members.max { (scores?[$0] ?? 0) < (scores?[$1] ?? 0) }
                support = weightTotal > 0 ? (groups[best].weight ?? 0) / weightTotal : 0
            }
        case .verifierMajority:
            if let scores {
                let kept = Set(scores.indices.sorted { scores[$0] > scores[$1] }.prefix(max(1, (candidates.count + 1) / 2)))
                let counts = groups.indices.map { g in groups[g].members.filter(kept.contains).count }
                if let best = counts.indices.max(by: { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }), counts[best] > 0 {
                    chosen = groups[best].members.filter(kept.contains).max { scores[$0] < scores[$1] }
                    support = Double(counts[best]) / Double(kept.count)
                }
            }
        }
        let chosenAnswer = chosen.flatMap { entries[$0].answer }
        return Result(chosenIndex: chosen, chosenAnswer: chosenAnswer, support: support, groups: groups, candidates: entries,
                      chosenCorrect: chosen.flatMap { entries[$0].correct })
    }
}
