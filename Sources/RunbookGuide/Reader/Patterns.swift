import Foundation
import RunbookModel

/// The wording rules the reader infers from, in one place so they can be read and tested.
enum Patterns {
    static let shellLanguages: WordSet = [
        "bash", "sh", "shell", "zsh", "ksh", "console", "shell-session", "shellsession",
        "bash-session", "shellscript", "terminal",
        // DigitalOcean's: a regular user's commands, and root's.
        "command", "super_user",
        // Microsoft Learn's: Azure CLI commands, run in bash (Cloud Shell's "Try it" or not).
        "azurecli", "azurecli-interactive", "azure-cli",
    ]
    static let consoleLanguages: WordSet = ["console", "shell-session", "shellsession", "bash-session", "terminal"]
    static let textLanguages: WordSet = ["text", "txt", "plain", "plaintext", "output", "log", "none"]

    /// Words at least one of which a title must contain before the flow patterns are tried.
    static let flowKeywords = Needles(flowRoles.flatMap(\.words))
    /// The headings that put a section off the main flow, each with the words one of which
    /// its pattern needs (the pattern is tried only on a title that has one).
    /// The pattern's alternatives are `phrases`, which the byte path looks for in ASCII titles.
    static let flowRoles: [(pattern: String, role: String, words: [String], phrases: [Phrase])] = [
        (#"\btroubleshoot(ing)?\b"#, "troubleshooting", ["troubleshoot"], ["troubleshooting", "troubleshoot"]),
        (
            #"\brollback\b|\broll back\b|\bback[- ]?out\b"#, "rollback", ["roll", "backout", "back out", "back-out"],
            ["rollback", "roll back", "backout", "back out", "back-out"]
        ),
        (
            #"\bteardown\b|\btear down\b|\bdestroy(ing)?\b|\bdecommission(ing)?\b"#, "teardown",
            ["tear", "destroy", "decommission"],
            ["teardown", "tear down", "destroy", "destroying", "decommission", "decommissioning"]
        ),
        (#"\bclean[- ]?up\b"#, "cleanup", ["clean"], ["cleanup", "clean-up", "clean up"]),
        (#"\boperations\b"#, "operations", ["operations"], ["operations"]),
        (#"\bmaintenance\b"#, "maintenance", ["maintenance"], ["maintenance"]),
        (#"\bmonitoring\b"#, "monitoring", ["monitoring"], ["monitoring"]),
        (#"\bfaq\b|frequently asked"#, "faq", ["faq", "frequently"], ["faq", Phrase("frequently asked", bounded: false)]),
        (#"\bsecurity hardening\b"#, "security-hardening", ["security hardening"], ["security hardening"]),
        (#"\bcost control\b"#, "cost-control", ["cost control"], ["cost control"]),
        // "Recovering from a failure state", "Disaster recovery"; not "Save the recovery codes".
        (
            #"\brecover(ing)? from\b|\bdisaster recovery\b"#, "recovery", ["recover", "disaster recovery"],
            ["recovering from", "recover from", "disaster recovery"]
        ),
    ]

    /// Where a title names each flow role it matches (a UTF-16 offset), in `flowRoles` order.
    static func flowMentions(in title: String) -> [(at: Int, role: String)] {
        let lowerTitle = title.lowercased()
        guard lowerTitle.includesAny(flowKeywords) else { return [] }
        let bytes = ASCII.bytes(of: title)
        return flowRoles.compactMap { rule in
            guard rule.words.contains(where: { lowerTitle.includes($0) }) else { return nil }
            // "Put the site in maintenance mode", "Leave maintenance mode": a step of the flow.
            if rule.role == "maintenance", lowerTitle.includesAny(maintenanceActs) { return nil }
            // An ASCII title by bytes (a byte offset is a UTF-16 one there); any other by the pattern.
            if let bytes { return firstPhrase(rule.phrases, in: bytes).map { ($0, rule.role) } }
            guard let m = Text.firstMatch(rule.pattern, in: title, options: [.caseInsensitive]) else { return nil }
            return ((title as NSString).range(of: m[0], options: .caseInsensitive).location, rule.role)
        }
    }

    /// What a deploy turns on and off, which a "maintenance" heading may name.
    static let maintenanceActs: Needles = ["maintenance mode", "maintenance page", "maintenance window", "maintenance banner"]

    static let verificationHeading =
        #"\b(verify|verification|verifying|check|checks|validate|validation|validating|smoke[- ]tests?|test|tests|testing)\b"#
    /// A heading that starts with a verification word.
    static let verificationOpening = "^" + verificationHeading
    static let verificationSubject =
        #"\b(verification|smoke[- ]tests?|health[- ]checks?|sanity[- ]checks?|testing)\b|^(verify|verifying|validate|validation|test|tests)\b"#
    static let verificationLeadIn =
        #"^((also|then|now|finally|and|to|next)[, ]+)?(verification|verify|verifying|check|confirm|validate|test)\b|^(when|once|after)\b[^,]*,[, ]*(verification|verify|verifying|check|confirm|validate|test)\b|\bverification:$|\bsmoke[- ]test\b|\bshould [^.]*:$"#
    static let expectationLeadIn =
        #"^(expected( output| result| response)?|should (return|output|print|show)|(the )?output should|it should (return|print|output))\b"#
    /// A sentence after a block that says what its output holds, without introducing a block
    /// of expected output: "You should see `active (running)`.", "This should return HTTP 200."
    /// Only what the sentence itself says (its code spans, an HTTP status) is expected: the
    /// block such a sentence introduces is usually output "something like" the real one.
    /// So does one about each of what the block lists: "All services should show `running
    /// (healthy)`." (not "… should be": `chown` prints nothing of what it made).
    static let outcomeSentence =
        #"^(you should (see|get)|(this|that|it|the (response|command|result|page)) should (return|print|output|show|display|contain|say|give|respond)|(all|each|every|both|the)\b[^.:]*?\bshould (show|display|print|say|report|list)|the (status|state|output|result|response|reply) should (be|read)|((it|this|that) )?must (return|print|output|show|display|contain|say|give))\b"#
    static let personLeadIn =
        #"^(in|at|from|using|inside|open|go to|navigate|paste|log in|sign in|visit)\b|\b(console|dashboard|sql editor|web ui|browser|portal)\b"#

    static let localProse =
        #"\b(on|from|in)\s+(your\s+|the\s+|a\s+)?(local\s+machine|laptop|local\s+computer|workstation|local\s+terminal|own\s+machine|your\s+machine|computer|local\s+shell|dev(elopment)?\s+machine|mac)\b"#
    static let remoteProse =
        #"\b(on|from|in|into)\s+(the\s+|your\s+|each\s+|a\s+)?(ec2(\s+instance)?|remote\s+server|remote\s+host|remote\s+machine|production\s+server|server|host|vm|instance|droplet|bastion|vps|box)\b"#

    /// True when `title` is one of `nonStepTitles` (any case): by bytes for ASCII titles,
    /// where `\b` is a change between `[A-Za-z0-9_]` and any other byte.
    static func isNonStepTitle(_ title: String) -> Bool {
        guard title.includesAny(asideWords) else { return false }
        guard let raw = ASCII.bytes(of: title) else { return Text.matches(nonStepTitles, title) }
        let t = raw.map(ASCII.lower)
        func word(_ i: Int) -> Bool { i >= 0 && i < t.count && ASCII.isWord(t[i]) }
        /// `text` at `i` with a word boundary before and after it.
        func wordAt(_ i: Int, _ text: [UInt8]) -> Bool {
            t[i...].starts(with: text) && word(i - 1) != word(i) && word(i + text.count - 1) != word(i + text.count)
        }
        if nonStepWholeTitles.contains(where: { $0.elementsEqual(t) }) { return true }
        for opening in [Array("tldr".utf8), Array("tl;dr".utf8), Array("why".utf8)] where t.starts(with: opening) {
            if !word(opening.count) { return true }
        }
        if t.starts(with: Array("key decisions".utf8)) { return true }
        let summary = Array("summary".utf8)
        if t.count >= summary.count, (0...(t.count - summary.count)).contains(where: { wordAt($0, summary) }) { return true }
        for ending in [Array("warning".utf8), Array("warnings".utf8)] where t.count >= ending.count {
            if wordAt(t.count - ending.count, ending) { return true }
        }
        return false
    }

    /// The titles `nonStepTitles` takes whole, lower-cased.
    private static let nonStepWholeTitles: [[UInt8]] = [
        "table of contents", "contents", "toc", "overview", "introduction", "background", "note", "notes", "next steps",
        "references", "see also", "critical warnings",
    ].map { Array($0.utf8) }

    /// Titles whose body restates or introduces steps rather than being one.
    static let nonStepTitles =
        #"^(table of contents|contents|toc|tl;?dr\b.*|.*\bsummary\b.*|overview|introduction|background|notes?|why\b.*|next steps|references|see also|key decisions.*|critical warnings|.*\bwarnings?)$"#

    static let imperativeVerbs: WordSet = [
        "create", "set", "add", "open", "click", "go", "navigate", "allocate", "associate", "import",
        "enable", "disable", "configure", "copy", "paste", "install", "remove", "delete", "terminate",
        "disassociate", "release", "point", "follow", "update", "ensure", "confirm", "run", "push",
        "restrict", "select", "choose", "log", "sign", "visit", "generate", "download", "upload",
        "rotate", "store", "prepare", "make", "fill", "edit", "replace", "register", "request",
        "attach", "grant", "invite", "approve", "deploy", "start", "stop", "restart", "reboot",
        "wait", "check", "verify", "test", "record", "note", "write", "save", "send", "submit",
        "change", "rename", "move", "assign", "apply", "accept", "review", "upgrade", "back",
        "tick", "mark", "press", "type", "enter", "insert", "put", "switch", "login", "close",
        "research", "execute", "monitor", "turn",
        // An incident's and a change's: "Acknowledge the page in PagerDuty.", "Resolve the page."
        "acknowledge", "ack", "resolve", "notify", "announce", "escalate", "contact", "inform", "tell", "ask",
        "silence", "snooze", "schedule", "declare", "summarize", "summarise",
    ]
    /// Verbs that are nouns as often ("File a ticket" and "File permissions …", "Post in
    /// #incidents" and "Post-install"): imperative only before an article or a preposition.
    static let nounLikeVerbs: WordSet = ["post", "file", "call", "message", "document", "page", "email"]
    /// Their first letters, asked before the set is.
    static let nounLikeVerbFirstBytes: [UInt8] = Array("pfcmde".utf8)
    static let articlesAndPrepositions: WordSet = ["a", "an", "the", "in", "to", "on", "your", "our", "this", "that", "it"]

    /// Words that open a sentence of advice rather than an instruction.
    static let adviceVerbs: WordSet = ["use", "keep", "consider", "prefer", "avoid", "never", "always"]

    static func firstWord(_ text: String) -> String {
        // ASCII by bytes, read in place and lower-cased straight into the String (a word is
        // short enough to need no storage of its own); any other letter (or mark) on the way
        // sends the text to Characters.
        let word: String? = text.withUTF8Bytes { bytes in
            var start = -1
            var end = bytes.count
            for (i, byte) in bytes.enumerated() {
                if byte >= 0x80 { return nil }
                if ASCII.isLetter(byte) {
                    if start < 0 { start = i }
                } else if start >= 0 {
                    end = i
                    break
                }
            }
            guard start >= 0 else { return "" }
            let letters = UnsafeBufferPointer(rebasing: bytes[start..<end])
            return String(unsafeUninitializedCapacity: letters.count) { buffer in
                for (k, byte) in letters.enumerated() { buffer[k] = ASCII.lower(byte) }
                return letters.count
            }
        }
        return word ?? firstWordOfCharacters(text)
    }

    private static func firstWordOfCharacters(_ text: String) -> String {
        let trimmed = text.drop { !$0.isLetter }
        return String(trimmed.prefix { $0.isLetter }).lowercased()
    }

    /// Verbs that open a sentence giving a command to run: "Run `make`.", "Then restart it with
    /// `sudo systemctl restart app`." ("Type `exit`" is left out: it ends a session, which the
    /// reader reads from blocks.)
    static let runVerbs: WordSet = ["run", "execute", "rerun", "restart", "reload"]

    /// Conditions that are setup harmless to repeat, not a remedy: "If you haven't already",
    /// "If needed", "If the directory does not exist".
    /// Also conditions a run meets by getting there, since it stops at a failure: "If
    /// successful", "If the tests pass", "If everything looks good".
    static let setupConditions: Needles = [
        "haven't", "have not", "don't have", "do not have", "not already", "if needed", "if necessary", "if required",
        "not installed", "not yet", "if missing", "doesn't exist", "does not exist", "success", "succeed", "pass",
        "looks good", "works", "all good", "if ok", "if so",
    ]

    /// What sends the reader to another part of the guide under a condition ("If the logs are
    /// the largest, go to **Mitigation B**."). "Skip to" is not among them: it passes over what
    /// comes between, which is then the conditional part.
    static let jumpPhraseList = [", go to ", ", continue with ", ", proceed to ", ", follow "]
    static let jumpPhrases = Needles(jumpPhraseList)

    /// The sentences of `text` that send the reader somewhere under a condition, "If X, go to
    /// Y.": each condition ("If X") and where it sends the reader (Y, without the sentence's
    /// full stop).
    static func conditionalJumps(_ text: String) -> [(condition: String, destination: String)] {
        guard text.includesAny(jumpPhrases) else { return [] }
        var jumps: [(condition: String, destination: String)] = []
        for sentence in sentences(text) where sentence.opens(with: "if ") {
            for phrase in jumpPhraseList {
                guard let range = sentence.range(of: phrase, options: .caseInsensitive) else { continue }
                let destination = sentence[range.upperBound...]
                    .trimming { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "*") }
                if !destination.isEmpty { jumps.append((String(sentence[..<range.lowerBound]), String(destination))) }
                break
            }
        }
        return jumps
    }

    /// `text` cut into sentences where a full stop, question or exclamation mark is followed
    /// by a blank and a capital letter. Unlike `lastSentence`, a stop after a one-letter word
    /// ends a sentence too: "go to Mitigation A. If the logs …" is two.
    static func sentences(_ text: String) -> [Substring] {
        var found: [Substring] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let next = text.index(after: i)
            if ".?!".contains(text[i]), next < text.endIndex, text[next] == " " {
                let after = text.index(after: next)
                if after < text.endIndex, text[after].isUppercase {
                    found.append(text[start..<next])
                    start = after
                }
            }
            i = next
        }
        if start < text.endIndex { found.append(text[start...]) }
        return found
    }

    /// The condition a heading puts on its section in parentheses: "Revoking (only if the key
    /// leaked)" and "Reset the cluster (if the upgrade failed)" give "If the key leaked", "If
    /// the upgrade failed". Nil for other parentheses ("Install (Ubuntu)").
    static func headingCondition(_ title: String) -> String? {
        if let opening = openingCondition(title) { return opening }
        // By bytes: most headings have no parenthesis, and many that do say something else.
        guard title.containsByte(UInt8(ascii: "(")) else { return nil }
        let bytes = Array(title.utf8)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
            let close = bytes[open...].firstIndex(of: UInt8(ascii: ")"))
        else { return nil }
        var start = ASCII.skipSpaces(bytes, from: open + 1)
        func opens(_ word: String) -> Bool {
            bytes[start..<close].starts(with: word.utf8, by: { ASCII.lower($0) == $1 })
        }
        // Most parentheses open with another letter ("(Ubuntu)", "(optional)"): decided on it.
        let letter = ASCII.lower(bytes[start])
        guard
            letter == UInt8(ascii: "o") || letter == UInt8(ascii: "i") || letter == UInt8(ascii: "w")
                || letter == UInt8(ascii: "a")
        else { return nil }
        if opens("only if ") || opens("only when ") { start += 5 }
        // "Restore (when needed)", "Rotate keys (as needed)": a time that may never come.
        if opens("as needed"), close - start == 9 { return "When needed" }
        let word = opens("if ") ? 3 : opens("when ") ? 5 : 0
        guard word > 0, close - start > word + 1 else { return nil }
        return (word == 3 ? "If " : "When ") + String(decoding: bytes[(start + word)..<close], as: UTF8.self).trimmed
    }

    /// A heading that is itself a condition: "If something goes wrong", "If the deploy
    /// fails", "What to do if the health check fails", "In case of problems", "When things go
    /// wrong" (a "When" heading only with a failure: "When to use this runbook" is none).
    static func openingCondition(_ title: String) -> String? {
        // Most headings open with another letter, or another word ("Install …"): decided on
        // the first bytes.
        let opensRight: Bool = title.withUTF8Bytes { bytes in
            guard bytes.count > 4 else { return false }
            switch (ASCII.lower(bytes[0]), ASCII.lower(bytes[1])) {
            case (UInt8(ascii: "i"), UInt8(ascii: "f")): return bytes[2] == UInt8(ascii: " ")
            case (UInt8(ascii: "i"), UInt8(ascii: "n")): return ASCII.opens(bytes, with: "in case ")
            case (UInt8(ascii: "w"), UInt8(ascii: "h")):
                return ASCII.opens(bytes, with: "what ") || ASCII.opens(bytes, with: "when ")
            default: return false
            }
        }
        guard opensRight else { return nil }
        var text = Substring(title.trimmed)
        while let last = text.last, last == ":" || last == "?" || last == "." { text = text.dropLast() }
        let opening: (drop: Int, says: String)
        if text.opens(with: "if ") {
            opening = (3, "If ")
        } else if text.opens(with: "what to do if ") {
            opening = (14, "If ")
        } else if text.opens(with: "what if ") {
            opening = (8, "If ")
        } else if text.opens(with: "in case of ") || text.opens(with: "in case something ") {
            opening = (8, "In case ")
        } else if text.opens(with: "when "), text.includesAny(headingFailureWords) {
            opening = (5, "When ")
        } else {
            return nil
        }
        let rest = text.dropFirst(opening.drop).trimmed
        return rest.utf8.count > 2 ? opening.says + rest : nil
    }

    /// What a "When …" heading names when it is a condition: something failed.
    static let headingFailureWords: Needles = [
        "fail", "wrong", "break", "broke", "error", "problem", "stuck", "hang", "down", "lost", "outage",
    ]

    /// Openings of a lead-in that puts off its block until what it made is done with.
    static let noLongerNeeded = ["when you no longer ", "once you no longer ", "when you don't need ", "when you do not need "]

    /// The condition a lead-in puts on its block ("If the build fails, clean first:" gives
    /// "If the build fails"; "When you no longer need the environment:" is one too), or nil:
    /// a lead-in that does not open with "If" and end with a colon, or says to set something
    /// up unless it is there already.
    static func condition(_ whole: String) -> String? {
        guard whole.utf8.last == UInt8(ascii: ":") else { return nil }
        // The sentence that introduces the block: "If you get an error, check for typos. Once
        // the syntax is correct, reload Nginx:" reloads whatever the first sentence supposed.
        let text = lastSentence(whole)
        // Most lead-ins open with another letter: decided on the first byte.
        guard text.utf8.count > 4, let first = text.utf8.first.map(ASCII.lower),
            first == UInt8(ascii: "i") || first == UInt8(ascii: "w") || first == UInt8(ascii: "o")
        else { return nil }
        guard
            text.opens(with: "if ")
                || noLongerNeeded.contains(where: text.opens(with:)),
            !text.includesAny(setupConditions)
        else { return nil }
        let clause = text.firstIndex(of: ",").map { text[..<$0] } ?? text.dropLast()
        return String(clause).trimmed
    }

    /// A lead-in of two or more sentences whose last one opens with "Then" ("Confirm with the
    /// owner of the slot first. Then:", "Open a thread in #incidents. Then log in:"): what
    /// comes before it, the person's to do first, and that last sentence, which is what
    /// introduces the block.
    static func thenLeadIn(_ text: String) -> (first: Substring, then: Substring)? {
        guard text.utf8.last == UInt8(ascii: ":") else { return nil }
        // A sentence opens with a capital (`lastSentence`): "Then", and not "Thenceforth".
        let then = lastSentence(text)
        guard then.startIndex > text.startIndex, then.utf8.starts(with: "Then".utf8),
            then.utf8.dropFirst(4).first.map({ !ASCII.isWord($0) }) ?? false
        else { return nil }
        let first = text[..<then.startIndex].trimming(ASCII.isSpace)
        return first.isEmpty ? nil : (first, then)
    }

    /// One sentence that gives the person's task before ", then" and introduces the block
    /// after it: "Get a removal token from the same page, then on the build machine:", "Open
    /// the AWS console and create an access key, then run:". The part before is returned when
    /// it is a person's (`asksAPerson`, or getting something from a page); "Update the index,
    /// then install nginx:" is the block's own work.
    static func personsTaskBeforeThen(_ text: String) -> Substring? {
        guard text.utf8.last == UInt8(ascii: ":") else { return nil }
        // The last ", then " (any case), by bytes in place: most lead-ins have none.
        let at: Int? = text.withUTF8Bytes { bytes in
            var i = bytes.count - 7
            while i >= 1 {
                if bytes[i] == UInt8(ascii: ","), bytes[i + 1] == UInt8(ascii: " "), bytes[i + 6] == UInt8(ascii: " "),
                    ASCII.opens(UnsafeBufferPointer(rebasing: bytes[(i + 2)...]), with: "then")
                {
                    return i
                }
                i -= 1
            }
            return nil
        }
        guard let at else { return nil }
        let first = Substring(text.utf8.prefix(at))
        let sentence = String(first)
        if asksAPerson(sentence) { return first }
        guard gettingVerbs.contains(firstWord(sentence)), sentence.includesAny(gettingPlaces) else { return nil }
        return first
    }
    static let gettingVerbs: WordSet = ["get", "obtain", "grab", "copy", "generate", "request", "fetch"]
    static let gettingPlaces: Needles = ["page", "console", "dashboard", "portal", "settings", "browser", "web ui"]

    /// The last sentence of `text`: what follows its last `. `, `? ` or `! ` that ends a word
    /// of three letters or more and comes before a capital ("e.g. Apache" goes on); all of it
    /// when there is none.
    static func lastSentence(_ text: String) -> Substring {
        let start: Int? =
            text.utf8.withContiguousStorageIfAvailable { b -> Int? in
                var i = b.count - 3
                while i >= 3 {
                    if b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "?") || b[i] == UInt8(ascii: "!"),
                        b[i + 1] == UInt8(ascii: " "), b[i + 2] >= UInt8(ascii: "A"), b[i + 2] <= UInt8(ascii: "Z"),
                        ASCII.isLetter(b[i - 1]), ASCII.isLetter(b[i - 2]), ASCII.isLetter(b[i - 3])
                    {
                        return i + 2
                    }
                    i -= 1
                }
                return nil
            } ?? nil
        guard let start else { return text[...] }
        return Substring(text.utf8.dropFirst(start))
    }

    /// What a lead-in that offers its block as another way to do what the block before did
    /// says that way is: "Or export them:" → "export them", "Alternatively, with yarn:" →
    /// "with yarn", "Or:" → "", and the word alone ("or", "OR", "Alternatively,") → "". Nil
    /// for any other text: it must open with "Or" or "Alternatively" and end with a colon.
    static func alternativeTitle(_ text: String) -> String? {
        // Most text opens with neither word: ruled out by its first byte, before any copy.
        guard let first = text.utf8.first.map(ASCII.lower), first == UInt8(ascii: "o") || first == UInt8(ascii: "a")
        else { return nil }
        let bytes = Array(text.utf8)
        let ends = bytes.last.map { [UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: ".")].contains($0) } ?? false
        let body = Array(ends ? bytes.dropLast() : bytes[...])
        guard let opener = alternativeOpeners.first(where: { spellsWord(of: [$0], at: 0, in: body) }) else { return nil }
        if body.count == opener.count { return "" }
        guard bytes.last == UInt8(ascii: ":") else { return nil }
        let rest = body[opener.count...].drop { $0 == UInt8(ascii: ",") || ASCII.isSpace($0) }
        return String(decoding: rest, as: UTF8.self)
    }

    private static let alternativeOpeners = ["alternatively", "or"].map { Array($0.utf8) }

    /// A heading that removes what a guide made: it opens (after its number) with uninstall,
    /// remove, delete or deprovision ("Uninstall", "Removing the runner", "5. Delete the
    /// cluster"), not of what was there before ("Uninstall old versions", "Remove the existing
    /// config"). Read only of the sections at a guide's end (`markTrailingRemovals`).
    static func removesWhatItMade(_ title: String) -> Bool {
        guard title.includesAny(removalWords) else { return false }
        let word = firstWord(title)
        return removalVerbs.contains(word) && !title.includesAny(earlierThings)
    }

    /// A heading of later upkeep at a setup guide's end: "Upgrading", "Updates", "Upgrade to a
    /// new version" (after its number); not "Update the DNS records", a step of the setup.
    static func upgradesLater(_ title: String) -> Bool {
        guard title.includesAny(upgradeWords) else { return false }
        return ["upgrading", "updating", "upgrades", "updates", "upgrade"].contains(firstWord(title))
    }

    /// A guide title about upgrading, updating or migrating, whose work that is.
    static func upgradesIt(_ title: String) -> Bool {
        title.includesAny(upgradeWorkWords)
    }

    static let upgradeWords: Needles = ["upgrad", "updat"]
    static let upgradeWorkWords: Needles = ["upgrad", "updat", "migrat"]

    static let removalWords: Needles = ["uninstall", "remov", "delet", "deprovision"]
    static let removalVerbs: WordSet = [
        "uninstall", "uninstalling", "uninstallation", "remove", "removing", "removal", "delete", "deleting",
        "deprovision", "deprovisioning",
    ]
    /// What a setup removes before it installs.
    static let earlierThings: Needles = ["old", "previous", "existing", "conflicting", "default", "legacy"]

    /// The words that name the control key, as guides write it.
    static let controlKeyWords: Needles = ["ctrl", "control"]
    /// Ctrl+C as guides write it: "Ctrl+C", "ctrl-c", "Ctrl + C", "Control-C", "^C".
    static let stopKeyPattern = #"\b(?:ctrl|control)\s*[-+]?\s*c\b|\^c\b"#
    /// Words that make stopping a way out of trouble, not the end of the command's use.
    static let abortWords: Needles = ["cancel", "abort", "interrupt", "hang", "stuck", "if ", "in case"]

    /// Prose after a block that tells the person to stop its command with Ctrl+C when they
    /// have seen what it shows ("You should see `Listening for Jobs`. Press Ctrl+C to stop
    /// it."): the command does not end on its own. Not a way out of trouble ("If it hangs,
    /// press Ctrl+C.", "Press Ctrl-C to cancel.").
    static func saysToStopIt(_ text: String) -> Bool {
        // Most prose names no key: the words (or a `^`) first, the pattern only then.
        guard text.includesAny(controlKeyWords) || text.containsByte(UInt8(ascii: "^")) else { return false }
        return Text.matches(stopKeyPattern, text, caseInsensitive: true) && !text.includesAny(abortWords)
    }

    /// What a sentence that says to stop the command names to wait for first: the text after
    /// "when you see" in "Press Ctrl+C when you see `Listening on 3000`.", after "until it
    /// prints" in "Wait until it prints `Ready`, then press Ctrl-C.", after the verb in "Press
    /// Ctrl+C once `READY` shows `True`." and "once all pods are `Running`". Nil when it names no
    /// moment ("Press Ctrl+C to stop it."). Asked only of sentences `saysToStopIt`.
    static func awaitedBeforeStopping(_ text: String) -> String? {
        Text.firstMatch(
            #"\b(?:when|once|until|after)\s+(?:you\s+see|it\s+(?:prints|shows|says|logs|reports)|you\s+get|[^.]{0,60}?\b(?:shows|show|is|are|says|reads|becomes|become|turns))\b([\s\S]*)$"#,
            in: text, options: [.caseInsensitive]
        ).map { $0[1] }
    }

    /// Words of a lead-in that gives a file's text to paste, not commands to run.
    static let pasteWords: Needles = ["paste", "insert", "add the following", "contents"]
    /// "You should see:", "Once the command finishes you should see:": the block after it is
    /// the output the command before prints, as after "Expected output:". Not "You should see
    /// something like:", whose output is only like the real one.
    static func introducesShownOutput(_ text: String) -> Bool {
        // "should see:" or "should get:" at the end, as whole words; read in place.
        let ends = text.withUTF8Bytes { bytes -> Bool in
            let n = bytes.count
            guard n >= 11, bytes[n - 1] == UInt8(ascii: ":"), n == 11 || !ASCII.isWord(bytes[n - 12]) else { return false }
            let verb = bytes[(n - 4)..<(n - 1)].map(ASCII.lower)
            return bytes[(n - 11)..<(n - 4)].elementsEqual("should ".utf8, by: { ASCII.lower($0) == $1 })
                && (verb.elementsEqual("see".utf8) || verb.elementsEqual("get".utf8))
        }
        return ends && !text.includesAny(approximateWords)
    }

    /// "You should see something like:", "The output will look similar to this:": the block
    /// after it is output like what the block before prints (`text` ends with its colon).
    static func introducesOutputLikeIt(_ text: String) -> Bool {
        text.includesAny(approximateWords) && text.includesAny(outputWords)
    }

    /// Words of a sentence that speaks of what a command prints.
    static let outputWords: Needles = [
        "should see", "will see", "you'll see", "you see", "output", "should look", "will look", "should print",
        "will print", "prints", "should return", "will return", "returns", "should get", "response", "result",
    ]

    /// The file a sentence right after a block says to save it as ("Save it as
    /// `/etc/wireguard/wg0.conf`, then:", "Save the file as `app.ini`."): its first code span
    /// that is a file's path, when it opens so. Nil for anything else ("Save and close the file.").
    static func savedAfter(_ text: String, codeSpans: @autoclosure () -> [String]) -> String? {
        guard text.utf8.first.map(ASCII.lower) == UInt8(ascii: "s"),
            savedAfterOpenings.contains(where: text.opens(with:)),
            // "Save this as `deploy.sh`:" introduces the block after it; "…, then:" goes on to it.
            !introducesABlock(text) || text.includesAny(thenWords)
        else { return nil }
        return codeSpans().first { Text.isFilePath($0, named: true) }
    }

    /// What a sentence that saves the block before and introduces the next has before its colon.
    static let thenWords: Needles = [", then", " and then "]

    /// How such a sentence opens.
    static let savedAfterOpenings = [
        "save it as ", "save this as ", "save the file as ", "save this file as ", "save it to ", "save this to ",
        "save the file to ", "save that as ",
    ]

    /// Words that say shown output is only like the real one ("something like `v20.11.0`").
    static let approximateWords: Needles = [
        "something like", "similar to", "like this", "e.g.", "for example", "approximately", "roughly",
    ]
    /// Words in a lead-in that say its block is to be run, not put in a file.
    static let runWords: Needles = ["run", "execute", "then ", "next ", "type ", "enter "]

    /// Of `keepsRunningPhrases`, those that say the command before is still running, not
    /// only that a fresh shell is wanted ("open a new terminal so PATH is read again").
    static let besideItPhrases: Needles = [
        "another terminal", "second terminal", "separate terminal", "other terminal", "leave it running",
        "leave this running", "leave that running", "keep it running", "keep this running", "keep that running",
    ]

    /// Prose that says the server just started stays up while the guide goes on: "In another
    /// terminal:", "Leave it running and open a new terminal."
    static let keepsRunningPhrases: Needles = [
        "another terminal", "new terminal", "second terminal", "separate terminal", "other terminal", "another shell",
        "new shell", "leave it running", "leave this running", "leave that running", "keep it running",
        "keep this running", "keep that running",
    ]

    /// A sentence that tells a person to run a shell command given in its code: it opens with
    /// one of `runVerbs` (after "Then", "Now", "Next" or "Finally"), does not end with a colon
    /// (that introduces a block), and has a code span that looks like shell.
    static func runsInlineCommand(_ text: String, codeSpans: @autoclosure () -> [String]) -> Bool {
        sentence(text, openingWith: runVerbs) != nil && codeSpans().contains { ShellText.looksLikeShell($0) }
    }

    /// The first words of a sentence that opens with one of `verbs` (after "Then", "Now",
    /// "Next" or "Finally") and does not end with a colon (that introduces a block), from the
    /// verb on, lower-cased; nil for any other text.
    static func sentence(_ text: String, openingWith verbs: WordSet) -> [String]? {
        guard !introducesABlock(text) else { return nil }
        return opening(text, with: verbs)
    }

    /// `text`'s words from its verb on, when it opens with one of `verbs` (after "Then",
    /// "Now", "Next" or "Finally"), whatever it ends with; nil otherwise.
    static func opening(_ text: String, with verbs: WordSet) -> [String]? {
        // Most paragraphs open with another word: decided on the first word's bytes.
        let first = firstWord(text)
        guard verbs.contains(first) || sentenceOpeners.contains(first) else { return nil }
        var words = text.trimmedInline.split(maxSplits: 3, whereSeparator: { $0 == " " || $0 == "," }).map {
            $0.lowercased()
        }
        if let opening = words.first, sentenceOpeners.contains(opening) { words.removeFirst() }
        guard let verb = words.first, verbs.contains(verb) else { return nil }
        return words
    }

    /// `text` ends with a colon (blanks after it aside): it introduces the block after it.
    static func introducesABlock<S: StringProtocol>(_ text: S) -> Bool where S.UTF8View: BidirectionalCollection {
        text.utf8.last(where: { !ASCII.isSpace($0) }) == UInt8(ascii: ":")
    }

    /// "In Cloudflare, change the `A` record for `blog.example.net` to the new IP.": a change of
    /// a DNS record at its provider, which no block makes, told as an instruction (after a
    /// clause that says where, "In Cloudflare,"). "The A record should point to the new IP."
    /// tells nothing to do.
    static func changesDNS(_ text: String) -> Bool {
        guard text.includesAny(dnsRecordWords), !introducesABlock(text) else { return false }
        var sentence = Substring(text)
        if placePrepositions.contains(firstWord(text)), let comma = sentence.firstIndex(of: ","),
            sentence[..<comma].utf8.count <= 40
        {
            sentence = sentence[sentence.index(after: comma)...]
        }
        return isImperative(String(sentence))
    }
    static let dnsRecordWords: Needles = [
        "a record", "aaaa record", "cname", "dns record", "txt record", "mx record", "nameserver",
    ]
    static let placePrepositions: WordSet = ["in", "at", "on", "from"]

    /// A sentence among blocks that gives a person something to do that no block does: "Open
    /// http://localhost:8080 in your browser and log in.", "Click **Deploy**.", "Repeat steps
    /// 2–4 on each web server." It opens with one of `personVerbs` (after "Then", "Now", "Next"
    /// or "Finally"), does not end with a colon (that introduces a block), and opening, going,
    /// submitting, downloading or creating somewhere names where (a URL, a browser, a console
    /// or dashboard: "Submit `corp.csr` to the CA at https://ca.corp.example and download the
    /// signed certificate."), and editing names a
    /// file in code ("Edit `mysite/settings.py` and set `ALLOWED_HOSTS`."). So does one that
    /// says to run the command a step printed ("copy and run it").
    static func asksAPerson(_ text: String, codeSpans: @autoclosure () -> [String] = []) -> Bool {
        // "`pm2 startup` prints a command; copy and run it.": what it prints is not in the guide.
        if text.includesAny(printedCommandPhrases), !introducesABlock(text) {
            return true
        }
        guard let words = sentence(text, openingWith: personVerbs), let verb = words.first else { return false }
        switch verb {
        case "click", "repeat": return true
        case "edit", "modify": return codeSpans().contains { Text.isFilePath($0, named: true) }
        // "Log out and log back in so that the group change takes effect.": a new login, which
        // only the person can make (a run resumed from it goes on in that login).
        case "log", "sign": return words.dropFirst().first.map { $0 == "in" || $0 == "into" || $0 == "out" } ?? false
        default: return text.includesAny(Self.placesToGo)
        }
    }

    /// Words of a sentence that says where the whole guide runs.
    static let everythingWords: Needles = [
        "everything", "all commands", "all the commands", "all of the commands", "every command", "all steps",
        "all the steps",
    ]

    /// "Run everything as a sudo user on the server unless noted.", "Unless noted otherwise,
    /// all commands are run on the EC2 instance.": a sentence about where every command runs
    /// (its place is read as a lead-in's), not a condition or a warning ("If you run
    /// everything on your laptop, …", "Never run everything as root.").
    static func saysWhereEverythingRuns(_ text: String) -> Bool {
        guard text.includesAny(everythingWords), text.includesAny(runWords) else { return false }
        return !notWhereEverythingRuns.contains(firstWord(text))
    }
    /// First words of a condition or a warning (`firstWord` reads "Don't" as "don").
    static let notWhereEverythingRuns: WordSet = ["if", "when", "don", "dont", "do", "never", "avoid", "instead", "before"]

    /// Verbs of a sentence that has the person set values the guide leaves to them.
    static let settingVerbs: WordSet = ["set", "fill", "edit", "change", "adjust", "update", "configure", "enter"]
    /// What may open such a sentence before its verb ("At minimum, set", "Then fill in").
    static let settingOpeners = ["at minimum, ", "at minimum ", "at least, ", "at least ", "then ", "now ", "also "]
    /// The first words of `settingOpeners`.
    static let settingOpenerWords: WordSet = ["at", "then", "now", "also"]

    /// "At minimum set `APP_SECRET` (generate one with `openssl rand -base64 32`) and
    /// `DATABASE_URL`.", "Fill in `SMTP_HOST` and `SMTP_PASSWORD`.": the person sets values
    /// by hand (an editor, the file the block before copied), naming them as code. Not a
    /// sentence that ends with a colon (it introduces a block).
    static func asksToSetValues(_ text: String, codeSpans: @autoclosure () -> [String]) -> Bool {
        guard text.utf8.last != UInt8(ascii: ":") else { return false }
        // The first word decides most sentences, before anything is copied.
        let first = firstWord(text)
        if !settingVerbs.contains(first) {
            guard settingOpenerWords.contains(first), let opener = settingOpeners.first(where: text.opens(with:)),
                settingVerbs.contains(
                    firstWord(String(decoding: text.utf8.dropFirst(opener.utf8.count).prefix(12), as: UTF8.self)))
            else { return false }
        }
        // A value's name: `APP_SECRET`, `DATABASE_URL` (capitals, digits and underscores).
        return codeSpans().contains { span in
            span.utf8.count >= 2 && span.utf8.first.map(ASCII.isLetter) == true && ShellText.isName(span.utf8)
                && !span.utf8.contains(where: ASCII.isLower)
        }
    }

    /// What a sentence says to end the procedure with ("stop here", "you are done").
    static let stopPhrases: Needles = [
        "stop here", "stop and page", "stop and escalate", "stop and call", "stop and ask", "you are done",
        "you're done", "do not continue", "don't continue", "do not proceed", "don't proceed", "no further action",
        "nothing more to do", "nothing else to do",
    ]

    /// A sentence that ends the procedure under a condition only the person can judge: "If
    /// usage is below 85 %, the alert has cleared: resolve the page and stop here.", "If the
    /// alert is for a database host, stop and page the DBA on-call.", also after other
    /// sentences. A run pauses there for the person to go on or abort. Not when the
    /// condition is a failure ("If the check fails, stop here."): a run stops at one anyway.
    static func stopsTheRunIf(_ text: String) -> Bool {
        guard text.opens(with: "if ") || text.containsBytes(". If "), text.includesAny(stopPhrases), !introducesABlock(text)
        else { return false }
        return sentences(text).contains {
            let sentence = String($0)
            guard sentence.opens(with: "if "), sentence.includesAny(stopPhrases) else { return false }
            let condition = sentence.prefix { $0 != "," && $0 != ":" }
            return !String(condition).includesAny(failureWords)
        }
    }
    static let failureWords: Needles = ["fail", "error", "does not pass", "doesn't pass", "non-zero", "nonzero"]

    /// A sentence that tells a person to start a new login, so that a change to the user's
    /// groups takes effect: "Log out and log back in so that your group membership is
    /// re-evaluated.", "You need to log out and back in for this to take effect.", "For the
    /// change to apply, exit the SSH session and reconnect." It names a new login
    /// (`loginRenewals`) and opens with a verb of leaving or coming back (`renewalVerbs`),
    /// after "Then", "Please", "You need to" and the like (`renewalOpeners`) or a leading "For
    /// … to take effect," clause. It does not end with a colon (that introduces a block)
    /// unless the new login comes before a "then" ("Log out and back in, then check:"), and
    /// it is not about a web console's account. "If you log out, the server keeps running."
    /// is not one.
    static func renewsLogin(_ text: String) -> Bool {
        guard text.includesAny(loginRenewals), !text.includesAny(webAccountWords) else { return false }
        var text = Substring(text)
        // "Log out and back in, then check:": the new login, then the block's lead-in.
        if introducesABlock(text) {
            guard let then = text.range(of: " then "), text[..<then.lowerBound].includesAny(loginRenewals) else {
                return false
            }
            text = text[..<then.lowerBound]
        }
        var words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" })[...]
        // "For the group change to take effect, log out …": the instruction after the clause.
        if let first = words.first, first == "for" || first == "to",
            let comma = words.firstIndex(where: { $0.hasSuffix(",") })
        {
            words = words[(comma + 1)...]
        }
        var dropped = true
        while dropped {
            dropped = false
            for opener in renewalOpeners where words.starts(with: opener) {
                words = words.dropFirst(opener.count)
                dropped = true
                break
            }
        }
        func bare(_ word: Substring) -> String { String(word.prefix { $0 != "," && $0 != "." }) }
        guard let verb = words.first.map(bare), renewalVerbs.contains(verb) else { return false }
        // "Log output goes to syslog.": logging, not a login.
        guard verb == "log" || verb == "sign" else { return true }
        return words.dropFirst().first.map { ["out", "off", "back", "in"].contains(bare($0)) } ?? false
    }

    /// What names a new login in `renewsLogin`.
    static let loginRenewals: Needles = [
        "log out", "logout", "log back in", "log in again", "login again", "sign out", "log off", "reconnect", "re-connect",
        "re-login", "relogin", "re-log", "ssh back in", "new ssh session", "new login",
    ]
    /// A variables block's lead-in that has the person take its values from a step's output:
    /// "Note the ID of the newest snapshot taken before the problem started, then:", "Copy the
    /// instance ID from the output above:". Its values are examples; "Set the version to
    /// deploy:" gives a default.
    static func takesAValueFromOutput(_ leadIn: String) -> Bool {
        opening(leadIn, with: valueTakingVerbs) != nil && leadIn.includesAny(outputValueWords)
    }
    static let valueTakingVerbs: WordSet = ["note", "copy", "take", "grab", "record"]
    static let outputValueWords: Needles = [" id ", " id,", " ids", " ids ", "output", "above", "uuid", " arn"]

    /// Words of a lead-in that brings the person back to their own machine ("Back on your
    /// laptop, …:", "Return to your local terminal and …").
    static let comingBack: Needles = [
        "back on your", "back in your", "back to your", "back at your", "back on the local", "back in the local",
        "back to the local", "back on my", "back to my", "return to your", "returning to your",
    ]
    /// A machine's console reached through its provider or its hardware, not over SSH: what
    /// a block is typed into there is a person's step.
    static let outOfBandConsoles: Needles = [
        "web console", "recovery console", "serial console", "rescue console", "vnc console", "kvm console",
        "emergency console", "provider's console", "provider’s console", "droplet console", "out-of-band console",
    ]
    /// A web console's login, which is not the machine's.
    static let webAccountWords: Needles = ["console", "account", "browser", "dashboard", "portal"]
    /// Verbs `renewsLogin` opens with.
    static let renewalVerbs: Set<String> = [
        "log", "logout", "sign", "exit", "reconnect", "re-connect", "disconnect", "relogin", "re-login", "re-log", "close",
        "quit", "start", "open",
    ]
    /// Words before the verb of `renewsLogin`, taken off in any order.
    static let renewalOpeners: [[Substring]] = [
        ["then"], ["now"], ["next"], ["finally"], ["please"], ["also"], ["you", "need", "to"], ["you'll", "need", "to"],
        ["you’ll", "need", "to"],
        ["you", "will", "need", "to"], ["you", "may", "need", "to"], ["you", "must"], ["you", "have", "to"],
        ["you", "should"], ["remember", "to"], ["make", "sure", "to"], ["be", "sure", "to"], ["simply"],
    ]

    /// Phrases of a lead-in that has a login tried beside the session kept open: the `ssh`
    /// under it is a test, not a move.
    static let loginTestPhrases: Needles = [
        "keep this session open", "keep the current session open", "keep your current session open",
        "before logging out", "before you log out", "before closing this session", "without closing",
        "test from a new terminal", "test it from a new terminal", "test the login", "test logging in", "test the new login",
    ]
    /// Phrases that tell a person to run a command a step printed, which no block gives.
    static let printedCommandPhrases: Needles = [
        "copy and run", "copy and paste the command", "run the command it prints", "run the command it outputs",
        "run the printed command", "run the command that it prints", "run the command shown in the output",
        "run the command from the output",
    ]
    /// Verbs of `asksAPerson`.
    static let personVerbs: WordSet = [
        "open", "visit", "browse", "navigate", "go", "click", "log", "sign", "repeat", "edit", "modify",
        // Done at a web page the sentence names ("Submit `corp.csr` to the CA at https://…").
        "submit", "upload", "download", "approve", "create", "generate",
    ]
    /// Where a person opens or goes to.
    static let placesToGo: Needles = ["http://", "https://", "browser", "console", "dashboard", "portal"]

    /// Words a sentence may open with before its verb ("Then restart it with …").
    static let sentenceOpeners: WordSet = ["then", "now", "next", "finally"]

    /// Does this sentence tell a person to do something?
    static func isImperative(_ text: String) -> Bool {
        let t = text.trimmedInline
        if t.hasPrefix("[") { return false }
        let word = firstWord(t)
        // "Note:" and "Note that …" give information ("Note: the token expires after an hour.");
        // "Note the instance ID." asks for something.
        if word == "note", isNoteLabel(t) { return false }
        if imperativeVerbs.contains(word) { return true }
        if let first = word.utf8.first, nounLikeVerbFirstBytes.contains(first), nounLikeVerbs.contains(word),
            t.utf8.dropFirst(word.utf8.count).first == UInt8(ascii: " ")
        {
            return articlesAndPrepositions.contains(firstWord(String(t.dropFirst(word.count + 1))))
        }
        if word == "in" || word == "at" || word == "on", namesAPlaceInAnApp(t) { return true }
        guard t.includesAny(Self.obligationWords) else { return false }
        guard let bytes = ASCII.bytes(of: t) else { return Text.matches(obligationPattern, t) }
        return firstPhrase(obligationPhrases, in: bytes) != nil
    }

    /// `t`, which opens with the word "note", uses it as a label ("Note:", "NOTE -") or says
    /// "Note that": what follows is information.
    static func isNoteLabel(_ t: String) -> Bool {
        let after = t.drop { !$0.isLetter }.dropFirst(4)
        if let next = after.drop(while: { $0 == " " }).first, ":-–—".contains(next) { return true }
        return after.lowercased().hasPrefix(" that ")
    }

    static let placePattern = #"^(In|At|On|in|at|on)\s+(the\s+|your\s+)?[A-Z]"#
    static let appPattern = #"\b(console|dashboard|provider|tab|settings|editor|portal)\b"#
    static let appPhrases: [Phrase] = ["console", "dashboard", "provider", "tab", "settings", "editor", "portal"]
    static let obligationPattern = #"\bdo this\b|\byou must (configure|create|set)\b"#
    static let obligationPhrases: [Phrase] = ["do this", "you must configure", "you must create", "you must set"]

    /// "In the AWS console → EC2", "At Settings > Tab": `placePattern` (case as written), and
    /// an arrow or `appPattern`. By bytes when the text is ASCII.
    static func namesAPlaceInAnApp(_ t: String) -> Bool {
        guard let bytes = ASCII.bytes(of: t) else {
            return Text.matches(placePattern, t, caseInsensitive: false)
                && (t.contains("→") || t.contains("->") || Text.matches(appPattern, t))
        }
        guard bytes.count >= 2, ["In", "At", "On", "in", "at", "on"].contains(String(decoding: bytes[0..<2], as: UTF8.self))
        else { return false }
        let next = ASCII.skipSpaces(bytes, from: 2)
        guard next > 2, next < bytes.count else { return false }
        var capital = bytes[next] >= UInt8(ascii: "A") && bytes[next] <= UInt8(ascii: "Z")
        for article in ["the", "your"] where !capital && bytes[next...].starts(with: article.utf8) {
            let after = ASCII.skipSpaces(bytes, from: next + article.utf8.count)
            capital =
                after > next + article.utf8.count && after < bytes.count
                && bytes[after] >= UInt8(ascii: "A") && bytes[after] <= UInt8(ascii: "Z")
        }
        return capital && (t.containsBytes("->") || firstPhrase(appPhrases, in: bytes) != nil)
    }

    /// `Option A`, `(recommended)`, `(alternate)`: returns (isOption, letter id, recommended).
    static func optionMarker(_ title: String) -> (isOption: Bool, letter: String?, recommended: Bool, marked: Bool) {
        guard title.includesAny(Self.optionWords) else {
            return (false, nil, false, false)
        }
        let t = String(title[...].trimming { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: " ") })
        // Each pattern only where its word is: "option" at the start, "recommended", "altern".
        let opening = t.utf8.drop { $0 == UInt8(ascii: "*") || ASCII.isSpace($0) }
        let startsWithOption =
            (opening.first ?? 0) >= 0x80  // a Unicode space: the regex decides
            || optionIdWords.contains { word in
                opening.count >= word.count && zip(opening, word).allSatisfy { ASCII.lower($0) == $1 }
            }
        let letter = startsWithOption ? optionLetter(t) : nil
        let recommended = t.includes("recommended") && markedRecommended(t, startsWithOption: startsWithOption)
        let alternate = t.includes("altern") && markedAlternate(t)
        return (letter != nil || alternate, letter?.uppercased(), recommended, letter != nil || alternate || recommended)
    }

    static let recommendedPattern = #"\([^)]*\brecommended\b[^)]*\)"#
    static let optionRecommendedPattern =
        #"^\**\s*(?:option|method|approach)\s+[A-Za-z0-9]{1,3}\b.*\brecommended\b"#
    static let alternatePattern = #"\((alternate|alternative)\b[^)]*\)|^\**\s*alternative\b"#

    /// `recommendedPattern`, or (a title that starts with "option") `optionRecommendedPattern`,
    /// matches `title` (any case): by bytes when it is ASCII.
    static func markedRecommended(_ title: String, startsWithOption: Bool) -> Bool {
        guard let bytes = ASCII.bytes(of: title) else {
            return Text.matches(recommendedPattern, title)
                || (startsWithOption && Text.matches(optionRecommendedPattern, title))
        }
        let words = wordStarts(of: recommendedWord, in: bytes)
        // `\(` with no `)` between it and the word, and a `)` after the word.
        let inParentheses = words.contains { start in
            let before = bytes[..<start].last { $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")") }
            return before == UInt8(ascii: "(") && bytes[(start + recommendedWord.count)...].contains(UInt8(ascii: ")"))
        }
        if inParentheses { return true }
        // After `Option B`, later on the first line (`.` stops at a line break).
        guard startsWithOption, let letter = optionLetterRange(bytes) else { return false }
        let lineEnd = bytes[letter.upperBound...].firstIndex { $0 >= 0x0A && $0 <= 0x0D } ?? bytes.count
        return words.contains { $0 >= letter.upperBound && $0 + recommendedWord.count <= lineEnd }
    }

    private static let recommendedWord = Array("recommended".utf8)
    private static let alternateWord = Array("alternate".utf8)
    private static let alternativeWord = Array("alternative".utf8)

    /// `alternatePattern` matches `title` (any case): by bytes when it is ASCII.
    static func markedAlternate(_ title: String) -> Bool {
        guard let bytes = ASCII.bytes(of: title) else { return Text.matches(alternatePattern, title) }
        // `(alternate` or `(alternative` as a word, and a `)` after it.
        for start in wordStarts(of: alternateWord, in: bytes) + wordStarts(of: alternativeWord, in: bytes)
        where start > 0 && bytes[start - 1] == UInt8(ascii: "(") && bytes[start...].contains(UInt8(ascii: ")")) {
            return true
        }
        // `alternative` opening the title, past `*` and spaces.
        return wordStarts(of: alternativeWord, in: bytes).contains(openingWordStart(bytes))
    }

    /// Where a title's first word starts past bold or italic markers and spaces (`^\**\s*`).
    private static func openingWordStart(_ bytes: [UInt8]) -> Int {
        var i = 0
        while i < bytes.count, bytes[i] == UInt8(ascii: "*") { i += 1 }
        return ASCII.skipSpaces(bytes, from: i)
    }

    /// What shown output (an "Expected:" span, a line of an output block) expects: the text,
    /// or, when it gives a version with wildcard parts (`v20.x.x`, `Python 3.12.x`), a pattern
    /// in which each `x` part is any number: `v20.x.x` is no line `node -v` prints.
    static func expectation(forShown text: String) -> Expectation {
        guard text.includes(".x") || text.includes("x."),
            let regex = RegexCache.shared.regex(#"\d+(?:\.(?:\d+|x))*\.x\b|\bx\.(?:\d+|x)\b"#, options: [.caseInsensitive])
        else { return alignedColumns(text).map { .outputMatches($0) } ?? .outputContains(text) }
        let whole = text as NSString
        var pattern = ""
        var at = 0
        for match in regex.matches(in: text, range: NSRange(location: 0, length: whole.length)) {
            pattern += NSRegularExpression.escapedPattern(
                for: whole.substring(with: NSRange(location: at, length: match.range.location - at)))
            pattern += whole.substring(with: match.range).split(separator: ".", omittingEmptySubsequences: false)
                .map { $0.lowercased() == "x" ? "[0-9]+" : String($0) }.joined(separator: "\\.")
            at = match.range.location + match.range.length
        }
        guard at > 0 else { return .outputContains(text) }
        return .outputMatches(pattern + NSRegularExpression.escapedPattern(for: whole.substring(from: at)))
    }

    /// A pattern for a line of columns aligned with blanks (`NAME                STATUS`, as
    /// `docker compose ps` prints it): each run of two or more blanks between words matches
    /// any run, since a column is as wide as what is in it on the day. Nil for other lines.
    static func alignedColumns(_ text: String) -> String? {
        let trimmed = text.trimmedInline
        guard trimmed.containsBytes("  ") || trimmed.containsByte(0x09) else { return nil }
        var parts: [String] = []
        var current = ""
        var blanks = ""
        for character in trimmed {
            if character == " " || character == "\t" {
                blanks.append(character)
                continue
            }
            if !blanks.isEmpty {
                if blanks.count >= 2 || blanks.contains("\t") {
                    parts.append(current)
                    current = ""
                } else {
                    current += blanks
                }
                blanks = ""
            }
            current.append(character)
        }
        parts.append(current)
        guard parts.count >= 2 else { return nil }
        return parts.map(NSRegularExpression.escapedPattern(for:)).joined(separator: #"[ \t]+"#)
    }

    /// A pattern for one line of JSON shown as expected output, that matches it however it is
    /// spaced: `"status": "ok",` → `"status"\s*:\s*"ok"`. Nil for a line of brackets only
    /// (`{`, `},`), which says nothing. Spacing inside strings is kept.
    static func jsonLinePattern(_ line: String) -> String? {
        var text = Substring(line.trimmedInline)
        if text.hasSuffix(",") { text = text.dropLast() }
        guard text.contains(where: { !"{}[], \t".contains($0) }) else { return nil }
        var pattern = ""
        var inString = false
        var escaped = false
        // Blanks between two words of text outside a string ("SUCCESS! Your cluster") are some
        // spacing, as written; around JSON's punctuation and quotes, any spacing or none.
        var blanks = false
        let structural: Set<Character> = [":", ",", "{", "}", "[", "]"]
        for character in text {
            if !inString, blanks, character != " ", character != "\t" {
                if let last = pattern.last, last != "*", !structural.contains(character) { pattern += "\\s+" }
                blanks = false
            }
            if inString {
                pattern += NSRegularExpression.escapedPattern(for: String(character))
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
                continue
            }
            switch character {
            case "\"":
                inString = true
                pattern += "\""
            case " ", "\t":
                blanks = true
            case ":", ",", "{", "}", "[", "]":
                pattern += "\\s*" + NSRegularExpression.escapedPattern(for: String(character)) + "\\s*"
            default:
                pattern += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        return pattern
    }

    /// The operating systems a lead-in or heading says its block is for: "On macOS:",
    /// "**Ubuntu/Debian:**", "For Fedora or RHEL (dnf):", a heading "Windows". Only text that
    /// is nothing but that (an opening "On", "For" or "If you're on", the systems and their
    /// versions, "users", a parenthesis; a colon ending a lead-in) names them: "Install it on
    /// macOS with Homebrew:" does not. The id joins the systems: `ubuntu-debian`.
    static func operatingSystem(_ text: String, heading: Bool) -> (id: String, platforms: [String])? {
        // Most headings and lead-ins name no system: one pass over their bytes says so.
        guard text.utf8.count < 80, text.includesAny(systemWords), text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return nil
        }
        var bytes = Array(withoutParentheticals(text).utf8).map(ASCII.lower)[...]
        func trim() {
            let blank = { (byte: UInt8) in byte == UInt8(ascii: "*") || byte == UInt8(ascii: "_") || ASCII.isSpace(byte) }
            while let first = bytes.first, blank(first) { bytes.removeFirst() }
            while let last = bytes.last, blank(last) { bytes.removeLast() }
        }
        trim()
        if bytes.last == UInt8(ascii: ":") {
            bytes.removeLast()
            trim()
        } else if !heading {
            return nil
        }
        if let opening = systemOpenings.first(where: { bytes.starts(with: $0) }) { bytes.removeFirst(opening.count) }
        if let ending = systemEndings.first(where: { bytes.reversed().starts(with: $0.reversed()) }) {
            bytes.removeLast(ending.count)
        }
        // "macOS with Homebrew", "the server": the first word is no system's.
        let firstEnd = bytes.firstIndex { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "/") } ?? bytes.endIndex
        guard systemFirstWords.contains(String(decoding: bytes[..<firstEnd], as: UTF8.self)) else { return nil }
        var platforms: [String] = []
        for part in systemParts(bytes) {
            // Versions and editions say which release, not which system: "Ubuntu 24.04 LTS".
            let words = part.split(separator: UInt8(ascii: " ")).filter { word in
                !word.allSatisfy { ASCII.isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "x") }
                    && !releaseWords.contains(where: word.elementsEqual)
            }
            let name = words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            guard !words.isEmpty, let platform = systemNames[name] else { return nil }
            if !platforms.contains(platform) { platforms.append(platform) }
        }
        return platforms.isEmpty ? nil : (platforms.joined(separator: "-"), platforms)
    }

    private static let systemOpenings = [
        "if you are using ", "if you're using ", "if you are on ", "if you're on ", "if you use ", "on ", "for ",
    ].map { Array($0.utf8) }
    private static let systemEndings = [" users", " hosts", " machines", " systems", " only"].map { Array($0.utf8) }

    /// The system an option's title names after its marker: "Option A (recommended): Amazon
    /// Linux 2023" is for `amazon`.
    static func optionSystem(_ title: String) -> (id: String, platforms: [String])? {
        let plain = withoutParentheticals(title)
        guard let colon = plain.firstIndex(of: ":") else { return nil }
        return operatingSystem(String(plain[plain.index(after: colon)...]), heading: true)
    }

    private static let releaseWords = ["lts", "server", "desktop"].map { Array($0.utf8) }

    /// The names in a list of systems: "ubuntu/debian", "fedora or rhel", "macos, linux".
    private static func systemParts(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var i = bytes.startIndex
        func cut(_ width: Int) {
            var part = bytes[start..<i]
            while part.first == UInt8(ascii: " ") { part.removeFirst() }
            while part.last == UInt8(ascii: " ") { part.removeLast() }
            parts.append(part)
            i += width
            start = i
        }
        while i < bytes.endIndex {
            if "/,&+".utf8.contains(bytes[i]) {
                cut(1)
            } else if bytes[i...].starts(with: " or ".utf8) {
                cut(4)
            } else if bytes[i...].starts(with: " and ".utf8) {
                cut(5)
            } else {
                i += 1
            }
        }
        cut(0)
        return parts
    }

    /// The first word of each name in `systemNames`.
    private static let systemFirstWords = Set(systemNames.keys.map { String($0.split(separator: " ")[0]) })

    /// A word every name in `systemNames` holds.
    static let systemWords: Needles = [
        "mac", "osx", "os x", "linux", "ubuntu", "debian", "fedora", "rhel", "red hat", "redhat", "centos", "rocky",
        "alma", "al2023", "alpine", "arch", "windows", "suse",
    ]

    /// What guides call each system, and the word `Platform` uses for it.
    private static let systemNames: [String: String] = [
        "macos": "macos", "mac": "macos", "mac os": "macos", "mac os x": "macos", "os x": "macos", "osx": "macos",
        "linux": "linux", "ubuntu": "ubuntu", "debian": "debian", "fedora": "fedora", "rhel": "rhel", "red hat": "rhel",
        "redhat": "rhel", "red hat enterprise linux": "rhel", "centos": "centos", "rocky": "rocky", "rocky linux": "rocky",
        "alma": "alma", "almalinux": "alma", "alma linux": "alma", "amazon linux": "amazon", "al2023": "amazon",
        "alpine": "alpine", "arch": "arch", "arch linux": "arch", "windows": "windows", "opensuse": "opensuse",
        "suse": "opensuse",
    ]

    /// The user a lead-in says its block runs as: "As root:", "Run this as the deploy user:",
    /// "As `postgres`, run:", also after clauses that say where or when ("On your laptop, as
    /// root:", "Then, on web01, run as `postgres`:"). A bare word must be `root` or a code
    /// span (`codeSpans`, read only then): "As follows:" and "As before:" name nobody. Words
    /// that describe rather than name a user ("the regular user") name nobody either.
    static func runsAsUser(_ text: String, codeSpans: @autoclosure () -> [String]) -> String? {
        guard text.hasSuffix(":"), text.includes("as "),
            let m = Text.firstMatch(runsAsPattern, in: text, options: [.caseInsensitive])
        else { return nil }
        if !m[1].isEmpty { return notAUser.contains(m[1].lowercased()) ? nil : m[1].lowercased() }
        if !m[2].isEmpty { return "root" }
        return codeSpans().contains(m[3]) ? m[3] : nil
    }

    static let runsAsPattern =
        #"^(?:[^:.,]*,\s*)*(?:(?:then\s+)?run\b[^:.]*?\s)?as\s+(?:the\s+|your\s+)?(?:([a-z_][a-z0-9_-]*)\s+user\b|(root)\b|([a-z_][a-z0-9_-]*)\b)[^.]*:$"#
    private static let notAUser: WordSet = [
        "regular", "normal", "unprivileged", "non-root", "same", "current", "other", "new", "sudo", "admin-level", "a",
        "an", "logged-in", "correct", "right", "appropriate",
    ]

    /// States a lead-in waits for ("Wait until the app is healthy:").
    static let readyStates: Needles = ["healthy", "ready", "running", "available", " up", "started", "online", "active"]

    /// "Wait until the app is healthy:", "Wait for the pods to be ready:": the block checks
    /// for a state a run waits for, retried as a verification is. Not "Wait for the build to
    /// finish:", whose block does the work.
    static func waitsForAState(_ text: String) -> Bool {
        guard text.utf8.first.map(ASCII.lower) == UInt8(ascii: "w"), text.utf8.last == UInt8(ascii: ":"),
            text.opens(with: "wait until ") || text.opens(with: "wait for ") || text.opens(with: "wait till ")
        else { return false }
        return text.includesAny(readyStates)
    }

    /// Prose before a block says the block verifies (`verificationLeadIn`, any case): by bytes
    /// when the text is ASCII, the pattern otherwise.
    static func leadInVerifies(_ text: String) -> Bool {
        guard text.includesAny(verificationWords) else { return false }
        guard let bytes = ASCII.bytes(of: text) else { return Text.matches(verificationLeadIn, text) }
        return opensWithVerification(bytes) || endsVerificationHeading(bytes)
            || firstPhrase(smokeTestPhrases, in: bytes) != nil
    }

    private static let smokeTestPhrases: [Phrase] = ["smoke-test", "smoke test"]

    /// Prose before a block says its command asks the person something ("(it will ask for the
    /// replicator password):", "You will be prompted for a passphrase.", "When prompted, type
    /// yes:"): the block waits for a person, whatever its program. Not prose that says it will
    /// not ("so that it does not prompt", "without being asked").
    static func leadInAsks(_ text: String) -> Bool {
        text.includesAny(askingPhrases) && !text.includesAny(notAskingPhrases)
    }

    /// The code spans after "until you see" (or "until it says", "prints", "shows") in prose
    /// before a block: "Watch the logs until you see `listening on :8080`:". A person following
    /// a log stops there; a run expects it, and stops following once it has it.
    static func awaitedOutput(_ text: String, codeSpans: [String]) -> [String] {
        guard !codeSpans.isEmpty, text.includesAny(untilPhrases) else { return [] }
        let phrases = untilPhraseStrings.compactMap { text.range(of: $0, options: .caseInsensitive) }
        guard let until = phrases.min(by: { $0.lowerBound < $1.lowerBound }) else { return [] }
        // The spans written after the phrase (the node gives them without positions).
        let after = text[until.upperBound...]
        return codeSpans.filter { !$0.isEmpty && after.contains($0) }
    }

    private static let untilPhraseStrings = [
        "until you see", "until it says", "until it prints", "until it shows", "until the log says", "until the logs say",
        "until the logs show", "until the log shows",
    ]
    private static let untilPhrases = Needles(untilPhraseStrings)

    private static let askingPhrases: Needles = [
        "will ask for", "will ask you", "asks for your", "asks you for", "asks you to", "will prompt", "prompts you",
        "prompts for", "be prompted", "be asked", "when prompted", "if prompted", "when asked", "asks whether",
        "asks if", "will ask whether", "will ask if",
    ]
    private static let notAskingPhrases: Needles = [
        "not ", "n't ", "never ", "without ", "no longer", "non-interactive", "noninteractive",
    ]

    /// Prose that introduces a list as reasons or notes, not as tasks ("Why:", "Key points:").
    static let reasonLeadIn = #"^(why|notes?|important|key points?|tip|result|this (guide|repo|section)|the flow)\b"#
    private static let reasonOpeners = [
        "why", "note", "notes", "important", "key point", "key points", "tip", "result", "this guide", "this repo",
        "this section", "the flow",
    ].map { Array($0.utf8) }

    /// `reasonLeadIn` (any case): by bytes when the text is ASCII (one of the openers, then no
    /// word byte), the pattern otherwise.
    static func isReasonLeadIn(_ text: String) -> Bool {
        guard let bytes = ASCII.bytes(of: text) else { return Text.matches(reasonLeadIn, text) }
        return spellsWord(of: reasonOpeners, at: 0, in: bytes)
    }

    private static let leadInOpeners = ["also", "then", "now", "finally", "and", "to", "next"].map { Array($0.utf8) }
    private static let verificationVerbs = ["verification", "verify", "verifying", "check", "confirm", "validate", "test"]
        .map { Array($0.utf8) }

    /// `^((also|then|…)[, ]+)?(verification|verify|…|test)\b`: a verb opens the text, or one
    /// opener and commas or spaces come before it.
    private static func opensWithVerification(_ bytes: [UInt8]) -> Bool {
        if spellsWord(of: verificationVerbs, at: 0, in: bytes) { return true }
        for opener in leadInOpeners where spells(opener, at: 0, in: bytes) {
            var i = opener.count
            while i < bytes.count, bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: " ") { i += 1 }
            if i > opener.count, spellsWord(of: verificationVerbs, at: i, in: bytes) { return true }
        }
        // "When it finishes, check …": a clause of time, then the verb after its comma.
        if spellsWord(of: timeClauseOpeners, at: 0, in: bytes), var i = bytes.firstIndex(of: UInt8(ascii: ",")) {
            while i < bytes.count, bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: " ") { i += 1 }
            if spellsWord(of: verificationVerbs, at: i, in: bytes) { return true }
        }
        return false
    }
    private static let timeClauseOpeners = ["when", "once", "after"].map { Array($0.utf8) }

    /// `\bverification:$` and `\bshould [^.]*:$`: the text ends (before one final line break,
    /// or at its very end) with a colon after `verification` or after `should ` with no `.`
    /// between.
    private static func endsVerificationHeading(_ bytes: [UInt8]) -> Bool {
        var ends = [bytes.count]
        if bytes.last == 0x0A {
            ends.append(bytes.count >= 2 && bytes[bytes.count - 2] == 0x0D ? bytes.count - 2 : bytes.count - 1)
        } else if bytes.last == 0x0D {
            ends.append(bytes.count - 1)
        }
        let should = wordStarts(of: shouldWord, in: bytes)
        for end in ends where end > 0 && bytes[end - 1] == UInt8(ascii: ":") {
            let start = end - verificationColon.count
            if spells(verificationColon, at: start, in: bytes), !ASCII.isWord(bytes, at: start - 1) {
                return true
            }
            // The last `should ` before the colon has the fewest bytes to check for a `.`.
            let after = shouldWord.count + 1
            if let at = should.last(where: { $0 + after <= end - 1 && bytes[$0 + after - 1] == UInt8(ascii: " ") }),
                !bytes[(at + after)..<(end - 1)].contains(UInt8(ascii: "."))
            {
                return true
            }
        }
        return false
    }

    private static let verificationColon = Array("verification:".utf8)
    private static let shouldWord = Array("should".utf8)

    /// True when `word` (lower case) is spelled at `start` in `bytes`, in any case.
    static func spells(_ word: [UInt8], at start: Int, in bytes: [UInt8]) -> Bool {
        guard start >= 0, start + word.count <= bytes.count else { return false }
        return word.indices.allSatisfy { ASCII.lower(bytes[start + $0]) == word[$0] }
    }

    /// True when one of `words` (lower case) is spelled at `start` in `bytes`, in any case,
    /// and no word byte follows it (`(a|b|…)\b` there).
    static func spellsWord(of words: [[UInt8]], at start: Int, in bytes: [UInt8]) -> Bool {
        words.contains { spells($0, at: start, in: bytes) && !ASCII.isWord(bytes, at: start + $0.count) }
    }

    /// Where `word` (lower case) stands in `bytes`, in any case: as a whole word (`\bword\b`)
    /// unless `bounded` is false.
    static func wordStarts(of word: [UInt8], in bytes: [UInt8], bounded: Bool = true) -> [Int] {
        guard bytes.count >= word.count else { return [] }
        return (0...(bytes.count - word.count)).filter { start in
            (!bounded || !ASCII.isWord(bytes, at: start - 1) && !ASCII.isWord(bytes, at: start + word.count))
                && spells(word, at: start, in: bytes)
        }
    }

    /// Where the leftmost of `phrases` starts in ASCII `bytes`, in any case: what a pattern
    /// made of their alternatives finds first.
    static func firstPhrase(_ phrases: [Phrase], in bytes: [UInt8]) -> Int? {
        phrases.compactMap { wordStarts(of: $0.bytes, in: bytes, bounded: $0.bounded).first }.min()
    }

    /// The id after `Option` (or `Method`, `Approach`) at the start of a title
    /// (`**Option B:**` → `B`, `Method 2: From source` → `2`), as
    /// `optionLetterPattern` reads it; by bytes when the title is ASCII.
    static func optionLetter(_ title: String) -> String? {
        guard let bytes = ASCII.bytes(of: title) else {
            return Text.firstMatch(optionLetterPattern, in: title, options: [.caseInsensitive])?[1]
        }
        return optionLetterRange(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// The words an alternative's title opens with before its id: guides say "Method 1:
    /// From packages" and "Method 2: From source" for what others call options.
    private static let optionIdWords = ["option", "method", "approach"].map { Array($0.utf8) }

    /// Where `optionLetterPattern`'s id is in an ASCII title.
    static func optionLetterRange(_ bytes: [UInt8]) -> Range<Int>? {
        var i = openingWordStart(bytes)
        guard let word = optionIdWords.first(where: { spells($0, at: i, in: bytes) }) else { return nil }
        i += word.count
        let spaces = i
        i = ASCII.skipSpaces(bytes, from: i)
        guard i > spaces else { return nil }
        let start = i
        while i < bytes.count, ASCII.isLetter(bytes[i]) || ASCII.isDigit(bytes[i]) { i += 1 }
        // One to three letters or digits, then a word boundary.
        guard i > start, i - start <= 3, !ASCII.isWord(bytes, at: i) else { return nil }
        return start..<i
    }

    /// A task list item, `[ ] text` or `[x] text`, as `taskItemPattern` reads it: whether it
    /// is ticked, and its text. By bytes, except where a Unicode space may follow the box.
    static func taskItem(_ text: String) -> (done: Bool, text: String)? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: "["), bytes[2] == UInt8(ascii: "]") else { return nil }
        let mark = bytes[1]
        guard mark == UInt8(ascii: " ") || mark == UInt8(ascii: "x") || mark == UInt8(ascii: "X") else { return nil }
        let i = ASCII.skipSpaces(bytes, from: 3)
        if i < bytes.count, bytes[i] >= 0x80 {
            guard let m = Text.firstMatch(taskItemPattern, in: text, options: [.dotMatchesLineSeparators]) else { return nil }
            return (m[1] != " ", m[2])
        }
        guard i > 3 else { return nil }
        return (mark != UInt8(ascii: " "), String(decoding: bytes[i...], as: UTF8.self))
    }

    /// A task list item: the definition `taskItem` follows.
    static let taskItemPattern = #"^\[( |x|X)\]\s+(.*)$"#

    /// `Option B` at the start of a title: the definition `optionLetter` follows.
    static let optionLetterPattern = #"^\**\s*(?:option|method|approach)\s+([A-Za-z0-9]{1,3})\b"#

    /// `title` without its `(…)` spans, as `\([^)]*\)` replaced by nothing: each `(` up to the
    /// next `)`; a `(` that is never closed stays.
    static func withoutParentheticals(_ title: String) -> String {
        guard title.containsByte(UInt8(ascii: "(")) else { return title }
        let bytes = Array(title.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "("), let close = bytes[i...].firstIndex(of: UInt8(ascii: ")")) {
                i = close + 1
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A title with option markers and parentheticals removed, for option ids.
    static func optionSlug(_ title: String) -> String {
        var t = withoutParentheticals(title)
        if t.includes("option") {
            t = t.replacingOccurrences(
                of: #"^\W*option\s+[A-Za-z0-9]{1,3}\b\W*"#, with: "", options: [.regularExpression, .caseInsensitive])
        }
        return Text.slug(t)
    }
}

extension Patterns {
    /// Words in the titles of sections that are read, not run (contents, notes, overview).
    static let asideWords: Needles = [
        "content", "toc", "tl", "summary", "overview", "intro", "background", "note", "why", "next", "reference", "see also",
        "decision", "warning",
    ]
    static let obligationWords: Needles = ["do this", "you must"]
    static let optionWords: Needles = ["option", "method", "approach", "recommended", "altern"]
    static let verificationWords: Needles = ["verif", "check", "confirm", "validat", "test", "should"]
    static let expectationWords: Needles = ["expect", "should", "output", "must"]
    /// The first words of `personLeadIn`'s opening half (`go` of "go to", `log` of "log in").
    static let personOpenings: WordSet = [
        "in", "at", "from", "using", "inside", "open", "go", "navigate", "paste", "log", "sign", "visit",
    ]
    /// The words of its other half, the places a person works in.
    static let personPlaces: Needles = ["console", "dashboard", "sql editor", "web ui", "browser", "portal"]

    /// True when `text` matches `personLeadIn`: asked of the pattern only when the text opens
    /// with one of its first words or names one of its places ("in " alone let through
    /// nearly every sentence).
    static func leadsPerson(_ text: String) -> Bool {
        (personOpenings.contains(firstWord(text)) || text.includesAny(personPlaces)) && Text.matches(personLeadIn, text)
    }
    static let localWords: Needles = [
        "local", "laptop", "workstation", "computer", "own machine", "your machine", "dev", "mac",
    ]
    static let remoteWords: Needles = ["ec2", "server", "host", "machine", "vm", "instance", "droplet", "bastion", "vps", "box"]

    /// `Text.matches`, after a cheap test that one of `words` occurs at all.
    static func matches(_ pattern: String, _ text: String, ifAny words: Needles) -> Bool {
        text.includesAny(words) && Text.matches(pattern, text)
    }

    /// The sentence of `text` that says what the block before it shows (`outcomeSentence`):
    /// the text itself, or a later sentence of it ("Review the plan. It should say `Plan: 7 to
    /// add, 0 to change, 0 to destroy.`"). Nil when none does.
    static func outcome(_ text: String) -> String? {
        guard text.includesAny(expectationWords) else { return nil }
        if Text.matches(outcomeSentence, text) { return text }
        guard text.containsBytes(". ") else { return nil }
        return sentences(text).dropFirst().lazy.map(String.init).first { Text.matches(outcomeSentence, $0) }
    }

    /// A line of shown output that holds what changes from run to run: a time of day
    /// (`10:04:31`, not `0.0.0.0:80`), a date (`2024-03-05`), an age (`5s ago`), a process
    /// id (`Main PID: 812`), or a row of a table (`kubectl get pods`, `docker ps`), whose
    /// names, ages and column widths differ in every run. Shown output is no expectation
    /// there: a run prints other values.
    static func isVolatileOutput(_ line: String) -> Bool {
        if isTableRow(line) { return true }
        guard line.utf8.contains(where: ASCII.isDigit) || line.includes("ago") else { return false }
        return Text.matches(volatileOutput, line)
    }

    /// Text in three or more columns: two or more gaps of two blanks or a tab between words.
    static func isTableRow(_ line: String) -> Bool {
        var gaps = 0
        var blanks = 0
        var seenText = false
        for byte in line.utf8 {
            if byte == 0x20 || byte == 0x09 {
                blanks += byte == 0x09 ? 2 : 1
            } else {
                if seenText, blanks >= 2 { gaps += 1 }
                if gaps >= 2 { return true }
                seenText = true
                blanks = 0
            }
        }
        return false
    }

    static let volatileOutput =
        #"(?<![\d.])\d{1,2}:\d{2}(?::\d{2})?(?!\d)|\b\d{4}-\d{2}-\d{2}\b|\bago\b|\bPID\b|\bUp \d+ (?:second|minute|hour|day|week)"#

    /// The labels that say where a section's or a block's commands run ("**Where to run:**
    /// your laptop"), lower-cased, longer forms first.
    static let placeLabels: [[UInt8]] = [
        "where to run this", "where to run", "where to execute", "where it runs", "run this on", "runs on", "run on",
        "run from", "execute on",
    ].map { Array($0.utf8) }

    /// What a place label says: the phrase after "Where to run:" (or another of
    /// `placeLabels`, any case, emphasis gone with the plain text, after a GitHub admonition's
    /// `[!NOTE]`), up to the end of its sentence or line. Nil for any other text; most is
    /// ruled out by its first byte.
    static func placeLabel(_ text: String) -> String? {
        guard let first = text.utf8.first,
            first == UInt8(ascii: "[") || [UInt8(ascii: "w"), UInt8(ascii: "r"), UInt8(ascii: "e")].contains(ASCII.lower(first))
        else { return nil }
        let bytes = Array(text.utf8)
        var i = 0
        if bytes.starts(with: "[!".utf8), let close = bytes.firstIndex(of: UInt8(ascii: "]")) {
            i = ASCII.skipSpaces(bytes, from: close + 1)
        }
        guard let label = placeLabels.first(where: { spells($0, at: i, in: bytes) }) else { return nil }
        i = ASCII.skipSpaces(bytes, from: i + label.count)
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        let start = ASCII.skipSpaces(bytes, from: i + 1)
        var end = start
        while end < bytes.count, bytes[end] != 0x0A, bytes[end] != UInt8(ascii: ";"),
            !(bytes[end] == UInt8(ascii: ".") && (end + 1 == bytes.count || ASCII.isSpace(bytes[end + 1])))
        {
            end += 1
        }
        guard end > start else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// A heading or lead-in that opens with "On" or "From" and blanks, as a machine named at
    /// its start does ("On web01:", "From the build machine (CI):", "Back on the manager,
    /// list the nodes:"): its bytes, and where the word after the blanks starts. Nil for other
    /// text; most text is ruled out by its first byte, before anything is copied.
    /// What "Run … on" may have between its words ("Run this on the web servers:").
    static let runObjects: WordSet = ["this", "these", "it", "them"]

    static func afterOnOrFrom(_ text: String) -> (bytes: [UInt8], at: Int)? {
        guard let first = text.utf8.first.map(ASCII.lower),
            first == UInt8(ascii: "o") || first == UInt8(ascii: "f")
                || (first == UInt8(ascii: "b") && text.opens(with: "back "))
                || (first == UInt8(ascii: "s") && text.opens(with: "still "))
                || (first == UInt8(ascii: "a") && (text.opens(with: "again ") || text.opens(with: "also ")))
                || (first == UInt8(ascii: "r") && text.opens(with: "run ")
                    && text.containsBytes(" on "))
        else { return nil }
        let bytes = Array(text.utf8)
        var i = 0
        func preposition() -> String {
            let start = i
            while i < bytes.count, ASCII.isLetter(bytes[i]) { i += 1 }
            return String(decoding: bytes[start..<i].map(ASCII.lower), as: UTF8.self)
        }
        var opening = preposition()
        // "Back on the server:", "Still on the old server:", "Also on web02:".
        if Self.placeAdverbs.contains(opening), i < bytes.count, ASCII.isSpace(bytes[i]) {
            i = ASCII.skipSpaces(bytes, from: i)
            opening = preposition()
        }
        // "Run on both gateways:", "Run this on the web servers:".
        if opening == "run", i < bytes.count, ASCII.isSpace(bytes[i]) {
            i = ASCII.skipSpaces(bytes, from: i)
            opening = preposition()
            if Self.runObjects.contains(opening), i < bytes.count, ASCII.isSpace(bytes[i]) {
                i = ASCII.skipSpaces(bytes, from: i)
                opening = preposition()
            }
        }
        guard opening == "on" || opening == "from", i < bytes.count, ASCII.isSpace(bytes[i]) else { return nil }
        return (bytes, ASCII.skipSpaces(bytes, from: i))
    }

    /// Words a lead-in may open with before "on" or "from".
    static let placeAdverbs: WordSet = ["back", "still", "again", "also"]

    /// Words before "on" that make it part of the verb ("Turn on the firewall", "Log on to
    /// the server"), not a place.
    static let onParticleVerbs: WordSet = ["turn", "turning", "switch", "switching", "log", "logging", "click", "tap", "based"]

    /// A heading that ends by naming its machine after "on" ("Prometheus on mon-01",
    /// "Install node_exporter on the app nodes"): its bytes, and where the word after the last
    /// "on" starts, for `closesMachinePhrase` to hold the phrase to the heading's end. Nil when
    /// the heading has no " on " or the word before it makes "on" part of a verb.
    static func afterClosingOn(_ heading: String) -> (bytes: [UInt8], at: Int)? {
        // From the end, in place: most headings have no " on ", and are not copied.
        let found: Int? = heading.withUTF8Bytes { bytes in
            var i = bytes.count - 4
            while i > 0 {
                if bytes[i] == 0x20, ASCII.lower(bytes[i + 1]) == UInt8(ascii: "o"),
                    ASCII.lower(bytes[i + 2]) == UInt8(ascii: "n"),
                    ASCII.isSpace(bytes[i + 3])
                {
                    var start = i
                    while start > 0, ASCII.isLetter(bytes[start - 1]) { start -= 1 }
                    let before = String(decoding: bytes[start..<i].map(ASCII.lower), as: UTF8.self)
                    return onParticleVerbs.contains(before) ? nil : i
                }
                i -= 1
            }
            return nil
        }
        guard let on = found else { return nil }
        let bytes = Array(heading.utf8)
        return (bytes, ASCII.skipSpaces(bytes, from: on + 3))
    }

    /// The verbs of a lead-in that logs in to a machine it names by its job ("SSH into the
    /// manager:", "Log in to the database server:", "Connect to the primary:").
    static let loginLeadIns = ["ssh into ", "ssh in to ", "ssh to ", "log in to ", "log into ", "login to ", "connect to "]

    /// The job of the one machine a lead-in to an `ssh` line says it logs in to ("SSH into the
    /// manager:" is `manager`): the session that line opens is that machine, so "On the
    /// manager:" later runs there, whatever its host is called (`mgr1`).
    static func loginJob(_ leadIn: String?) -> String? {
        guard let leadIn, leadIn.hasSuffix(":"), let first = leadIn.utf8.first.map(ASCII.lower),
            first == UInt8(ascii: "s") || first == UInt8(ascii: "l") || first == UInt8(ascii: "c")
        else { return nil }
        guard let verb = loginLeadIns.first(where: leadIn.opens(with:)),
            let machine = MachineByJob("On " + leadIn.dropFirst(verb.count), wholeText: false), !machine.plural
        else { return nil }
        return machine.job
    }

    /// What may follow a machine named at the start of a heading or lead-in, from `i` on: in a
    /// heading (`wholeText`) nothing but a colon; in a lead-in a colon, a comma or a
    /// parenthesis, and the lead-in ends with a colon ("On web01 (the primary), run:"). An
    /// "only" before it is part of the phrase ("On `mongo1.internal` only, open the shell:").
    static func closesMachinePhrase(_ bytes: [UInt8], at i: Int, wholeText: Bool) -> Bool {
        var i = i
        if bytes[i...].starts(with: "only".utf8) || bytes[i...].starts(with: "Only".utf8), !ASCII.isWord(bytes, at: i + 4) {
            i = ASCII.skipSpaces(bytes, from: i + 4)
        }
        let rest = bytes[i...]
        if wholeText { return rest.isEmpty || rest.elementsEqual([UInt8(ascii: ":")]) }
        guard let next = rest.first else { return false }
        return (next == UInt8(ascii: ":") || next == UInt8(ascii: ",") || next == UInt8(ascii: "("))
            && bytes.last == UInt8(ascii: ":")
    }
}

/// `Patterns.localProse` and `remoteProse` by bytes, for ASCII text: `\b(on|from|in)\s+`,
/// an optional article and blanks, then the first noun phrase (in the regex's order) that
/// ends at a word boundary.
struct ProsePhrase: Sendable {
    let prepositions: [[UInt8]]
    let articles: [[UInt8]]
    /// Each noun phrase as its words, longer forms before the shorter ones they extend.
    let nouns: [[[UInt8]]]

    static let remote = ProsePhrase(
        prepositions: ["on", "from", "in", "into"], articles: ["the", "your", "each", "a"],
        nouns: [
            "ec2 instance", "ec2", "remote server", "remote host", "remote machine", "production server", "server",
            "host", "vm", "instance", "droplet", "bastion", "vps", "box",
        ])
    static let local = ProsePhrase(
        prepositions: ["on", "from", "in"], articles: ["your", "the", "a"],
        nouns: [
            "local machine", "laptop", "local computer", "workstation", "local terminal", "own machine", "your machine",
            "computer", "local shell", "development machine", "dev machine", "mac",
        ])

    init(prepositions: [String], articles: [String], nouns: [String]) {
        self.prepositions = prepositions.map { Array($0.utf8) }
        self.articles = articles.map { Array($0.utf8) }
        self.nouns = nouns.map { $0.split(separator: " ").map { Array($0.utf8) } }
    }

    /// Where `needle` first occurs in `bytes`, case-sensitively (as NSString's range(of:)).
    static func firstOccurrence(of needle: ArraySlice<UInt8>, in bytes: [UInt8]) -> Int {
        guard !needle.isEmpty, needle.count <= bytes.count else { return Int.max }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return Int.max
    }

    /// The end of `word` at `i` (any case), or nil.
    private static func word(_ word: [UInt8], in bytes: [UInt8], at i: Int) -> Int? {
        guard bytes.count - i >= word.count else { return nil }
        for k in 0..<word.count where ASCII.lower(bytes[i + k]) != word[k] { return nil }
        return i + word.count
    }

    /// The end of the blanks at `i`, or nil when there are none.
    private static func spaces(in bytes: [UInt8], at i: Int) -> Int? {
        let j = ASCII.skipSpaces(bytes, from: i)
        return j > i ? j : nil
    }

    /// The end of a noun phrase at `i` that ends at a word boundary, and which one.
    private func noun(in bytes: [UInt8], at i: Int) -> Int? {
        for phrase in nouns {
            var j: Int? = i
            for (index, part) in phrase.enumerated() {
                if index > 0 { j = j.flatMap { Self.spaces(in: bytes, at: $0) } }
                j = j.flatMap { Self.word(part, in: bytes, at: $0) }
            }
            if let end = j, !ASCII.isWord(bytes, at: end) { return end }
        }
        return nil
    }

    /// The leftmost noun phrase that stands as whole words, with no preposition before it
    /// (what a place label names: "Where to run: your own computer").
    func firstNoun(in bytes: [UInt8]) -> Range<Int>? {
        for start in bytes.indices where !ASCII.isWord(bytes, at: start - 1) {
            if let end = noun(in: bytes, at: start) { return start..<end }
        }
        return nil
    }

    /// The leftmost match: its whole range and the noun's.
    func match(in bytes: [UInt8]) -> (range: Range<Int>, noun: Range<Int>)? {
        for start in bytes.indices where !ASCII.isWord(bytes, at: start - 1) {
            for preposition in prepositions {
                guard let afterWord = Self.word(preposition, in: bytes, at: start),
                    let afterSpace = Self.spaces(in: bytes, at: afterWord)
                else { continue }
                // With an article first (the optional group is greedy), then without.
                for article in articles {
                    if let afterArticle = Self.word(article, in: bytes, at: afterSpace),
                        let nounStart = Self.spaces(in: bytes, at: afterArticle),
                        let end = noun(in: bytes, at: nounStart)
                    {
                        return (start..<end, nounStart..<end)
                    }
                }
                if let end = noun(in: bytes, at: afterSpace) { return (start..<end, afterSpace..<end) }
            }
        }
        return nil
    }
}

/// A phrase one alternative of a prose pattern spells out: its lower-cased bytes, and whether
/// the pattern puts `\b` on both sides of it.
struct Phrase: Sendable, ExpressibleByStringLiteral {
    let bytes: [UInt8]
    let bounded: Bool

    /// A phrase that must stand as whole words.
    init(stringLiteral text: String) { self.init(text, bounded: true) }

    init(_ text: String, bounded: Bool) {
        bytes = text.utf8.map(ASCII.lower)
        self.bounded = bounded
    }
}

/// A machine a lead-in or a heading names by its job: "On the web servers:", "On each database
/// server, create the role:", a heading "On the web server". The job names the target (`web`,
/// `database`; `load-balancer` for "the load balancer"), the same one in the singular and the
/// plural. Only a lead-in that starts with the phrase and ends with a colon, or a heading that
/// is the phrase, names one: in running prose "on many servers" or "on a small instance" name
/// no machine.
struct MachineByJob: Equatable {
    /// The target's name, or nil when the word before the noun names no job ("the new
    /// server"): then `noun` decides, as for "On the server".
    var job: String?
    /// The noun, singular (`server`, `vm`).
    var noun: String
    /// The noun was plural ("On the web servers:"): several machines, not one.
    var plural = false

    private static let articles: WordSet = ["the", "your", "each", "every", "all", "both", "a", "an", "our"]
    /// Each machine noun and its plural.
    private static let nouns: [String: String] = [
        "server": "server", "servers": "server", "host": "host", "hosts": "host", "machine": "machine",
        "machines": "machine", "instance": "instance", "instances": "instance", "vm": "vm", "vms": "vm", "node": "node",
        "nodes": "node", "box": "box", "boxes": "box", "droplet": "droplet", "droplets": "droplet",
    ]
    /// Roles that name a machine with no noun after them ("On the primary:", "On the
    /// replica", "On each worker:"), each and its plural: database replication's and a
    /// cluster's (Swarm's managers and workers, k3s's agents). A cluster's node is one too
    /// when no job comes before it ("On the node, upgrade kubelet:"), though it is a noun.
    private static let roles: [String: String] = [
        "primary": "primary", "primaries": "primary", "replica": "replica", "replicas": "replica",
        "standby": "standby", "standbys": "standby", "secondary": "secondary", "secondaries": "secondary",
        "master": "master", "masters": "master", "manager": "manager", "managers": "manager", "worker": "worker",
        "workers": "worker", "agent": "agent", "agents": "agent", "node": "node", "nodes": "node",
        // A network's machines ("On both gateways:", "On the load balancer:").
        "gateway": "gateway", "gateways": "gateway", "router": "router", "routers": "router", "firewall": "firewall",
        "firewalls": "firewall", "proxy": "proxy", "proxies": "proxy", "load-balancer": "load-balancer",
        "load-balancers": "load-balancer",
    ]
    /// Words before the noun that do not say which machine: the noun's own target.
    private static let generic: WordSet = [
        "remote", "production", "prod", "new", "same", "target", "cloud", "linux", "ubuntu", "debian",
        // "On all three hosts:" counts them.
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ]
    /// The most words a job is said in ("the Kafka broker nodes"): more is a sentence.
    private static let longestJob = 3
    /// Words that make the phrase something else: a size or a number ("on tiny instances"), or
    /// the person's own machine ("on your local machine", which `ProsePlace` reads).
    private static let notAJob: WordSet = [
        "many", "some", "several", "multiple", "other", "few", "any", "these", "those", "this", "that", "small",
        "tiny", "large", "big", "local", "own", "dev", "development", "home",
    ]

    /// The machine `text` names, if it is such a lead-in (`wholeText` false) or heading (true).
    init?(_ text: String, wholeText: Bool) {
        self.init(opening: Patterns.afterOnOrFrom(text), wholeText: wholeText)
    }

    /// The machine named from `opening.at` in `opening.bytes` on (`Patterns.afterOnOrFrom`,
    /// `afterClosingOn`).
    init?(opening: (bytes: [UInt8], at: Int)?, wholeText: Bool) {
        guard let (bytes, start) = opening else { return nil }
        // Words and where each ends, up to the noun: articles, job, noun.
        var i = start
        func word() -> String? {
            let start = i
            while i < bytes.count, ASCII.isLetter(bytes[i]) || ASCII.isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "-") {
                i += 1
            }
            guard i > start, !ASCII.isWord(bytes, at: i) else { return nil }
            let found = String(decoding: bytes[start..<i].map(ASCII.lower), as: UTF8.self)
            i = ASCII.skipSpaces(bytes, from: i)
            return found
        }
        // Articles, then up to three words of job ("load balancer", "Kafka broker"), then the noun.
        var jobWords: [String] = []
        var said = ""
        while said.isEmpty, jobWords.count <= Self.longestJob, let next = word() {
            if jobWords.isEmpty, Self.articles.contains(next) { continue }
            // "load balancer" is one job, spelt as "load-balancer" is.
            if jobWords.last == "load", next == "balancer" || next == "balancers" {
                jobWords[jobWords.count - 1] = "load-" + next
                continue
            }
            if Self.nouns[next] != nil {
                said = next
            } else {
                jobWords.append(next)
            }
        }
        // "On the primary:", "### On the replicas", "On each node:": the role alone is the
        // machine's job.
        let alone = said.isEmpty && jobWords.count == 1 ? jobWords[0] : jobWords.isEmpty ? said : ""
        if let role = Self.roles[alone] {
            guard Patterns.closesMachinePhrase(bytes, at: i, wholeText: wholeText) else { return nil }
            self.noun = Self.nouns[alone] ?? "server"
            self.plural = role != alone
            self.job = role
            return
        }
        // "On the servers:", "On both servers:": several of the noun's machines, no job.
        guard let noun = Self.nouns[said], !jobWords.isEmpty || Self.nouns[said] != said, jobWords.count <= Self.longestJob,
            jobWords.allSatisfy({ !Self.notAJob.contains($0) && $0.utf8.contains(where: ASCII.isLetter) })
        else { return nil }
        guard Patterns.closesMachinePhrase(bytes, at: i, wholeText: wholeText) else { return nil }
        self.noun = noun
        self.plural = said != noun
        let job = jobWords.filter { !Self.generic.contains($0) }
        self.job = job.isEmpty ? nil : job.joined(separator: "-")
    }

    /// True when the phrase names the one machine a session's target, named from its host,
    /// is: `web`, `web01`, `web-2` for "On the web server:"; not `webhooks` or `db1`, and
    /// none for "On the web servers:".
    func names(session name: String) -> Bool {
        guard let job, !plural, name.hasPrefix(job) else { return false }
        return name.utf8.dropFirst(job.utf8.count).allSatisfy {
            ASCII.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }
}

/// A machine a lead-in or a heading names by its host name: "On web01:", "From db-2.corp.internal,
/// run:", "On 10.0.0.5:", "On `builder`:". The target is named as an `ssh` line to that host
/// names it (`web01`; `server` for an address), so "On web01:" and `ssh deploy@web01` are one
/// machine. Like `MachineByJob`, only a lead-in that starts with the phrase and ends with a
/// colon, or a heading that is the phrase, names one. A word counts as a host name when it is
/// code ("On `builder`:"), an IPv4 address, letters with digits (`web01`, `db-2`, `node3`) but not
/// a system, runtime or CPU (`ubuntu22`, `python3`, `arm64`), or a dotted name whose first
/// label has a digit or that has three labels (`web01.internal`, `db.corp.example`) and does not
/// end like a file (`app.config.yaml`).
struct MachineByHost: Equatable {
    /// The host as written (`web01`, `db-2.corp.internal`).
    var host: String

    /// Letters before the digits that name a system, runtime, CPU or count, not a machine.
    private static let notAMachine: WordSet = [
        "ubuntu", "debian", "rhel", "centos", "fedora", "alpine", "rocky", "alma", "amzn", "el", "sles", "suse",
        "opensuse", "freebsd", "macos", "osx", "mac", "ios", "android", "windows", "win", "python", "py", "java", "jdk",
        "php", "ruby", "go", "nodejs", "postgres", "postgresql", "mysql", "redis", "arm", "amd", "aarch", "x",
        "i", "ipv", "http", "https", "tls", "ssl", "utf", "iso", "v", "version", "k", "ec", "s", "step", "phase", "day",
        "part", "page", "line", "port", "gen",
        // A heading that ends "on M1", "on AL2", "on Pi4", "on R2": a chip, a system, a board
        // or a store. (Not "node": `node3` is a host as often as Node 18 a runtime.)
        "m", "al", "pi", "rpi", "r", "b", "gcp", "aws",
    ]
    /// Of `notAMachine`, the services whose machines are named `redis-1`, `postgres-2`.
    private static let numberedByHyphen: WordSet = [
        "postgres", "postgresql", "mysql", "redis", "nodejs", "java", "php", "ruby", "python",
    ]
    /// Last labels that end a file name, not a host name.
    private static let fileEndings: WordSet = [
        "py", "sh", "yaml", "yml", "json", "conf", "cfg", "ini", "txt", "md", "html", "js", "ts", "env", "service",
        "toml", "xml", "log", "sql", "pem", "key", "crt", "tar", "gz", "zip", "d",
    ]

    /// The machine `text` names, if it is such a lead-in (`wholeText` false) or heading (true).
    /// `codeSpans` (read only when the rest fits) are the text's inline code.
    init?(_ text: String, wholeText: Bool, codeSpans: @autoclosure () -> [String] = []) {
        self.init(opening: Patterns.afterOnOrFrom(text), wholeText: wholeText, codeSpans: codeSpans())
    }

    /// The host named from `opening.at` in `opening.bytes` on (`Patterns.afterOnOrFrom`,
    /// `afterClosingOn`).
    init?(opening: (bytes: [UInt8], at: Int)?, wholeText: Bool, codeSpans: @autoclosure () -> [String] = []) {
        guard let (bytes, start) = opening else { return nil }
        var i = start
        while i < bytes.count,
            ASCII.isWord(bytes[i]) || bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: ".")
        {
            i += 1
        }
        // A sentence's full stop or colon is not part of the name.
        var end = i
        while end > start, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
        guard end > start else { return nil }
        var after = end
        while after < bytes.count, bytes[after] == UInt8(ascii: ".") || ASCII.isBlank(bytes[after]) { after += 1 }
        guard Patterns.closesMachinePhrase(bytes, at: after, wholeText: wholeText) else { return nil }
        let host = String(decoding: bytes[start..<end], as: UTF8.self)
        guard Self.looksLikeHost(Array(bytes[start..<end])) || codeSpans().contains(host) else { return nil }
        self.host = host
    }

    /// An IPv4 address, a name of letters and digits, or a dotted name, as the type says.
    static func looksLikeHost(_ name: [UInt8]) -> Bool {
        let labels = name.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.count == 4, labels.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(ASCII.isDigit) }) {
            return true
        }
        guard let firstLabel = labels.first, let head = firstLabel.first, ASCII.isLetter(head),
            labels.allSatisfy({
                !$0.isEmpty && $0.allSatisfy { ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-") }
            })
        else { return false }
        let hasDigit = firstLabel.contains(where: ASCII.isDigit)
        if labels.count == 1 {
            let letters = String(decoding: firstLabel.prefix(while: ASCII.isLetter).map(ASCII.lower), as: UTF8.self)
            guard hasDigit else { return false }
            if !notAMachine.contains(letters) { return true }
            // `redis-1`, `postgres-2`: a service's machines numbered with a hyphen ("redis7" is a version).
            return numberedByHyphen.contains(letters) && firstLabel.dropFirst(letters.utf8.count).first == UInt8(ascii: "-")
        }
        let last = String(decoding: labels.last!.map(ASCII.lower), as: UTF8.self)
        return (hasDigit || labels.count >= 3) && last.utf8.allSatisfy(ASCII.isLetter) && !fileEndings.contains(last)
    }
}
