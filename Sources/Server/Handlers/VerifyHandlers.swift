import Features
import JSONRPC
import MinosProtocol

/// Rule-based answer checking: `verify/answer` and `verify/answerBatch`.
extension MinosServer {
    func registerVerifyHandlers() {
        connection.register(VerifyAnswer.self) { params, _ in
            try Self.verdict(params, defaultKind: .auto, path: "params")
        }

        connection.register(VerifyAnswerBatch.self) { params, context in
            let kind = params.kind ?? .auto
            // Validate every pair before checking any.
            for (index, pair) in params.pairs.enumerated() where (pair.solution == nil) == (pair.answer == nil) {
                throw RPCError.invalidParams("give exactly one of solution and answer", path: "params.pairs[\(index)]")
            }
            let verdicts = try await parallelMap(params.pairs, minimum: 64) { index, pair in
                try Self.verdict(pair, defaultKind: kind, path: "params.pairs[\(index)]")
            }
            context.reportProgress(message: "\(verdicts.count) pairs checked", percentage: 100)
            let accuracy = verdicts.isEmpty ? nil : Double(verdicts.filter(\.equivalent).count) / Double(verdicts.count)
            return VerifyAnswerBatch.Result(verdicts: verdicts, accuracy: accuracy)
        }
    }

    static func verdict(_ pair: VerifyWire.Pair, defaultKind: VerifyWire.Kind, path: String) throws -> VerifyWire.Verdict {
        let kind = AnswerKind(rawValue: (pair.kind ?? defaultKind).rawValue) ?? .auto
        switch (pair.solution, pair.answer) {
        case (let solution?, nil):
            let verdict = AnswerChecker.check(solution: solution, reference: pair.reference, kind: kind)
            return wire(verdict, extraction: AnswerChecker.extract(from: solution)?.method)
        case (nil, let answer?):
            return wire(AnswerChecker.check(answer: answer, reference: pair.reference, kind: kind), extraction: nil)
        default:
            throw RPCError.invalidParams("give exactly one of solution and answer", path: path)
        }
    }

    static func wire(_ v: AnswerVerdict, extraction: String?) -> VerifyWire.Verdict {
        VerifyWire.Verdict(equivalent: v.equivalent, extracted: v.extracted, extraction: extraction,
                           normalizedAnswer: v.normalizedAnswer, normalizedReference: v.normalizedReference, reason: v.reason)
    }
}
