"""Issue #13: `trainer verify` on hostile input stays under 2 s and 200 MB, with no traceback.

Each input is built here by code, next to a genuine certificate (the floor: the same command
on a certificate that verifies). Every case runs `trainer verify` in a child process, so the
figure includes start-up and the memory is the child's own peak resident size (VmHWM).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import Row, absolute_target

CHILD = (
    "import sys\n"
    "from trainer.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "print('exit', status)\n"
    # The child's own peak (VmHWM of its exec-ed image): ru_maxrss from wait4 can carry the
    # parent's size over fork/exec on Linux.
    "try:\n"
    "    hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM:')]\n"
    "    print('peak-kb', hwm[0].split()[1])\n"
    "except (OSError, IndexError):\n"
    "    pass\n"
    "sys.exit(0)\n"  # spawn() treats a non-zero exit as a crash; 1 and 2 are expected here
)


def _peak_kb(out: str, fallback: int) -> int:
    """The child's reported VmHWM in KB, else ``fallback`` (ru_maxrss)."""
    for line in out.splitlines():
        if line.startswith("peak-kb "):
            return int(line.split()[1])
    return fallback


def _payload(key: Any) -> Any:
    from trainer.certificates.keys import fingerprint
    from trainer.certificates.payload import CertificatePayload, ModuleResult

    return CertificatePayload(
        certificate_id="C7KX-9M2P-QR4T-V8WZ",
        learner="Alice Genuine",
        organisation="Example Agency",
        role="contractor",
        course_id="consent-isnt-consent",
        course_title="When consent isn't consent",
        course_version="1.0.0",
        certificate_title="Recognising Victims Who Appear to Consent",
        modules=tuple(
            ModuleResult(f"module-{i}", f"Module {i}", "1.0.0", 90, "a" * 64) for i in range(7)
        ),
        completed="2025-03-14",
        valid_until="2999-03-14",
        issued="2025-03-15",
        issuer="Example Agency Training Office",
        key_fingerprint=fingerprint(key),
    )


def _with_content(pdf: bytes, extra: bytes, pages: int = 1) -> bytes:
    """The certificate with ``extra`` appended to its (compressed) content, on ``pages`` pages."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.append(PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        content = page.get_contents()
        assert content is not None
        new = DecodedStreamObject()
        new.set_data(content.get_data() + extra)
        page.replace_contents(new)
        page.compress_content_streams()
    writer.add_metadata({"/Keywords": PdfReader(io.BytesIO(pdf)).metadata["/Keywords"]})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _blank_pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(612, 792)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _nested_pdf(depth: int) -> bytes:
    """A well-formed PDF (with an xref table) whose catalog holds arrays ``depth`` deep."""
    head = b"%PDF-1.4\n"
    obj = b"1 0 obj\n<< /Type /Catalog /X " + b"[" * depth + b"]" * depth + b" >>\nendobj\n"
    xref = b"xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n" % len(head)
    trailer = b"trailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(head) + len(obj)
    )
    return head + obj + xref + trailer


def build_cases(folder: Path, quick: bool) -> tuple[list[str], dict[str, list[str]]]:
    """(argv of the genuine case, {case name: argv}) for `trainer verify`."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from trainer.certificates.keys import public_key_pem
    from trainer.certificates.payload import encode_token
    from trainer.certificates.pdf import render_to_bytes
    from trainer.certificates.verify import sign_payload

    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pub = folder / "public.pem"
    pub.write_text(public_key_pem(key))
    payload = _payload(key)
    _, token = sign_payload(key, payload)
    genuine = render_to_bytes(payload, token)

    def pdf(name: str, data: bytes) -> list[str]:
        path = folder / name
        path.write_bytes(data)
        return ["verify", str(path), "--public-key", str(pub)]

    def raw_token(data: bytes) -> list[str]:
        return ["verify", encode_token(data, key.sign(data)), "--public-key", str(pub)]

    bomb = b"BT /F3+0 1 Tf " + b"(x) Tj " * 900_000 + b"ET"
    cases = {
        "10 KB-class PDF with 900,000 text operators": pdf(
            "bomb.pdf", _with_content(genuine, bomb)
        ),
        "JSON nested 30,000 levels": raw_token(b"[" * 30_000 + b"]" * 30_000),
    }
    if not quick:
        cases.update(
            {
                "6 pages of 900,000 text operators": pdf(
                    "bomb6.pdf", _with_content(genuine, bomb, pages=6)
                ),
                "4,400-digit integer": raw_token(b'{"format":1,"n":' + b"9" * 4_400 + b"}"),
                "20,000 operators under the byte limit": pdf(
                    "ops.pdf", _with_content(genuine, b"T*\n" * 100_000)
                ),
                "3,000 blank pages": pdf("pages.pdf", _blank_pages(3_000)),
                "PDF object nested 200,000 levels": pdf("nested.pdf", _nested_pdf(200_000)),
                "truncated certificate": pdf("cut.pdf", genuine[: len(genuine) // 2]),
            }
        )
    return pdf("genuine.pdf", genuine), cases


def bench_hostile_verify(cfg: Any) -> list[Row]:
    """Slowest and largest `trainer verify` child over the hostile cases, vs a genuine one."""
    from benchmarks.figures import ms, spawn

    tmp: Path = cfg.tmp
    genuine, cases = build_cases(tmp / "hostile", cfg.quick)
    argv = [sys.executable, "-c", CHILD]
    if not cfg.quick:
        spawn([*argv, *genuine], tmp)  # warm the byte-code caches (untimed)
    floor_wall, floor_rss, out = spawn([*argv, *genuine], tmp)
    assert "Verdict: VALID" in out, out
    floor_rss = _peak_kb(out, floor_rss)
    worst = ("", 0.0, 0)
    for name, args in cases.items():
        wall, rss, out = spawn([*argv, *args], tmp)
        rss = _peak_kb(out, rss)
        if "Traceback" in out or "exit 0" in out:
            raise RuntimeError(f"hostile case {name!r} was not refused cleanly:\n{out[-2000:]}")
        if wall > worst[1]:
            worst = (name, wall, max(rss, worst[2]))
        else:
            worst = (worst[0], worst[1], max(rss, worst[2]))
    note = f"{len(cases)} cases, each refused with a message; slowest: {worst[0]}"
    return [
        absolute_target(
            "Hostile certificate input: slowest `trainer verify` (subprocess)",
            ms(worst[1]),
            ms(floor_wall),
            "ms",
            "`trainer verify` on a genuine certificate",
            2000,
            note,
        ),
        absolute_target(
            "Hostile certificate input: peak memory",
            worst[2] / 1024,
            floor_rss / 1024,
            "MB",
            "`trainer verify` on a genuine certificate",
            200,
            "largest peak resident size (VmHWM) of the verify children",
        ),
    ]
