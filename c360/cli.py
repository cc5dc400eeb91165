"""The `c360` command line: generate, refresh, serve, audit, sql, status, demo, rollback, soak...

The others: subject (export, erase), check, bench, postgres (start, stop, status, load,
add-login).

It is the composition root: the one place of the core that reaches into the generator, the
Dagster job and the Streamlit app, each imported only by the command that needs it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from c360.settings import Settings

if TYPE_CHECKING:
    from c360.organisation import FoundOrganisation


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    """Write a sample company's CRM and ERP extracts into the landing folder."""
    from ingestion.generator import generate_company

    landing = Path(args.out).resolve() if args.out else settings.landing_dir
    truth = landing.parent / "ground_truth" if args.out else settings.truth_dir
    summary = generate_company(
        landing,
        truth,
        customers=args.customers,
        seed=args.seed,
        start=args.start or dt.datetime.now(dt.UTC).date() - dt.timedelta(days=args.days - 1),
        days=args.days,
        defects=args.defects,
        progress=sys.stderr.isatty(),
    )
    first, last = summary.extract_dates[0], summary.extract_dates[-1]
    _out(
        f"generated {args.customers} customers (seed {args.seed}, defects {args.defects}): "
        f"{summary.files_written} files, "
        f"extracts {first} .. {last}, into {landing}"
    )
    return 0


