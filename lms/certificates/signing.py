"""The school's Ed25519 key and the signed payload in every certificate's QR code.

The QR code holds the verification URL followed by `#` and a compact signed payload:

    https://lms.example/v/<token>#<base64url(body)>.<base64url(signature)>

`body` is the UTF-8 JSON array [version, type code, number, masked name, specialty, issue date
YYYYMMDD, school name] — nothing more personal than the public page shows, never the ID number.
Phones open the URL (the fragment never reaches the server); `/verify/offline` and
`flask lms verify-qr` check the signature with the public key alone, with no network and no database.

The key pair is generated on first use into DATA_DIR/keys (private key mode 0600, never in the
database or the repository). Back it up with DATA_DIR: without it, new prints get a new key and
printed codes can no longer be checked offline.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PAYLOAD_VERSION = 1
PRIVATE_KEY_FILE = Path("keys") / "certificate-ed25519.pem"
PUBLIC_KEY_FILE = Path("keys") / "certificate-ed25519.pub.pem"
TYPE_BY_CODE = {"1": "毕业证书", "2": "结业证书", "3": "写实性学习证明"}
_PAYLOAD = re.compile(r"([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{86})\s*$")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64encode(data) != text:    # unused low bits set: not what we print, so not accepted either
        raise ValueError("non-canonical base64url")
    return data


def load_private_key(data_dir: str | Path) -> Ed25519PrivateKey:
    """The school's signing key from DATA_DIR/keys, generated (mode 0600) on first use.

    The key is written whole to a file of its own, then linked to its name, which fails if the name
    exists: two processes or threads starting at once end up with the same key, and none ever reads
    a key file still being written.
    """
    path = Path(data_dir) / PRIVATE_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{id(key)}.part")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass   # another process won the race: use its key
        else:
            public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
            public = Path(data_dir) / PUBLIC_KEY_FILE
            public.with_suffix(".part").write_bytes(public_pem)
            os.replace(public.with_suffix(".part"), public)
        finally:
            temporary.unlink()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(source: str | Path | bytes) -> Ed25519PublicKey:
    """A public key from PEM bytes, a PEM file, or the 43-character base64url raw key shown on /verify/public-key."""
    if isinstance(source, Path) or (isinstance(source, str) and Path(source).is_file()):
        source = Path(source).read_bytes()
    if isinstance(source, str):
        source = source.strip()
        if "BEGIN" not in source:
            return Ed25519PublicKey.from_public_bytes(_b64decode(source))
        source = source.encode()
    key = serialization.load_pem_public_key(source)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_key_of_data_dir(data_dir: str | Path) -> Ed25519PublicKey:
    """The school's public key (creating the key pair on first use)."""
    return load_private_key(data_dir).public_key()


def raw_public_key(public_key: Ed25519PublicKey) -> str:
    """The 32-byte public key as base64url (what the offline page embeds)."""
    return _b64encode(public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    """The public key as PEM text."""
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint to compare keys by eye: the first 16 bytes of SHA-256, in groups of 4 hex digits."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class SignedFacts:
    """What a QR payload states about a certificate."""

    type_code: str
    number: str
    masked_name: str
    specialty: str
    issued_on: date
    school: str

    @property
    def type_label(self) -> str:
        return TYPE_BY_CODE.get(self.type_code, "未知类型")


def sign_payload(private_key: Ed25519PrivateKey, facts: SignedFacts) -> str:
    """The compact signed payload `<body>.<signature>` (base64url) for a certificate's QR code."""
    body = json.dumps([PAYLOAD_VERSION, facts.type_code, facts.number, facts.masked_name, facts.specialty,
                       facts.issued_on.strftime("%Y%m%d"), facts.school],
                      ensure_ascii=False, separators=(",", ":")).encode()
    return f"{_b64encode(body)}.{_b64encode(private_key.sign(body))}"


@dataclass(frozen=True)
class OfflineCheck:
    """The result of checking a QR payload with the public key: ok, the facts when ok, and a Chinese message."""

    ok: bool
    message: str
    facts: SignedFacts | None = None


def extract_payload(text: str) -> str | None:
    """The `<body>.<signature>` part of a scanned QR text (a whole URL with #fragment, or the payload alone)."""
    text = (text or "").strip()
    if "#" in text:
        text = text.rsplit("#", 1)[1]
    match = _PAYLOAD.search(text)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def verify_payload(text: str, public_key: Ed25519PublicKey) -> OfflineCheck:
    """Check a scanned QR text against the public key. No network, no database.

    A valid signature proves the school issued a certificate with these facts; it cannot tell
    whether the certificate was revoked later (the online page can).
    """
    payload = extract_payload(text)
    if payload is None:
        return OfflineCheck(False, "不是本系统证书的二维码内容（找不到签名数据）")
    body_text, signature_text = payload.split(".")
    try:
        body, signature = _b64decode(body_text), _b64decode(signature_text)
    except (binascii.Error, ValueError):
        return OfflineCheck(False, "二维码内容已损坏，无法解码")
    try:
        public_key.verify(signature, body)
    except InvalidSignature:
        return OfflineCheck(False, "签名无效：二维码内容被篡改，或不是本校签发的证书")
    try:
        fields = json.loads(body.decode())
        version, type_code, number, masked_name, specialty, issued, school = fields
        issued_on = date(int(issued[:4]), int(issued[4:6]), int(issued[6:8]))
    except (ValueError, TypeError):
        return OfflineCheck(False, "签名有效，但内容格式无法识别（可能需要更新核验程序）")
    if version != PAYLOAD_VERSION:
        return OfflineCheck(False, f"签名有效，但内容版本 {version} 无法识别（可能需要更新核验程序）")
    facts = SignedFacts(str(type_code), number, masked_name, specialty, issued_on, school)
    return OfflineCheck(True, "签名有效：本证书由学校签发，内容未被改动", facts)
