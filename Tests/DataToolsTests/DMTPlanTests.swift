import Foundation
import JSON
import Testing
@testable import DataTools

@Suite("JSONL readers and the DMT mixing plan")
struct DMTPlanTests {
    private func examples(_ prefix: String, _ count: Int) -> [TrainingExample] {
        (0..<count).map { TrainingExample(instruction: "\(prefix) \($0)", output: "answer \($0)") }
    }

    @Test("reads Alpaca and ShareGPT lines, deciding per line")
    func readsBothShapes() throws {
        let jsonl = """
        {"instruction": "Add", "input": "2 and 3", "output": "5"}

        {"conversations": [{"from": "human", "value": "Hi"}, {"from": "assistant", "value": "Hello"}]}
        {"instruction": "Say yes", "output": "yes"}
        """
        let read = try ExampleReader.parse(Data(jsonl.utf8), path: "mixed.jsonl")
        #expect(read.count == 3)
        #expect(read[0].turns == [.init(from: "human", value: "Add\n2 and 3"), .init(from: "gpt", value: "5")])
        #expect(read[0].text == "Add\n2 and 3\n5")
        #expect(read[1].turns == [.init(from: "human", value: "Hi"), .init(from: "gpt", value: "Hello")])
        #expect(read[2].text == "Say yes\nyes")
    }

    @Test("a bad line is refused naming its number", arguments: [
        "not json", "[1, 2]", #"{"conversations": []}"#, #"{"instruction": "x"}"#, #"{"text": "x"}"#,
    ])
    func badLine(line: String) {
        let jsonl = #"{"instruction": "ok", "output": "ok"}"# + "\n" + line + "\n"
        #expect {
            try ExampleReader.parse(Data(jsonl.utf8), path: "bad.jsonl")
        } throws: { error in
            guard case DataError.badLine(let path, let number, _) = error else { return false }
            return path == "bad.jsonl" && number == 2
        }
    }

    @Test("1,000 math + 512 code + 300 general at k = 1/256: stage 1 = 1,512, stage 2 = 300 + 4 + 2")
    func counts() throws {
        let plan = try DMTPlan.make(specialized: ["math": examples("math", 1000), "code": examples("code", 512)],
                                    general: examples("general", 300), fraction: 1.0 / 256, seed: 1)
        #expect(plan.stage1.count == 1512)
        #expect(plan.sampled == ["math": 4, "code": 2])
        #expect(plan.stage2.count == 306)
        #expect(Array(plan.stage2.prefix(300)) == examples("general", 300))
        #expect(DMTPlan.sampleSize(fraction: 0.001, count: 3) == 1)
        #expect(DMTPlan.sampleSize(fraction: 0, count: 3) == 0)
        #expect(DMTPlan.sampleSize(fraction: 1, count: 3) == 3)
        let again = try DMTPlan.make(specialized: ["math": examples("math", 1000), "code": examples("code", 512)],
                                     general: examples("general", 300), fraction: 1.0 / 256, seed: 1)
        #expect(again == plan)
        let other = try DMTPlan.make(specialized: ["math": examples("math", 1000), "code": examples("code", 512)],
                                     general: examples("general", 300), fraction: 1.0 / 256, seed: 2)
        #expect(other.stage2 != plan.stage2)
    }

    @Test("writes LLaMA-Factory ShareGPT files and dataset_info.json")
    func files() throws {
        let directory = NSTemporaryDirectory() + "minos-dmt-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plan = try DMTPlan.make(specialized: ["math": examples("math", 10)], general: examples("general", 3), fraction: 0.5)
        let written = try plan.write(to: directory)
        #expect(written == DMTPlan.fileNames.map { directory + "/" + $0 })
        let stage2 = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: written[1]))))
        #expect(stage2.arrayValue?.count == 8)
        #expect(stage2[0] == ["conversations": [["from": "human", "value": "general 0"], ["from": "gpt", "value": "answer 0"]]])
        let info = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: written[2]))))
        #expect(info["stage1"] == ["file_name": "stage1.json", "formatting": "sharegpt", "columns": ["messages": "conversations"]])
        #expect(info["stage2"]?["file_name"] == "stage2.json")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(leftovers == DMTPlan.fileNames.sorted())
    }
}
