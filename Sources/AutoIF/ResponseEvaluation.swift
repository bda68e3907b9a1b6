import Sandbox

/// Execution feedback: how many verification functions each response passes (AutoIF's rejection
/// sampling and DPO pair construction).
public enum ResponseEvaluation {
    public struct Result: Sendable, Equatable {
        /// Fraction of the runnable functions the response passes (0 when none could run).
        public var passRate: Double
        public var passed: Int
        public var total: Int
        /// Each runnable function's outcome on this response, in function order.
        public var outcomes: [CallOutcome]

        public init(passRate: Double, passed: Int, total: Int, outcomes: [CallOutcome]) {
            self.passRate = passRate
            self.passed = passed
            self.total = total
            self.outcomes = outcomes
        }
    }

    public struct Evaluation: Sendable, Equatable {
        public var results: [Result]
        /// Functions left out because they do not compile: (position in the input list, reason).
        public var skipped: [(Int, String)]

        public static func == (a: Evaluation, b: Evaluation) -> Bool {
            a.results == b.results && a.skipped.map(\.0) == b.skipped.map(\.0) && a.skipped.map(\.1) == b.skipped.map(\.1)
        }
    }

    public struct Pair: Sendable, Equatable {
        public var chosen: Int
        public var rejected: Int
    }

    /// Runs every function on every response. A function that raises, times out or kills its
    /// worker on a response counts as not passed for that response.
    public static func evaluate(functions: [String], responses: [String], timeout: Duration?,
                                runner: some FunctionRunner,
                                progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) async throws -> Evaluation {
        let runs = try await runner.runAll(functions, inputs: responses, timeout: timeout, progress: progress)
        var skipped: [(Int, String)] = []
        var columns: [[CallOutcome]] = []
        for (index, run) in runs.enumerated() {
            switch run {
            case .compileError(let message): skipped.append((index, "does not compile: \(message)"))
            case .outcomes(let outcomes): columns.append(outcomes)
            }
        }
        let results = responses.indices.map { row in
            let outcomes = columns.map { $0[row] }
            let passed = outcomes.filter(\.passed).count
            return Result(passRate: outcomes.isEmpty ? 0 : Double(passed) / Double(outcomes.count),
                          passed: passed, total: outcomes.count, outcomes: outcomes)
        }
        return Evaluation(results: results, skipped: skipped)
    }

    /// AutoIF's rejection-sampling rule: keep responses whose pass rate is above `threshold`.
    public static func kept(_ results: [Result], threshold: Double) -> [Int] {
        results.indices.filter { results[$0].passRate > threshold }
    }

    /// DPO pairs: every response passing at least half the functions (chosen) with every response
    /// passing none (rejected), at most `limit` pairs, chosen in order of decreasing pass rate.
    public static func pairs(_ results: [Result], limit: Int) -> [Pair] {
        let chosen = results.indices.filter { results[$0].passRate >= 0.5 && results[$0].total > 0 }
            .sorted { results[$0].passRate > results[$1].passRate }
        let rejected = results.indices.filter { results[$0].passRate == 0 && results[$0].total > 0 }
        var pairs: [Pair] = []
        outer: for c in chosen {
            for r in rejected {
                if pairs.count >= limit { break outer }
                pairs.append(Pair(chosen: c, rejected: r))
            }
        }
        return pairs
    }
}
