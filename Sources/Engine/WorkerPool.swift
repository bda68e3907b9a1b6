import Foundation
import Synchronization

/// A fixed set of threads that split loops between them. The calling thread takes a share too, so
/// a pool of size 1 runs everything inline. One `parallelFor` at a time: callers serialize on
/// `entry`. Matrix work runs here, not on Swift's cooperative threads, so a long forward pass never
/// starves the daemon's other requests.
///
/// Decoding issues a few hundred loops per token, so hand-off latency matters: a published loop is
/// announced through an atomic generation counter that idle workers spin on for a short while
/// before parking on `condition`; the caller spins on the pending count rather than sleeping.
public final class WorkerPool: @unchecked Sendable {
    public let size: Int
    /// Serializes callers: one loop is split at a time.
    private let entry = NSLock()
    /// Parked workers wait here; guards nothing but the sleep itself.
    private let condition = NSCondition()
    /// Bumped (releasing) after `job` and `chunks` are written; workers read them after seeing it.
    private let generation = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let pendingWorkers = Atomic<Int>(0)
    private let parked = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// Written by the caller before bumping `generation`; read by workers after observing it.
    private nonisolated(unsafe) var job: (@Sendable (Int) -> Void)?
    private nonisolated(unsafe) var chunks = 0
    private var threads: [Thread] = []

    /// How long an idle worker spins before parking.
    private static let spinIterations = 20_000

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
        stopping.store(true, ordering: .releasing)
        wakeParked()
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
        job = body
        chunks = count
        nextChunk.store(0, ordering: .relaxed)
        pendingWorkers.store(size - 1, ordering: .relaxed)
        // Sequentially consistent with the parking worker's increment-then-check, so either it sees
        // the new generation or this sees it parked.
        generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if parked.load(ordering: .sequentiallyConsistent) > 0 { wakeParked() }

        runChunks(body, count)

        var spins = 0
        while pendingWorkers.load(ordering: .acquiring) > 0 {
            spins += 1
            if spins > 1_000 { sched_yield() }
        }
        job = nil
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

    private func wakeParked() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    private func workerLoop() {
        var seen = 0
        while !stopping.load(ordering: .acquiring) {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen && spins < Self.spinIterations {
                spins += 1
            }
            if generation.load(ordering: .acquiring) == seen {
                condition.lock()
                parked.wrappingAdd(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen && !stopping.load(ordering: .acquiring) {
                    condition.wait(until: Date(timeIntervalSinceNow: 0.05))
                }
                parked.wrappingSubtract(1, ordering: .releasing)
                condition.unlock()
                if stopping.load(ordering: .acquiring) { return }
            }
            seen = generation.load(ordering: .acquiring)
            if let body = job {
                runChunks(body, chunks)
            }
            pendingWorkers.wrappingSubtract(1, ordering: .releasing)
        }
    }
}
