"""`c360 sql`, `metrics` and `audit`: reading the published warehouse, its catalogue and its log."""

from __future__ import annotations

import argparse
import datetime as dt

from c360.cli.output import err as _err
from c360.cli.output import out as _out
from c360.settings import Settings


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    """Print the audit log: sign-ins, pages opened, queries, downloads, erasures."""
    from c360.audit import entries, render

    found = entries(settings, since=args.since, user=args.user.lower() if args.user else None)
    if found:
        _out(render(found))
    else:  # said on stderr, so that a script reading the entries reads none
        asked = "".join(
            f" {label} {value}"
            for label, value in (("by", args.user), ("since", args.since))
            if value is not None
        )
        _err(f"no audit entries{asked} in {settings.audit_log}")
    return 0


def cmd_sql(args: argparse.Namespace, settings: Settings) -> int:
    """Run one read-only query on the published warehouse and print the result."""
    from c360.query import format_result, run_query, several_statements_note

    try:
        columns, rows = run_query(settings, args.query, personal_data=args.personal_data)
    except Exception as exc:  # report any query or connection error as a message, not a trace
        _err(f"query failed: {exc}")
        return 1
    _out(format_result(columns, rows, args.format))
    note = several_statements_note(args.query)
    if note:  # on stderr: the result on stdout stays the last statement's alone
        _err(f"c360 sql: {note}")
    return 0


def cmd_metrics_list(args: argparse.Namespace, settings: Settings) -> int:
    """List the metric catalogue of the published version: name, owner, grain, description."""
    from c360.metrics import definitions_json, definitions_markdown, list_metrics
    from c360.query import format_result

    definitions = list_metrics(settings)
    if args.format in {"json", "markdown"}:
        _out((definitions_json if args.format == "json" else definitions_markdown)(definitions))
        return 0
    columns = ["metric", "owner", "grain", "formula", "description"]
    rows = [(d.name, d.owner, d.grain, d.formula, d.description) for d in definitions]
    _out(format_result(columns, rows, args.format))
    return 0


def cmd_metrics_query(args: argparse.Namespace, settings: Settings) -> int:
    """Query metrics of the catalogue by time grain and dimensions on the published version."""
    from c360.metrics import MetricQueryError, query_metrics
    from c360.query import format_result

    by = [item.strip() for item in args.by.split(",") if item.strip()]
    try:
        columns, rows = query_metrics(
            settings, args.metrics, by, where=args.where, start=args.start, end=args.end
        )
    except MetricQueryError as exc:
        _err(f"c360 metrics query: {exc}")
        return 1
    _out(format_result(columns, rows, args.format))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add these commands to the `c360` parser."""
    audit = sub.add_parser("audit", help=cmd_audit.__doc__)
    audit.add_argument(
        "--since",
        type=dt.datetime.fromisoformat,
        help="only entries from this UTC date or time on (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
    )
    audit.add_argument("--user", help="only this person's entries (an email or subject)")
    audit.set_defaults(func=cmd_audit)

    sql = sub.add_parser("sql", help=cmd_sql.__doc__)
    sql.add_argument("query")
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.add_argument(
        "--personal-data",
        action="store_true",
        help="read the copy with personal data unmasked (needs read access to serving/restricted)",
    )
    sql.set_defaults(func=cmd_sql)

    metrics = sub.add_parser("metrics", help="the metric catalogue: list it, query a metric")
    metric_commands = metrics.add_subparsers(dest="metrics_command", required=True)
    listing = metric_commands.add_parser("list", help=cmd_metrics_list.__doc__)
    listing.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")
    listing.set_defaults(func=cmd_metrics_list)
    metric_query = metric_commands.add_parser("query", help=cmd_metrics_query.__doc__)
    metric_query.add_argument("metrics", nargs="+", help="metric names (c360 metrics list)")
    metric_query.add_argument(
        "--by",
        default="month",
        help="comma-separated: a time grain (day, week, month, quarter, year) and dimensions, "
        "e.g. month,customer__segment (default month)",
    )
    metric_query.add_argument(
        "--where",
        action="append",
        help="a filter in MetricFlow's syntax, e.g. \"{{ Dimension('customer__segment') }} = "
        "'Enterprise'\" (repeatable)",
    )
    metric_query.add_argument("--start", type=dt.date.fromisoformat, help="first day (ISO)")
    metric_query.add_argument("--end", type=dt.date.fromisoformat, help="last day (ISO)")
    metric_query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    metric_query.set_defaults(func=cmd_metrics_query)
