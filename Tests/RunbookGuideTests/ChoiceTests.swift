import Foundation
import RunbookModel
import RunbookTestSupport
import Testing

@testable import RunbookGuide

@Suite("choice groups")
struct ChoiceTests {
    let headings = """
        # G
        ## 3.2 Install system packages
        #### Option A (recommended): Amazon Linux 2023
        \(fence)bash
        sudo dnf install -y nginx
        \(fence)
        #### Option B (alternate): Ubuntu 24.04 LTS
        \(fence)bash
        sudo apt-get install -y nginx
        \(fence)
        ## 3.3 Next
        \(fence)bash
        nginx -v
        \(fence)
        """

    @Test func siblingHeadingsFormAGroupAndTheRecommendedOneRuns() {
        let guide = read(headings)
        #expect(guide.choices.count == 1)
        #expect(guide.choices[0].id == "install-system-packages")
        #expect(guide.choices[0].options.map(\.id) == ["A", "B"])
        #expect(guide.choices[0].chosen == "A")
        #expect(guide.choices[0].reason == "marked recommended in the guide")
        #expect(guide.steps.map(\.runs) == [true, false, true])
        #expect(guide.steps.map { $0.option ?? "-" } == ["A", "B", "-"])
    }

    /// "Or, if you use yarn:" between two blocks offers the second as another way to do what
    /// the first did: a choice of the two, the first the default, each called by what the
    /// lead-in says or by its first line (a block of variables by its names: its values may be
    /// secrets). Another paragraph between, a heading between, or a lead-in without its colon
    /// offers nothing.
    @Test func anOrLeadInBetweenTwoBlocksOffersAChoice() throws {
        let guide = read(
            """
            # G
            ## Install
            \(fence)bash
            npm install
            \(fence)
            Or, if you use yarn:
            \(fence)bash
            yarn install
            \(fence)
            \(fence)bash
            npm run build
            \(fence)
            Or:

            Something else first.
            \(fence)bash
            make all
            \(fence)
            ## Keys
            \(fence)bash
            export TOKEN=q9Xv2LmT7rB4nKp8sW3z
            \(fence)
            Alternatively:
            \(fence)bash
            vault login
            \(fence)
            Or use the one in the file
            \(fence)bash
            cat token.txt
            \(fence)
            ## Next
            Or here:
            \(fence)bash
            ls
            \(fence)
            """)
        #expect(guide.choices.map(\.id) == ["install", "keys"])
        #expect(
            guide.choices.map { $0.options.map(\.id) } == [["npm-install", "if-you-use-yarn"], ["set-token", "vault-login"]])
        #expect(guide.choices[1].options.map(\.title) == ["set TOKEN", "vault login"])
        #expect(guide.choices.map(\.chosen) == ["npm-install", "set-token"])
        #expect(guide.steps.map(\.runs) == [true, false, true, true, false, false, true, true])
        #expect(
            guide.steps.map { $0.option ?? "-" } == [
                "npm-install", "if-you-use-yarn", "-", "-", "set-token", "vault-login", "-", "-",
            ])
        let yarn = try guide.choosing(["install": "if-you-use-yarn"])
        #expect(yarn.steps.prefix(3).map(\.runs) == [false, true, true])
    }

    @Test(
        arguments: [
            ("Or export them:", "export them"), ("Alternatively, with yarn:", "with yarn"), ("Or:", ""),
            ("OR, simply:", "simply"),
            ("Order matters:", nil), ("Or export them.", nil), ("Alternatives:", nil), ("Run:", nil), ("or", ""), ("OR", ""),
            ("Alternatively,", ""), ("Or.", ""), ("Ore", nil), ("O", nil), ("", nil),
        ] as [(String, String?)])
    func alternativeLeadIns(text: String, title: String?) {
        #expect(Patterns.alternativeTitle(text) == title)
    }

    @Test func chooseSelectsAnotherBranchByIdOrTitle() throws {
        let guide = try read(headings).choosing(["install-system-packages": "b"])
        #expect(guide.steps.map(\.runs) == [false, true, true])
        #expect(guide.choices[0].reason == "chosen with --choose")
        let byTitle = try read(headings).choosing(["install-system-packages": "ubuntu"])
        #expect(byTitle.choices[0].chosen == "B")
    }

    @Test func chooseRejectsUnknownGroupsAndOptions() {
        #expect(throws: ChoiceError(description: "--choose os=B: no such choice group; groups are: install-system-packages")) {
            _ = try read(headings).choosing(["os": "B"])
        }
        #expect(throws: ChoiceError(description: "--choose install-system-packages=C: no such option; options are: A, B")) {
            _ = try read(headings).choosing(["install-system-packages": "C"])
        }
    }

    @Test func listItemsWithCodeFormAGroupIncludingUnmarkedItems() {
        let guide = read(
            """
            # G
            ## Copying
            1. **rsync (Recommended)**
               \(fence)bash
               rsync -av a/ b/
               \(fence)
            2. **cp -a (Alternative)**
               \(fence)bash
               cp -a a b
               \(fence)
            3. **tar + extract (For exact replica)**
               \(fence)bash
               tar czf a.tgz a
               \(fence)
            """)
        #expect(guide.choices.map(\.id) == ["copying"])
        #expect(guide.choices[0].options.map(\.id) == ["rsync", "cp-a", "tar-extract"])
        #expect(guide.choices[0].chosen == "rsync")
        #expect(guide.steps.map(\.runs) == [true, false, false])
    }

    @Test func optionParagraphsStartBranches() {
        let guide = read(
            """
            # G
            ## Virtual environment
            **Option A**: Copy existing venv (faster)
            \(fence)bash
            rsync -av old/venv/ new/venv/
            \(fence)
            **Option B**: Rebuild venv (cleaner, recommended)
            \(fence)bash
            python3 -m venv venv
            \(fence)
            """)
        #expect(guide.choices.map(\.id) == ["virtual-environment"])
        #expect(guide.choices[0].chosen == "B")
        #expect(guide.steps.map(\.runs) == [false, true])
    }

    @Test func recommendedSiblingsWithoutOptionsAreNotAlternatives() {
        let guide = read(
            """
            # G
            ### 3.2.1 Create a dedicated app user (recommended)
            \(fence)bash
            sudo useradd app
            \(fence)
            ### 3.2.2 (Optional but recommended) Swap file
            \(fence)bash
            sudo fallocate -l 2G /swapfile
            \(fence)
            """)
        #expect(guide.choices.isEmpty)
        #expect(guide.steps.map(\.runs) == [true, true])
    }

    @Test func groupsWithoutStepsAreDropped() {
        let guide = read("# G\n### Host OS (recommended)\n- Amazon Linux\n### Host OS (alternate)\n- Ubuntu\n")
        #expect(guide.choices.isEmpty)
    }

    /// "Method 1" / "Method 2" headings are alternatives as "Option A" / "Option B" are.
    @Test func methodHeadingsAreOptions() {
        let guide = read(
            """
            # G
            ## Install
            ### Method 1: From packages
            \(fence)bash
            sudo apt-get install -y redis-server
            \(fence)
            ### Method 2: From source (recommended)
            \(fence)bash
            make -C redis-stable
            \(fence)
            ## Verify
            \(fence)bash
            redis-cli ping
            \(fence)
            """)
        #expect(guide.choices.map(\.id) == ["install"])
        #expect(guide.choices[0].options.map(\.id) == ["1", "2"])
        #expect(guide.choices[0].chosen == "2")
        #expect(guide.steps.map(\.runs) == [false, true, true])
    }

    @Test func firstOptionWinsWhenNoneIsRecommended() {
        let guide = read(
            "# G\n## DB\n**Option A**: copy\n\(fence)bash\ncp a b\n\(fence)\n**Option B**: fresh\n\(fence)bash\nrm a\n\(fence)\n")
        #expect(guide.choices[0].chosen == "A")
        #expect(guide.choices[0].reason == "first option (none is marked recommended)")
    }

    /// Option ids drop parentheticals as `\([^)]*\)` would: up to the first `)`, unclosed kept.
    @Test(arguments: [
        ("Option A (recommended): Amazon Linux", "Option A : Amazon Linux"),
        ("a (b (c) d) e", "a  d) e"),
        ("open ( never closed", "open ( never closed"),
        ("(x)(y)z", "z"),
        ("é (ü) ö", "é  ö"),
    ])
    func parentheticalsAreRemovedAsTheRegexWould(title: String, expected: String) {
        #expect(Patterns.withoutParentheticals(title) == expected)
        #expect(title.replacingOccurrences(of: #"\([^)]*\)"#, with: "", options: .regularExpression) == expected)
    }
}

