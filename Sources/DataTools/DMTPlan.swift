import Foundation
import JSON
import Kernels

/// DMT, dual-stage mixed fine-tuning (Dong et al. 2024, "How Abilities in Large Language Models
/// are Affected by Supervised Fine-tuning Data Composition"): stage 1 trains on every specialized
/// set (math, code, …); stage 2 on the general data plus a small fraction k of each specialized
/// set, so the specialized abilities are not forgotten.
package struct DMTPlan: Sendable, Equatable {
    /// Stage 1: the specialized sets in name order, each in file order.
    package var stage1: [TrainingExample]
    /// Stage 2: the general data in file order, then each specialized set's sample (in name order,
    /// each sample in file order).
    package var stage2: [TrainingExample]
    /// Examples each specialized set contributes to stage 2, by name.
    package var sampled: [String: Int]

    /// How many of `count` examples a fraction keeps: ⌈fraction × count⌉, so at least 1 when
    /// fraction > 0 and the set is non-empty (1,000 × 1/256 = 3.9 → 4; 512 × 1/256 = 2 → 2).
    package static func sampleSize(fraction: Double, count: Int) -> Int {
        guard fraction > 0, count > 0 else { return 0 }
        // The small slack keeps an exact product (512 × 1/256) from rounding up on float noise.
        return min(count, Int((fraction * Double(count) - 1e-9).rounded(.up)))
    }

    /// The plan for `specialized` sets (by name) and `general` data; the stage-2 samples are drawn
    /// without replacement by one generator seeded with `seed`, visiting the sets in name order.
    package static func make(specialized: [String: [TrainingExample]], general: [TrainingExample],
                             fraction: Double = 1.0 / 256, seed: UInt64 = 1) throws(DataError) -> DMTPlan {
        guard fraction >= 0, fraction <= 1 else {
            throw .invalidArgument(field: "fraction", message: "fraction must be in [0, 1], got \(fraction)")
        }
        var generator = SplitMix64(seed: seed)
        var plan = DMTPlan(stage1: [], stage2: general, sampled: [:])
        for name in specialized.keys.sorted() {
            let examples = specialized[name] ?? []
            plan.stage1.append(contentsOf: examples)
            let count = sampleSize(fraction: fraction, count: examples.count)
            let picked = KCenter.sample(count, of: examples.count, using: &generator).sorted()
            plan.stage2.append(contentsOf: picked.map { examples[$0] })
            plan.sampled[name] = count
        }
        return plan
    }

    /// The file names `write(to:)` produces, in order.
    package static let fileNames = ["stage1.json", "stage2.json", "dataset_info.json"]

    /// Writes `stage1.json` and `stage2.json` (JSON arrays of ShareGPT records) and LLaMA-Factory's
    /// `dataset_info.json` into `directory` (created if missing), each file atomically (a temporary
    /// file renamed into place). Returns the paths written.
    package func write(to directory: String) throws(DataError) -> [String] {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw .io("cannot create \(directory): \(error.localizedDescription)")
        }
        let info: JSONValue = .object(Dictionary(uniqueKeysWithValues: ["stage1", "stage2"].map { stage in
            (stage, ["file_name": .string(stage + ".json"), "formatting": "sharegpt",
                     "columns": ["messages": "conversations"]] as JSONValue)
        }))
        let contents: [JSONValue] = [.array(stage1.map(\.shareGPT)), .array(stage2.map(\.shareGPT)), info]
        var written: [String] = []
        for (name, value) in zip(Self.fileNames, contents) {
            let file = url.appendingPathComponent(name)
            do { try Data(value.serialized()).write(to: file, options: .atomic) } catch {
                throw .io("cannot write \(file.path): \(error.localizedDescription)")
            }
            written.append(file.path)
        }
        return written
    }
}
