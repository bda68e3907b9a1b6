/// How untrusted verification functions are run.
public struct SandboxConfiguration: Sendable {
    /// The Python interpreter; nil finds `python3` on PATH once, at first use.
    public var pythonPath: String?
    /// How many worker processes run at once.
    public var workers: Int
    /// Wall-clock limit for one call of `evaluate(response)`.
    public var callTimeout: Duration
    /// Address-space limit per worker (RLIMIT_AS).
    public var memoryBytes: Int
    /// Largest file a worker may write (RLIMIT_FSIZE).
    public var fileSizeBytes: Int
    /// Most descriptors a worker may hold open (RLIMIT_NOFILE).
    public var openFiles: Int

    public init(pythonPath: String? = nil, workers: Int = 2, callTimeout: Duration = .seconds(5),
                memoryBytes: Int = 512 << 20, fileSizeBytes: Int = 16 << 20, openFiles: Int = 64) {
        self.pythonPath = pythonPath
        self.workers = max(1, workers)
        self.callTimeout = callTimeout
        self.memoryBytes = memoryBytes
        self.fileSizeBytes = fileSizeBytes
        self.openFiles = openFiles
    }
}

/// Why the sandbox could not run a function at all (as opposed to the function failing).
public struct SandboxError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How a worker process is confined, as it reported at start-up.
public struct SandboxIsolation: Sendable, Equatable {
    /// A fresh network namespace (no interfaces but a down loopback).
    public var networkNamespace: Bool
    /// The seccomp filter: no fork, exec, sockets, ptrace, or signals to other processes.
    public var seccomp: Bool
    /// Landlock: files outside the working directory (but the standard library, read-only) cannot be opened.
    public var landlock: Bool
    public var python: String
}

/// One call's outcome: the function's boolean verdict, or why there is none.
public enum CallOutcome: Sendable, Equatable {
    case value(Bool)
    /// The function raised, returned a non-bool, or broke a sandbox rule (message says which).
    case error(String)
    /// The call ran past its time limit; the worker was killed and replaced.
    case timeout
    /// The worker died during the call (killed itself, crashed, ran out of memory or CPU).
    case crashed(String)

    public var passed: Bool { self == .value(true) }

    /// A short human explanation when this is not a value.
    public var failureReason: String? {
        switch self {
        case .value: return nil
        case .error(let message): return message
        case .timeout: return "timed out"
        case .crashed(let why): return "worker died: \(why)"
        }
    }
}

/// Running one function over many inputs.
public enum FunctionRun: Sendable, Equatable {
    /// The source did not compile or defines no `evaluate`.
    case compileError(String)
    /// One outcome per input, in order.
    case outcomes([CallOutcome])
}
