"""The soak's progress lines and the markdown table docs/benchmarks.md shows."""

from __future__ import annotations

from bench.soak_verdicts import HISTORY_SUFFIX


def day_line(d: dict) -> str:
    """One day as a line of the progress output."""
    check = d.get("reconciliation") or {}
    files = ", ".join(f"{k} {v}" for k, v in sorted(check.get("files", {}).items()))
    damaged = ", ".join(f"{m['kind']} {m['file']}" for m in d["mutations"])
    outcome = "ok" if d["success"] else "FAILED " + "; ".join(d["failures"])[:300]
    return (
        f"{d['day']}  {d['wall_s']} s  {d['tree_peak_mb']} MB  {outcome}  "
        f"[{files}]  damaged: {damaged}"
    )


def render(results: dict) -> str:
    """The markdown of docs/benchmarks.md's month-of-messy-days table."""
    lines = [
        "| day | damaged files | refresh | wall s | peak MB (tree) | files loaded / rejected "
        "(cumulative) | rows quarantined (cumulative) | reconciled |",
        "| --- | --- | --- | ---: | ---: | --- | ---: | --- |",
    ]
    for d in results["days"]:
        check = d.get("reconciliation")
        files = check["files"] if check else {}
        reconciled = (
            "-" if not check else "yes" if not (check["unreconciled"] or check["missing"]) else "NO"
        )
        damaged = "<br>".join(f"{m['kind']}: `{m['file']}`" for m in d["mutations"]) or "-"
        outcome = "ok" if d["success"] else "failed: " + "; ".join(d["failures"])[:200]
        lines.append(
            f"| {d['day']} | {damaged} | {outcome} | {d['wall_s']} | {d['tree_peak_mb']} | "
            f"{files.get('loaded', '-')} / {files.get('rejected', '-')} | "
            f"{check['rows_quarantined'] if check else '-'} | {reconciled} |"
        )
    full = results["full_build"]
    marts = results["marts"]
    equal = [t for t, c in marts.items() if not (c["only_incremental"] or c["only_full"])]
    histories = [
        f"{t} ({c['rows']:,} rows vs {c['rows_full']:,})"
        for t, c in marts.items()
        if t not in equal and t.endswith(HISTORY_SUFFIX)
    ]
    by_design = f"; snapshot histories, different by design: {', '.join(histories)}"
    lines += [
        "",
        f"Clean full build of the same landed files: {'succeeded' if full['success'] else 'failed'}"
        f" in {full['wall_s']} s, peak {full['tree_peak_mb']} MB; marts equal to the incremental "
        f"ones: {len(equal)} of {len(marts)}{by_design if histories else ''}.",
    ]
    if results["findings"]:
        lines += ["", "Findings:", *(f"- {f}" for f in results["findings"])]
    return "\n".join(lines)
