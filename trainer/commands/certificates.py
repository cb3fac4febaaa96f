"""``trainer certificates list|show``: the certificates issued, as the records hold them.

``list`` prints one row per certificate (its learner, course, dates and payload hash), filtered
by organisation, learner, course and issue day, as a table, CSV (cells a spreadsheet would run
as a formula neutralised, as in ``trainer records``) or JSON. ``show ID`` prints one in full,
with what its signed token says, and checks that the token matches the recorded payload hash.
Both only read the records.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import re
import sys
from typing import Any

from trainer.commands.common import CommandError, fail, iso_date, open_store
from trainer.records.contract import Records
from trainer.records.errors import StoreError
from trainer.records.store import CertificateRow, LearnerRow
from trainer.records.times import stamp, utc_day
from trainer.safetext import terminal_safe

COLUMNS: tuple[str, ...] = (
    "certificate_id",
    "learner",
    "external_id",
    "organisation",
    "role",
    "course_id",
    "course_version",
    "issued_at",
    "valid_until",
    "status",
    "payload_sha256",
)
TABLE_COLUMNS = ("certificate_id", "learner", "external_id", "organisation", "course_id",
                 "issued_at", "valid_until", "status")  # fmt: skip

MAX_ID_INPUT = 64  # characters of a certificate ID argument looked at
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID = re.compile(rf"^[{_CROCKFORD}]{{4}}(-[{_CROCKFORD}]{{4}}){{3}}$")
_ID_EXAMPLE = "C7KX-9M2P-QR4T-V8WZ"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "certificates",
        help="list the certificates issued, or show one (learner, dates, payload hash)",
        description="The certificates the records hold: 'list' (filtered; table, csv or "
        "json) and 'show ID'. See docs/compliance.md.",
    )
    actions = p.add_subparsers(dest="certificates_action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="one row per certificate issued")
    ls.add_argument("--organisation", metavar="ORG", help="learners of this organisation")
    ls.add_argument("--learner", metavar="NAME|ID", help="a learner's name or external ID")
    ls.add_argument("--course-id", dest="course_id", metavar="ID", help="for this course id")
    ls.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="issued on or after")
    ls.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help="issued on or before")
    ls.add_argument("--format", choices=("table", "csv", "json"), default="table")
    show = actions.add_parser("show", help="one certificate in full, by its ID")
    show.add_argument("id", metavar="ID", help=f"certificate ID, e.g. {_ID_EXAMPLE}")
    show.add_argument("--format", choices=("text", "json"), default="text")
    from trainer.cli import add_common  # nested subcommands need --data-dir/--records too

    for q in (ls, show):
        add_common(q)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    cert_id = None
    if args.certificates_action == "show":
        cert_id = certificate_id_of(args.id)
        if cert_id is None:
            shown = terminal_safe(args.id[:MAX_ID_INPUT]) + ("…" if len(args.id) > 64 else "")
            return fail(CommandError(
                f"'{shown}' is not a certificate ID (four groups of four letters and digits, "
                f"like {_ID_EXAMPLE}, as printed on the certificate)", 2,
            ))  # fmt: skip
    try:
        store = open_store(args, read_only=True)
    except CommandError as exc:
        return fail(exc)
    try:
        with store:
            if cert_id is not None:
                return _show(store, cert_id, args.format)
            return _list(store, args)
    except StoreError as exc:
        return fail(CommandError(str(exc)))


def certificate_id_of(text: str) -> str | None:
    """The certificate ID ``text`` names (case, spaces and the letters Crockford base32 reads
    as digits, O→0, I/L→1, forgiven; dashes optional), or None. Longer input is not read."""
    if len(text) > MAX_ID_INPUT:
        return None
    squeezed = "".join(text.split()).upper().replace("-", "")
    squeezed = squeezed.translate(str.maketrans("OIL", "011"))
    if len(squeezed) != 16:
        return None
    cert_id = "-".join(squeezed[i : i + 4] for i in range(0, 16, 4))
    return cert_id if _ID.match(cert_id) else None


# ------------------------------------------------------------------ list


def certificate_rows(
    store: Records,
    *,
    organisation: str | None = None,
    learner: str | None = None,
    course_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    today: _dt.date | None = None,
) -> list[dict[str, Any]]:
    """Certificates matching every filter, oldest first, one dict per certificate with
    :data:`COLUMNS` as keys. ``since``/``until`` are days, both inclusive."""
    today_text = (today or _dt.datetime.now(_dt.UTC).date()).isoformat()
    learners = {lr.id: lr for lr in store.learners()}
    org = organisation.casefold() if organisation is not None else None
    who = " ".join(learner.split()).casefold() if learner is not None else None
    rows = []
    for cert in store.certificates():
        lr = learners.get(cert.learner_id)
        if org is not None and (lr is None or lr.organisation.casefold() != org):
            continue
        if who is not None and (lr is None or not _is(lr, who, learner or "")):
            continue
        day = utc_day(cert.issued_at).isoformat()
        if course_id is not None and cert.course_id != course_id:
            continue
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        rows.append(_row(cert, lr, today_text))
    return rows


def _is(lr: LearnerRow, name_key: str, given: str) -> bool:
    return " ".join(lr.name.split()).casefold() == name_key or (
        bool(lr.external_id) and lr.external_id.casefold() == given.strip().casefold()
    )


def _row(cert: CertificateRow, lr: LearnerRow | None, today: str) -> dict[str, Any]:
    return {
        "certificate_id": cert.id,
        "learner": lr.name if lr else f"(learner {cert.learner_id} not in the records)",
        "external_id": lr.external_id if lr else "",
        "organisation": lr.organisation if lr else "",
        "role": lr.role if lr else "",
        "course_id": cert.course_id,
        "course_version": cert.course_version,
        "issued_at": stamp(cert.issued_at),
        "valid_until": cert.valid_until,
        "status": "valid" if cert.valid_until >= today else "expired",
        "payload_sha256": cert.payload_sha256,
    }


def _list(store: Records, args: argparse.Namespace) -> int:
    from trainer.export import _aligned, to_csv

    rows = certificate_rows(
        store,
        organisation=args.organisation,
        learner=args.learner,
        course_id=args.course_id,
        since=args.since,
        until=args.until,
    )
    if args.format == "csv":
        sys.stdout.write(to_csv(rows, COLUMNS, terminal=sys.stdout.isatty()))
    elif args.format == "json":
        doc = {"columns": list(COLUMNS), "certificates": rows}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    elif not rows:
        print("no certificates match")
    else:
        print("\n".join(_aligned(TABLE_COLUMNS, rows)))
        print(f"{len(rows)} certificate{'s' * (len(rows) != 1)}")
    return 0


# ------------------------------------------------------------------ show


def _show(store: Records, cert_id: str, fmt: str) -> int:
    from trainer.certificates.payload import PayloadError, decode_token

    cert = store.certificate(cert_id)
    if cert is None:
        return fail(CommandError(f"no certificate {cert_id} in the records ({store.location})"))
    lr = store.get_learner(cert.learner_id)
    row = _row(cert, lr, _dt.datetime.now(_dt.UTC).date().isoformat())
    signed: dict[str, Any] | None = None
    problem = None
    try:
        decoded = decode_token(cert.token)
        signed = decoded.payload.to_dict()
        if hashlib.sha256(decoded.payload_bytes).hexdigest() != cert.payload_sha256:
            problem = "the recorded token does not match the recorded payload hash"
    except PayloadError as exc:
        problem = f"the recorded token cannot be read: {exc}"
    if fmt == "json":
        doc = {**row, "token": cert.token, "signed": signed, "problem": problem}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 1 if problem else 0
    lines = [f"Certificate {cert.id}"]
    label = row["learner"]
    extra = ", ".join(x for x in (row["external_id"], row["organisation"]) if x)
    lines.append(f"  Learner:         {label}" + (f" ({extra})" if extra else ""))
    if signed is not None and lr is not None and signed.get("learner") != lr.name:
        lines.append(f"  Name on it:      {signed.get('learner')} (the learner was renamed since)")
    lines.append(f"  Course:          {cert.course_id} version {cert.course_version}")
    if signed is not None:
        lines.append(f"  Role:            {signed.get('role')}")
        lines.append(f"  Completed:       {signed.get('completed')}")
    lines.append(f"  Issued:          {stamp(cert.issued_at)}")
    lines.append(f"  Valid until:     {cert.valid_until} ({row['status']})")
    for n, module in enumerate((signed or {}).get("modules", []), 1):
        lines.append(
            f"  Module {n}:        {module.get('title')} ({module.get('id')} "
            f"{module.get('version')}): {module.get('score')}%"
        )
    if signed is not None:
        lines.append(f"  Key fingerprint: {signed.get('key_fingerprint')}")
    lines.append(f"  Payload SHA-256: {cert.payload_sha256}")
    lines.append(f"  Token:           {cert.token}")
    for line in lines:
        print(terminal_safe(line))
    if problem:
        print(f"trainer: certificate {cert.id}: {terminal_safe(problem)}", file=sys.stderr)
        return 1
    return 0
