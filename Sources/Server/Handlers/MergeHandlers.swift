import DataTools
import Foundation
import JSON
import JSONRPC
import Kernels
import MinosProtocol

/// `model/merge`: decode, run `ModelMerge.merge` on a thread of its own, encode.
extension MinosServer {
    func registerMergeHandlers() {
        connection.register(ModelMergeMethod.self) { params, context in
            guard let method = ModelMerge.Method(rawValue: params.method) else {
                throw RPCError.invalidParams("unknown merge method \(params.method)", path: "params.method")
            }
            guard let outputType = GGMLType.allCases.first(where: { $0.description == params.outputType }) else {
                throw RPCError.invalidParams("unknown output type \(params.outputType)", path: "params.outputType")
            }
            guard params.seed >= 0 else { throw RPCError.invalidParams("seed must be at least 0", path: "params.seed") }
            context.beginProgress(title: "Merging \(params.models.count) models into \(params.output)", percentage: 0)
            defer { context.endProgress() }
            // A merge is minutes of blocking file and CPU work: a thread of its own, not the request pool.
            let report = try await BlockingThread.run(name: "minos-merge") { cancelled throws(MergeError) in
                try ModelMerge.merge(
                    base: params.base, models: params.models, weights: params.weights, method: method,
                    density: params.density, dropRate: params.dropRate, seed: UInt64(params.seed),
                    outputType: outputType, output: params.output,
                    progress: { done, total in
                        context.reportProgress(message: "\(done)/\(total) tensors", percentage: 100 * done / max(total, 1))
                    },
                    cancelled: cancelled)
            }
            return ModelMergeMethod.Result(
                output: params.output, tensorsMerged: report.tensorsMerged, bytesRead: report.bytesRead,
                bytesWritten: report.bytesWritten, seconds: report.seconds, fingerprints: report.fingerprints)
        }
    }

    /// The wire error for a merge failure.
    static func rpcError(for error: MergeError) -> RPCError {
        switch error {
        case .invalidArgument(let field, let message): return .invalidParams(message, path: "params.\(field)")
        case .unreadableInput(let path, _):
            return RPCError(.invalidModelFile, error.description, data: ["file": .string(path)])
        case .mismatch(let what, _): return RPCError(.unsupportedModel, error.description, data: ["mismatch": .string(what)])
        case .io: return RPCError(.internalError, error.description)
        case .cancelled: return .cancelled()
        }
    }
}
