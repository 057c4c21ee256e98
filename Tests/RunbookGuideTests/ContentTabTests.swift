import Foundation
import RunbookModel
import Testing

@testable import RunbookGuide

/// Documentation sites' tabs and admonitions: MkDocs Material (`=== "Ubuntu"`, `!!! note`,
/// bodies indented four spaces) and Docusaurus (`<Tabs>`/`<TabItem>`).
@Suite("content tabs and admonitions")
struct ContentTabTests {
    let mkdocs = """
        # Agent
        ## Install

        ===+ "pip"

            \(fence)bash
            pip install acme
            \(fence)

        === "pipx"
            \(fence)bash
            pipx install acme
            \(fence)

        Check it:

        \(fence)bash
        acme --version
        \(fence)
        """

    @Test func mkdocsTabsAreAChoiceAndTheirBlocksItsOptions() throws {
        let guide = read(mkdocs)
        #expect(shape(guide) == ["install/1:command:local", "install/2:command:local", "install/3:verification:local"])
        #expect(guide.choices.map(\.id) == ["install"])
        #expect(guide.choices[0].options.map(\.id) == ["pip", "pipx"])
        #expect(guide.choices[0].options.map(\.title) == ["pip", "pipx"])
        #expect(guide.choices[0].chosen == "pip")
        #expect(guide.choices[0].reason == "the tab the guide shows first")
        #expect(guide.steps.map(\.runs) == [true, false, true])
        #expect(guide.steps[1].code == "pipx install acme")
        // The file's own lines and columns: the block is indented four spaces under its tab.
        #expect(guide.steps[0].location.line == 6)
        #expect(guide.steps[0].location.column == 5)
        #expect(guide.steps[1].codeLine == 12)
        #expect(try guide.choosing(["install": "pipx"]).steps.map(\.runs) == [false, true, true])
    }

    @Test func tabsNamedForSystemsAreChosenByTheSystem() {
        let guide = read(
            """
            # Agent
            ## Install
            1. Install it:

                === "Ubuntu"

                    \(fence)bash
                    sudo apt-get install -y agent
                    \(fence)

                === "macOS"

                    \(fence)bash
                    brew install agent
                    \(fence)
            """)
        #expect(guide.choices.count == 1)
        #expect(guide.choices[0].options.map(\.id) == ["ubuntu", "macos"])
        #expect(guide.choices[0].options.map(\.platforms) == [["ubuntu"], ["macos"]])
        #expect(guide.steps.map(\.code) == ["sudo apt-get install -y agent", "brew install agent"])
        #expect(guide.steps[1].location.column == 9)
        #expect(guide.choosingPlatform(Platform(names: ["macos"])).steps.map(\.runs) == [false, true])
        #expect(guide.choosingPlatform(Platform(names: ["ubuntu", "debian", "linux"])).steps.map(\.runs) == [true, false])
    }

    @Test func aNewSetStartsWithTheBangAndOneTabIsNoChoice() {
        let guide = read(
            """
            # G
            === "Only"

                \(fence)bash
                echo only
                \(fence)

            ===! "First"

                \(fence)bash
                echo first
                \(fence)

            === "Second"

                \(fence)bash
                echo second
                \(fence)
            """)
        #expect(guide.choices.map { $0.options.map(\.id) } == [["first", "second"]])
        #expect(guide.steps.map { $0.option ?? "-" } == ["-", "first", "second"])
    }

    @Test func admonitionBodiesAreReadAndFoldedOnesAreOptional() {
        let guide = read(
            """
            # G
            !!! warning "Before you start"
                Take a backup.

                \(fence)bash
                pg_dump -Fc app > /tmp/app.dump
                \(fence)

            ??? tip "If the install fails"

                \(fence)bash
                pip cache purge
                \(fence)

            \(fence)bash
            echo after
            \(fence)
            """)
        #expect(guide.steps.map(\.code) == ["pg_dump -Fc app > /tmp/app.dump", "pip cache purge", "echo after"])
        #expect(guide.steps.map(\.flow) == [.main, .optional, .main])
        #expect(guide.steps.map(\.location.line) == [5, 11, 15])
        #expect(guide.choices.isEmpty)
    }

