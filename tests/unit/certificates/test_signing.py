"""The signed QR payload: round trip, tampering, another school's key, what it reveals."""
from __future__ import annotations

import threading
from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.certificates.signing import (
    SignedFacts,
    extract_payload,
    load_private_key,
    load_public_key,
    public_key_pem,
    raw_public_key,
    sign_payload,
    verify_payload,
)

FACTS = SignedFacts("1", "520000250001", "王*才", "种植（含园林、林下种植）", date(2025, 7, 1), "示例县中等职业学校")


def test_a_signed_payload_verifies_from_the_whole_qr_text():
    key = Ed25519PrivateKey.generate()
    text = f"https://lms.example/v/abc#{sign_payload(key, FACTS)}"
    result = verify_payload(text, key.public_key())
    assert result.ok and result.facts == FACTS and result.facts.type_label == "毕业证书"


def test_any_changed_character_fails():
    key = Ed25519PrivateKey.generate()
    payload = sign_payload(key, FACTS)
    for position in (0, len(payload) // 3, payload.index(".") - 1, payload.index(".") + 1, len(payload) - 1):
        changed = payload[:position] + ("A" if payload[position] != "A" else "B") + payload[position + 1:]
        assert not verify_payload(changed, key.public_key()).ok


def test_a_payload_signed_by_another_key_fails():
    payload = sign_payload(Ed25519PrivateKey.generate(), FACTS)
    result = verify_payload(payload, Ed25519PrivateKey.generate().public_key())
    assert not result.ok and "签名无效" in result.message


def test_text_that_is_not_a_payload_is_explained():
    result = verify_payload("https://example.com/hello", Ed25519PrivateKey.generate().public_key())
    assert not result.ok and "找不到签名数据" in result.message
    assert extract_payload("") is None


def test_the_payload_is_compact_and_holds_no_id_number():
    payload = sign_payload(Ed25519PrivateKey.generate(), FACTS)
    assert len(payload) < 300
    assert "522327" not in payload


def test_public_keys_load_from_pem_or_the_raw_text_shown_on_the_page():
    public = Ed25519PrivateKey.generate().public_key()
    assert raw_public_key(load_public_key(public_key_pem(public))) == raw_public_key(public)
    assert raw_public_key(load_public_key(raw_public_key(public))) == raw_public_key(public)


def test_workers_creating_the_key_at_the_same_moment_all_get_the_same_whole_key(tmp_path):
    for attempt in range(20):
        data_dir, start, keys, errors = tmp_path / str(attempt), threading.Barrier(6), [], []

        def first_print(start=start, keys=keys, errors=errors, data_dir=data_dir):
            try:
                start.wait()
                keys.append(raw_public_key(load_private_key(data_dir).public_key()))
            except Exception as error:  # reported below: a half-written key file cannot be read
                errors.append(error)

        threads = [threading.Thread(target=first_print) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and len(set(keys)) == 1
        assert sorted(path.name for path in (data_dir / "keys").iterdir()) == [
            "certificate-ed25519.pem", "certificate-ed25519.pub.pem"]
