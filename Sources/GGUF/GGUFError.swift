/// Why a GGUF file could not be opened, parsed or written.
///
/// Every failure of the reader is one of these, never a crash: `kind` says what class of problem
/// it is (for tests and callers that branch on it) and `message` says, for a person, what was
/// wrong, at which byte offset, and in which metadata key or tensor where that applies.
public struct GGUFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem.
    public enum Kind: Sendable, Equatable, Hashable {
        /// A system call failed (open, fstat, mmap, write, rename…).
        case io
        /// The path names a directory, device, FIFO or socket rather than a regular file.
        case notRegularFile
        /// The file or buffer holds no bytes.
        case emptyFile
        /// The first four bytes are not `GGUF`.
        case badMagic
        /// The version is not 2 or 3.
        case unsupportedVersion
        /// The file ends in the middle of a field.
        case truncated
        /// The tensor or metadata count could not be described by the bytes that remain.
        case countTooLarge
        /// A string's length runs past the end of the file.
        case stringTooLong
        /// A metadata value type id is not one the spec defines.
        case unknownValueType
        /// An array's element count could not be described by the bytes that remain.
        case arrayTooLarge
        /// Arrays are nested more deeply than `GGUFLimits.maxArrayDepth`.
        case nestingTooDeep
        /// A bool value byte is neither 0 nor 1.
        case invalidBool
        /// The same metadata key appears twice.
        case duplicateKey
        /// `general.alignment` is not a nonzero power-of-two integer.
        case invalidAlignment
        /// The same tensor name appears twice.
        case duplicateTensor
        /// A tensor has 0 or more than 4 dimensions.
        case invalidDimensionCount
        /// A tensor dimension is zero or absurdly large.
        case invalidDimension
        /// A tensor's element count or byte size overflows.
        case elementCountOverflow
        /// A tensor type id is not a `GGMLType` this build knows.
        case unknownTensorType
        /// A tensor's rows are not a whole number of its type's blocks.
        case notWholeBlocks
        /// A tensor's offset is not a multiple of the alignment.
        case misalignedTensor
        /// A tensor's data runs past the end of the file.
        case tensorPastEnd
        /// Two tensors' data ranges overlap.
        case overlappingTensors
        /// The writer was given inconsistent input (wrong data size, bad shape, duplicate name).
        case invalidArgument
    }

    /// The class of problem.
    public let kind: Kind
    /// A sentence for a person naming the problem, the byte offset and the key or tensor.
    public let message: String
    /// The byte offset in the file where the problem was found, when there is one.
    public let offset: Int?

    /// Creates an error; `message` should already name the offset and key or tensor.
    public init(_ kind: Kind, _ message: String, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    /// The message.
    public var description: String { message }
}

/// Limits the reader enforces beyond the spec's own rules.
public enum GGUFLimits {
    /// The deepest nesting of arrays inside arrays the reader accepts (an array of scalars is 1).
    public static let maxArrayDepth = 8
    /// The most array elements, summed over all metadata arrays, the reader accepts (2^24).
    ///
    /// Each decoded element takes a few dozen bytes, so a corrupt count that the file's size
    /// still allows could otherwise ask for many times the file's size in memory. Real models
    /// have a few hundred thousand (vocabulary, scores, token types, merges).
    public static let maxMetadataArrayElements = 1 << 24
    /// The most entries any table is reserved for up front; larger tables grow as they are read.
    static let maxReservation = 1 << 16
    /// The largest single tensor dimension the reader accepts (2^40 elements).
    public static let maxDimension = 1 << 40
    /// The most dimensions a tensor may have (GGML_MAX_DIMS).
    public static let maxDimensionCount = 4
    /// The alignment used when `general.alignment` is absent.
    public static let defaultAlignment = 32
}

/// Formats `offset` the way messages cite it.
@inline(__always)
func atByte(_ offset: Int) -> String { "at byte \(offset)" }

/// Quotes a key or tensor name for a message, shortening very long ones.
func quoted(_ name: String) -> String {
    let limit = 80
    if name.utf8.count <= limit { return "'\(name)'" }
    return "'\(name.prefix(limit))…'"
}