def cmd_refresh(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest new extracts, build and test the warehouse, publish it; non-zero on failure.

    Nothing new since the last build (no extract file, code or setting): it says so and stops.
    """
    from dagster_project.run_refresh import run_refresh

    summary = run_refresh(settings, force=getattr(args, "force", False))
    if summary.up_to_date:
        _out(
            f"nothing to do: no new extract file and nothing changed since the build of version "
            f"{summary.version}; nothing was built or published ({summary.seconds:.1f} s). "
            "`c360 refresh --force` rebuilds anyway."
        )
        return 0
    _out(
        f"files loaded {summary.files_loaded}, not loaded {summary.files_not_loaded}; "
        f"rows loaded {summary.rows_loaded}, quarantined {summary.rows_quarantined}"
    )
    _out(
        f"checks and tests passed {summary.checks_passed}, warned {len(summary.checks_warned)}, "
        f"failed {len(summary.checks_failed)}"
    )
    for check in summary.checks_warned:
        _out(f"  warning: {check}: {summary.check_reasons.get(check, '')}")
    for check in summary.checks_failed:
        _err(f"  failed: {check}: {summary.check_reasons.get(check, '')}")
    if not summary.success:
        for failure in summary.failures:
            _err(f"  {failure}")
        _err(
            f"refresh FAILED after {summary.seconds:.1f} s (Dagster run {summary.run_id}); "
            "readers keep the previously published version"
        )
        return 1
    _out(f"refresh succeeded in {summary.seconds:.1f} s; published version {summary.version}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Streamlit dashboards on the given port (this machine only until sign-in is set)."""
    from c360.serve_check import serve_problem

    address = getattr(args, "address", None) or settings.serve_address
    problem = serve_problem(settings, address)
    if problem:
        _err(f"c360 serve: {problem}")
        return 2
    from dashboards.server import serve

    settings.export_to_environ()
    signing_in = settings.auth_file.exists()
    _out(
        f"dashboards on http://{address}:{args.port}, "
        + (f"sign-in through {settings.auth_file}" if signing_in else "no sign-in: this machine")
        + " (Ctrl+C to stop)"
    )
    # In this process, not a `streamlit run` child: the server imports what the pages need
    # before it listens, so the first page after a start is not the slow one (dashboards.server).
    return serve(args.port, address, settings.auth_file if signing_in else None)


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    """Print the audit log: sign-ins, pages opened, queries, downloads, erasures."""
    from c360.audit import entries, render

    found = entries(settings, since=args.since, user=args.user.lower() if args.user else None)
    if found:
        _out(render(found))
    return 0


def cmd_sql(args: argparse.Namespace, settings: Settings) -> int:
    """Run one read-only query on the published warehouse and print the result."""
    from c360.query import format_result, run_query

    try:
        columns, rows = run_query(settings, args.query, personal_data=args.personal_data)
    except Exception as exc:  # report any query or connection error as a message, not a trace
        _err(f"query failed: {exc}")
        return 1
    _out(format_result(columns, rows, args.format))
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


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    """Print the published version and time, the last refresh and its checks, freshness, rows."""
    from c360.status import render_status

    _out(render_status(settings))
    return 0


def cmd_rollback(args: argparse.Namespace, settings: Settings) -> int:
    """Point readers back at the previously published version."""
    from c360.publish import rollback
    from c360.refresh_lock import refresh_lock

    with refresh_lock(settings.refresh_lock):  # never in the middle of a publication
        _out(f"current version is now {rollback(settings, skipped=_err).name}")
        if settings.postgres_url:  # PostgreSQL readers follow (c360.postgres_publish)
            from c360.postgres_publish import load_current

            _out(f"PostgreSQL serves version {load_current(settings).version}")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Dry-run one delivery folder: what each file maps to, would load, quarantine and why."""
    from ingestion.check import check_delivery
    from ingestion.check_report import affected_marts, render_json, render_text, source_dependencies
    from ingestion.sources import choose_source

    folder = Path(args.folder)
    if not folder.is_dir():
        _err(f"c360 check: {folder} is not a folder")
        return 2
    try:
        source = choose_source(settings.sources_file, settings.contracts_dir, folder, args)
    except ValueError as exc:
        _err(f"c360 check: {exc}")
        return 2
    # The dry run's own warnings would repeat what the report says.
    logging.getLogger("ingestion").setLevel(logging.ERROR)
    report = check_delivery(folder, source)
    affected = affected_marts(report, source.name, source_dependencies(settings.dbt_project_dir))
    render = render_json if args.format == "json" else render_text
    _out(render(report, affected))
    return 1 if report.rejected else 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Generate the sample company if the landing folder is empty, refresh, serve."""
    has_extracts = settings.landing_dir.is_dir() and any(settings.landing_dir.iterdir())
    if not has_extracts:
        args.out = None
        if cmd_generate(args, settings):
            return 1
    if cmd_refresh(args, settings):
        return 1
    return cmd_serve(args, settings)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    """Measure every refresh stage with baselines; results JSON and docs/benchmarks.md tables."""
    from bench.harness import BenchOptions, render_only, run

    options = BenchOptions(
        customers=args.customers,
        days=args.days,
        seed=args.seed,
        repeat=args.repeat,
        name=args.name,
        dlt=not args.no_dlt,
        dlt_max_customers=args.dlt_max_customers,
    )
    _out(f"results in {render_only(options) if args.render_only else run(options, _err)}")
    return 0


def cmd_soak(args: argparse.Namespace, settings: Settings) -> int:
    """A month of messy days: daily deliveries with damaged files, a refresh each, a rebuild."""
    from bench.soak import SoakOptions, run_soak

    options = SoakOptions(
        customers=args.customers,
        days=args.days,
        seed=args.seed,
        mutations_per_day=args.mutations,
        max_minutes=args.minutes,
        land_days=args.land_days,
    )
    _out(f"results in {run_soak(options, _err)}")
    return 0


def _find_customer(args: argparse.Namespace, settings: Settings) -> FoundOrganisation | None:
    """The organisation `--customer` names, or None after saying why it names none."""
    from c360.organisation import UnknownCustomerError, find_organisation, resolve_customer

    try:
        organisation = resolve_customer(settings, args.customer)
    except UnknownCustomerError as exc:
        _err(f"c360 subject {args.subject_command}: {exc}")
        return None
    return find_organisation(settings, organisation)


def cmd_subject_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write everything c360 holds about one person or customer as JSON (GDPR right of access)."""
    from c360.subject import find_subject
    from c360.subject_export import export_subject, write_export

    if args.customer:
        found = _find_customer(args, settings)
        if found is None:
            return 2
        subject = found.subject
    else:
        subject = find_subject(settings, email=args.email, contact_id=args.contact_id)
    text = write_export(export_subject(settings, subject), Path(args.out) if args.out else None)
    if args.out:
        _out(f"written to {args.out}")
    else:
        _out(text)
    return 0


def _confirmed(args: argparse.Namespace, settings: Settings, found: str) -> int | None:
    """None when the erasure may go ahead; else the exit code (no --yes, or the user said no)."""
    if args.yes:
        return None
    if not sys.stdin.isatty():
        _err(f"c360 subject erase: found {found}; add --yes to erase (this cannot be undone)")
        return 2
    answer = input(f"found {found}; erase them from {settings.home}? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        _err("nothing erased")
        return 1
    return None


def _erase_customer(args: argparse.Namespace, settings: Settings) -> int:
    """`subject erase --customer`: print what the KPIs lose, confirm, erase, rebuild, verify."""
    import getpass
    import json

    from c360.organisation_erase import erase_organisation
    from c360.organisation_kpis import kpi_loss
    from c360.subject_erase import audit_recorder
    from dagster_project.run_refresh import run_refresh

    found = _find_customer(args, settings)
    if found is None:
        return 2
    loss = kpi_loss(settings, found.organisation.customer_key)
    _out(f"customer {found.organisation.customer_key}: what the KPIs lose (rpt_kpi_monthly)")
    for line in loss.lines():
        _out(line)
    _out("rows to remove: " + ", ".join(f"{e} {n}" for e, n in sorted(found.raw_rows.items())))
    subject = found.subject
    what = (
        f"{len(found.organisation.customer_numbers)} ERP customer(s), "
        f"{len(found.organisation.account_ids)} CRM account(s), "
        f"{len(subject.contact_ids)} contact(s), {sum(found.raw_rows.values())} raw row(s)"
    )
    refused = _confirmed(args, settings, what)
    if refused is not None:
        return refused

    def rebuild() -> str:
        summary = run_refresh(settings)
        if not summary.success or not summary.version:
            raise RuntimeError(
                "the rebuild after the erasure failed: the published version still holds the "
                "customer; fix the refresh and run this command again ("
                + "; ".join(summary.failures + summary.checks_failed)
                + ")"
            )
        return summary.version

    erasure = erase_organisation(
        settings, found, loss, rebuild, audit_recorder(), who=args.by or getpass.getuser()
    )
    _out(json.dumps(erasure.summary(), indent=2))
    if erasure.report.traces:
        for trace in erasure.report.traces:
            _err(f"  still found: {trace}")
        _err("erasure INCOMPLETE: the places above still hold the customer")
        return 1
    _out(
        f"erased: nothing of the customer remains under {settings.home}; version "
        f"{erasure.version_published} published without it; its identifiers are in the "
        "erasure ledger"
    )
    return 0


def cmd_subject_erase(args: argparse.Namespace, settings: Settings) -> int:
    """Remove one person, or one customer organisation, from everything under C360_HOME.

    GDPR right to erasure. A person's erasure never changes a revenue figure; a customer's
    removes its revenue, which is printed before confirming, and rebuilds the warehouse.
    """
    import getpass
    import json

    from c360.subject import find_subject

    if args.customer:
        return _erase_customer(args, settings)
    from c360.subject_erase import audit_recorder, erase_subject

    subject = find_subject(settings, email=args.email, contact_id=args.contact_id)
    found = (
        f"{len(subject.contact_ids)} contact id(s), {len(subject.emails)} email(s), "
        f"{len(subject.phones)} phone(s), {len(subject.names)} name(s)"
    )
    refused = _confirmed(args, settings, found)
    if refused is not None:
        return refused
    audit = audit_recorder()
    report = erase_subject(settings, subject, audit, who=args.by or getpass.getuser())
    _out(json.dumps(report.summary(), indent=2))
    if settings.postgres_url:  # PostgreSQL readers get the version erasure rewrote
        from c360.postgres_publish import load_current
        from c360.refresh_lock import refresh_lock

        with refresh_lock(settings.refresh_lock):
            _out(f"PostgreSQL reloaded: serves version {load_current(settings).version}")
    if not report.summary()["revenue_unchanged"]:
        _err("revenue per month changed in the published version: please report this")
    if report.traces:
        for trace in report.traces:
            _err(f"  still found: {trace}")
        _err("erasure INCOMPLETE: the places above still hold the person")
        return 1
    _out(
        f"erased: nothing of the person remains under {settings.home}; revenue per month "
        "unchanged; their email and contact ids are in the erasure ledger"
    )
    return 0


def cmd_postgres_start(args: argparse.Namespace, settings: Settings) -> int:
    """Start the local PostgreSQL server (installing and initialising it when needed)."""
    from c360.postgres_server import DEFAULT_PORT, start

    server = start(Path(args.dir or settings.postgres_dir), args.port or DEFAULT_PORT)
    _out(f"PostgreSQL running, pid {server.pid}, on 127.0.0.1:{server.port}")
    _out(f"turn the publish target on with:\n  export C360_POSTGRES_URL='{server.url}'")
    return 0


def cmd_postgres_stop(args: argparse.Namespace, settings: Settings) -> int:
    """Stop the local PostgreSQL server by its process id."""
    from c360.postgres_server import stop

    _out("PostgreSQL stopped" if stop(Path(args.dir or settings.postgres_dir)) else "not running")
    return 0


def cmd_postgres_status(args: argparse.Namespace, settings: Settings) -> int:
    """Say whether the local server runs, and what the last load into PostgreSQL did."""
    from c360.postgres_publish import render_state
    from c360.postgres_server import running

    server = running(Path(args.dir or settings.postgres_dir))
    where = f"pid {server.pid}, port {server.port}" if server else "not running"
    _out(f"local server       {where}")
    _out(render_state(settings))
    return 0 if server else 3


def cmd_postgres_load(args: argparse.Namespace, settings: Settings) -> int:
    """Load the current published version into PostgreSQL now (C360_POSTGRES_URL)."""
    from c360.postgres_publish import load_current
    from c360.refresh_lock import refresh_lock

    with refresh_lock(settings.refresh_lock):
        loaded = load_current(settings)
    _out(
        f"PostgreSQL serves version {loaded.version}: {loaded.tables} tables, {loaded.rows} rows "
        f"loaded in {loaded.load_seconds:.1f} s, swapped in {loaded.swap_seconds:.2f} s"
    )
    return 0


def cmd_postgres_add_login(args: argparse.Namespace, settings: Settings) -> int:
    """Create a PostgreSQL login with a c360 role's read access; prints its password once."""
    import psycopg

    from c360.postgres_roles import create_login

    if not settings.postgres_url:
        _err("c360 postgres add-login: C360_POSTGRES_URL is not set")
        return 1
    try:
        with psycopg.connect(settings.postgres_url, autocommit=True) as con:
            password = create_login(con, args.login, args.role)
    except psycopg.Error as exc:
        _err(f"c360 postgres add-login: {exc}")
        return 1
    _out(f"login {args.login} (role {args.role}) created; password, shown once: {password}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="c360", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def generation_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--customers", type=int, default=500, help="customers (default 500)")
        p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        p.add_argument(
            "--start",
            type=dt.date.fromisoformat,
            default=None,
            help="date of the first (full) extract, YYYY-MM-DD (default: so that the last "
            "extract is today; give it to get the same files on any day)",
        )
        p.add_argument("--days", type=int, default=30, help="daily extracts (default 30)")
        p.add_argument(
            "--defects",
            choices=["none", "typical", "heavy"],
            default="typical",
            help="defects of real extracts to inject (default typical)",
        )

    gen = sub.add_parser("generate", help=cmd_generate.__doc__)
    generation_options(gen)
    gen.add_argument("--out", help="landing folder to write (default <C360_HOME>/landing)")
    gen.set_defaults(func=cmd_generate)

    refresh = sub.add_parser("refresh", help=cmd_refresh.__doc__)
    refresh.add_argument(
        "--force",
        action="store_true",
        help="build and publish even when nothing is new since the last build",
    )
    refresh.set_defaults(func=cmd_refresh)

    serve = sub.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument(
        "--address",
        help="interface to listen on (default C360_SERVE_ADDRESS, else 127.0.0.1); any other "
        "than loopback needs sign-in (<C360_HOME>/auth.toml, docs/security.md)",
    )
    serve.set_defaults(func=cmd_serve)

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

    check = sub.add_parser("check", help=cmd_check.__doc__)
    check.add_argument("folder", help="a delivery folder (the files of one extract date)")
    check.add_argument("--source", help="crm or erp (default: from the folder's path)")
    check.add_argument(
        "--preset", help="a shipped preset's name or a preset file (default: sources.yml's)"
    )
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.set_defaults(func=cmd_check)

    sub.add_parser("status", help=cmd_status.__doc__).set_defaults(func=cmd_status)
    sub.add_parser("rollback", help=cmd_rollback.__doc__).set_defaults(func=cmd_rollback)

    bench = sub.add_parser("bench", help=cmd_bench.__doc__)
    bench.add_argument("--customers", type=int, nargs="+", default=[10_000])
    bench.add_argument("--days", type=int, default=30, help="daily extracts of the full refresh")
    bench.add_argument("--seed", type=int, default=42)
    bench.add_argument("--repeat", type=int, default=20, help="runs of each dashboard page")
    bench.add_argument("--name", default="refresh", help="results file bench/results/<name>.json")
    bench.add_argument("--no-dlt", action="store_true", help="skip the dlt baseline")
    bench.add_argument(
        "--render-only",
        action="store_true",
        help="only regenerate docs/benchmarks.md from bench/results/<name>.json",
    )
    bench.add_argument(
        "--dlt-max-customers",
        type=int,
        default=1_000,
        help="run the dlt baseline only up to this size (default 1000: it needs ~2 MB a customer)",
    )
    bench.set_defaults(func=cmd_bench)

    soak = sub.add_parser("soak", help=cmd_soak.__doc__)
    soak.add_argument("--customers", type=int, default=1_000, help="customers (default 1000)")
    soak.add_argument("--days", type=int, default=30, help="daily deliveries (default 30)")
    soak.add_argument("--seed", type=int, default=42)
    soak.add_argument("--mutations", type=int, default=2, help="files damaged a day (default 2)")
    soak.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="land no more days once the next would pass this budget (default: all days)",
    )
    soak.add_argument(
        "--land-days",
        type=int,
        default=None,
        help="land only the first N generated days (same company and damage; default all)",
    )
    soak.set_defaults(func=cmd_soak)

    subject = sub.add_parser(
        "subject", help="one person's or customer's data: export it, or erase it"
    )
    subject_commands = subject.add_subparsers(dest="subject_command", required=True)
    for name, func in (("export", cmd_subject_export), ("erase", cmd_subject_erase)):
        command = subject_commands.add_parser(
            name,
            help=func.__doc__.splitlines()[0],
            description=inspect.cleandoc(func.__doc__ or ""),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        who = command.add_mutually_exclusive_group(required=True)
        who.add_argument("--email", help="the person's email (any case)")
        who.add_argument("--contact-id", help="the person's CRM contact id")
        who.add_argument(
            "--customer",
            help="a customer organisation, whole: its customer key (dim_customers), or any of "
            "its ERP customer numbers or CRM account ids (every record of it, and its contacts "
            "as people; erasing it removes its revenue, printed first, and rebuilds)",
        )
        command.set_defaults(func=func)
    subject_commands.choices["export"].add_argument("--out", help="JSON file (default stdout)")
    erase = subject_commands.choices["erase"]
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.add_argument("--by", help="who asks, for the audit log (default: the OS user)")

    postgres = sub.add_parser("postgres", help="the PostgreSQL publish target and its server")
    postgres_commands = postgres.add_subparsers(dest="postgres_command", required=True)
    for name, func in (
        ("start", cmd_postgres_start),
        ("stop", cmd_postgres_stop),
        ("status", cmd_postgres_status),
        ("load", cmd_postgres_load),
        ("add-login", cmd_postgres_add_login),
    ):
        command = postgres_commands.add_parser(name, help=func.__doc__)
        command.set_defaults(func=func)
        if name in ("start", "stop", "status"):
            command.add_argument("--dir", help="cluster folder (default <C360_HOME>/postgres)")
    postgres_commands.choices["start"].add_argument(
        "--port", type=int, help="TCP port on 127.0.0.1 (default 5433)"
    )
    add_login = postgres_commands.choices["add-login"]
    add_login.add_argument("login", help="the PostgreSQL login name to create")
    add_login.add_argument("--role", required=True, help="the c360 role (analyst, admin, ...)")

    demo = sub.add_parser("demo", help=cmd_demo.__doc__)
    generation_options(demo)
    demo.add_argument("--port", type=int, default=8501)
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `c360` console script."""
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return args.func(args, settings)
    except KeyboardInterrupt:
        return 130
    except RuntimeError as exc:  # the product's own errors: a message, no traceback
        _err(f"c360 {args.command}: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
