/// Runs `operation`, failing with `timedOut` ("\(what) took longer than …") when it has not
/// finished after `seconds`; it is then cancelled and awaited. Cancelling the calling task cancels
/// `operation` too, and the caller gets its cancellation error.
func withDeadline<T: Sendable>(seconds: Double, what: String,
                               _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil  // the deadline came first
        }
        guard let first = try await group.next() else { preconditionFailure("the group has two tasks") }
        group.cancelAll()
        guard let value = first else {
            throw BackendError(.timedOut, "\(what) took longer than the timeout of \(seconds) s")
        }
        return value
    }
}
