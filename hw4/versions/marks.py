"""Value marks for the diff document: the current templates rendered with every value that changed since the base
wrapped in a change mark (the new value, then the old one small and struck out).

The results (and the config) reach the templates wrapped by :func:`track`, so every leaf carries its key
``(file, path)``, spelled as :func:`hw4.versions.results.flatten` spells it (``instances[2].h``). A :class:`Marker`
installed in the Jinja environment (``make_env(..., marker=...)``) sees each printed leaf in ``finalize`` and the
formatting filters, formats the base's value the same way, and wraps the pair in ``\\hwchg``; unchanged values
print as in the report. The marks (:data:`PREAMBLE`) work in text, ``tabular`` cells and math, and never add
``&``, ``\\\\`` or a paragraph break; each writes its problem and page to the .aux file, so the summary page links
each problem's changes to their pages (``\\hwpages{q1}``).
"""

import re

from hw4.latex import Raw, andjoin_delimiters, escape_latex, finalize
from hw4.versions.prose import tokenize
from hw4.versions.results import child_key, item_key, problem_of

ADDED = object()  # a key the base did not have: marked as new, with no old value
# Keys read while a condition of the template is evaluated (see Marker.test_begin): leaves as they are read from
# a results dict, lists as their truth is tested. Only the diff's render uses it; it runs in one thread.
_READ: list[tuple[str, str]] = []


class Tracked:
    """A results value that knows its key; ``hw4_old`` overrides the base value when a filter transformed it."""

    hw4_key: tuple[str, str]


class TRaw(Raw, Tracked):
    __slots__ = ("__dict__",)  # Raw has empty slots: the key needs somewhere to live


class TStr(str, Tracked):
    pass


class TInt(int, Tracked):
    pass


class TFloat(float, Tracked):
    pass


def track(value, file: str, path: str = ""):
    """``value`` (a parsed results file, or the config) with every leaf carrying its key ``(file, path)``.

    Dicts and lists are wrapped lazily (their items are wrapped when read), booleans and None stay as they are
    (a bool cannot be subclassed; verdicts are listed on the summary page instead).
    """
    if isinstance(value, dict) and not isinstance(value, TDict):
        return TDict(value, file, path)
    if isinstance(value, list) and not isinstance(value, TList):
        return TList(value, file, path)
    if isinstance(value, bool) or value is None or isinstance(value, Tracked):
        return value
    for plain, tracked in ((Raw, TRaw), (str, TStr), (int, TInt), (float, TFloat)):  # a Raw is a str: first
        if isinstance(value, plain):
            out = tracked(value)
            out.hw4_key = (file, path)
            return out
    return value


class TDict(dict):
    def __init__(self, raw: dict, file: str, path: str):
        super().__init__(raw)
        self._hw4 = (file, path)

    def __getitem__(self, key):
        value = super().__getitem__(key)
        path = child_key(self._hw4[1], key)
        if not isinstance(value, dict | list):
            _READ.append((self._hw4[0], path))
        return track(value, self._hw4[0], path)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def values(self):
        return [self[k] for k in self.keys()]


class TList(list):
    def __init__(self, raw: list, file: str, path: str):
        super().__init__(raw)
        self._hw4 = (file, path)

    def _item(self, i: int):
        return track(list.__getitem__(self, i), self._hw4[0], item_key(self._hw4[1], i))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._item(j) for j in range(*i.indices(list.__len__(self)))]
        return self._item(i if i >= 0 else list.__len__(self) + i)

    def __iter__(self):
        for i in range(list.__len__(self)):
            yield self._item(i)

    def __len__(self):
        _READ.append(self._hw4)  # `if X.items` tests a list's truth through its length
        return list.__len__(self)


_MISSING = object()


def resolve(data, path: str):
    """The value at a key path (``instances[2].h``) of parsed data, or _MISSING."""
    if data is None:
        return _MISSING
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        try:
            data = data[int(index)] if index else data[name]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


def _format_any(value) -> str:
    """A base value formatted as finalize would, or shown literally when finalize refuses it (None, a list)."""
    try:
        return finalize(value)
    except (TypeError, ValueError):
        return escape_latex(str(value))


