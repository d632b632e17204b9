"""The client's network address, for rate limits only, and never stored.

Behind a reverse proxy every request comes from the proxy, and the client's address is
in ``X-Forwarded-For``. That header is written by whoever sends the request, so it is
believed only as far as it was written by a proxy listed in ``TRUSTED_PROXIES``
(addresses or networks; empty by default, so by default the header is ignored): the
list is read from the right (the entry the nearest proxy added) and the first address
that is not a trusted proxy is the client.

Every rate limit (the web forms, the API throttles, the login lockout) names its
counter with :func:`address_key`, a keyed hash of that address, so neither the cache
nor anything else holds the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in trusted_networks())


def client_address(request: HttpRequest) -> str:
    """The address of the client, as far as trusted proxies vouch for it."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    peer = _parse(remote)
    if peer is None or not trusted_networks() or not _trusted(peer):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in (_parse(part) for part in forwarded.split(",")) if hop is not None]
    for hop in reversed(hops):
        if not _trusted(hop):
            return str(hop)
    # Everything in the chain is a trusted proxy: the leftmost is as far as we can see.
    return str(hops[0]) if hops else remote


def address_key(request: HttpRequest, scope: str) -> str:
    """A keyed hash of the client address for ``scope``: a counter name, not an address."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"{scope}|{client_address(request)}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return digest[:40]


def axes_client_address(request: HttpRequest) -> str:
    """django-axes' idea of the client address: the keyed hash, never the address."""
    return "h" + address_key(request, "axes")
