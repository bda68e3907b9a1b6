import Tokenizers

/// Chat prompts for a loaded model: its template rendered and tokenized.
extension LoadedModel {
    /// The texts of the model's BOS and EOS tokens, as templates see them.
    static func specialTokenTexts(_ tokenizer: Tokenizer) -> (bos: String, eos: String) {
        (tokenizer.bosID.flatMap(tokenizer.tokenText) ?? "", tokenizer.eosID.flatMap(tokenizer.tokenText) ?? "")
    }

    /// `messages` rendered with the model's chat template and tokenized (special-token texts
    /// parsed), and the tokens that end an assistant turn. When the template already starts with
    /// the BOS text and the tokenizer adds BOS itself, the template's copy is dropped, as llama.cpp
    /// does, so the prompt holds one BOS.
    public func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> (prompt: ChatPrompt, tokens: [Int32], stopTokens: [Int32]) {
        chatPrompt(messages, addGenerationPrompt: addGenerationPrompt, tools: nil)
    }

    /// The same, with tool schemas for templates that describe tools.
    package func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool = true,
                            tools: [JinjaValue]?) -> (prompt: ChatPrompt, tokens: [Int32], stopTokens: [Int32]) {
        let prompt = promptTemplate.render(messages, addGenerationPrompt: addGenerationPrompt, tools: tools)
        var text = prompt.text
        let bos = promptTemplate.bosToken
        if tokenizer.addsBOS && !bos.isEmpty && text.hasPrefix(bos) { text.removeFirst(bos.count) }
        let tokens = tokenizer.encode(text, addSpecial: true, parseSpecial: true)
        let stops = promptTemplate.family.endOfTurn.compactMap { marker -> Int32? in
            let ids = tokenizer.encode(marker, addSpecial: false, parseSpecial: true)
            return ids.count == 1 ? ids[0] : nil
        }
        return (prompt, tokens, stops)
    }
}
