@testable import Engine
import Testing

@Suite("Sampling")
struct SamplingTests {
    private func parameters(_ configure: (inout SamplingParameters) -> Void) -> SamplingParameters {
        var p = SamplingParameters()
        p.seed = 7
        configure(&p)
        return p
    }

    @Test("temperature 0 is greedy")
    func greedy() {
        var sampler = Sampler(.greedy)
        #expect(sampler.sample([0.1, 3, -2, 2.9], history: []) == 1)
    }

    @Test("the same seed draws the same tokens; another seed differs")
    func seeded() {
        let logits = (0..<50).map { Float($0 % 7) * 0.3 }
        func draws(_ seed: UInt64) -> [Int32] {
            var sampler = Sampler(parameters { $0.seed = seed; $0.temperature = 1; $0.topK = nil; $0.topP = nil; $0.minP = nil })
            return (0..<40).map { _ in sampler.sample(logits, history: []) }
        }
        #expect(draws(1) == draws(1))
        #expect(draws(1) != draws(2))
    }

    @Test("top-k never draws outside the k most likely")
    func topK() {
        let logits: [Float] = [5, 4.9, 4.8, 0, 0, 0, 0, 0]
        var sampler = Sampler(parameters { $0.temperature = 5; $0.topK = 2; $0.topP = nil; $0.minP = nil })
        let seen = Set((0..<300).map { _ in sampler.sample(logits, history: []) })
        #expect(seen == [0, 1])
    }

    @Test("top-p keeps the smallest set reaching p")
    func topP() {
        // Probabilities about 0.64, 0.24, 0.09, 0.03: p = 0.8 keeps the first two.
        let logits: [Float] = [3, 2, 1, 0]
        var sampler = Sampler(parameters { $0.temperature = 1; $0.topK = nil; $0.topP = 0.8; $0.minP = nil })
        let seen = Set((0..<400).map { _ in sampler.sample(logits, history: []) })
        #expect(seen == [0, 1])
    }

    @Test("min-p drops tokens far below the best")
    func minP() {
        let logits: [Float] = [3, 2.5, -3, -3]
        var sampler = Sampler(parameters { $0.temperature = 1; $0.topK = nil; $0.topP = nil; $0.minP = 0.1 })
        let seen = Set((0..<400).map { _ in sampler.sample(logits, history: []) })
        #expect(seen == [0, 1])
    }

    @Test("repetition, frequency and presence penalties push seen tokens down")
    func penalties() {
        let logits: [Float] = [2, 1.9, -1]
        var repetition = Sampler(parameters { $0.temperature = 0; $0.repetitionPenalty = 1.5 })
        #expect(repetition.sample(logits, history: [0]) == 1)        // 2/1.5 < 1.9
        var frequency = Sampler(parameters { $0.temperature = 0; $0.frequencyPenalty = 0.05 })
        #expect(frequency.sample(logits, history: [0]) == 0)         // 2 - 0.05 > 1.9
        #expect(frequency.sample(logits, history: [0, 0, 0]) == 1)   // 2 - 0.15 < 1.9
        var presence = Sampler(parameters { $0.temperature = 0; $0.presencePenalty = 0.2 })
        #expect(presence.sample(logits, history: [0]) == 1)
        var outside = Sampler(parameters { $0.temperature = 0; $0.repetitionPenalty = 1.5; $0.penaltyWindow = 1 })
        #expect(outside.sample(logits, history: [0, 2]) == 0)        // token 0 is outside the window
        // A negative logit is multiplied, so it goes further down.
        var negative = Sampler(parameters { $0.temperature = 0; $0.repetitionPenalty = 2 })
        #expect(negative.sample([-1, -1.5], history: [0]) == 1)
    }

    @Test("invalid parameters name their field")
    func invalid() {
        func problem(_ configure: (inout SamplingParameters) -> Void) -> String? {
            var p = SamplingParameters()
            configure(&p)
            return p.problem()?.field
        }
        #expect(problem { $0.temperature = -1 } == "temperature")
        #expect(problem { $0.topP = 0 } == "topP")
        #expect(problem { $0.minP = 1.5 } == "minP")
        #expect(problem { $0.topK = -2 } == "topK")
        #expect(problem { $0.repetitionPenalty = 0 } == "repetitionPenalty")
        #expect(problem { $0.penaltyWindow = -3 } == "penaltyWindow")
        #expect(problem { _ in } == nil)
    }
}

@Suite("Stop strings")
struct StopStringTests {
    @Test("the earliest stop string wins and the text is cut before it")
    func firstStop() {
        let text = "answer: 42\n\nQuestion: next"
        let cut = LoadedModel.firstStop(in: text, stops: ["Question:", "\n\n"], from: 0)
        #expect(cut.map { String(text[..<$0]) } == "answer: 42")
        #expect(LoadedModel.firstStop(in: text, stops: ["zzz"], from: 0) == nil)
    }

    @Test("text that could still become a stop string is held back")
    func safeLength() {
        #expect(LoadedModel.safeLength("hello wor", stops: ["world"]) == 6)
        #expect(LoadedModel.safeLength("hello", stops: ["world"]) == 5)
        #expect(LoadedModel.safeLength("ab<|", stops: ["<|im_end|>", "|x"]) == 2)
        #expect(LoadedModel.safeLength("abc", stops: []) == 3)
    }
}

@Suite("Chat templates")
struct ChatTemplateTests {
    let conversation = [ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Hi"),
                        ChatMessage(role: "assistant", content: "Hello."), ChatMessage(role: "user", content: "Bye")]

    @Test("recognized from marker tokens in the stored template")
    func recognize() {
        #expect(ChatTemplate.recognize("{{'<|im_start|>' + message['role']}}") == .chatML(defaultSystem: nil))
        #expect(ChatTemplate.recognize("{% if not system %}You are Qwen, created by Alibaba Cloud. You are a helpful assistant.{% endif %}<|im_start|>")
                == .chatML(defaultSystem: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."))
        #expect(ChatTemplate.recognize("<|start_header_id|>{{ role }}<|end_header_id|>") == .llama3)
        #expect(ChatTemplate.recognize("[INST] <<SYS>>\n{{ system }}<</SYS>>") == .llama2)
        #expect(ChatTemplate.recognize("{{ '[INST] ' + content + ' [/INST]' }}") == .mistral)
        #expect(ChatTemplate.recognize(nil) == .plain)
        #expect(ChatTemplate.recognize("{{ anything else }}") == .plain)
    }

    @Test("ChatML, with the default system prompt only when none is given")
    func chatML() {
        let template = ChatTemplate.chatML(defaultSystem: "You are a helpful assistant.")
        #expect(template.render(conversation) == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n")
        #expect(template.render([ChatMessage(role: "user", content: "Hi")]) == "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test("Llama 3")
    func llama3() {
        #expect(ChatTemplate.llama3.render(Array(conversation.prefix(2))) == "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    @Test("Llama 2 puts the system prompt in <<SYS>>; Mistral folds it into the first turn")
    func inst() {
        #expect(ChatTemplate.llama2.render(conversation) == "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello.</s><s>[INST] Bye [/INST]")
        #expect(ChatTemplate.mistral.render(conversation) == "[INST] Be brief.\n\nHi [/INST] Hello.</s><s>[INST] Bye [/INST]")
    }

    @Test("plain fallback")
    func plain() {
        #expect(ChatTemplate.plain.render(Array(conversation.suffix(2))) == "assistant: Hello.\nuser: Bye\nassistant:")
    }
}
