"""Which base URLs name this machine or a private network (QR codes there cannot be opened by the public)."""
from __future__ import annotations

import pytest

from lms.core.addresses import local_host

LOCAL = [
    "http://localhost:5000", "http://LOCALHOST", "http://localhost.:5000",
    "http://127.0.0.1:5101", "http://127.255.255.254", "http://[::1]:5000", "http://0.0.0.0:5000",
    "http://10.0.0.1", "http://10.255.255.255",
    "http://172.16.0.1", "http://172.31.255.255",
    "http://192.168.0.1", "http://192.168.255.255:8080",
    "http://169.254.0.1", "http://169.254.255.255",
    "http://[fc00::1]", "http://[fdff:ffff::1]", "http://[fe80::1]", "http://[::ffff:192.168.1.2]",
]
PUBLIC = [
    "https://lms.example.gov.cn", "http://lms-server", "http://localhost-lms.cn", "https://example.com:8443",
    "http://9.255.255.255", "http://11.0.0.1", "http://172.15.255.255", "http://172.32.0.1",
    "http://192.167.255.255", "http://192.169.0.1", "http://169.253.255.255", "http://169.255.0.1",
    "http://128.0.0.1", "http://8.8.8.8", "http://[2001:db8::1]", "http://[fbff::1]", "http://[fec0::1]",
    "http://[::ffff:8.8.8.8]",
]


@pytest.mark.parametrize("url", LOCAL)
def test_loopback_private_and_link_local_addresses_are_local(url):
    assert local_host(url)


@pytest.mark.parametrize("url", PUBLIC)
def test_public_addresses_and_host_names_are_not_local(url):
    assert local_host(url) is None


def test_the_host_is_named_without_port_or_brackets():
    assert local_host("http://127.0.0.1:5101/") == "127.0.0.1"
    assert local_host("http://[::1]:5000") == "::1"


def test_an_empty_or_hostless_url_is_not_judged():
    assert local_host("") is None and local_host("not a url") is None
