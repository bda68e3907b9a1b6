import JSON
import JSONRPC

/// `daemon/sleep`: waits, reporting work-done progress, and honours cancellation. A diagnostic for
/// clients to exercise concurrency, `$/cancelRequest` and `$/progress` without loading a model.
public enum DaemonSleep: RPCMethod, DocumentedMethod {
    public static let name = "daemon/sleep"
    public static let summary = "Sleeps for `milliseconds`, reporting progress; cancellable (diagnostic)."
    public static let maximumMilliseconds = 600_000

    public struct Params: Codable, Sendable {
        public var milliseconds: Int
        /// How many progress reports to send between begin and end.
        public var steps: Int
    }

    public struct Result: Codable, Sendable {
        public var sleptMilliseconds: Int
        public init(sleptMilliseconds: Int) { self.sleptMilliseconds = sleptMilliseconds }
    }

    public static let params = [
        ParamDoc("milliseconds", "How long to sleep.", Schema.integer(minimum: 0, maximum: Int64(maximumMilliseconds)), required: true),
        ParamDoc("steps", "Progress reports between begin and end.", Schema.integer(minimum: 1, maximum: 1000), default: 4),
        Schema.workDoneToken,
    ]
    public static let resultSchema: JSONValue? = Schema.object(["sleptMilliseconds": Schema.integer], required: ["sleptMilliseconds"])
}
