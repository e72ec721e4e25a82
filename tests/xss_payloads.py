"""Well-known XSS payloads (after the OWASP XSS filter evasion cheat sheet), used in
queries, filter values and content files by the hostile-input tests."""

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '" onmouseover="alert(1)" x="',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img src=`x`onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "{{7*7}}<script>alert(1)</script>",
    "<style>@import 'javascript:alert(1)';</style>",
]

# Markdown links and images whose targets would run script if passed through.
MARKDOWN_PAYLOADS = [
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[klick](  javascript:alert(1)  )",
    "[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klick](vbscript:msgbox(1))",
    "![bild](javascript:alert(1))",
    '[klick](https://example.org "onmouseover=alert(1)")',
    "<javascript:alert(1)>",
]
