"""Asks outside web sites whether the addresses our pages link to still answer.

The only module of the monitoring app that goes on the network. Polite: at most
`per_host` requests to one host at a time, HEAD first (GET only when HEAD is refused or fails),
redirects followed and reported. Bounded: every address has a deadline of its own, and a
host that has let `give_up_after` requests in a row time out is not asked again in this check,
so a site that accepts connections and never answers costs about one deadline, not the whole
run. The site check asks batch after batch: it passes the same `HostMemory` to every call, so
a host given up stays given up for the run, while a host that answers between two slow
addresses is not. A host is its name and port.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx


logger = logging.getLogger(__name__)

OK = "ok"
REDIRECTED = "redirected"
BROKEN = "broken"
UNREACHABLE = "unreachable"

# HEAD answers that say "ask me with GET" rather than "this address is gone".
_RETRY_WITH_GET = {400, 403, 405, 501}
# The detail of an address not asked because its host stopped answering earlier in the check.
GIVEN_UP = "timeout (host not answering)"
USER_AGENT = "Thesaban site check (+https://github.com/thesaban)"


@dataclass(frozen=True)
class LinkResult:
    url: str
    outcome: str
    status_code: int | None = None
    final_url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class CheckerLimits:
    per_host: int = 2
    total: int = 20
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    # The most one address may cost, whatever it does (slow trickle, endless redirects).
    deadline: float = 20.0
    max_redirects: int = 10
    give_up_after: int = 2


@dataclass
class HostMemory:
    """What one check has learnt about hosts so far: their timeouts in a row.

    Pass the same memory to every `check_links` call of a run: a host given up in one batch
    is not asked again in the next. Any answer resets the count, so a big site with a few slow
    addresses among thousands is never given up, only one that stopped answering.
    """

    timeouts: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    def given_up(self, host: str, limits: CheckerLimits) -> bool:
        return self.timeouts[host] >= limits.give_up_after

    def saw(self, host: str, result: LinkResult) -> None:
        if result.detail == "timeout":
            self.timeouts[host] += 1
        else:
            self.timeouts[host] = 0


def check_links(
    urls: Iterable[str],
    *,
    limits: CheckerLimits | None = None,
    hosts: HostMemory | None = None,
) -> dict[str, LinkResult]:
    """Check each address once; returns a result for every one of them.

    `hosts` carries what earlier calls of the same check learnt (hosts given up); without it,
    this call starts afresh.
    """
    unique = list(dict.fromkeys(urls))
    if not unique:
        return {}
    return asyncio.run(_check_all(unique, limits or CheckerLimits(), hosts or HostMemory()))


async def _check_all(
    urls: list[str], limits: CheckerLimits, memory: HostMemory
) -> dict[str, LinkResult]:
    # Imported here: only the check needs an HTTP client, not every web worker at start.
    import httpx

    host_slots: dict[str, asyncio.Semaphore] = defaultdict(
        lambda: asyncio.Semaphore(limits.per_host)
    )
    total_slots = asyncio.Semaphore(limits.total)
    timeout = httpx.Timeout(
        limits.read_timeout, connect=limits.connect_timeout, pool=limits.deadline
    )
    async with httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        headers={"User-Agent": USER_AGENT},
        # Certificates are checked: a site with a broken certificate is broken for citizens too.
        limits=httpx.Limits(max_connections=limits.total, max_keepalive_connections=limits.total),
    ) as client:

        async def one(url: str) -> LinkResult:
            host = urlsplit(url).netloc.lower()
            async with host_slots[host], total_slots:
                if memory.given_up(host, limits):
                    return LinkResult(url, UNREACHABLE, detail=GIVEN_UP)
                try:
                    result = await asyncio.wait_for(_check_one(client, url), limits.deadline)
                except TimeoutError:
                    result = LinkResult(url, UNREACHABLE, detail="timeout")
                memory.saw(host, result)
                return result

        results = await asyncio.gather(*(one(url) for url in urls))
    return {result.url: result for result in results}


async def _check_one(client: httpx.AsyncClient, url: str) -> LinkResult:
    import httpx

    try:
        response = await client.head(url)
        if response.status_code in _RETRY_WITH_GET or response.status_code >= 500:
            response = await _get(client, url)
    except httpx.TooManyRedirects:
        return LinkResult(url, BROKEN, detail="too many redirects")
    except httpx.TimeoutException:
        return LinkResult(url, UNREACHABLE, detail="timeout")
    except httpx.HTTPError as error:
        # A server that drops HEAD may still answer GET; one try, then give up.
        try:
            response = await _get(client, url)
        except httpx.TimeoutException:
            return LinkResult(url, UNREACHABLE, detail="timeout")
        except httpx.HTTPError:
            return LinkResult(url, UNREACHABLE, detail=_describe(error))
    return _classify(url, response)


async def _get(client: httpx.AsyncClient, url: str) -> httpx.Response:
    # Only the status matters: the body is never read.
    async with client.stream("GET", url) as response:
        return response


def _classify(url: str, response: httpx.Response) -> LinkResult:
    final_url = str(response.url)
    if response.status_code >= 400:
        return LinkResult(url, BROKEN, response.status_code, final_url if response.history else "")
    if response.history:
        return LinkResult(
            url,
            REDIRECTED,
            response.status_code,
            final_url,
            detail=f"{response.history[0].status_code} → {final_url}",
        )
    return LinkResult(url, OK, response.status_code)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]
