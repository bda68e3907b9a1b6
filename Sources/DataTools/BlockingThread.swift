import Foundation
import Synchronization

/// Long blocking work (a model merge, k-center over 100k vectors) run on a thread of its own, so it
/// never holds a thread of Swift's cooperative pool that request tasks need.
package enum BlockingThread {
    /// Runs `body` on a new thread and waits for it. Cancelling the calling task sets the flag that
    /// `body` is given to poll.
    package static func run<T: Sendable, Failure: Error>(
        name: String, _ body: @escaping @Sendable (_ cancelled: @escaping @Sendable () -> Bool) throws(Failure) -> T
    ) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let thread = Thread {
                    do throws(Failure) {
                        continuation.resume(returning: try body { flag.isSet })
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = name
                thread.start()
            }
        } onCancel: {
            flag.set()
        }
    }
}

/// Set once by a task's cancellation handler, read by the thread doing the work.
private final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
