"""Word-level diff of the report's templates (their own prose), for the value-level diff document.

The templates of the base and of the current version are split into tokens that know the LaTeX context they sit
in (prose, or structure: commands, their non-text arguments and options, alignment, environments, Jinja tags),
and compared with the whitespace and comments left out. A change made only of words (prose words, control
symbols such as ``\\%``, whole math groups without Jinja in them, paragraph breaks; on the current side also
``\\VAR{}`` values) is marked in the current template: deleted words as ``\\hwdel{problem}{...}``, added ones as
``\\hwadd{problem}{...}``. Jinja tags and values are never wrapped, so the value marks stay as they are.

Any other change (a command, a brace, an ``&``, a ``\\BLOCK{}``, a Jinja line statement) is structural: the
value-level mode does not apply, and :func:`diff_templates` reports where, for the fallback to latexdiff.
"""

import difflib
import re
from dataclasses import dataclass, field

from hw4.versions.results import problem_of

# Commands whose arguments are prose (True) or not (False), by argument position; others' arguments are not.
TEXT_ARGS = {
    **{
        name: (True,)
        for name in (
            "textbf", "textit", "emph", "textsc", "textsf", "texttt", "textrm", "textup", "textsl", "underline",
            "mbox", "text", "section", "subsection", "subsubsection", "paragraph", "subparagraph", "caption",
            "figcaption", "tabcaption", "answerbox", "noticebox", "notyet", "footnote", "variant", "fbox",
            "textsuperscript", "textsubscript", "uline",
        )
    },
    "textcolor": (False, True),
    "captionof": (False, True),
    "parbox": (False, True),
    "colorbox": (False, True),
    "fcolorbox": (False, False, True),
    "href": (False, True),
}  # fmt: skip
VERBATIM_ENVS = ("lstlisting", "verbatim", "tikzpicture")
MATH_ENVS = ("equation", "equation*", "align", "align*", "gather", "gather*", "multline", "multline*")
# Token kinds that may change in a prose-only edit; on the current side a \VAR{} may also be inserted.
WORDLIKE = {"word", "symbol", "math", "par"}
_BEGIN, _CONTROL = re.compile(r"\\begin\{([a-zA-Z*]+)\}"), re.compile(r"\\([a-zA-Z@]+\*?|.)", re.S)
_SPACE, _WORD = re.compile(r"\s+"), re.compile(r"[^\s\\{}\[\]&%$]+")


@dataclass
class Token:
    kind: str
    text: str
    start: int
    prose: bool = True

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, " ".join(self.text.split()) if self.kind in ("math", "par") else self.text)


def _match_brace(s: str, i: int) -> int:
    """Index just past the brace group opening at s[i] ('{'), skipping quoted strings (Jinja expressions)."""
    depth, k, quote = 0, i, None
    while k < len(s):
        ch = s[k]
        if quote:
            if ch == "\\":
                k += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return k + 1
        k += 1
    return len(s)


def _line_end(s: str, i: int) -> int:
    k = s.find("\n", i)
    return len(s) if k < 0 else k + 1


