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

    /// Reserves `bytes` or throws `memoryBudget` without reserving anything.
    func reserve(_ bytes: Int) throws(EngineError) {
        try reserved.withLock { reserved throws(EngineError) in
            if let limit, reserved + bytes > limit {
                throw EngineError.memoryBudget(needed: bytes, available: max(0, limit - reserved), limit: limit)
            }
            reserved += bytes
        }
    }

    func release(_ bytes: Int) {
        reserved.withLock { $0 = max(0, $0 - bytes) }
    }

    /// Reserves `bytes` and returns the reservation, which gives them back when it is freed.
    func reservation(_ bytes: Int) throws(EngineError) -> MemoryReservation {
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
