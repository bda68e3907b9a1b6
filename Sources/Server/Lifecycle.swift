import JSONRPC
import MinosProtocol
import Synchronization

/// The LSP-style lifecycle: uninitialized → running → shut down. Decides which messages may be
/// handled in each phase, and whether the session speaks MCP.
final class Lifecycle: Sendable {
    enum Phase: Sendable {
        case uninitialized
        case running
        case shutDown
    }

    private let phase: Mutex<Phase>
    /// Whether this session is in MCP mode: from `--mcp`, or set by an MCP-shaped `initialize`.
    private let mcp: Mutex<Bool>

    init(noHandshake: Bool, mcp: Bool = false) {
        phase = Mutex(noHandshake ? .running : .uninitialized)
        self.mcp = Mutex(mcp)
    }

    var isMCP: Bool { mcp.withLock { $0 } }

    var current: Phase { phase.withLock { $0 } }

    /// The connection's gate: nil to handle the message, else the error to reply with.
    func admit(method: String, isRequest: Bool) -> RPCError? {
        let phase = current
        if method == Exit.name { return nil }
        if MCP.methods.contains(method), !isMCP {
            return RPCError(.methodNotFound, "method not found: \(method) (an MCP method: served after an MCP initialize or with --mcp)")
        }
        switch phase {
        case .uninitialized:
            if method == Initialize.name { return nil }
            return RPCError(.serverNotInitialized, "server not initialized: send initialize first (or start minosd with --no-handshake)")
        case .running:
            return nil
        case .shutDown:
            return RPCError(.invalidRequest, "server is shutting down: only the exit notification is accepted")
        }
    }

    /// Moves to running, in MCP mode when `mcp` (or `--mcp`); false if `initialize` was already
    /// handled. Returns whether the session is in MCP mode.
    func initialize(mcp requested: Bool) -> (accepted: Bool, mcp: Bool) {
        let accepted = phase.withLock { phase in
            guard case .uninitialized = phase else { return false }
            phase = .running
            return true
        }
        guard accepted else { return (false, isMCP) }
        let mcp = self.mcp.withLock { mcp in
            mcp = mcp || requested
            return mcp
        }
        return (true, mcp)
    }

    func shutDown() {
        phase.withLock { $0 = .shutDown }
    }

    var hasShutDown: Bool {
        if case .shutDown = current { return true }
        return false
    }
}