class Marker:
    """Which keys changed (key -> base value, or ADDED), and what the render printed.

    ``printed``: every key that reached the document; ``marks``: (problem, key) of each mark made.
    """

    def __init__(self, changes: dict, mark_all: bool = False, old: dict | None = None, new: dict | None = None):
        self.changes = changes
        self.mark_all = mark_all  # every printed value marked (a test that the marks never break compilation)
        # file -> parsed data of the base and of the current build, to tell whether a condition could decide
        # otherwise (flags); without them any changed value a condition reads raises a flag
        self.old, self.new = old, new
        self.printed: set[tuple[str, str]] = set()
        self.marks: list[tuple[str, tuple[str, str]]] = []
        self.consulted: dict[int, set[tuple[str, str]]] = {}  # if-chain -> keys its conditions read
        self.flips: list[tuple[str, tuple[str, str]]] = []  # (problem, changed key) of each flagged branch

    def by_part(self) -> dict[str, set[tuple[str, str]]]:
        """problem -> the keys marked there."""
        out: dict[str, set[tuple[str, str]]] = {}
        for problem, key in self.marks:
            out.setdefault(problem, set()).add(key)
        return out

    def _may_decide_otherwise(self, key) -> bool:
        """Whether a condition that read ``key`` could have gone the other way in the base: a verdict that
        flipped, a value that became or stopped being None, empty or zero, or a text that changed (compared with
        a word). A number that merely moved (4 -> 5) decides nothing here: templates hold no thresholds."""
        if self.mark_all:
            return True
        file, path = key
        if not any(f == file and (p == path or p.startswith((path + ".", path + "["))) for f, p in self.changes):
            return False
        if self.old is None or self.new is None:
            return True
        a, b = resolve(self.old.get(file), path), resolve(self.new.get(file), path)
        if a is _MISSING or b is _MISSING:
            return True
        if isinstance(a, str) and isinstance(b, str):
            return a != b
        return bool(a) != bool(b) or (a is None) != (b is None)

    # ------------------------------------------------------------------------------ branches (see flag_branches)
    def test_begin(self, chain: int, first: bool) -> bool:
        """Called as a condition of an if-chain starts: forget what was read before. Returns False, so that
        ``test_begin(...) or (EXPR)`` is EXPR."""
        _READ.clear()
        if first:
            self.consulted[chain] = set()
        return False

    def test_end(self, value, chain: int):
        self.consulted.setdefault(chain, set()).update(_READ)
        _READ.clear()
        return value

    def branch_flag(self, chain: int) -> Raw:
        """At the start of the branch an if-chain took: a flag when its conditions read a value that changed
        (a verdict of the check step), since the base may have taken another branch, i.e. said another thing."""
        changed = sorted(k for k in self.consulted.get(chain, ()) if self._may_decide_otherwise(k))
        if not changed:
            return Raw("")
        problem = problem_of(*changed[0])
        self.flips += [(problem, key) for key in changed]
        return Raw(f"\\hwflip{{{problem}}}")

    def _changed(self, key) -> bool:
        return self.mark_all or key in self.changes

    def _old(self, value, key):
        return value.hw4_old if hasattr(value, "hw4_old") else self.changes.get(key, value)

    def wrap(self, key, new_tex: str, old_tex: str | None) -> Raw:
        if old_tex == new_tex and not self.mark_all:
            return Raw(new_tex)  # changed below the printed precision: the document shows no change
        problem = problem_of(*key)
        self.marks.append((problem, key))
        if "\n" in new_tex:  # a block (the notebook's cells): no macro argument can hold it; flag it before
            return Raw(f"\\hwblock{{{problem}}}\n{new_tex}")
        if old_tex is None:
            return Raw(f"\\hwnew{{{problem}}}{{{new_tex}}}")
        return Raw(f"\\hwchg{{{problem}}}{{{new_tex}}}{{{old_tex}}}")

    # ------------------------------------------------------------------------------ hooks into the environment
    def _mark(self, value, new_tex, format_old):
        """``new_tex`` (the printed TeX of ``value``), marked when ``value`` carries a key that changed; the base
        value is printed by ``format_old``."""
        key = getattr(value, "hw4_key", None)
        if key is None:
            return new_tex
        self.printed.add(key)
        if not self._changed(key):
            return new_tex
        old = self._old(value, key)
        return self.wrap(key, new_tex, None if old is ADDED else format_old(old))

    def finalize(self, value):
        return self._mark(value, finalize(value), _format_any)

    def filter(self, fn):
        """A formatting filter that marks its output when its input is a changed value (the base value goes
        through the same filter, with the same arguments)."""

        def format_old(old, args, kwargs):
            try:
                return finalize(fn(old, *args, **kwargs))
            except (TypeError, ValueError, OverflowError):
                return _format_any(old)

        def marked(value, *args, **kwargs):
            return self._mark(value, finalize(fn(value, *args, **kwargs)), lambda old: format_old(old, args, kwargs))

        return marked

    def string(self, value):
        """Jinja's ``string``, keeping the key (the base value is turned into a string too)."""
        key = getattr(value, "hw4_key", None)
        if key is None:
            return str(value)
        out = TStr(str(value))
        out.hw4_key = key
        if self._changed(key):
            old = self._old(value, key)
            out.hw4_old = old if old is ADDED else str(old)
        return out

    def join(self, seq, d: str = ""):
        """Jinja's ``join``, with each changed item marked in place (unchanged lists print as before)."""
        return self._joined(seq, lambda n: [d] * max(n - 1, 0))

    def andjoin(self, seq):
        """The andjoin filter (hw4.latex.andjoin: "a, b and c"), with each changed item marked in place."""
        return self._joined(seq, andjoin_delimiters)

    def _joined(self, seq, delimiters):
        """``seq``'s items woven with ``delimiters(len(items))``."""
        items = list(seq)
        keys, ends = [getattr(x, "hw4_key", None) for x in items], [*delimiters(len(items)), ""]
        if not any(self._changed(k) for k in keys if k is not None):  # printed as before (escaped by finalize)
            self.printed.update(k for k in keys if k is not None)
            return "".join(str(x) + d for x, d in zip(items, ends, strict=True))
        parts = [self._mark(x, escape_latex(str(x)), lambda old: escape_latex(str(old))) for x in items]
        return Raw("".join(p + escape_latex(d) for p, d in zip(parts, ends, strict=True)))

    def install(self, env) -> None:
        env.globals.update(hw4_test_begin=self.test_begin, hw4_test_end=self.test_end, hw4_flag=self.branch_flag)
        env.finalize = self.finalize
        for name in ("sci", "fixed", "fixed_or_na", "pct", "int"):
            env.filters[name] = self.filter(env.filters[name])
        env.filters["string"] = self.string
        env.filters["join"] = self.join
        env.filters["andjoin"] = self.andjoin