    @Test func docusaurusTabsAreAChoiceWithTheDefaultShownFirst() throws {
        let guide = read(
            """
            # CLI

            import Tabs from '@theme/Tabs';

            <Tabs groupId="package-manager">
            <TabItem value="npm" label="npm">

            \(fence)bash
            npm install -g acme-cli
            \(fence)

            </TabItem>
            <TabItem value="yarn" label="Yarn" default>

            \(fence)bash
            yarn global add acme-cli
            \(fence)

            </TabItem>
            </Tabs>

            \(fence)bash
            acme --version
            \(fence)
            """)
        #expect(guide.choices.map(\.id) == ["cli"])
        #expect(guide.choices[0].options.map(\.id) == ["npm", "yarn"])
        #expect(guide.choices[0].options.map(\.title) == ["npm", "Yarn"])
        #expect(guide.choices[0].chosen == "yarn")
        #expect(guide.steps.map(\.runs) == [false, true, true])
        #expect(guide.steps.map { $0.option ?? "-" } == ["npm", "yarn", "-"])
    }

    @Test func docusaurusTabsInsideATabStayInIt() {
        let guide = read(
            """
            # CLI

            <Tabs>
            <TabItem value="linux" label="Linux">

            <Tabs>
            <TabItem value="apt" label="apt">

            \(fence)bash
            sudo apt-get install -y acme
            \(fence)

            </TabItem>
            <TabItem value="dnf" label="dnf">

            \(fence)bash
            sudo dnf install -y acme
            \(fence)

            </TabItem>
            </Tabs>

            </TabItem>
            <TabItem value="macos" label="macOS">

            \(fence)bash
            brew install acme
            \(fence)

            </TabItem>
            </Tabs>
            """)
        #expect(guide.choices.map(\.id) == ["cli", "cli-2"])
        #expect(guide.choices[0].options.map(\.id) == ["linux", "macos"])
        #expect(guide.choices[0].options.map(\.platforms) == [["linux"], ["macos"]])
        #expect(guide.choices[1].options.map(\.id) == ["apt", "dnf"])
        #expect(guide.steps.map { "\($0.choice ?? "-")=\($0.option ?? "-")" } == ["cli-2=apt", "cli-2=dnf", "cli=macos"])
    }

    @Test func hugoShortcodeTabsAreAChoice() {
        let guide = read(
            """
            # Install kubectl

            {{< tabs name="kubectl_install" >}}
            {{% tab name="Linux" %}}

            \(fence)bash
            curl -LO https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl
            \(fence)

            {{% /tab %}}
            {{% tab name="macOS" %}}

            \(fence)bash
            brew install kubectl
            \(fence)

            {{% /tab %}}
            {{< /tabs >}}

            {{< note >}}
            Use a kubectl within one minor version of your cluster.
            {{< /note >}}

            \(fence)bash
            kubectl version --client
            \(fence)
            """)
        #expect(guide.choices.map(\.id) == ["install-kubectl"])
        #expect(guide.choices[0].options.map(\.platforms) == [["linux"], ["macos"]])
        #expect(guide.choices[0].line == 3)
        #expect(guide.steps.map { $0.option ?? "-" } == ["linux", "macos", "-"])
        #expect(guide.choosingPlatform(Platform(names: ["debian", "linux"])).steps.map(\.runs) == [true, false, true])
    }

