"""Whether a URL's host is this machine or a private network, which phones elsewhere cannot reach."""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

# Loopback, "this host", private (RFC 1918, unique local fc00::/7) and link-local networks.
LOCAL_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    "127.0.0.0/8", "0.0.0.0/32", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
    "::1/128", "::/128", "fc00::/7", "fe80::/10"))


def local_host(url: str) -> str | None:
    """The host of `url` when it is "localhost" or an address in LOCAL_NETWORKS, else None.

    A host name other than localhost is taken as public: whether it resolves inside a private network
    cannot be told from the name, and asking DNS here would make pages wait on the network.
    """
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    if host.rstrip(".").lower() == "localhost":
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return host if any(address in network for network in LOCAL_NETWORKS) else None
