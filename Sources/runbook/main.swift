import CMimalloc
import Foundation
import RunbookCLI

// Memory a step's output passed through goes back to the system at once, not after
// mimalloc's default 25 ms: with the delay, a step printing without end held 18 MB more
// than on glibc's malloc (82 MB against 64, when 8 to 16 MiB of output were kept); lint is
// no slower without it.
mi_option_set(mi_option_decommit_delay, 0)
exit(RunbookCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
