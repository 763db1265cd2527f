"""Writing a table as Markdown, LaTeX, HTML and CSV, each labelled with its data's provenance.

A :class:`Table` holds cells as strings (columns flat, or a two-level header: dependent
variable over column number), its caption without the number, the note and the provenance
of its inputs. The LaTeX is a ``table`` float for a standard ``article``: booktabs rules, a
``threeparttable`` so the notes wrap at the table's width, the caption without "Table N." (the
document numbers it) and ``\\label{tab:<stem>}``; text escaped and symbols in math mode
($\\times$, $R^2$, stars as $^{***}$, $p<0.01$, minus signs). The packages it needs are
named in a comment at its top (:data:`LATEX_PACKAGES`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.provenance import Provenance

#: Preamble lines a document needs for the .tex tables (both in every TeX distribution).
LATEX_PACKAGES = (r"\usepackage{booktabs}", r"\usepackage{threeparttable}")
#: Row labels written with math in LaTeX (plain label -> LaTeX).
LATEX_LABELS = {
    "Exposure (s_i x z(Anti_global))": r"Exposure ($s_i \times z(\mathrm{Anti\_global})$)",
}
#: In tables of more columns than this, LaTeX cells longer than WRAP_AT printed characters
#: take two lines, and the font is footnotesize (small up to it).
NARROW = 5
WRAP_AT = 16


@dataclass
class Table:
    """One table to publish: ``stem`` names its files and its LaTeX label."""

    stem: str  # "table2"
    number: int
    caption: str  # without "Table 2."
    cells: pd.DataFrame  # strings; rows labelled; columns flat or (group, column)
    note: str
    provenance: Provenance
    rule_before: tuple[str, ...] = ()  # row labels above which a rule separates blocks
    align: str = "c"  # LaTeX alignment of the data columns ("r" for numbers of one kind)

    @property
    def title(self) -> str:
        return f"Table {self.number}. {self.caption}"

    def flat_columns(self) -> list[str]:
        """'(1) ICC' for a two-level header, else the column names."""
        if isinstance(self.cells.columns, pd.MultiIndex):
            return [f"{column} {group}" for group, column in self.cells.columns]
        return [str(c) for c in self.cells.columns]

    def data_line(self) -> str:
        """'Data: ADB-MRIO (edition 62, vintage ...); KOF ... (release 2022); NBS ...'."""
        return "Data: " + "; ".join(s.describe() for s in self.provenance.sources) + "."

    def rows(self):
        """(label, cells) per row."""
        return zip(self.cells.index, self.cells.to_numpy().tolist(), strict=True)


def write_table(table: Table, directory: Path) -> list[Path]:
    """Write ``<stem>``.md/.tex/.html/.csv into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for ext, text in (("md", markdown(table)), ("tex", latex(table)), ("html", to_html(table))):
        path = directory / f"{table.stem}.{ext}"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    out.append(to_csv(table, directory / f"{table.stem}.csv"))
    return out


def markdown(table: Table) -> str:
    header = "| | " + " | ".join(table.flat_columns()) + " |"
    rule = "|---|" + "---|" * len(table.cells.columns)
    body = ["| " + " | ".join([str(i), *map(str, row)]) + " |" for i, row in table.rows()]
    warning = table.provenance.warning()
    top = [f"**{table.title}**", ""] + ([f"**{warning}**", ""] if warning else [])
    bottom = ["", f"*Note:* {table.note}", "", f"*{table.data_line()}*", ""]
    return "\n".join([*top, header, rule, *body, *bottom])


def to_csv(table: Table, path: Path) -> Path:
    """As esttab's csv: the title on top, the note and the provenance label below."""
    flat = table.cells.set_axis(table.flat_columns(), axis=1).rename_axis("row")
    with path.open("w", encoding="utf-8", newline="") as handle:
        pd.DataFrame([[table.title]]).to_csv(handle, index=False, header=False)
        flat.to_csv(handle)
        below = [["Note", table.note], ["Data", table.provenance.label()]]
        pd.DataFrame(below).to_csv(handle, index=False, header=False)
    return path


def to_html(table: Table) -> str:
    esc = html.escape
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in [i, *row]) + "</tr>"
        for i, row in table.rows()
    )
    warning = table.provenance.warning()
    alert = f"<p class='synthetic'><strong>{esc(warning)}</strong></p>" if warning else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(table.title)}</title>"
        "<style>table{border-collapse:collapse;border-top:2px solid;border-bottom:2px solid}"
        "thead{border-bottom:1px solid}td,th{padding:2px 10px;text-align:center}"
        "td:first-child{text-align:left}.synthetic{color:#b00}</style></head><body>"
        f"<h3>{esc(table.title)}</h3>{alert}<table><thead>{_html_header(table)}</thead>"
        f"<tbody>{body}</tbody></table><p><em>Note:</em> {esc(table.note)}</p>"
        f"<p><em>{esc(table.data_line())}</em></p></body></html>\n"
    )


def _html_header(table: Table) -> str:
    columns = table.cells.columns
    if not isinstance(columns, pd.MultiIndex):
        return "<tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in ["", *columns]) + "</tr>"
    groups = "".join(
        f"<th colspan='{span}'>{html.escape(group)}</th>" for group, span in _groups(columns)
    )
    numbers = "".join(f"<th>{html.escape(c)}</th>" for _, c in columns)
    return f"<tr><th></th>{groups}</tr><tr><th></th>{numbers}</tr>"


def _groups(columns: pd.MultiIndex) -> list[tuple[str, int]]:
    """Runs of equal first-level labels: [('ICC', 3), ('ICS', 3)]."""
    runs: list[tuple[str, int]] = []
    for group, _ in columns:
        if runs and runs[-1][0] == group:
            runs[-1] = (group, runs[-1][1] + 1)
        else:
            runs.append((group, 1))
    return runs


