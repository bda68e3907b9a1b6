/// Runs one verification function over many inputs. `SandboxPool` is the real one; tests use fakes.
public protocol FunctionRunner: Sendable {
    func run(source: String, inputs: [String], timeout: Duration?) async throws -> FunctionRun
}

extension SandboxPool: FunctionRunner {}

/// One labelled test case: `evaluate(input)` should return `output`.
public struct VerificationCase: Sendable, Hashable, Codable {
    public var input: String
    public var output: Bool

    public init(input: String, output: Bool) {
        self.input = input
        self.output = output
    }
}
