"""Certificates to PDF: the page context from each snapshot, the QR code, and WeasyPrint via lms.core.pdf.

Every page is rendered from the certificate's snapshot (never from live data), so a reprint is
identical to the first print except for the signature key, which is the school's current one.
One document of N pages is much faster than N documents (one font subset), so batches render
many certificates per call; the templates put each certificate on its own page(s).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import current_app, has_request_context, request

from lms.certificates.chunks import TEMPLATE_DIR, document_html, render_pages, template_environment, with_qr_codes
from lms.certificates.models import KIND_LABELS, Certificate
from lms.certificates.numbers import TYPE_CODES
from lms.certificates.services.assets import asset_data_uri
from lms.certificates.signing import SignedFacts, load_private_key, sign_payload
from lms.core.addresses import local_host
from lms.core.privacy import mask_name
from lms.rules import format_hours
from lms.rules.vocab import COURSE_KIND_LABELS, HOUR_CATEGORY_LABELS

__all__ = ["TEMPLATE_DIR", "document_html", "template_environment"]   # the chunk module's, used from here too
_DIGITS = "〇一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1–99 in Chinese numerals as written on certificates: 3 → 三, 12 → 十二, 20 → 二十."""
    if number < 10:
        return _DIGITS[number]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[units] if units else "")


def date_upper(value: date) -> str:
    """A date as printed on diplomas: 2026-07-01 → 二〇二六年七月一日."""
    year = "".join(_DIGITS[int(digit)] for digit in str(value.year))
    return f"{year}年{chinese_numeral(value.month)}月{chinese_numeral(value.day)}日"


def date_cn(value: date | str | None) -> str:
    """2025-03-01 → 2025年3月1日 (plain, without Babel, so the print path needs no request)."""
    if not value:
        return ""
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{value.year}年{value.month}月{value.day}日"


def month_cn(value: str) -> str:
    """2025-03-01 → 2025年3月."""
    parsed = date.fromisoformat(value)
    return f"{parsed.year}年{parsed.month}月"


def hours_text(minutes: int | None) -> str:
    """Minutes as 学时 by the engine's one rounding (480 → "8", 21599 → "359.9"), "—" when unknown."""
    return "—" if minutes is None else format_hours(int(minutes))


def public_base_url() -> str:
    """Base of verification URLs: PUBLIC_BASE_URL, else the request's host, else a local default."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:5000"


def qr_base_warning(base_url: str, *, printed: bool = False) -> str | None:
    """Why QR codes made with `base_url` will not open on a phone elsewhere (Chinese), or None when they will.

    `printed`: the codes are already in a print file (a job's page), rather than about to be made.
    """
    if local_host(base_url) is None:
        return None
    if printed:
        return (f"本打印文件中的二维码指向 {base_url}：这是本机或内网地址，证书持有人和查验单位用手机扫码打不开。"
                "请通过本系统的正式网址登录，回到批次重新打印。")
    return (f"二维码将指向 {base_url}：这是本机或内网地址，证书持有人和查验单位用手机扫码打不开。"
            "请通过本系统的正式网址登录后再打印，或请管理员设置 LMS_PUBLIC_BASE_URL。")


def verify_url(token: str, base_url: str) -> str:
    """The public verification page of a certificate."""
    return f"{base_url.rstrip('/')}/v/{token}"


def signed_facts(certificate: Certificate) -> SignedFacts:
    """What the QR payload states: type, number, masked name, specialty, issue date, school."""
    snapshot = certificate.snapshot
    return SignedFacts(TYPE_CODES[certificate.kind], certificate.number, mask_name(snapshot["name"]),
                       snapshot["specialty"], certificate.issued_on, snapshot["school"]["name"])


def qr_text(certificate: Certificate, *, base_url: str, private_key) -> str:
    """The text of a certificate's QR code: the verification URL, then `#` and the signed payload."""
    return f"{verify_url(certificate.token, base_url)}#{sign_payload(private_key, signed_facts(certificate))}"


def page_data(certificate: Certificate, *, base_url: str, private_key) -> dict[str, Any]:
    """Everything one certificate's page template needs, already formatted, as plain data (no live data, no
    database objects: a helper process renders it), except the QR image: its text is "qr_text", and
    lms.certificates.chunks draws it where the page is rendered."""
    snapshot = certificate.snapshot
    hours = snapshot.get("hours", {})
    return {
        "kind": certificate.kind,
        "title": KIND_LABELS[certificate.kind],
        "number": certificate.number,
        "s": snapshot,
        "issued_upper": date_upper(certificate.issued_on),
        "issued_cn": date_cn(certificate.issued_on),
        "birth_cn": date_cn(snapshot["birth_on"]),
        "from_month": month_cn(snapshot["study_from"]),
        "to_month": month_cn(snapshot["study_to"]),
        "from_cn": date_cn(snapshot["study_from"]),
        "to_cn": date_cn(snapshot["study_to"]),
        "years_upper": chinese_numeral(int(snapshot["programme_years"])),
        "hours": [(HOUR_CATEGORY_LABELS[key], hours_text(hours.get(key, 0))) for key in ("F", "L", "P", "S")],
        "hours_total": hours_text(snapshot.get("hours_total", 0)),
        "courses": [{**course, "kind_label": COURSE_KIND_LABELS[course["kind"]],
                     "planned": hours_text(course.get("planned_minutes")),
                     "assessed": date_cn(course.get("assessed_on")) or "—"} for course in snapshot.get("courses", [])],
        "qr_text": qr_text(certificate, base_url=base_url, private_key=private_key),
        "photo": asset_data_uri(snapshot.get("photo")),
        "seal": asset_data_uri(snapshot.get("seal")),
    }


def page_context(certificate: Certificate, *, base_url: str, private_key) -> dict[str, Any]:
    """page_data with its QR image drawn ("qr"): what the print template gets."""
    return with_qr_codes([page_data(certificate, base_url=base_url, private_key=private_key)])[0]


def render_certificates(certificates: Sequence[Certificate], *, base_url: str) -> bytes:
    """One PDF of these certificates, in the order given."""
    private_key = load_private_key(current_app.config["DATA_DIR"])
    return render_pages([page_data(certificate, base_url=base_url, private_key=private_key)
                         for certificate in certificates])
