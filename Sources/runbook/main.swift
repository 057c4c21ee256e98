import Foundation
import RunbookCLI

exit(RunbookCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
