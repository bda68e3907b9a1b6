import Glibc
import Dispatch
import Kernels
import Synchronization

/// The loaded models and the one memory budget (`--memory-limit`) that covers weights and KV caches.
public final class Engine: Sendable {
    /// Weights and every KV cache of every model are reserved here before they are mapped or allocated.
    public let budget: MemoryBudget
    /// Bytes the budget allows; nil for no limit.
    public var memoryLimit: Int? { budget.limit }
    public let pool: WorkerPool
    /// How loaded models multiply activations with quantized weights.
    public let precision: ActivationPrecision
    private struct State {
        var models: [String: LoadedModel] = [:]
    }
    private let state = Mutex(State())

    /// The kernels' instruction sets: what runs (after MINOS_CPU / `--cpu`) and what the machine has.
    public static var kernelPath: (active: String, detected: String) {
        (CPUPath.active.description, CPUPath.detected.description)
    }

    public init(threads: Int, memoryLimit: Int?, precision: ActivationPrecision = .exact) {
        self.pool = WorkerPool(threads: threads)
        self.budget = MemoryBudget(limit: memoryLimit)
        self.precision = precision
    }

    /// Loads a GGUF model under `name` (default: the file's name without extension). The file's size
    /// is checked against the budget before it is mapped.
    public func load(path: String, name: String?, contextLength: Int?,
                     progress: @escaping @Sendable (String, Int) -> Void) async throws(EngineError) -> LoadedModel {
        let name = name ?? Self.defaultName(path)
        guard !name.isEmpty else { throw EngineError.invalidInput(field: "name", reason: "must not be empty") }
        let size = try Self.fileSize(path)
        try state.withLock { state throws(EngineError) in
            if state.models[name] != nil { throw EngineError.modelNameTaken(name) }
            try self.budget.reserve(size)
        }
        let pool = pool, precision = precision, budget = budget
        let result: Result<LoadedModel, EngineError> = await withCheckedContinuation { continuation in
            // A serial queue gets its own (overcommit) thread: loading never waits behind other blocking work.
            DispatchQueue(label: "minos.model.load").async {
                do throws(EngineError) {
                    continuation.resume(returning: .success(try LoadedModel(name: name, path: path, contextLength: contextLength,
                                                                            pool: pool, precision: precision, budget: budget,
                                                                            progress: progress)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        switch result {
        case .success(let model):
            let taken = state.withLock { state -> Bool in
                if state.models[name] != nil { return true }
                state.models[name] = model
                return false
            }
            if taken {
                budget.release(size)
                throw EngineError.modelNameTaken(name)
            }
            return model
        case .failure(let error):
            budget.release(size)
            throw error
        }
    }

    public func unload(_ name: String) throws(EngineError) {
        let model = state.withLock { $0.models.removeValue(forKey: name) }
        guard let model else { throw EngineError.modelNotLoaded(name) }
        budget.release(model.budgetBytes)
    }

    public func model(_ name: String) throws(EngineError) -> LoadedModel {
        guard let model = state.withLock({ $0.models[name] }) else { throw EngineError.modelNotLoaded(name) }
        return model
    }

    public var models: [LoadedModel] {
        state.withLock { Array($0.models.values) }.sorted { $0.name < $1.name }
    }

    public var reservedBytes: Int { budget.reservedBytes }

    static func defaultName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".gguf") ? String(file.dropLast(5)) : file
    }

    static func fileSize(_ path: String) throws(EngineError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw EngineError.invalidModelFile(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw EngineError.invalidModelFile(path: path, reason: "not a regular file")
        }
        return Int(info.st_size)
    }
}
