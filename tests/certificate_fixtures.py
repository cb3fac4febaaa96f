"""A sample certificate payload shared by the certificate tests."""

from __future__ import annotations

import dataclasses

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trainer.certificates.keys import fingerprint
from trainer.certificates.payload import CertificatePayload, ModuleResult

NAME = "Zoë Łukasiewicz-Ñúñez"


def sample_payload(key: Ed25519PrivateKey, **changes: object) -> CertificatePayload:
    """A fictional contractor's certificate (scores 90 % and 85 %), with fields replaced."""
    base = CertificatePayload(
        certificate_id="C7KX-9M2P-QR4T-V8WZ",
        learner=NAME,
        organisation="Example Agency",
        role="contractor",
        course_id="consent-isnt-consent",
        course_title="When consent isn't consent",
        course_version="1.0.0",
        certificate_title="Recognising Victims Who Appear to Consent",
        modules=(
            ModuleResult("consent-basics", "Consent that isn't", "1.0.0", 90, "a" * 64),
            ModuleResult("contractor-duties", "Contractor duties", "1.2.0", 85, "b" * 64),
        ),
        completed="2025-03-14",
        valid_until="2026-03-14",
        issued="2025-03-15",
        issuer="Example Agency Training Office",
        key_fingerprint=fingerprint(key),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]
