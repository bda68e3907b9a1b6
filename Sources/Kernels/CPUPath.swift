internal import CKernels

/// Which instruction sets the kernels use: detected at run time (CPUID, and XGETBV for what the OS
/// saves), optionally narrowed with MINOS_CPU (`scalar`, `avx2`, `avx512`, `native`; minosd's
/// `--cpu` sets it) so the fallbacks can be forced and tested on any machine.
public enum CPUPath: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The scalar Swift references.
    case scalar
    /// AVX2 + FMA + F16C.
    case avx2
    /// AVX-512 F/DQ/BW/VL, with VNNI and BF16 where present (and AVX-VNNI).
    case avx512
    /// Everything the machine has (the default).
    case native

    public var description: String { rawValue }

    /// Named features as bits (the C side's CK_FEATURE_*).
    public struct Features: OptionSet, Sendable, CustomStringConvertible {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let avx2 = Features(rawValue: 1)
        public static let avx512 = Features(rawValue: 2)
        public static let avx512VNNI = Features(rawValue: 4)
        public static let avx512BF16 = Features(rawValue: 8)
        public static let avxVNNI = Features(rawValue: 16)

        static let names: [(Features, String)] = [
            (.avx2, "avx2"), (.avx512, "avx512"), (.avx512VNNI, "avx512vnni"),
            (.avx512BF16, "avx512bf16"), (.avxVNNI, "avxvnni"),
        ]

        /// "avx2+avx512+avx512vnni", or "scalar" when empty.
        public var description: String {
            let list = Self.names.filter { contains($0.0) }.map(\.1)
            return list.isEmpty ? "scalar" : list.joined(separator: "+")
        }
    }

    /// What this CPU and OS support.
    public static var detected: Features { Features(rawValue: ck_cpu_features()) }

    /// What the kernels use now (after MINOS_CPU's limit; empty on the scalar tier).
    public static var active: Features {
        FastDot.tier == .scalar ? [] : Features(rawValue: ck_cpu_active())
    }

    /// The features a path allows.
    var mask: Features {
        switch self {
        case .scalar: return []
        case .avx2: return [.avx2]
        case .avx512: return [.avx2, .avx512, .avx512VNNI, .avx512BF16, .avxVNNI]
        case .native: return Features(rawValue: ~0)
        }
    }

    /// Reads MINOS_CPU (unset or unknown: native) and narrows the C kernels to it. Called once, by
    /// `FastDot.tier`.
    static func applyEnvironment() -> CPUPath {
        let path = FastDot.environment("MINOS_CPU").flatMap { CPUPath(rawValue: $0.lowercased()) } ?? .native
        _ = ck_cpu_limit(path.mask.rawValue)
        return path
    }
}
