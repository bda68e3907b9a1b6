import ArgumentParser

@main
struct MinosBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minos-bench",
        abstract: "Measures Minos: figures a person can compare (requests/s, latency percentiles).",
        subcommands: [RPCBenchmark.self, InstructionsBenchmark.self, VerifyBenchmark.self, EngineBenchmark.self, KVBenchmark.self,
                      DecodeBenchmark.self, EmbedBenchmark.self, RouteBenchmark.self, KernelsBenchmark.self, DataBenchmark.self,
                      MakeModel.self])
}
