/// Every string made by taking one part from each list, in order (the first list varies
/// slowest): the generated cases a differential test compares two implementations on.
public func combinations(_ parts: [[String]]) -> [String] {
    parts.reduce([""]) { prefixes, choices in prefixes.flatMap { prefix in choices.map { prefix + $0 } } }
}
