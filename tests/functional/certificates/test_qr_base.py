"""The print pages warn in red when the QR codes would name this machine or a private network."""
from __future__ import annotations

from datetime import date

import pytest

from lms.certificates.services import jobs
from tests.factories.certificates import issued_diplomas

WARNING = "本机或内网地址"


@pytest.fixture
def issued(registrar, learners):
    batch, (certificate,) = issued_diplomas(registrar, learners(1), issued_on=date(2025, 7, 1))
    return batch, certificate


@pytest.mark.parametrize("base", ["http://localhost", "http://127.0.0.1:5101", "http://[::1]:5000",
                                  "http://192.168.1.20:5000", "http://10.3.0.7", "http://172.20.1.1",
                                  "http://169.254.3.3"])
def test_printing_from_a_local_or_private_address_warns_on_the_batch_and_the_certificate(
        client, login_as, registrar, issued, base):
    batch, certificate = issued
    login_as(registrar)
    page = client.get(f"/certificates/batches/{batch.id}", base_url=base).get_data(as_text=True)
    assert WARNING in page and f"二维码将指向 {base}" in page
    page = client.get(f"/certificates/{certificate.id}", base_url=base).get_data(as_text=True)
    assert WARNING in page and f"二维码将指向 {base}" in page


def test_printing_from_the_public_address_does_not_warn(client, login_as, registrar, issued):
    batch, certificate = issued
    login_as(registrar)
    for url in (f"/certificates/batches/{batch.id}", f"/certificates/{certificate.id}"):
        assert WARNING not in client.get(url, base_url="https://lms.example.gov.cn").get_data(as_text=True)


def test_a_configured_public_base_wins_over_the_address_the_registrar_uses(app, client, login_as, registrar,
                                                                           issued, monkeypatch):
    batch, _certificate = issued
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://lms.example.gov.cn")
    login_as(registrar)
    page = client.get(f"/certificates/batches/{batch.id}", base_url="http://127.0.0.1:5101").get_data(as_text=True)
    assert WARNING not in page


def test_a_print_job_made_with_a_local_base_warns_on_its_page(client, login_as, registrar, issued):
    batch, certificate = issued
    job = jobs.create_render_job(actor=registrar, label=batch.name, batch=batch, certificate_ids=[certificate.id],
                                 base_url="http://127.0.0.1:5101")
    login_as(registrar)
    page = client.get(f"/certificates/jobs/{job.id}", base_url="https://lms.example.gov.cn").get_data(as_text=True)
    assert WARNING in page and "http://127.0.0.1:5101" in page
