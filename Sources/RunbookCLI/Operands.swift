/// Takes a command's file operands out of its command line before swift-argument-parser reads it.
///
/// swift-argument-parser stores each value of a repeated positional argument by copying the
/// array parsed so far and the set of input positions it came from, so a command line with n
/// files costs O(n²): `runbook lint` over 2,000 guides spent 1.2 billion instructions, a
/// quarter of a second, before it read a file. The parser is given the first operand only
/// (so its own checks, such as a missing operand, still apply) and the others are added to
/// the parsed command afterwards, in their order.
struct Operands {
    /// The command line for the parser: every option and value, and the first operand.
    var arguments: [String]
    /// The operands after the first, in the order given.
    var rest: [String]

    /// Splits `arguments` (the subcommand's name first). `valueOptions` are the options that
    /// take the next argument as their value. Returns nil, and the command line is parsed as
    /// it is, when there is nothing to take out or when a `--` ends the options (everything
    /// after it is an operand, which the parser handles in its own order).
    static func split(_ arguments: [String], valueOptions: Set<String>) -> Operands? {
        guard !arguments.contains("--") else { return nil }
        var kept: [String] = []
        var rest: [String] = []
        var seenOperand = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if index == 0 || isOption(argument) {
                kept.append(argument)
                if index > 0, valueOptions.contains(argument), index + 1 < arguments.count {
                    kept.append(arguments[index + 1])
                    index += 1
                }
            } else if seenOperand {
                rest.append(argument)
            } else {
                kept.append(argument)
                seenOperand = true
            }
            index += 1
        }
        return rest.isEmpty ? nil : Operands(arguments: kept, rest: rest)
    }

    /// Whether the parser reads `argument` as an option: a dash and more (a lone `-` is a value).
    private static func isOption(_ argument: String) -> Bool {
        argument.hasPrefix("-") && argument != "-"
    }
}