_TAG = re.compile(r"^\s*(?:\\BLOCK\{|%%)\s*(\w+)\s*(.*?)\s*$", re.S)
_ENDED = {"for", "macro", "call", "filter", "with", "block", "raw", "autoescape"}


def flag_branches(text: str) -> str:
    """The template with every if-chain reporting what its conditions read (Marker.test_begin/test_end) and a
    ``\\VAR{hw4_flag(chain)}`` at the start of each branch: inline after ``\\BLOCK{if ...}``, and after a
    ``%% if ...`` line when the branch's first line starts with a word (elsewhere, in vertical mode, between
    ``\\item``s or rows, a mark could break the document; the summary page lists the verdicts anyway)."""
    tokens = tokenize(text)
    out, stack, chains = [], [], 0
    flag_next = None
    for t in tokens:
        if flag_next is not None and t.kind not in ("ws", "comment"):
            if t.kind == "word" and (not out or out[-1].endswith("\n")):
                out.append(f"\\VAR{{hw4_flag({flag_next})}}")
            flag_next = None
        if t.kind not in ("jblock", "jline"):
            out.append(t.text)
            continue
        m = _TAG.match(t.text)
        name, rest = (m.group(1), m.group(2)) if m else ("", "")
        inline = t.kind == "jblock"
        if inline:
            rest = rest[:-1].rstrip()  # the tag's closing brace
        if name == "if":
            chains += 1
            stack.append(("if", chains))
            new = f"if hw4_test_end(hw4_test_begin({chains}, True) or ({rest}), {chains})"
        elif name == "elif" and stack and stack[-1][0] == "if":
            chain = stack[-1][1]
            new = f"elif hw4_test_end(hw4_test_begin({chain}, False) or ({rest}), {chain})"
        elif name == "else" and stack and stack[-1][0] == "if":
            new = None
        else:
            if name == "endif" and stack and stack[-1][0] == "if":
                stack.pop()
            elif name in _ENDED or (name == "set" and "=" not in rest):
                stack.append((name, 0))
            elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
                stack.pop()
            out.append(t.text)
            continue
        chain = stack[-1][1]
        if new is None:
            out.append(t.text)
        elif inline:
            out.append("\\BLOCK{" + new + "}")
        else:
            prefix = t.text[: t.text.index("%%") + 2]
            out.append(f"{prefix} {new}\n")
        if inline:
            out.append(f"\\VAR{{hw4_flag({chain})}}")
        else:
            flag_next = chain
    return "".join(out)


