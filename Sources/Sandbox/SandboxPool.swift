import Dispatch
import Foundation
import JSON
import Synchronization

/// Runs untrusted verification functions in reusable sandboxed Python workers.
///
/// At most `configuration.workers` processes exist. A caller borrows one, runs a function over its
/// inputs on a dedicated dispatch queue (the I/O blocks, so it stays off Swift's cooperative
/// threads), and returns it; a worker that timed out, died or was cancelled mid-call is killed and
/// replaced, and the remaining inputs continue in a fresh one.
public actor SandboxPool {
    public let configuration: SandboxConfiguration
    private var python: String?
    private var idle: [SandboxWorker] = []
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    public private(set) var isolation: SandboxIsolation?

    public init(configuration: SandboxConfiguration = .init()) {
        self.configuration = configuration
        // A worker can die between calls; writing to it must fail with EPIPE (handled as a dead
        // worker), not kill the host process with SIGPIPE. minosd ignores SIGPIPE anyway; an
        // embedding program may not have.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Runs `source`'s `evaluate` on every input. `timeout` overrides the configured per-call limit.
    public func run(source: String, inputs: [String], timeout: Duration? = nil) async throws -> FunctionRun {
        let python = try resolvePython()
        await acquireSlot()
        defer { releaseSlot() }
        var worker = idle.popLast()
        let limit = timeout ?? configuration.callTimeout
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        let key = Self.key(for: source)
        var outcomes: [CallOutcome] = []
        let cancelled = CancellationFlag()

        while outcomes.count < inputs.count || (inputs.isEmpty && outcomes.isEmpty && worker == nil) {
            try Task.checkCancellation()
            let current: SandboxWorker
            if let worker { current = worker } else { current = try await spawn(python) }
            worker = nil
            let remaining = Array(inputs[outcomes.count...])
            let step = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<WorkerStep, Never>) in
                    Self.blockingQueue().async {
                        continuation.resume(returning: Self.runBlocking(current, key: key, source: source,
                                                                        inputs: remaining, timeout: seconds,
                                                                        cancelled: cancelled))
                    }
                }
            } onCancel: {
                cancelled.set()
            }
            switch step {
            case .compileError(let message):
                idle.append(current)
                return .compileError(message)
            case .finished(let results):
                outcomes += results
                idle.append(current)
                if inputs.isEmpty { return .outcomes([]) }
            case .deadBeforeStart:
                // An idle worker died (killed from outside); nothing ran, so retry on a fresh one.
                current.terminate()
            case .interrupted(let results, let failure):
                current.terminate()
                outcomes += results
                if let failure { outcomes.append(failure) }
                try Task.checkCancellation()
            }
        }
        return .outcomes(outcomes)
    }

    /// A queue for one blocking call. Serial queues run on libdispatch's overcommit threads, so a
    /// call blocked for seconds never takes a thread from the width-limited global pool that the rest
    /// of the process (Foundation's process monitoring, model loading) depends on.
    private static func blockingQueue() -> DispatchQueue {
        DispatchQueue(label: "minos.sandbox.call")
    }

    /// Kills every idle worker (e.g. at shutdown).
    public func shutdown() {
        idle.forEach { $0.terminate() }
        idle.removeAll()
    }

    // MARK: Internals

    private enum WorkerStep: Sendable {
        case compileError(String)
        case finished([CallOutcome])
        /// The worker must be discarded: `failure` is the outcome of the input that was running
        /// (nil when cancelled).
        case interrupted([CallOutcome], CallOutcome?)
        /// The worker could not take the request at all (it had died while idle).
        case deadBeforeStart
    }

    private static func runBlocking(_ worker: SandboxWorker, key: String, source: String, inputs: [String],
                                    timeout: Double, cancelled: CancellationFlag) -> WorkerStep {
        worker.limitCPU(toAdditional: timeout * Double(max(1, inputs.count)))
        let request: JSONValue = ["key": .string(key), "source": .string(source),
                                  "inputs": .array(inputs.map(JSONValue.string))]
        guard worker.send(request) else { return .deadBeforeStart }
        var results: [CallOutcome] = []
        while true {
            switch worker.nextEvent(deadline: monotonicNow() + timeout, isCancelled: { cancelled.isSet }) {
            case .line(let line):
                if let message = line["compileError"]?.stringValue { return .compileError(message) }
                if line["done"] == true { return .finished(results) }
                if let value = line["value"]?.boolValue {
                    results.append(.value(value))
                } else {
                    results.append(.error(line["error"]?.stringValue ?? "unknown error"))
                }
            case .timedOut:
                return .interrupted(results, .timeout)
            case .cancelled:
                return .interrupted(results, nil)
            case .died(let why):
                return .interrupted(results, .crashed(why))
            }
        }
    }

    private func spawn(_ python: String) async throws -> SandboxWorker {
        let configuration = configuration
        let result: Result<SandboxWorker, SandboxError> = await withCheckedContinuation { continuation in
            Self.blockingQueue().async {
                do throws(SandboxError) {
                    continuation.resume(returning: .success(try SandboxWorker(python: python, configuration: configuration)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        let worker = try result.get()
        isolation = worker.isolation
        return worker
    }

    private func acquireSlot() async {
        if running < configuration.workers {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func releaseSlot() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()  // the slot passes straight to the next caller
        }
    }

    private func resolvePython() throws -> String {
        if let python { return python }
        if let configured = configuration.pythonPath {
            python = configured
            return configured
        }
        // Find python3 on PATH and ask it for its real executable: a version-manager shim would not
        // work in the worker's scrubbed environment.
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-I", "-c", "import sys; print(sys.executable)"]
        let output = Pipe()
        probe.standardOutput = output
        probe.standardError = FileHandle.nullDevice
        do {
            try probe.run()
        } catch {
            throw SandboxError("python3 not found: verification functions need a Python 3 interpreter (\(error))")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        probe.waitUntilExit()
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard probe.terminationStatus == 0, path.hasPrefix("/") else {
            throw SandboxError("python3 not found on PATH: verification functions need a Python 3 interpreter")
        }
        python = path
        return path
    }

    /// A stable cache key for a function's source, so a worker compiles each function once.
    static func key(for source: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in source.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return String(hash, radix: 16) + ":" + String(source.utf8.count)
    }
}

/// A flag set from a cancellation handler and polled by blocking code.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
