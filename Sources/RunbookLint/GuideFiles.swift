import Foundation

/// A directory given to `runbook lint` that holds no guide.
public struct NoGuidesError: Error, Sendable, CustomStringConvertible {
    /// The directory, as given.
    public var directory: String

    public var description: String { "\(directory): no Markdown files (*.md, *.markdown) under this directory" }
}

/// The files `runbook lint` checks for one operand: `docs/` as well as `docs/*.md`.
public enum GuideFiles {
    /// The extensions of a guide found in a directory (any case).
    static let extensions: Set<String> = ["md", "markdown"]

    /// A file (or anything that is not a directory) as given, for the reader to open or
    /// refuse; a directory, every `*.md` and `*.markdown` file under it, in path order,
    /// leaving out hidden directories and files (`.git/`) and `node_modules/`, whose guides are
    /// other projects'. Symbolic links to directories are not followed, so a loop cannot hang.
    public static func expand(_ operand: String) throws(NoGuidesError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: operand, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [operand]
        }
        let root = URL(fileURLWithPath: operand)
        let keys: [URLResourceKey] = [.isDirectoryKey, .isRegularFileKey]
        guard
            let walker = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
        else { throw NoGuidesError(directory: operand) }
        // Paths as the person would write them: the operand, then the path below it.
        let prefix = operand.hasSuffix("/") ? operand : operand + "/"
        let base = root.standardizedFileURL.path.split(separator: "/").count
        var found: [String] = []
        for case let url as URL in walker {
            let values = try? url.resourceValues(forKeys: Set(keys))
            if values?.isDirectory == true {
                if url.lastPathComponent == "node_modules" { walker.skipDescendants() }
                continue
            }
            guard values?.isRegularFile == true, extensions.contains(url.pathExtension.lowercased()) else { continue }
            let below = url.standardizedFileURL.path.split(separator: "/").dropFirst(base)
            found.append(prefix + below.joined(separator: "/"))
        }
        guard !found.isEmpty else { throw NoGuidesError(directory: operand) }
        return found.sorted()
    }
}
