"""Demo certificates: whatever the engine allows on the demo county's data, issued by the demo registrar.

Runs last in `flask lms demo`, after the other domains have loaded learners, teaching and results.
It issues each kind to whoever is eligible (diplomas through a batch carried through 验印), then
revokes one certificate and re-issues (补发) another, so every state can be seen. It also draws a
specimen seal (样章) so the documents look like the real thing.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from lms.auth.models import User
from lms.auth.scope import EVERYTHING
from lms.certificates import queries, services
from lms.certificates.eligibility import DecideFn
from lms.certificates.models import Certificate
from lms.certificates.services import assets, batches
from lms.extensions import db

SEAL_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")


@dataclass
class DemoCertificates:
    """What the demo issued."""

    issued: dict[str, int] = field(default_factory=dict)
    revoked: str | None = None
    reissued: str | None = None


def specimen_seal(school_name: str) -> bytes | None:
    """A red round seal PNG with the school's name along the rim and 样章 in the middle (None without the font)."""
    from PIL import Image, ImageDraw, ImageFont

    if not SEAL_FONT.exists():
        return None
    size, red = 600, (200, 30, 30, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, size - 12, size - 12), outline=red, width=16)
    centre = size / 2
    star = [(centre + r * math.sin(math.radians(a)), centre - 20 - r * math.cos(math.radians(a)))
            for a, r in ((i * 36, 80 if i % 2 == 0 else 32) for i in range(10))]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(str(SEAL_FONT), 64, index=2)   # face 2 of the collection: Simplified Chinese
    span = min(250, 22 * len(school_name))
    for i, char in enumerate(school_name):
        angle = -span / 2 + span * (i + 0.5) / len(school_name)
        glyph = Image.new("RGBA", (80, 80), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((40, 40), char, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.BICUBIC)
        x = centre + 215 * math.sin(math.radians(angle)) - 40
        y = centre - 215 * math.cos(math.radians(angle)) - 40
        image.alpha_composite(glyph, (int(x), int(y)))
    small = ImageFont.truetype(str(SEAL_FONT), 56, index=2)
    draw.text((centre, centre + 150), "样章", font=small, fill=red, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def load(*, today: date, decide: DecideFn | None = None) -> DemoCertificates:
    """Issue every kind of certificate the engine allows on the demo data, revoke one, re-issue one.

    `decide` defaults to the graduation audit (lms.certificates.eligibility.decide). Flushes; the caller commits.
    """
    registrar = db.session.scalar(select(User).where(User.role == "registrar").order_by(User.id))
    if assets.current_seal() is None:
        content = specimen_seal(services.school().name)
        if content:
            assets.save_seal(actor=None, content=content)
    result = DemoCertificates()
    issued: list[Certificate] = []
    # The batch is built and submitted three weeks back, so its graduates are those of that day.
    submitted = today - timedelta(days=20)
    graduates = [c.learner.id for c in queries.candidates("diploma", EVERYTHING, as_of=submitted, decide=decide)
                 if c.decision.outcome == "graduate"]
    if graduates:
        batch = batches.create_diploma_batch(actor=registrar, name=f"{today.year}年示例毕业批次", as_of=submitted,
                                             learner_ids=graduates, decide=decide)
        # The demo county has no photos: its registrar chose 无照片打印 (recorded in the batch).
        batches.submit_batch(actor=registrar, batch=batch, submitted_on=submitted, print_without_photo=True)
        batches.record_verification(actor=registrar, batch=batch, verified_on=today - timedelta(days=5),
                                    reference=f"示州教验〔{today.year}〕12号")
        issued += batches.issue_batch(actor=registrar, batch=batch, issued_on=today, decide=decide)
    for kind in ("completion", "study_record"):
        ids = [c.learner.id for c in queries.candidates(kind, EVERYTHING, as_of=today, decide=decide)]
        if ids:
            batch = batches.issue_directly(actor=registrar, kind=kind, learner_ids=ids, issued_on=today, decide=decide)
            issued += [member.certificate for member in batch.members]
    for certificate in issued:
        result.issued[certificate.kind] = result.issued.get(certificate.kind, 0) + 1
    if issued:
        replaced = issued[-1]
        services.reissue_certificate(actor=registrar, certificate=replaced, reason="原证书遗失，本人申请补发",
                                     issued_on=today)
        result.reissued = replaced.number
    if len(issued) > 1:
        wrong = issued[0]
        services.revoke_certificate(actor=registrar, certificate=wrong, reason="发证信息有误，已收回原件",
                                    revoked_on=today)
        result.revoked = wrong.number
    return result
