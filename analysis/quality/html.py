"""The quality report as one self-contained HTML page (no remote scripts or styles)."""

from __future__ import annotations

import html
from datetime import datetime

from analysis.quality.results import QualityReport, RuleResult

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em;
color:#1b1b1b;max-width:80em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5em 0}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f3f3f3}.pass{color:#1a7f37}.fail{color:#b00020;font-weight:bold}
.warn{color:#9a6700;font-weight:bold}.skipped{color:#666}
.banner{padding:.6em 1em;border-radius:4px;margin:1em 0}
.ok{background:#e6f4ea}.bad{background:#fdecea}.synthetic{background:#fff4ce;color:#7a4d00}
code{font-size:.85em}details summary{cursor:pointer}
"""


def _status(r: RuleResult) -> str:
    if r.status == "pass":
        return '<span class="pass">pass</span>'
    if r.status == "skipped":
        return '<span class="skipped">not run</span>'
    if r.severity == "warning":
        return '<span class="warn">warning</span>'
    return (
        '<span class="fail">FAILED</span>'
        if r.status == "fail"
        else '<span class="fail">error</span>'
    )


def _rows(rows: list[dict]) -> str:
    if not rows:
        return ""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(row.get(c, '')))}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    return (
        f"<details><summary>offending rows</summary><table><tr>{head}</tr>{body}</table></details>"
    )


def _table_section(name: str, results: list[RuleResult]) -> str:
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(r.rule)}<br><code>{html.escape(r.description)}</code></td>"
        f"<td>{html.escape(r.column)}</td><td>{html.escape(r.engine)}</td>"
        f"<td>{'blocks' if r.severity == 'error' else 'warns'}</td><td>{_status(r)}</td>"
        f"<td>{r.failures or ''}{_rows(r.rows)}</td></tr>"
        for r in results
    )
    return (
        f"<h2>{html.escape(name)}</h2><table><tr><th>rule</th><th>column</th><th>checked by</th>"
        f"<th>when broken</th><th>status</th><th>offending rows</th></tr>{rows}</table>"
    )


def render(report: QualityReport) -> str:
    """The page: verdict, provenance, then every table's rules with status and rows."""
    if report.candidate_for is not None:
        verdict = "passed: publishable" if report.passed else "FAILED: not published"
    else:
        verdict = "passed" if report.passed else "FAILED"
    banners = [
        f'<div class="banner {"ok" if report.passed else "bad"}">Quality gate {verdict} '
        f"({report.seconds:.1f} s)</div>",
        f"<p>{html.escape(report.provenance.label())}</p>",
    ]
    if report.provenance.synthetic:
        banners.append(
            f'<div class="banner synthetic">{html.escape(report.provenance.warning())}</div>'
        )
    sections = "".join(_table_section(t, rs) for t, rs in report.tables().items())
    title = f"gvc-warehouse quality report: {report.subject()}"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>Generated {datetime.now():%Y-%m-%d %H:%M:%S}.</p>"
        f"{''.join(banners)}{sections}</body></html>\n"
    )
