import Foundation
import Synchronization

/// A fixed set of threads that split loops between them. The calling thread takes a share too, so
/// a pool of size 1 runs everything inline. One `parallelFor` at a time: callers serialize on
/// `entry`. Matrix work runs here, not on Swift's cooperative threads, so a long forward pass never
/// starves the daemon's other requests.
public final class WorkerPool: @unchecked Sendable {
    public let size: Int
    /// Serializes callers: one loop is split at a time.
    private let entry = NSLock()
    /// Guards `generation`, `job`, `pendingWorkers` and `stopping`.
    private let condition = NSCondition()
    private var generation = 0
    private var job: (@Sendable (Int) -> Void)?
    private var chunks = 0
    /// The next chunk index to hand out; reset before each loop is published.
    private let nextChunk = Atomic<Int>(0)
    private var pendingWorkers = 0
    private var stopping = false
    private var threads: [Thread] = []

    public init(threads count: Int) {
        size = max(1, count)
        for index in 1..<size {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.name = "minos-worker-\(index)"
            thread.stackSize = 1 << 20
            self.threads.append(thread)
            thread.start()
        }
    }

    deinit {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `body(i)` for every i in 0..<count, spread over the pool; returns when all are done.
    public func parallelFor(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        guard size > 1, count > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        entry.lock()
        defer { entry.unlock() }
        condition.lock()
        job = body
        chunks = count
        nextChunk.store(0, ordering: .relaxed)
        pendingWorkers = size - 1
        generation += 1
        condition.broadcast()
        condition.unlock()

        runChunks(body, count)

        condition.lock()
        while pendingWorkers > 0 { condition.wait() }
        job = nil
        condition.unlock()
    }

    /// Splits `0..<total` into about one range per thread (never smaller than `minimum`) and runs them.
    public func parallelRanges(_ total: Int, minimum: Int = 1, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        let pieces = max(1, min(size, total / max(1, minimum)))
        let step = (total + pieces - 1) / pieces
        parallelFor(pieces) { piece in
            let start = piece * step
            let end = min(total, start + step)
            if start < end { body(start..<end) }
        }
    }

    private func runChunks(_ body: (Int) -> Void, _ count: Int) {
        while true {
            let index = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
            if index >= count { return }
            body(index)
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            condition.lock()
            while generation == seen && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            seen = generation
            let body = job!
            let count = chunks
            condition.unlock()

            runChunks(body, count)

            condition.lock()
            pendingWorkers -= 1
            if pendingWorkers == 0 { condition.broadcast() }
            condition.unlock()
        }
    }
}