    /// Docsy's `tabpane` with `header=`, Hextra's titles listed on the set, a title given bare,
    /// GitBook's Liquid tags.
    @Test(arguments: [
        ("{{< tabpane >}}", "{{< tab header=\"pip\" >}}", "{{< tab header=\"uv\" >}}", "{{< /tab >}}", "{{< /tabpane >}}"),
        ("{{< tabs items=\"pip, uv\" >}}", "{{< tab >}}", "{{< tab >}}", "{{< /tab >}}", "{{< /tabs >}}"),
        ("{{< tabs >}}", "{{< tab \"pip\" >}}", "{{< tab \"uv\" >}}", "{{< /tab >}}", "{{< /tabs >}}"),
        ("{% tabs %}", "{% tab title=\"pip\" %}", "{% tab title=\"uv\" %}", "{% endtab %}", "{% endtabs %}"),
    ])
    func hugoThemesAndGitBookTitleTabsTheirOwnWay(open: String, first: String, second: String, end: String, close: String) {
        let guide = read(
            """
            # Setup

            \(open)
            \(first)

            \(fence)bash
            pip install acme
            \(fence)

            \(end)
            \(second)

            \(fence)bash
            uv pip install acme
            \(fence)

            \(end)
            \(close)
            """)
        #expect(guide.choices.map { $0.options.map(\.title) } == [["pip", "uv"]])
        #expect(guide.steps.map { $0.option ?? "-" } == ["pip", "uv"])
    }

    @Test func vitepressCodeGroupsAreAChoiceAndDetailsContainersAreFolded() throws {
        let guide = read(
            """
            # Getting started

            ::: code-group

            \(fence)sh [npm]
            npm add -D vitepress
            \(fence)

            \(fence)sh [pnpm]
            pnpm add -D vitepress
            \(fence)
            :::

            ::: details Clean install

            \(fence)sh
            rm -rf node_modules
            \(fence)

            :::

            :::tip
            Run it next.
            :::

            \(fence)sh
            npx vitepress init
            \(fence)
            """)
        #expect(guide.choices.map(\.id) == ["getting-started"])
        #expect(guide.choices[0].options.map(\.id) == ["npm", "pnpm"])
        #expect(guide.steps.map { $0.option ?? "-" } == ["npm", "pnpm", "-", "-"])
        #expect(guide.steps.map(\.flow) == [.main, .main, .optional, .main])
        #expect(guide.steps.map(\.runs) == [true, false, false, true])
        #expect(try guide.choosing(["getting-started": "pnpm"]).steps.map(\.runs) == [false, true, false, true])
    }

    /// MkDocs's newer blocks: `/// tab | Title` blocks one after another are a set (`new: true`
    /// starts the next, `select: true` is the one shown first); `/// details` folds.
    @Test func pymdownxBlocksAreTabsAndDetails() {
        let guide = read(
            """
            # Blocks

            /// tab | pip

            \(fence)bash
            pip install acme
            \(fence)

            ///

            /// tab | uv
                select: true

            \(fence)bash
            uv pip install acme
            \(fence)

            ///

            /// tab | npm
                new: true

            \(fence)bash
            npm i -g acme-ui
            \(fence)

            ///

            /// tab | yarn

            \(fence)bash
            yarn global add acme-ui
            \(fence)

            ///

            /// details | If it fails
                type: warning

            \(fence)bash
            acme doctor
            \(fence)

            ///
            """)
        #expect(guide.choices.map { $0.options.map(\.id) } == [["pip", "uv"], ["npm", "yarn"]])
        #expect(guide.choices.map(\.chosen) == ["uv", "npm"])
        #expect(guide.steps.map { $0.option ?? "-" } == ["pip", "uv", "npm", "yarn", "-"])
        #expect(guide.steps.map(\.flow) == [.main, .main, .main, .main, .optional])
        #expect(guide.steps.map(\.codeLine) == [6, 15, 24, 32, 41])
    }

    @Test func anUnclosedColonContainerIsReadAsBefore() {
        let guide = read(
            """
            # G

            ::: code-group

            \(fence)sh [npm]
            npm add -D vitepress
            \(fence)

            \(fence)sh [yarn]
            yarn add -D vitepress
            \(fence)
            """)
        #expect(guide.choices.isEmpty)
        #expect(guide.steps.map(\.runs) == [true, true])
    }

