"""MetricFlow's query errors told in one line: what was asked, why it cannot be, what exists.

MetricFlow reports a query it cannot resolve as a multi-line report (`Error #1`, `Message:`,
`Suggestions:`, `Query Input:`, `Issue Location:`) whose first line is only "Got error(s) during
query resolution." A reader of `c360 metrics query` needs the message and the suggestions, not
the report's layout nor where in MetricFlow's resolver it was found.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^\s*(Error #\d+|Message|Suggestions|Query Input|Issue Location):\s*$")


def _first_sections(report: str) -> dict[str, list[str]]:
    """Each heading's first section: its lines, stripped, a blank line kept as ''."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in report.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = []  # kept only when it is the heading's first section
            sections.setdefault(heading.group(1), current)
        else:
            current.append(line.strip())
    return sections


def _first_paragraph(lines: list[str]) -> str:
    """The lines up to the first blank one after some text, joined."""
    text = "\n".join(lines).strip()
    return " ".join(text.split("\n\n", 1)[0].split())


def metricflow_message(report: str) -> str:
    """One line for a MetricFlow error: its first message, the input, the suggestions."""
    report = report.strip()
    sections = _first_sections(report)
    message = _first_paragraph(sections.get("Message", []))
    if not message:
        return report.splitlines()[0] if report else "MetricFlow refused the query"
    message = re.sub(r"\s*[^.]*:$", "", message)  # "Common issues are:", its list left out
    # The input's last line is what was not found: the group-by item itself, or, for a filter,
    # the object built from it (below the filter's text and where it was resolved).
    asked = ([line for line in sections.get("Query Input", []) if line] or [""])[-1]
    suggested = ", ".join(
        item.strip("[]',\" ") for item in sections.get("Suggestions", []) if item.strip("[]', ")
    )
    return (
        message
        + (f" (asked: {asked})" if asked else "")
        + (f"; what exists: {suggested}" if suggested else "")
    )
