import Synchronization

/// The one memory budget (`--memory-limit`) covering mapped weights and KV caches. The engine
/// reserves through it before anything is mapped or allocated: a model's file at load, every KV
/// cache inside `LoadedModel.makeCache`. A cache holds its `MemoryReservation`, so the bytes come
/// back when the cache is freed, on every path (a reply, an error, a cancellation).
public final class MemoryBudget: Sendable {
    /// Bytes the budget allows; nil for no limit.
    public let limit: Int?
    private let reserved = Mutex(0)

    public init(limit: Int?) {
        self.limit = limit
    }

    /// Bytes reserved now.
    public var reservedBytes: Int { reserved.withLock { $0 } }

    /// What the engine can let go of when a reservation does not fit (reusable prefixes, idle
    /// sessions): how many bytes that could free at most, and a way to free one more thing (false
    /// when nothing is left).
    struct Reclaimer: Sendable {
        let reclaimable: @Sendable () -> Int
        let reclaimOne: @Sendable () -> Bool
    }

    private let reclaimer = Mutex<Reclaimer?>(nil)

    func setReclaimer(_ reclaimer: Reclaimer) {
        self.reclaimer.withLock { $0 = reclaimer }
    }

    /// Reserves `bytes` or throws `memoryBudget` without reserving anything. When they do not fit
    /// but could once reusable prefixes and idle sessions are let go, those go, least recently used
    /// first, until they fit; when even that could not make room, nothing is let go.
    func reserve(_ bytes: Int) throws(EngineError) {
        let reclaimer = self.reclaimer.withLock { $0 }
        var checkedReclaimable = false
        while true {
            let fits = reserved.withLock { reserved -> Bool in
                guard let limit, reserved + bytes > limit else {
                    reserved += bytes
                    return true
                }
                return false
            }
            if fits { return }
            if !checkedReclaimable, let reclaimer {
                checkedReclaimable = true
                if reservedBytes - reclaimer.reclaimable() + bytes > (limit ?? 0) { throw shortage(bytes) }
            }
            guard let reclaimer, reclaimer.reclaimOne() else { throw shortage(bytes) }
        }
    }

    private func shortage(_ bytes: Int) -> EngineError {
        let limit = limit ?? 0
        return EngineError.memoryBudget(needed: bytes, available: max(0, limit - reservedBytes), limit: limit)
    }

    func release(_ bytes: Int) {
        reserved.withLock { $0 = max(0, $0 - bytes) }
    }

    /// Reserves `bytes` and returns the reservation, which gives them back when it is freed. Feature
    /// code that holds large working buffers (data selection's embedding matrix) reserves here too.
    public func reservation(_ bytes: Int) throws(EngineError) -> MemoryReservation {
        try reserve(bytes)
        return MemoryReservation(bytes: bytes, budget: self)
    }
}

/// Bytes held against a `MemoryBudget` for as long as this object lives.
public final class MemoryReservation: Sendable {
    public let bytes: Int
    private let budget: MemoryBudget

    init(bytes: Int, budget: MemoryBudget) {
        self.bytes = bytes
        self.budget = budget
    }

    deinit { budget.release(bytes) }
}