@Suite("option markers")
struct OptionMarkerTests {
    /// The byte path gives what the regex gives on every combination of the parts that
    /// matter: stars, spaces, the word in any case, the id's length and what follows it.
    @Test func optionLetterAgreesWithItsPattern() {
        let titles = combinations([
            ["", "*", "**", " ", "* ", "\t"], ["option", "Option", "OPTION", "optio", "options", "Method", "approach"],
            ["", " ", "  ", "\t"],
            ["A", "b", "12", "abc", "abcd", "_", "-", "A_", "é", "Ω"],
            ["", ":", " (recommended)", "x", "_x", ".", "é", "\u{00A0}"],
        ])
        #expect(titles.count == 6 * 7 * 4 * 10 * 8)
        var letters = 0
        for title in titles {
            let expected = Text.firstMatch(Patterns.optionLetterPattern, in: title, options: [.caseInsensitive])?[1]
            #expect(Patterns.optionLetter(title) == expected, "\(title.debugDescription)")
            if expected != nil { letters += 1 }
        }
        #expect(letters > 100)
        #expect(Patterns.optionLetter("**Option B:** use nginx") == "B")
        #expect(Patterns.optionLetter("Optional: tune it") == nil)
        #expect(Patterns.optionLetter("Method 2: From source") == "2")
        #expect(Patterns.optionLetter("Methodology") == nil)
    }
}

@Suite("task list items")
struct TaskItemTests {
    /// The byte path gives what the regex gives: the box, the spaces after it (ASCII, line
    /// breaks, Unicode), and the text.
    @Test func taskItemAgreesWithItsPattern() {
        let items = combinations([
            ["[", "(", ""], [" ", "x", "X", "-", ""], ["]", ")"], ["", " ", "  ", "\t", "\n", "\u{00A0}", " \u{2003}"],
            ["", "Done", "a\nb", "é ok", "[ ] nested", " "],
        ])
        var tasks = 0
        for item in items {
            let expected = Text.firstMatch(Patterns.taskItemPattern, in: item, options: [.dotMatchesLineSeparators])
            let found = Patterns.taskItem(item)
            #expect(found?.done == expected.map { $0[1] != " " } && found?.text == expected?[2], "\(item.debugDescription)")
            if expected != nil { tasks += 1 }
        }
        #expect(tasks > 50)
        #expect(Patterns.taskItem("[x] Backups restore")! == (true, "Backups restore"))
    }
}
