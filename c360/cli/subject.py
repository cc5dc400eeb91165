"""`c360 subject export|erase`: one person's or one customer organisation's data (GDPR)."""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from c360.cli.arguments import identifier
from c360.cli.output import err as _err
from c360.cli.output import out as _out
from c360.settings import Settings

if TYPE_CHECKING:
    from c360.organisation import FoundOrganisation


def _find_customer(args: argparse.Namespace, settings: Settings) -> FoundOrganisation | None:
    """The organisation `--customer` names, or None after saying why it names none."""
    from c360.organisation import UnknownCustomerError, find_organisation, resolve_customer

    try:
        organisation = resolve_customer(settings, args.customer)
    except UnknownCustomerError as exc:
        _err(f"c360 subject {args.subject_command}: {exc}")
        return None
    return find_organisation(settings, organisation)


def _unpack_landing(settings: Settings, command: str) -> None:
    """Unpack the zip archives delivered under the landing folder, as a refresh would.

    Why: a person's records inside an archive (Salesforce's Data Export is one) are compressed,
    so neither the export nor the erasure of the extracts (`c360.subject_landing`) would see
    them, and a later refresh would unpack and load what the erasure missed. Under the refresh
    lock; while a refresh holds it, that refresh does the unpacking and this says so.
    """
    from c360.refresh_lock import RefreshInProgressError, refresh_lock
    from ingestion.archives import unpack_archives

    if not settings.landing_dir.is_dir():
        return
    try:
        with refresh_lock(settings.refresh_lock):
            for archive in unpack_archives(settings.landing_dir):
                if archive.problem:
                    _err(
                        f"c360 subject {command}: {archive.archive} not unpacked: {archive.problem}"
                    )
    except RefreshInProgressError as exc:
        _err(f"c360 subject {command}: zip archives not searched: {exc}")


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
    _unpack_landing(settings, "export")
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

    _unpack_landing(settings, "erase")
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
    _unpack_landing(settings, "erase")
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


def register(sub: argparse._SubParsersAction) -> None:
    """Add these commands to the `c360` parser."""
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
        who.add_argument("--email", type=identifier, help="the person's email (any case)")
        who.add_argument("--contact-id", type=identifier, help="the person's CRM contact id")
        who.add_argument(
            "--customer",
            type=identifier,
            help="a customer organisation, whole: its customer key (dim_customers), or any of "
            "its ERP customer numbers or CRM account ids (every record of it, and its contacts "
            "as people; erasing it removes its revenue, printed first, and rebuilds)",
        )
        command.set_defaults(func=func)
    subject_commands.choices["export"].add_argument("--out", help="JSON file (default stdout)")
    erase = subject_commands.choices["erase"]
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.add_argument("--by", help="who asks, for the audit log (default: the OS user)")
