"""The one place that builds the Jinja environment for LaTeX templates.

Delimiters are LaTeX-safe (``\\VAR{}``, ``\\BLOCK{}``, ``\\#{}``, ``%%`` line statements, ``%#`` line
comments).  Every value that reaches the output goes through :func:`finalize`, which LaTeX-escapes strings
and formats numbers; the only way around the escaping is the :class:`Raw` type, used for LaTeX that sympy
printed or that the project itself wrote.  Undefined values fail loudly (``StrictUndefined``).
"""

import json
import math
import numbers
import re
import unicodedata
from pathlib import Path

import jinja2

from hw4.regions import read_region


class Raw(str):
    """LaTeX source that must reach the document unescaped (sympy output, project-made markup)."""

    __slots__ = ()


# Characters with a meaning to TeX, and how to typeset them literally.
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    "`": r"\textasciigrave{}",
    "'": r"\textquotesingle{}",
    "-": r"-{}",  # keeps -- and --- from turning into dashes
}

# Non-ASCII characters that pdflatex with T1/utf8 + textcomp typesets natively.  Everything else outside
# ASCII is shown as its code point, so that untrusted text never stops the compile.
_NATIVE = set(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"
    "ŒœŠšŸŽžŁłŃńŚśŹźŻżĄąĘęĆćČčĎďĚěŇňŘřŤťŮůŐőŰű"
    "¡¿«»£€¥©®°±·×÷§¶¢–—‘’‚“”„…•†‡‰‹›™"
)
_WORD_MAX = 60  # longest unbroken run before a break point is offered (10,000-char "words" must not overflow)


def _non_ascii(ch: str) -> str:
    """How a character outside ASCII reaches pdflatex: itself if typeset natively, else dropped (controls, bidi
    overrides), a space (other spaces) or its code point."""
    if ch in _NATIVE:
        return ch
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return ""
    if category == "Zs":
        return " "
    return rf"\unichar{{{ord(ch):04X}}}"


def unicode_safe(tex: str) -> str:
    """LaTeX source (made by a trusted converter, e.g. nbconvert) whose text may hold any character: every
    character outside ASCII is shown as in ``escape_latex``, so that no text stops the compile."""
    return "".join(
        ch if " " <= ch <= "~" or ch in "\n\t" else _non_ascii(ch) for ch in unicodedata.normalize("NFC", tex)
    )


def escape_latex(value: str) -> str:
    """Typeset ``value`` literally: TeX specials escaped, control bytes dropped, odd characters shown safely."""
    out, run = [], 0
    for ch in unicodedata.normalize("NFC", str(value)):
        ch = " " if ch in "\n\r\t" else ch
        mapped = _SPECIALS.get(ch) or (ch if " " <= ch <= "~" else _non_ascii(ch))
        out.append(mapped)
        run = 0 if mapped == " " else run + (mapped != "")  # a space ends the run; a dropped character is nothing
        if run >= _WORD_MAX:
            out.append(r"\allowbreak{}")
            run = 0
    return "".join(out)


def format_number(value: numbers.Number) -> str:
    """Numbers in running text: integers grouped by thin spaces, floats to 4 significant digits."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}".replace(",", r"\,")
    x = float(value)
    return sci(x, 4) if math.isfinite(x) else escape_latex(str(x))


def sci(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant figures; small/large values as ``m\\times10^{e}`` (text mode safe)."""
    x = float(x)
    if x == 0:
        return "0"
    e = math.floor(math.log10(abs(x)))
    if -3 <= e < 5:
        decimals = max(digits - 1 - e, 0)
        if e >= digits:  # 14 970 at 3 figures is 15 000: the digits past the precision are zeros
            x = round(x, digits - 1 - e)
        return f"{x:,.{decimals}f}".replace(",", r"\,")
    m = x / 10**e
    return rf"\ensuremath{{{m:.{digits - 1}f}\times 10^{{{e}}}}}"


def fixed(x, decimals: int = 2) -> Raw:
    """``x`` with ``decimals`` decimals, thousands grouped by thin spaces; never a minus zero ("-0.00")."""
    text = f"{float(x):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("-")
    return Raw(text.replace(",", r"\,"))


