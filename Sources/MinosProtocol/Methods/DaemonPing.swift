import JSON
import JSONRPC

/// `daemon/ping`: the cheapest round trip; returns `echo` unchanged. Used by `minos-bench rpc`
/// and by clients checking the daemon is alive.
public enum DaemonPing: RPCMethod, DocumentedMethod {
    public static let name = "daemon/ping"
    public static let summary = "Returns its `echo` param unchanged (liveness and latency checks)."

    public struct Params: Codable, Sendable {
        public var echo: JSONValue?
    }

    public struct Result: Codable, Sendable {
        public var echo: JSONValue?
        public init(echo: JSONValue?) { self.echo = echo }
    }

    public static let params = [ParamDoc("echo", "Any JSON value to send back.", Schema.any)]
    public static let resultSchema: JSONValue? = Schema.object(["echo": Schema.any])
}
