// Signboard tax (ภาษีป้าย) commands, registered by the `mueang` executable as `mueang signtax`.
import ArgumentParser

public struct SignTaxCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "signtax",
        abstract: "Signboard tax (ภาษีป้าย).",
        subcommands: [AssessCommand.self, RoundtripCommand.self])
    public init() {}
}
