"""The offline verification page: one static HTML file that checks certificates in a browser.

The page embeds the organisation's published public keys (several, for key rotation), the
token format's limits and preset dictionary, a vendored inflate (pako, see
``trainer/data/VENDORED.md``) and a short script (``trainer/data/verify-page.js``) that
repeats ``payload.decode_token`` and ``verify.verify_token`` rule for rule, with the browser's
own WebCrypto Ed25519. Nothing is fetched: a Content-Security-Policy with ``default-src
'none'`` and hashes of the two inline scripts and the stylesheet forbids any request, and a
token given in the address's fragment (``VERIFY_URL#TRC1.…``) is never sent to a server.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import html
import json
import re
from dataclasses import dataclass
from importlib import resources

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from trainer import __version__

from . import payload as _payload
from .keys import fingerprint, raw_public_bytes
from .verify import MAX_INPUT_BYTES

_PLACEHOLDER = re.compile(r"\{\{([A-Z]+)\}\}")


@dataclass(frozen=True)
class PageKey:
    """A public key the page trusts, with the label shown beside its fingerprint."""

    label: str
    key: Ed25519PublicKey


def _asset(name: str) -> str:
    return (resources.files("trainer") / "data" / name).read_text(encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element (no '<', '>' or '&' characters)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def page_config(keys: list[PageKey]) -> dict[str, object]:
    """What the script is given: keys, limits and the token format's constants."""
    return {
        "prefix": _payload.TOKEN_PREFIX,
        "zdict": _payload.ZDICT.decode("ascii"),
        "limits": {
            "max_token_chars": _payload.MAX_TOKEN_CHARS,
            "max_payload_bytes": _payload.MAX_PAYLOAD_BYTES,
            "signature_bytes": _payload.SIGNATURE_BYTES,
            "payload_format": _payload.PAYLOAD_FORMAT,
            "max_json_depth": _payload.MAX_JSON_DEPTH,
            "max_int_digits": _payload.MAX_NUMBER_DIGITS,
            "max_input_bytes": MAX_INPUT_BYTES,
        },
        "keys": [
            {
                "label": k.label,
                "fingerprint": fingerprint(k.key),
                "raw": _payload.b64url_encode(raw_public_bytes(k.key)),
            }
            for k in keys
        ],
    }


def build_page(keys: list[PageKey], issuer: str, today: _dt.date | None = None) -> str:
    """The whole page as one string. ``keys`` must not be empty."""
    if not keys:
        raise ValueError("the page needs at least one public key")
    css = _asset("verify-page.css")
    pako = _asset("pako_inflate.min.js")
    script = _asset("verify-page.js")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(pako)} {_csp_hash(script)}; "
        f"style-src {_csp_hash(css)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    values = {
        "CSP": html.escape(csp),
        "CSS": css,
        "ISSUER": html.escape(issuer),
        "VERSION": html.escape(__version__),
        "GENERATED": (today or _dt.date.today()).isoformat(),
        "CONFIG": _script_json(page_config(keys)),
        "PAKO": pako,
        "SCRIPT": script,
    }
    # One pass, so text inserted for one placeholder is never scanned for another.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _asset("verify-page.html"))
