"""MetricFlow's query errors told in one line: what was asked, why it cannot be, what exists.

MetricFlow reports a query it cannot resolve as a multi-line report (`Error #1`, `Message:`,
`Suggestions:`, `Query Input:`, `Issue Location:`) whose first line is only "Got error(s) during
query resolution." A reader of `c360 metrics query` or of the metric page needs the message and
the suggestions, not the report's layout nor where in MetricFlow's resolver it was found.
"""

from __future__ import annotations

import re

_SECTION = re.compile(r"^\s*(Error #\d+|Message|Suggestions|Query Input|Issue Location):\s*$")


def _sections(report: str) -> list[tuple[str, list[str]]]:
    """The report's sections in order: (heading, its non-blank lines)."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in report.splitlines():
        heading = _SECTION.match(line)
        if heading:
            sections.append((heading.group(1), []))
        elif line.strip():
            sections[-1][1].append(line.strip())
    return sections


def _first_paragraph(report: str, heading: str) -> str:
    """The first paragraph under the first `heading` section (lines up to a blank line)."""
    lines = report.splitlines()
    for number, line in enumerate(lines):
        match = _SECTION.match(line)
        if match and match.group(1) == heading:
            paragraph = []
            for following in lines[number + 1 :]:
                if _SECTION.match(following) or (paragraph and not following.strip()):
                    break
                if following.strip():
                    paragraph.append(following.strip())
            return " ".join(paragraph)
    return ""


def metricflow_message(report: str) -> str:
    """One line for a MetricFlow error: its first message, the input, the suggestions."""
    report = report.strip()
    message = _first_paragraph(report, "Message")
    if not message:
        return report.splitlines()[0] if report else "MetricFlow refused the query"
    message = re.sub(r"\s*[^.]*:$", "", message)  # "Common issues are:", its list left out
    sections = dict(reversed(_sections(report)))  # the first section of each heading
    # The input's last line is what was not found: the group-by item itself, or, for a filter,
    # the object built from it (below the filter's text and where it was resolved).
    asked = (sections.get("Query Input") or [""])[-1]
    suggested = ", ".join(
        item.strip("[]',\" ") for item in sections.get("Suggestions", []) if item.strip("[]', ")
    )
    return (
        message
        + (f" (asked: {asked})" if asked else "")
        + (f"; what exists: {suggested}" if suggested else "")
    )
