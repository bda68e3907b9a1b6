/// Every method Minos serves, in the order the documentation lists them. Adding a method means
/// adding its type here (see "Adding a method" in protocol/README.md).
public enum MethodRegistry {
    public static let all: [any DocumentedMethod.Type] = [
        Initialize.self,
        Initialized.self,
        Shutdown.self,
        Exit.self,
        CancelRequest.self,
        Discover.self,
        DaemonStatus.self,
        DaemonPing.self,
        DaemonSleep.self,
        ModelLoad.self,
        ModelUnload.self,
        ModelList.self,
        TextTokenize.self,
        TextDetokenize.self,
        TextGenerate.self,
        TextScore.self,
        VerifyAnswer.self,
        VerifyAnswerBatch.self,
        VerifySteps.self,
        VerifyOutcome.self,
        VerifyRank.self,
        VerifyCritique.self,
        VerifyProfilesSave.self,
        VerifyProfilesList.self,
        VerifyProfilesDelete.self,
        InstructionsCheck.self,
        InstructionsCheckBatch.self,
        InstructionsRegister.self,
        InstructionsList.self,
        InstructionsGet.self,
        InstructionsDelete.self,
        InstructionsEvaluate.self,
        InstructionsFilter.self,
    ]

    /// The sorted names of every method.
    public static var names: [String] { all.map { $0.name }.sorted() }
}
