import CMimalloc
import Foundation
import RunbookCLI

// Memory a step's output passed through goes back to the system at once, not after
// mimalloc's default 25 ms: a step printing without end stays at glibc's footprint (63 MB
// for 600 MB of `yes`, where the delay held 82 MB), and lint is no slower.
mi_option_set(mi_option_decommit_delay, 0)
exit(RunbookCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
