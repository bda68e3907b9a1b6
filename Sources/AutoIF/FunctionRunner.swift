import Sandbox

/// Runs one verification function over many inputs. `SandboxPool` is the real one; tests use fakes.
public protocol FunctionRunner: Sendable {
    func run(source: String, inputs: [String], timeout: Duration?) async throws -> FunctionRun
}

extension SandboxPool: FunctionRunner {}

extension FunctionRunner {
    /// Runs every function over `inputs`, several at once, returning the runs in function order and
    /// calling `progress(done, total)` as each finishes.
    func runAll(_ functions: [String], inputs: [String], timeout: Duration?,
                progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> [FunctionRun] {
        try await withThrowingTaskGroup(of: (Int, FunctionRun).self) { group in
            for (index, source) in functions.enumerated() {
                group.addTask { (index, try await self.run(source: source, inputs: inputs, timeout: timeout)) }
            }
            var runs = [FunctionRun?](repeating: nil, count: functions.count)
            var done = 0
            for try await (index, run) in group {
                runs[index] = run
                done += 1
                progress?(done, functions.count)
            }
            return runs.map { $0! }
        }
    }
}

/// One labelled test case: `evaluate(input)` should return `output`.
public struct VerificationCase: Sendable, Hashable, Codable {
    public var input: String
    public var output: Bool

    public init(input: String, output: Bool) {
        self.input = input
        self.output = output
    }
}
