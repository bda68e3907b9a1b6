/// AutoIF's cross-validation of verification functions against test cases.
///
/// Functions that fail to compile, or fail to run on any case, are dropped; functions and cases are
/// de-duplicated; a case is kept when at least one remaining function agrees with it; each function
/// is scored by its accuracy on the kept cases and kept at or above `minAccuracy`; the instruction is
/// accepted only if at least `minFunctions` functions and `minCases` cases survive.
public enum CrossValidation {
    public struct Policy: Sendable, Equatable {
        public var minAccuracy: Double
        public var minFunctions: Int
        public var minCases: Int
        public var timeout: Duration?

        public init(minAccuracy: Double = 0.8, minFunctions: Int = 1, minCases: Int = 1, timeout: Duration? = nil) {
            self.minAccuracy = minAccuracy
            self.minFunctions = minFunctions
            self.minCases = minCases
            self.timeout = timeout
        }
    }

    public struct FunctionReport: Sendable, Equatable {
        public var source: String
        public var kept: Bool
        /// Accuracy on the kept cases; nil when the function did not compile or run.
        public var accuracy: Double?
        /// Why it was dropped; nil when kept.
        public var reason: String?
    }

    public struct CaseReport: Sendable, Equatable {
        public var input: String
        public var output: Bool
        public var kept: Bool
        /// How many runnable functions agree with the case's label.
        public var agreeing: Int
    }

    public struct Report: Sendable, Equatable {
        public var functions: [FunctionReport]
        public var cases: [CaseReport]
        public var accepted: Bool
        /// Why the instruction was refused (empty when accepted).
        public var reasons: [String]
        public var keptFunctions: Int { functions.filter(\.kept).count }
        public var keptCases: Int { cases.filter(\.kept).count }
    }

    public static func run(functions: [String], cases: [VerificationCase], policy: Policy,
                           runner: some FunctionRunner) async throws -> Report {
        let sources = unique(functions.map { $0.trimmingTrailingWhitespace() }.filter { !$0.isEmpty })
        let uniqueCases = unique(cases)
        let inputs = uniqueCases.map(\.input)

        // Run every function over every case input, several functions at once.
        let runs = try await runner.runAll(sources, inputs: inputs, timeout: policy.timeout)

        // Functions that do not compile, or fail on any case, are out before voting.
        var verdicts: [[Bool]?] = []
        var reports: [FunctionReport] = []
        for (source, run) in zip(sources, runs) {
            switch run {
            case .compileError(let message):
                verdicts.append(nil)
                reports.append(FunctionReport(source: source, kept: false, accuracy: nil, reason: "does not compile: \(message)"))
            case .outcomes(let outcomes):
                if let failing = outcomes.firstIndex(where: { $0.failureReason != nil }) {
                    verdicts.append(nil)
                    reports.append(FunctionReport(source: source, kept: false, accuracy: nil,
                                                  reason: "fails on case \(failing): \(outcomes[failing].failureReason!)"))
                } else {
                    verdicts.append(outcomes.map { $0 == .value(true) })
                    reports.append(FunctionReport(source: source, kept: false, accuracy: nil, reason: nil))
                }
            }
        }

        let caseReports = uniqueCases.enumerated().map { index, testCase in
            let agreeing = verdicts.compactMap { $0 }.filter { $0[index] == testCase.output }.count
            return CaseReport(input: testCase.input, output: testCase.output, kept: agreeing > 0, agreeing: agreeing)
        }
        let keptCaseIndices = caseReports.indices.filter { caseReports[$0].kept }

        for index in reports.indices {
            guard let verdict = verdicts[index] else { continue }
            let correct = keptCaseIndices.filter { verdict[$0] == uniqueCases[$0].output }.count
            let accuracy = keptCaseIndices.isEmpty ? 0 : Double(correct) / Double(keptCaseIndices.count)
            reports[index].accuracy = accuracy
            if accuracy >= policy.minAccuracy {
                reports[index].kept = true
            } else {
                reports[index].reason = "accuracy \(formatted(accuracy)) is below \(formatted(policy.minAccuracy))"
            }
        }

        var report = Report(functions: reports, cases: caseReports, accepted: true, reasons: [])
        if report.keptFunctions < policy.minFunctions {
            report.reasons.append("\(report.keptFunctions) of \(sources.count) functions survived; at least \(policy.minFunctions) needed")
        }
        if report.keptCases < policy.minCases {
            report.reasons.append("\(report.keptCases) of \(uniqueCases.count) cases survived; at least \(policy.minCases) needed")
        }
        report.accepted = report.reasons.isEmpty
        return report
    }

    private static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }

    private static func formatted(_ value: Double) -> String {
        let percent = (value * 1000).rounded() / 10
        return "\(percent)%"
    }
}

extension String {
    fileprivate func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        while let first = s.first, first.isNewline { s = s.dropFirst() }
        return String(s)
    }
}