def tokenize(text: str) -> list[Token]:
    """The template's tokens, each with its context (``prose``: a word there is the document's prose)."""
    raw: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith(("\\VAR{", "\\BLOCK{"), i):
            kind = "jvar" if text.startswith("\\VAR{", i) else "jblock"
            j = _match_brace(text, text.index("{", i))
        elif text.startswith("\\#{", i):
            kind, j = "comment", text.find("}", i) + 1 or n
        elif text.startswith("%%", i) and not text[text.rfind("\n", 0, i) + 1 : i].strip():  # first on its line
            kind, j = "jline", _line_end(text, i)
        elif ch == "%":
            kind, j = "comment", _line_end(text, i)
        elif text.startswith("\\begin{", i) and (m := _BEGIN.match(text, i)):
            env = m.group(1)
            end = text.find(f"\\end{{{env}}}", i)
            if end >= 0 and env in VERBATIM_ENVS + MATH_ENVS:
                kind, j = "verbatim" if env in VERBATIM_ENVS else "math", end + len(f"\\end{{{env}}}")
            else:
                kind, j = "command", i + len("\\begin")
        elif text.startswith(("\\[", "\\("), i):
            close = "\\]" if text[i + 1] == "[" else "\\)"
            end = text.find(close, i + 2)
            kind, j = "math", (end + 2 if end >= 0 else n)
        elif ch == "$":
            dollars = "$$" if text.startswith("$$", i) else "$"
            k = i + len(dollars)
            while k < n and not (text.startswith(dollars, k) and text[k - 1] != "\\"):
                k += 1
            kind, j = "math", min(k + len(dollars), n)
        elif ch == "\\":
            m = _CONTROL.match(text, i)
            name = m.group(1) if m else ""
            if name == "\\":
                kind = "row"
            elif name[:1].isalpha() or name[:1] == "@":
                kind = "command"
            else:
                kind = "symbol"
            j = i + 1 + len(name)
        elif ch in "{}[]&":
            kind, j = {"{": "open", "}": "close", "[": "lbrack", "]": "rbrack", "&": "amp"}[ch], i + 1
        elif ch.isspace():
            j = _SPACE.match(text, i).end()
            kind = "par" if text.count("\n", i, j) >= 2 else "ws"
        else:
            kind, j = "word", _WORD.match(text, i).end()
        raw.append(Token(kind, text[i:j], i))
        i = j
    _set_context(raw)
    return raw


def _set_context(tokens: list[Token]) -> None:
    """Mark each token prose or not, following command arguments and options (see TEXT_ARGS)."""
    stack = [{"prose": True, "option": False}]
    owner, arg = None, 0  # the command whose arguments may follow, and the index of the next one
    for t in tokens:
        top = stack[-1]
        t.prose = False  # commands, braces and brackets are structure
        if t.kind == "command":
            owner, arg = t.text[1:].rstrip("*"), 0
        elif t.kind == "open":
            arg_prose = TEXT_ARGS.get(owner, ())
            own = owner is None or (arg < len(arg_prose) and arg_prose[arg])
            stack.append({"prose": top["prose"] and own, "option": False, "owner": owner, "arg": arg})
        elif t.kind == "close":
            if len(stack) > 1 and not top["option"]:
                frame = stack.pop()
                owner, arg = frame.get("owner"), frame.get("arg", 0) + 1
                if owner is None:
                    arg = 0
        elif t.kind == "lbrack" and owner is not None:
            stack.append({"prose": False, "option": True, "owner": owner, "arg": arg})
        elif t.kind == "rbrack" and top["option"]:
            frame = stack.pop()
            owner, arg = frame["owner"], frame["arg"]
        else:
            t.prose = top["prose"]
            if t.kind in ("lbrack", "rbrack"):
                t.kind = "word"
            if t.kind not in ("ws", "comment", "jvar"):  # a command's arguments follow it, or values between them
                owner, arg = None, 0


@dataclass
class TemplateDiff:
    marked: dict[str, str]  # template name -> current text with the prose marks
    words: dict[str, dict[str, int]] = field(default_factory=dict)  # problem -> {"added": n, "deleted": n}
    structural: list[dict] = field(default_factory=list)  # where the templates differ in structure


def _changeable(tokens: list[Token], current: bool) -> bool:
    allowed = WORDLIKE | ({"jvar"} if current else set())
    jinja = ("\\VAR{", "\\BLOCK{", "%%")  # math with Jinja inside is structure
    return all(
        t.kind in allowed and t.prose and not (t.kind == "math" and any(j in t.text for j in jinja)) for t in tokens
    )


def _old_words(tokens: list[Token], a: int, b: int) -> str:
    """Old text from token a to b (inclusive), comments dropped, paragraph breaks as spaces."""
    return "".join(" " if t.kind in ("par", "ws") else t.text for t in tokens[a : b + 1] if t.kind != "comment").strip()


