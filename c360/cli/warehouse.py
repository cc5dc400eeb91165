"""`c360 generate`, `refresh`, `serve`, `demo`, `check`, `status`, `rollback`: the warehouse."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from c360.cli.arguments import AT_LEAST_ONE, AT_LEAST_ZERO, port
from c360.cli.output import err as _err
from c360.cli.output import out as _out
from c360.settings import Settings

if TYPE_CHECKING:
    pass


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


def unread_folder_warnings(settings: Settings) -> list[str]:
    """One line per landing folder not read, saying why.

    A folder that no source reads (`landing/hubspot/`), and a delivery folder of a source still
    waiting for its `_SUCCESS` marker (read once it has it).
    """
    from ingestion.contracts import load_contracts
    from ingestion.landing import folders_not_read, not_read_messages

    landing = settings.landing_dir
    sources = sorted(load_contracts(settings.contracts_dir))
    unread, waiting = folders_not_read(landing, sources)
    return [f"warning: {m}" for m in not_read_messages(landing, sources, unread, waiting)]


def cmd_refresh(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest new extracts, build and test the warehouse, publish it; non-zero on failure.

    Nothing new since the last build (no extract file, code or setting): it says so and stops.
    A landing folder no source reads is named first, whatever the refresh then does.
    """
    from dagster_project.run_refresh import run_refresh

    for warning in unread_folder_warnings(settings):
        _err(warning)
    summary = run_refresh(settings, force=getattr(args, "force", False))
    if summary.up_to_date:
        _out(
            f"nothing to do: no new extract file and nothing changed since the build of version "
            f"{summary.version}; nothing was built or published ({summary.seconds:.1f} s). "
            "`c360 refresh --force` rebuilds anyway."
        )
        return 0
    from c360.serving import what_readers_keep
    from dagster_project.build_plan import FULL, NOTHING  # imports Dagster: only after a run

    _out(
        f"files loaded {summary.files_loaded}, not loaded {summary.files_not_loaded}; "
        f"rows loaded {summary.rows_loaded}, quarantined {summary.rows_quarantined}"
    )
    for warning in summary.file_warnings:
        _out(f"  warning: {warning}")
    built = (
        "every model"
        if summary.build_plan == FULL
        else "no model"
        if summary.build_plan == NOTHING
        else "the models downstream of " + summary.build_plan.replace(",", ", ")
    )
    _out(f"built {built} ({summary.build_plan_reason})")
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
            + what_readers_keep(settings)
        )
        return 1
    _out(f"refresh succeeded in {summary.seconds:.1f} s; published version {summary.version}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Streamlit dashboards on the given port (this machine only until sign-in is set)."""
    from c360.serve_check import listen_problem, serve_problem

    address = getattr(args, "address", None) or settings.serve_address
    problem = serve_problem(settings, address) or listen_problem(address, args.port)
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
    if signing_in:
        _warn_if_the_provider_does_not_answer(settings)
    # In this process, not a `streamlit run` child: the server imports what the pages need
    # before it listens, so the first page after a start is not the slow one (dashboards.server).
    return serve(args.port, address, settings.auth_file if signing_in else None)


def _warn_if_the_provider_does_not_answer(settings: Settings) -> None:
    """Said at start, not refused: the provider may answer before anyone signs in."""
    from c360.sign_in_provider import metadata_url, provider_problem

    url = metadata_url(settings.auth_file)
    problem = provider_problem(url) if url else None
    if problem:
        _err(f"c360 serve: warning: {problem}; nobody can sign in until it answers")


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    """Print the published version and time, the last refresh and its checks, freshness, rows."""
    from c360.status import render_status

    _out(render_status(settings))
    for warning in unread_folder_warnings(settings):
        _err(warning)
    return 0


def cmd_rollback(args: argparse.Namespace, settings: Settings) -> int:
    """Point readers back at the previously published version."""
    from c360.refresh_lock import refresh_lock
    from c360.rollback import rollback

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
    affected = affected_marts(report, source, source_dependencies(settings.dbt_project_dir))
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


def generation_options(p: argparse.ArgumentParser) -> None:
    """The sample company's options, shared by `generate` and `demo`."""
    p.add_argument("--customers", type=AT_LEAST_ONE, default=500, help="customers (default 500)")
    p.add_argument("--seed", type=AT_LEAST_ZERO, default=42, help="random seed (default 42)")
    p.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=None,
        help="date of the first (full) extract, YYYY-MM-DD (default: so that the last "
        "extract is today; give it to get the same files on any day)",
    )
    p.add_argument("--days", type=AT_LEAST_ONE, default=30, help="daily extracts (default 30)")
    p.add_argument(
        "--defects",
        choices=["none", "typical", "heavy"],
        default="typical",
        help="defects of real extracts to inject (default typical)",
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add these commands to the `c360` parser."""
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
    serve.add_argument("--port", type=port, default=8501)
    serve.add_argument(
        "--address",
        help="interface to listen on (default C360_SERVE_ADDRESS, else 127.0.0.1); any other "
        "than loopback needs sign-in (<C360_HOME>/auth.toml, docs/security.md)",
    )
    serve.set_defaults(func=cmd_serve)

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

    demo = sub.add_parser("demo", help=cmd_demo.__doc__)
    generation_options(demo)
    demo.add_argument("--port", type=port, default=8501)
    demo.set_defaults(func=cmd_demo)
