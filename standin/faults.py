"""Fault injection: the next matching requests fail (429 with Discord's headers, or a server error)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiohttp import web

from .responses import error_response


@dataclass
class Fault:
    """Make the next ``times`` requests matching ``method`` and ``path`` (a regex) fail with ``status``."""

    method: str
    path: str
    status: int
    times: int = 1
    retry_after: float = 0.05
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.hits < self.times and self.method == method and re.search(self.path, path) is not None


def fault_response(fault: Fault) -> web.Response:
    if fault.status == 429:
        resp = error_response(429, 0, "You are being rate limited.", retry_after=fault.retry_after, **{"global": False})
        resp.headers.update(
            {
                "Via": "1.1 google",  # without it, discord.py takes a 429 for a Cloudflare ban and gives up
                "Retry-After": str(fault.retry_after),
                "X-RateLimit-Scope": "user",
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(fault.retry_after),
                "X-RateLimit-Bucket": "stand-in-fault",
            }
        )
        return resp
    return web.Response(status=fault.status, text="stand-in: injected failure", content_type="text/plain")