def _wrap_runs(tokens: list[Token], a: int, b: int, problem: str) -> str:
    """Current tokens a..b with each run of words wrapped in \\hwadd; values, comments and breaks left alone."""
    out, run = [], []

    def flush():
        text = "".join(t.text for t in run)
        lead, core, trail = re.fullmatch(r"(\s*)(.*?)(\s*)", text, re.S).groups()
        out.append(f"{lead}\\hwadd{{{problem}}}{{{core}}}{trail}" if core else text)
        run.clear()

    for t in tokens[a : b + 1]:
        if t.kind in ("word", "symbol", "math", "ws"):
            run.append(t)
        else:
            flush()
            out.append(t.text)
    flush()
    return "".join(out)


def _before_line_statement(tokens: list[Token], at: int) -> bool:
    """Whether text put before tokens[at] would share a line with a following `%%` line statement."""
    for t in tokens[at:]:
        if t.kind in ("ws", "par") and "\n" in t.text:
            return False
        if t.kind == "jline":
            return True
        if t.kind not in ("ws", "comment"):
            return False
    return False


def diff_template(name: str, old: str, new: str) -> tuple[str, dict[str, int], list[dict]]:
    """(current text with prose marks, {"added": words, "deleted": words}, structural changes) of one template."""
    problem = problem_of(name)
    a_all, b_all = tokenize(old), tokenize(new)
    a_sig = [k for k, t in enumerate(a_all) if t.kind not in ("ws", "comment")]
    b_sig = [k for k, t in enumerate(b_all) if t.kind not in ("ws", "comment")]
    sm = difflib.SequenceMatcher(None, [a_all[k].key for k in a_sig], [b_all[k].key for k in b_sig], autojunk=False)
    counts = {"added": 0, "deleted": 0}
    structural = []
    inserts: dict[int, str] = {}  # current token index -> text emitted before it
    replaced: dict[int, tuple[int, str]] = {}  # current token index -> (last index, replacement text)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        old_toks = [a_all[a_sig[k]] for k in range(i1, i2)]
        new_toks = [b_all[b_sig[k]] for k in range(j1, j2)]
        if not (_changeable(old_toks, current=False) and _changeable(new_toks, current=True)):
            at = b_all[b_sig[j1]].start if j1 < len(b_sig) else len(new)
            old_text, new_text = (" ".join(t.text for t in toks)[:120] for toks in (old_toks, new_toks))
            structural.append({"template": name, "line": new.count("\n", 0, at) + 1, "old": old_text, "new": new_text})
            continue
        counts["deleted"] += sum(len(t.text.split()) for t in old_toks if t.kind in ("word", "symbol", "math"))
        counts["added"] += sum(len(t.text.split()) for t in new_toks if t.kind in ("word", "symbol", "math"))
        deleted = _old_words(a_all, a_sig[i1], a_sig[i2 - 1]) if i2 > i1 else ""
        mark = f"\\hwdel{{{problem}}}{{{deleted}}} " if deleted else ""
        if j2 > j1:
            first, last = b_sig[j1], b_sig[j2 - 1]
            replaced[first] = (last, mark + _wrap_runs(b_all, first, last, problem))
        elif deleted:
            # After the words before the deletion (so on their line: a mark in front of a `%%` line statement
            # would push it off the start of its line, where Jinja no longer sees it).
            at = b_sig[j1 - 1] + 1 if j1 > 0 else 0
            mark = f" \\hwdel{{{problem}}}{{{deleted}}}"
            if _before_line_statement(b_all, at):
                mark += "\n"
            inserts[at] = inserts.get(at, "") + mark
    out, k = [], 0
    while k < len(b_all):
        last, text = replaced.get(k, (k, b_all[k].text))
        out += [inserts.get(k, ""), text]
        k = last + 1
    out.append(inserts.get(len(b_all), ""))
    return "".join(out), counts, structural


def diff_templates(old: dict[str, str], new: dict[str, str]) -> TemplateDiff:
    """Prose marks for every current template against the base's templates of the same name."""
    result = TemplateDiff(marked={})
    for name in sorted(new):
        marked, counts, structural = diff_template(name, old.get(name, ""), new[name])
        result.marked[name] = marked
        result.structural += structural
        if counts["added"] or counts["deleted"]:
            total = result.words.setdefault(problem_of(name), {"added": 0, "deleted": 0})
            for k in total:
                total[k] += counts[k]
    return result