def changes_from(results_diff: dict, old_flat: dict[tuple[str, str], object]) -> dict:
    """key -> base value for every value of a results diff (hw4.versions.diff.results_diff) that changed or was
    added; ``old_flat`` holds the base values, ``*_tex`` strings marked raw."""
    out = {}
    for entry in results_diff["changed"] + results_diff["other_changed"]:
        key = (entry["file"], entry["key"])
        out[key] = old_flat.get(key, entry["old"])
    for entry in results_diff["added"]:
        out[(entry["file"], entry["key"])] = ADDED
    return out


# The marks. Colours from the Okabe-Ito palette (distinct for the common colour blindnesses); in greyscale the
# old value stays distinct by its strike-out and size, added prose by its underline, deleted prose by its
# strike-out. The strike is a rule over a box (no ulem): safe in tables, math, captions and section titles.
# Each mark writes "\hwpage{problem}{page}" to the .aux, from which \hwpages{problem} lists the pages as links.
PREAMBLE = r"""
%% ---- diff marks (hw4/versions/marks.py) ----
\usepackage[normalem]{ulem}
\definecolor{hwnewc}{HTML}{0072B2}
\definecolor{hwoldc}{HTML}{D55E00}
\makeatletter
\newcommand\hw@at[1]{\protected@write\@auxout{}{\string\hwpage{#1}{\thepage}}}
\newcommand\hwpage[2]{\@ifundefined{hw@seen@#1@#2}{\global\@namedef{hw@seen@#1@#2}{}%
  \@ifundefined{hw@pages@#1}{\global\@namedef{hw@pages@#1}{\hyperlink{page.#2}{#2}}}%
  {\expandafter\g@addto@macro\csname hw@pages@#1\endcsname{, \hyperlink{page.#2}{#2}}}}{}}
\newcommand\hwpages[1]{\@ifundefined{hw@pages@#1}{--}{\@nameuse{hw@pages@#1}}}
\newcommand\hw@strike[1]{\setbox\z@\hbox{#1}\rlap{\color{hwoldc}\rule[0.55ex]{\wd\z@}{0.6pt}}\box\z@}
\DeclareRobustCommand\hwchg[3]{\hw@at{#1}\ifmmode{\color{hwnewc}#2}\,\text{\scriptsize\color{hwoldc}\hw@strike{$#3$}}%
  \else{\color{hwnewc}#2}\,{\scriptsize\color{hwoldc}\hw@strike{#3}}\fi}
\DeclareRobustCommand\hwnew[2]{\hw@at{#1}{\color{hwnewc}#2}\ifmmode^{\text{\tiny new}}\else\textsuperscript{\tiny new}\fi}
\DeclareRobustCommand\hwflip[1]{\hw@at{#1}\ifmmode^{\text{\tiny\color{hwnewc}[verdict changed]}}\else
  \textsuperscript{\tiny\color{hwnewc}[verdict changed]}\fi}
\newcommand\hwblock[1]{\par\hw@at{#1}\noindent{\color{hwnewc}\textbf{[Changed below: its values are listed in
  results-diff.md.]}}\par}
\DeclareRobustCommand\hwadd[2]{\hw@at{#1}{\color{hwnewc}\uline{#2}}}
\DeclareRobustCommand\hwdel[2]{\hw@at{#1}{\color{hwoldc}\sout{#2}}}
\DeclareRobustCommand\hwfig[2]{\hw@at{#1}{\color{hwnewc}\textbf{[Figure changed: base and current side by side
  on page~\pageref{#2}.]}} }
\newsavebox\hw@table
\newenvironment{hwfit}{\begin{lrbox}{\hw@table}}{\end{lrbox}\ifdim\wd\hw@table>\linewidth
  \resizebox{\linewidth}{!}{\usebox\hw@table}\else\usebox\hw@table\fi}
\pdfstringdefDisableCommands{\def\hwchg#1#2#3{#2}\def\hwnew#1#2{#2}\def\hwflip#1{}\def\hwadd#1#2{#2}\def\hwdel#1#2{}%
  \def\hwfig#1#2{}}
\makeatother
%% ---- end of diff marks ----
"""