def latex(table: Table) -> str:
    """The table as a LaTeX float (see the module docstring)."""
    n = len(table.cells.columns)
    size = r"\small" if n <= NARROW else r"\footnotesize"
    lines = [
        f"% {table.title} Written by gvc-warehouse (gvc estimate).",
        "% Preamble: " + " ".join(LATEX_PACKAGES),
        rf"% Include with \input{{{table.stem}}}; cite as Table~\ref{{tab:{table.stem}}}.",
        r"\begin{table}[htbp]",
        r"\centering",
        size,
        r"\begin{threeparttable}",
        rf"\caption{{{latex_text(table.caption)}}}",
        rf"\label{{tab:{table.stem}}}",
        r"\setlength{\tabcolsep}{4pt}",
        rf"\begin{{tabular}}{{@{{}}l*{{{n}}}{{{table.align}}}@{{}}}}",
        r"\toprule",
        *_latex_header(table.cells.columns),
        r"\midrule",
        *_latex_body(table),
        r"\bottomrule",
        r"\end{tabular}",
        *_latex_notes(table),
        r"\end{threeparttable}",
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)


def _latex_header(columns) -> list[str]:
    if not isinstance(columns, pd.MultiIndex):
        return [" & ".join(["", *(latex_text(str(c)) for c in columns)]) + r" \\"]
    groups, rules, start = [], [], 2
    for group, span in _groups(columns):
        groups.append(rf"\multicolumn{{{span}}}{{c}}{{{latex_text(group)}}}")
        rules.append(rf"\cmidrule(lr){{{start}-{start + span - 1}}}")
        start += span
    numbers = " & ".join(["", *(latex_text(c) for _, c in columns)]) + r" \\"
    return [" & ".join(["", *groups]) + r" \\", " ".join(rules), numbers]


def _latex_body(table: Table) -> list[str]:
    """Rows of LaTeX cells; in tables wider than :data:`NARROW` columns, long cells take two
    lines."""
    labels = [str(label) for label, _ in table.rows()]
    grid = [
        [LATEX_LABELS.get(label) or latex_text(label), *(latex_text(str(c)) for c in row)]
        for label, (_, row) in zip(labels, table.rows(), strict=True)
    ]
    wide = len(table.cells.columns) > NARROW
    if wide:
        _spill(grid, labels)
    lines = []
    for label, row in zip(labels, grid, strict=True):
        if label in table.rule_before:
            lines.append(r"\midrule")
        if wide:
            row = [_wrap(row[0], "l"), *(_wrap(c, "c") for c in row[1:])]
        cells = row
        lines.append(" & ".join(cells) + r" \\")
    return lines


def _spill(grid: list[list[str]], labels: list[str]) -> None:
    """A long cell above an empty cell of a t-statistic row (label '') continues there:
    'absorbed' over 'by year FE', 'Exposure' over its formula; rows stay aligned."""
    for i in range(len(grid) - 1):
        if labels[i + 1] != "":
            continue
        for j, cell in enumerate(grid[i]):
            parts = _split(cell)
            if parts and grid[i + 1][j] == "":
                grid[i][j], grid[i + 1][j] = parts


def _split(text: str) -> tuple[str, str] | None:
    """``text`` cut at the space nearest its middle outside math, when longer than
    :data:`WRAP_AT` characters as printed; None when it fits on one line."""
    plain = re.sub(r"\$[^$]*\$", lambda m: "x" * len(m.group()), text)
    printed = re.sub(r"\\[a-zA-Z]+ ?|\\.|[{}$^]", "", text)
    spaces = [i for i, ch in enumerate(plain) if ch == " "]
    if len(printed) <= WRAP_AT or not spaces:
        return None
    cut = min(spaces, key=lambda i: abs(i - len(plain) / 2))
    return text[:cut], text[cut + 1 :]


def _latex_notes(table: Table) -> list[str]:
    items = [
        rf"\item \textit{{Note:}} {latex_text(table.note)}",
        rf"\item \textit{{{latex_text(table.data_line())}}}",
    ]
    warning = table.provenance.warning()
    if warning:
        items.append(rf"\item \textbf{{{latex_text(warning)}}}")
    return [r"\begin{tablenotes}[flushleft]", *items, r"\end{tablenotes}"]


def _wrap(text: str, align: str) -> str:
    """A long cell on two lines (a nested tabular: no package needed)."""
    parts = _split(text)
    if parts is None:
        return text
    return rf"\begin{{tabular}}[t]{{@{{}}{align}@{{}}}}{parts[0]}\\{parts[1]}\end{{tabular}}"


_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "_": r"\_",
    "#": r"\#",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"$<$",
    ">": r"$>$",
    "†": r"$^{\dagger}$",
    "×": r"$\times$",
    "²": r"$^2$",
}
#: Patterns set in math after escaping: p<0.01, stars, R-squared, 'a x b', minus signs.
_MATH = (
    (re.compile(r"\bp\$<\$(\d+(?:\.\d+)?)"), r"$p<\1$"),
    (re.compile(r"\*+"), lambda m: "$^{" + m.group() + "}$"),
    (re.compile(r"R-squared"), r"$R^2$"),
    (re.compile(r"\bs\\_i\b"), r"$s_i$"),
    (re.compile(r"(?<=\S) x (?=\S)"), r" $\\times$ "),
    (re.compile(r"(?<![\w.)$])-(?=\d)"), r"$-$"),
)


def latex_text(text: str) -> str:
    """``text`` escaped for LaTeX, with its symbols in math mode."""
    out = "".join(_SPECIALS.get(ch, ch) for ch in text)
    for pattern, replacement in _MATH:
        out = pattern.sub(replacement, out)
    return out