def finalize(value):
    """Applied by Jinja to every ``\\VAR{}`` value: the default-escaping rule of the project."""
    if isinstance(value, Raw):
        return value
    if isinstance(value, numbers.Number):
        return format_number(value)
    if value is None:
        raise ValueError("a template tried to print None; the results file lacks a value")
    if isinstance(value, (list, dict, tuple)):
        raise TypeError(f"a template tried to print a whole {type(value).__name__}; print its items instead")
    return escape_latex(value)


def mark_raw(obj):
    """Wrap every string under a key ending in ``_tex`` as :class:`Raw` (results files mark sympy LaTeX so)."""
    if isinstance(obj, dict):
        return {k: Raw(v) if isinstance(v, str) and k.endswith("_tex") else mark_raw(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [mark_raw(v) for v in obj]
    return obj


def load_results(path: str | Path):
    """Read a results JSON file for rendering, with its ``*_tex`` fields marked raw."""
    with open(path, encoding="utf-8") as fh:
        return mark_raw(json.load(fh))


_LISTING_END = re.compile(r"\\end\s*\{\s*lstlisting\s*\}")


# A listing shorter than this many lines is kept on one page (report/preamble.tex.j2's unbroken environment).
UNBROKEN_LINES = 45


def code_excerpt(script: str | Path, region: str) -> Raw:
    """A marked region of a project module (read_region) as a listing: the code alone, no file name or line
    numbers under it (the documents carry no build vocabulary)."""
    text = read_region(script, region)
    if _LISTING_END.search(text) or not text.isascii():
        raise ValueError(f"{script}: region '{region}' must be ASCII and must not contain \\end{{lstlisting}}")
    listing = f"\\begin{{lstlisting}}\n{text}\n\\end{{lstlisting}}"
    if text.count("\n") < UNBROKEN_LINES:  # fits on a page: never split across two
        listing = f"\\begin{{unbroken}}\n{listing}\n\\end{{unbroken}}"
    return Raw(listing)


def andjoin_delimiters(n: int) -> list[str]:
    """What stands between n items listed in prose: ", " between all but the last two, " and " before the last."""
    return [", "] * max(n - 2, 0) + [" and "] * (n > 1)


def andjoin(items) -> str:
    """A list as prose: "a", "a and b", "a, b and c"."""
    items = [str(x) for x in items]
    return "".join(x + d for x, d in zip(items, [*andjoin_delimiters(len(items)), ""], strict=True))


def is_one(n) -> bool:
    """Grammar: whether a count (a number, or a list's length) takes the singular."""
    return (len(n) if isinstance(n, list | tuple) else n) == 1


def plural(n, one: str, many: str) -> str:
    """The word form for a count: ``one`` for 1 (or a list of one), else ``many``."""
    return one if is_one(n) else many


def make_env(template_dir: str | Path, marker=None) -> jinja2.Environment:
    """The project's Jinja environment for LaTeX (see module docstring). ``marker`` (the diff document's
    hw4.versions.marks.Marker) wraps the values that changed since a base version in change marks."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        line_statement_prefix="%%",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
    )
    env.filters["sci"] = lambda x, digits=3: Raw(sci(x, digits))
    env.filters["fixed"] = fixed
    # A fitted quantity that may be missing (None: not enough points to fit), e.g. a slope.
    env.filters["fixed_or_na"] = lambda x, decimals=2: Raw("n/a") if x is None else fixed(x, decimals)
    env.filters["pct"] = lambda x, decimals=1: Raw(f"{100 * float(x):.{decimals}f}\\,\\%")
    env.filters["int"] = lambda x: Raw(format_number(int(x)))
    # Grammar, not claims: the form of a word for a count (a number or a list), and a list as prose ("a, b and c").
    env.tests["one"] = is_one
    env.filters["plural"] = plural
    env.filters["andjoin"] = andjoin
    env.globals["excerpt"] = code_excerpt
    if marker is not None:
        marker.install(env)
    return env
