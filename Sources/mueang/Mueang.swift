import ArgumentParser
import Logging
import MueangApp
import SignboardTaxCommand
import EpidemiologyCommand

/// `mueang`: the server and every job of the platform in one executable.
@main
struct Mueang: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mueang",
        abstract: "Mueang (เมือง): the city data platform for Thai local government.",
        subcommands: [
            Serve.self, Migrate.self, Demo.self, TenantCommand.self, UserCommand.self, TokenCommand.self,
            Backup.self, Restore.self, SignTaxCommand.self, EpiCommand.self,
        ])
}