    /// Each level parses its body again, so nesting is read eight deep; past that, the rest
    /// is indented code, as CommonMark reads it.
    @Test func admonitionsAreReadEightDeep() {
        func nested(_ depth: Int) -> String {
            var lines = ["# Deep", ""]
            for level in 0..<depth { lines += [String(repeating: " ", count: 4 * level) + "!!! note", ""] }
            let indent = String(repeating: " ", count: 4 * depth)
            return (lines + ["\(indent)\(fence)bash", "\(indent)echo deep", "\(indent)\(fence)"]).joined(separator: "\n")
        }
        let eight = read(nested(8))
        #expect(eight.steps.map(\.kind) == [.command])
        #expect(eight.steps.map(\.code) == ["echo deep"])
        #expect(eight.steps.map(\.location.column) == [33])
        let nine = read(nested(9))
        #expect(nine.steps.map(\.kind) == [.artifact])
        #expect(nine.steps.map(\.code) == ["\(fence)bash\necho deep\n\(fence)"])
    }

    @Test func mystDirectivesAreReadAsSphinxWouldShowThem() throws {
        let guide = read(
            """
            # Install

            \(fence){code-block} bash
            :caption: Install it
            :linenos:

            pip install acme
            \(fence)

            ````{note}
            Back up first:

            \(fence)bash
            cp app.db app.db.bak
            \(fence)
            ````

            `````{tab-set}
            ````{tab-item} pip
            \(fence)bash
            pip install acme-extras
            \(fence)
            ````
            ````{tab-item} uv
            :selected:
            \(fence)bash
            uv pip install acme-extras
            \(fence)
            ````
            `````

            ````{dropdown} If it fails
            \(fence)bash
            pip cache purge
            \(fence)
            ````

            \(fence){mermaid}
            graph TD; a-->b
            \(fence)
            """)
        #expect(guide.errors.isEmpty)
        #expect(
            guide.steps.map(\.code) == [
                "pip install acme", "cp app.db app.db.bak", "pip install acme-extras", "uv pip install acme-extras",
                "pip cache purge",
            ])
        #expect(guide.steps.map(\.language) == ["bash", "bash", "bash", "bash", "bash"])
        // The file's lines: past the directive's options, inside its fences.
        #expect(guide.steps.map(\.codeLine) == [7, 14, 21, 27, 34])
        #expect(guide.steps.map(\.flow) == [.main, .main, .main, .main, .optional])
        #expect(guide.choices.map { $0.options.map(\.id) } == [["pip", "uv"]])
        #expect(guide.choices.map(\.chosen) == ["uv"])
        #expect(guide.steps.map { $0.option ?? "-" } == ["-", "-", "pip", "uv", "-"])
    }

    /// MyST's colon fences: the same directives, their bodies read as Markdown already.
    @Test func mystColonFencesToo() {
        let guide = read(
            """
            # Colon fences

            ::::{tab-set}

            :::{tab-item} pip
            \(fence)bash
            pip install acme
            \(fence)
            :::

            :::{tab-item} uv
            :selected:

            \(fence)bash
            uv pip install acme
            \(fence)
            :::

            ::::

            :::{dropdown} If it fails
            :open:

            \(fence)bash
            pip cache purge
            \(fence)
            :::

            \(fence)bash
            acme --version
            \(fence)
            """)
        #expect(guide.choices.map { $0.options.map(\.title) } == [["pip", "uv"]])
        #expect(guide.choices.map(\.chosen) == ["uv"])
        #expect(guide.steps.map { $0.option ?? "-" } == ["pip", "uv", "-", "-"])
        #expect(guide.steps.map(\.flow) == [.main, .main, .optional, .main])
        #expect(guide.steps.map(\.codeLine) == [7, 15, 25, 30])
    }

    /// Jekyll's `{% highlight bash %}` (and Hugo's `{{< highlight >}}`) is the block it stands
    /// for, its text as the file has it (CommonMark read it as paragraphs: `__init__` as
    /// emphasis, `<b>` as HTML, the blank line as the end of one). Unclosed, it is read as
    /// before.
    @Test func jekyllHighlightTagsAreCodeBlocks() {
        let guide = read(
            """
            # Jekyll

            {% highlight bash linenos %}
            echo "__init__ <b>bold</b> *x*"

            sudo systemctl start nginx
            {% endhighlight %}

            {{< highlight bash "linenos=table,hl_lines=1" >}}
            kubectl get pods -n *shop*
            {{< /highlight >}}

            {% highlight bash %}
            echo never closed
            """)
        #expect(
            guide.steps.map(\.code) == [
                "echo \"__init__ <b>bold</b> *x*\"\n\nsudo systemctl start nginx", "kubectl get pods -n *shop*",
            ])
        #expect(guide.steps.map(\.language) == ["bash", "bash"])
        #expect(guide.steps.map(\.codeLine) == [4, 10])
        #expect(guide.steps.map(\.kind) == [.command, .command])
    }

    /// `<pre>` elements are the code blocks they stand for: the language from the class or
    /// `lang=`, tags dropped, character references decoded, the text from its own line.
    @Test func preElementsAreCodeBlocks() {
        let guide = read(
            """
            # Pre

            <pre><code class="language-bash">sudo apt-get install -y nginx
            sudo systemctl enable --now nginx</code></pre>

            <PRE lang="sh">
            curl -fsS http://127.0.0.1/ &amp;&amp; echo &quot;<b>up</b>&quot; &#x27;ok&#39;
            </PRE>

            <pre>Release notes, not commands.</pre>
            """)
        #expect(
            guide.steps.map(\.code) == [
                "sudo apt-get install -y nginx\nsudo systemctl enable --now nginx",
                "curl -fsS http://127.0.0.1/ && echo \"up\" 'ok'", "Release notes, not commands.",
            ])
        #expect(guide.steps.map(\.language) == ["bash", "sh", ""])
        #expect(guide.steps.map(\.kind) == [.command, .command, .artifact])
        #expect(guide.steps.map(\.location.line) == [3, 6, 10])
        #expect(guide.steps.map(\.codeLine) == [3, 7, 10])
    }

    @Test func aRunbookKeyInBracesIsStillAnAnnotation() {
        let guide = read("# G\n\n\(fence)bash {interactive}\nls\n\(fence)\n\n\(fence){name=listing}\nls -la\n\(fence)\n")
        #expect(guide.errors.isEmpty)
        #expect(guide.steps.map(\.id) == ["g/1", "listing"])
        #expect(guide.steps.first?.annotations["interactive"] == "true")
    }

    @Test func whatOnlyLooksLikeATabIsReadAsBefore() {
        // No indented body, an unclosed <Tabs>, or text after the title: no tabs.
        let guide = read(
            """
            # G
            === "Ubuntu"

            \(fence)bash
            echo one
            \(fence)

            === "Ubuntu" and more

                echo indented

            <Tabs>

            \(fence)bash
            echo two
            \(fence)
            """)
        #expect(guide.choices.isEmpty)
        #expect(guide.steps.map(\.code) == ["echo one", "echo indented", "echo two"])
    }

    @Test(arguments: [
        ("=== \"Ubuntu 24.04\"", MkDocsBlock.Kind.tab(newSet: false, shownFirst: false), "Ubuntu 24.04"),
        ("===+ \"pip\"", .tab(newSet: false, shownFirst: true), "pip"),
        ("===! \"A\"", .tab(newSet: true, shownFirst: false), "A"),
        ("!!! note", .admonition(folded: false), "Note"),
        ("!!! warning \"Back up first\"", .admonition(folded: false), "Back up first"),
        ("!!! tip inline end \"Hint\"", .admonition(folded: false), "Hint"),
        ("???+ danger", .admonition(folded: true), "Danger"),
    ])
    func openingLines(line: String, kind: MkDocsBlock.Kind, title: String) {
        let opening = MkDocsBlock.opening(line)
        #expect(opening?.kind == kind)
        #expect(opening?.title == title)
    }

    @Test(arguments: ["=== Ubuntu", "===", "=== \"\"", "!!! two words!", "!!!note", "???! note", "==== \"x\""])
    func linesThatOpenNothing(line: String) {
        #expect(MkDocsBlock.opening(line) == nil)
    }
}
