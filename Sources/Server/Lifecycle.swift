import JSONRPC
import MinosProtocol
import Synchronization

/// The LSP-style lifecycle: uninitialized → running → shut down. Decides which messages may be
/// handled in each phase.
final class Lifecycle: Sendable {
    enum Phase: Sendable {
        case uninitialized
        case running
        case shutDown
    }

    private let phase: Mutex<Phase>

    init(noHandshake: Bool) {
        phase = Mutex(noHandshake ? .running : .uninitialized)
    }

    var current: Phase { phase.withLock { $0 } }

    /// The connection's gate: nil to handle the message, else the error to reply with.
    func admit(method: String, isRequest: Bool) -> RPCError? {
        let phase = current
        if method == Exit.name { return nil }
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

    /// Moves to running; false if `initialize` was already handled.
    func initialize() -> Bool {
        phase.withLock { phase in
            guard case .uninitialized = phase else { return false }
            phase = .running
            return true
        }
    }

    func shutDown() {
        phase.withLock { $0 = .shutDown }
    }

    var hasShutDown: Bool {
        if case .shutDown = current { return true }
        return false
    }
}
