"""Hostile strings that may arrive in data (review texts, app names, model output).

Each case: a name, the untrusted text, and a substring that must appear literally in the PDF's text.
"""

import socket

HOSTNAME = socket.gethostname()

CASES = [
    ("input-absolute", r"\input{/etc/hostname}", r"\input{/etc/hostname}"),
    ("include", r"\include{/etc/passwd}", r"\include{/etc/passwd}"),
    ("openin", r"\newread\r \openin\r=/etc/passwd \read\r to\x \x", r"\openin\r=/etc/passwd"),
    ("lstinputlisting", r"\lstinputlisting{/etc/passwd}", r"\lstinputlisting{/etc/passwd}"),
    ("write18", r"\write18{touch /tmp/hw4-pwned-write18}", r"\write18{touch /tmp/hw4-pwned-write18}"),
    ("immediate-write18", r"\immediate\write18{id > /tmp/hw4-pwned-id}", r"\immediate\write18{id"),
    ("immediate-openout", r"\immediate\openout3=/tmp/hw4-pwned.tex\immediate\write3{x}", r"\immediate\openout3"),
    ("shellesc", r"\usepackage{shellesc}\ShellEscape{ls /}", r"\ShellEscape{ls /}"),
    ("catcode", r"\catcode`\^^5c=12 \catcode`\{=12", r"\catcode`\^^5c=12"),
    ("hat-hat-escape", r"^^5cinput^^7b/etc/hostname^^7d", r"^^5cinput^^7b/etc/hostname^^7d"),
    ("def-loop", r"\def\x{\x}\x \gdef\y#1{#1#1}", r"\def\x{\x}\x"),
    ("csname", r"\csname input\endcsname{/etc/hostname}", r"\csname input\endcsname"),
    ("end-document", r"\end{document} after the end", r"\end{document} after the end"),
    ("verb", r"\verb|x| \begin{verbatim}", r"\verb|x|"),
    ("lone-percent", "100% sure it works", "100% sure it works"),
    ("unbalanced-open", "{{{ never closed", "{{{ never closed"),
    ("unbalanced-close", "}}} closed too often }", "}}} closed too often"),
    ("specials", r"& $5 #1 _x ~y ^z \\ \par", r"& $5 #1 _x ~y ^z \\ \par"),
    ("math", "$$ x^2 $ and \\[ y \\]", "$$ x^2 $"),
    ("long-line", "A" * 10_000, "A" * 50),
    ("long-words", " ".join(["supercalifragilistic"] * 500), "supercalifragilistic supercalifragilistic"),
    ("control-bytes", "a\x00b\x01c\x1bd\x7fe\x0cf", "abcdef"),
    ("invalid-utf8", b"caf\xe9 \xff\xfe ok".decode("utf-8", errors="replace"), "ok"),
    ("rtl", "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u202eevil\u202c end", "evil end"),
    ("emoji", "fire \U0001f525 thumbs \U0001f44d\U0001f3fd family \U0001f468\u200d\U0001f469\u200d\U0001f467 ok", "ok"),
    ("latin-accents", "Très bien, ça marche! Ünïcödé ß", "Très bien, ça marche!"),
    ("cjk-cyrillic", "\u597d\u7528 \u043e\u0442\u043b\u0438\u0447\u043d\u043e", "U+597D"),
    ("jinja-like", r"\VAR{config} \BLOCK{if 1} {{ x }} {% raw %}", r"\VAR{config}"),
]
