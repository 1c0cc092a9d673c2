"""The JSON API under /api/ (described in docs/dashboard-openapi.yaml), /metrics and /healthz."""

from __future__ import annotations

import json
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fleet.dashboard.small_counts import MIN_COUNT, suppress_small_counts
from fleet.dashboard.store.alerts import list_alerts
from fleet.dashboard.store.fleet import fleet_page, kiosk_detail, sites_of_kiosk
from fleet.dashboard.store.help import list_help_requests
from fleet.dashboard.store.usage import GROUPINGS, daily_usage
from fleet.dashboard.web.actions import acknowledge, send_command, wait_for_answer
from fleet.dashboard.web.auth import Caller, Permission, authorize
from fleet.dashboard.web.context import DashboardContext
from fleet.dashboard.web.pages import fleet_filter

#: The largest page of kiosks one request may ask for.
MAX_PAGE_SIZE = 1000


def _context(request: Request) -> DashboardContext:
    return request.app.state.context


def _number(request: Request, name: str, default: float, low: float, high: float) -> float:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise HTTPException(400, f"{name} doit être un nombre") from None
    return min(max(value, low), high)


async def kiosks(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    context = _context(request)
    page_size = int(_number(request, "page_size", context.settings.page_size, 1, MAX_PAGE_SIZE))
    wanted = fleet_filter(request.query_params, page_size)
    page = await run_in_threadpool(
        fleet_page,
        context.engine,
        wanted,
        only_site=who.user.only_site,
        stale_content_before=context.settings.stale_content_before(),
    )
    return JSONResponse(
        {
            "total": page.total,
            "page": wanted.page,
            "page_size": wanted.page_size,
            "counts": {status.value: count for status, count in page.counts.items()},
            "kiosks": [row.as_json() for row in page.rows],
        }
    )


async def _site_of(request: Request, who: Caller) -> str | Response:
    """The site of `/api/kiosks/{kiosk_id}...`'s kiosk among those the caller may see, or the answer.

    Ids are unique within a site only: when several sites have the id, the answer is 409 with
    each candidate's address.
    """
    kiosk_id = request.path_params["kiosk_id"]
    sites = await run_in_threadpool(
        sites_of_kiosk, _context(request).engine, kiosk_id, only_site=who.user.only_site
    )
    if not sites:
        raise HTTPException(404, "borne inconnue")
    if len(sites) == 1:
        return sites[0]
    candidates = [
        {"site": site, "kiosk_id": kiosk_id, "url": f"/api/kiosks/{site}/{kiosk_id}"} for site in sites
    ]
    error = f"la borne {kiosk_id} existe sur plusieurs sites : précisez le site"
    return JSONResponse({"error": error, "candidates": candidates}, status_code=409)


async def kiosk(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    return await _kiosk(request, who, request.path_params["site"], request.path_params["kiosk_id"])


async def kiosk_by_id(request: Request) -> Response:
    """`/api/kiosks/{kiosk_id}`: the kiosk when its id is used by one site only (409 otherwise)."""
    who = await authorize(request, Permission.READ)
    site = await _site_of(request, who)
    if isinstance(site, Response):
        return site
    kiosk_id = request.path_params["kiosk_id"]
    response = await _kiosk(request, who, site, kiosk_id)
    response.headers["Content-Location"] = f"/api/kiosks/{site}/{kiosk_id}"
    return response


async def _kiosk(request: Request, who: Caller, site: str, kiosk_id: str) -> Response:
    context = _context(request)
    hours = _number(request, "hours", context.settings.kiosk_history_s / 3600, 0, 24 * 90)
    detail = await run_in_threadpool(
        lambda: kiosk_detail(
            context.engine,
            site,
            kiosk_id,
            since=time.time() - hours * 3600,
            only_site=who.user.only_site,
            stale_content_before=context.settings.stale_content_before(),
        )
    )
    if detail is None:
        raise HTTPException(404, "borne inconnue")
    health = {key: value for key, value in detail.health.items() if key != "devices"}
    return JSONResponse(
        {
            **detail.row.as_json(),
            "health": health,
            "devices": detail.devices,
            "samples": detail.samples,
            "events": detail.events,
            "states": detail.states,
            "commands": detail.commands,
            "alerts": detail.alerts,
        }
    )


async def help_requests(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    hours = _number(request, "hours", 12, 0, 24 * 90)
    open_only = request.query_params.get("open", "false").lower() in ("1", "true", "yes")
    found = await run_in_threadpool(
        lambda: list_help_requests(
            _context(request).engine,
            only_site=who.user.only_site,
            since=time.time() - hours * 3600,
            open_only=open_only,
        )
    )
    return JSONResponse({"help_requests": found})


async def help_request_ack(request: Request) -> Response:
    who = await authorize(request, Permission.ACKNOWLEDGE)
    return JSONResponse(await acknowledge(_context(request), who, request.path_params["request_id"]))


async def kiosk_command(request: Request) -> Response:
    who = await authorize(request, Permission.COMMAND)
    return await _kiosk_command(request, who, request.path_params["site"], request.path_params["kiosk_id"])


async def kiosk_command_by_id(request: Request) -> Response:
    """`/api/kiosks/{kiosk_id}/commands/{name}`: as with the site, when the id is unambiguous."""
    who = await authorize(request, Permission.COMMAND)
    site = await _site_of(request, who)
    if isinstance(site, Response):
        return site
    return await _kiosk_command(request, who, site, request.path_params["kiosk_id"])


async def _kiosk_command(request: Request, who: Caller, site: str, kiosk_id: str) -> Response:
    body = await request.body()
    try:
        arguments: Any = json.loads(body) if body.strip() else {}
    except ValueError:
        raise HTTPException(400, "le corps doit être un objet JSON") from None
    if not isinstance(arguments, dict):
        raise HTTPException(400, "le corps doit être un objet JSON")
    wait_s = _number(request, "wait", 0, 0, 30)
    sent = await send_command(
        _context(request),
        who,
        (site, kiosk_id),
        request.path_params["name"],
        arguments,
        wait_s,
    )
    return JSONResponse(sent, status_code=202 if sent["status"] == "pending" else 200)


async def command_status(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    context = _context(request)
    wait_s = _number(request, "wait", 0, 0, 30)
    found = await wait_for_answer(context, request.path_params["command_id"], wait_s)
    if found is None:
        raise HTTPException(404, "commande inconnue")
    if who.user.only_site and found["site"] != who.user.only_site:
        raise HTTPException(404, "commande inconnue")
    return JSONResponse(found)


async def alerts(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    active_only = request.query_params.get("active", "false").lower() in ("1", "true", "yes")
    found = await run_in_threadpool(
        lambda: list_alerts(_context(request).engine, only_site=who.user.only_site, active_only=active_only)
    )
    return JSONResponse({"alerts": found})


async def usage(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    params = request.query_params
    group_by = params.get("group_by", "procedure")
    if group_by not in GROUPINGS:
        raise HTTPException(400, f"group_by : un de {', '.join(GROUPINGS)}")
    rows = await run_in_threadpool(
        lambda: daily_usage(
            _context(request).engine,
            group_by=group_by,
            first_day=params.get("from"),
            last_day=params.get("to"),
            only_site=who.user.only_site or params.get("site") or None,
        )
    )
    days = [row.as_json() for row in suppress_small_counts(rows)]
    return JSONResponse({"group_by": group_by, "suppressed_below": MIN_COUNT, "days": days})


async def metrics(request: Request) -> Response:
    await authorize(request, Permission.METRICS)
    output = await run_in_threadpool(generate_latest, _context(request).registry)
    return Response(output, media_type=CONTENT_TYPE_LATEST)


async def healthz(request: Request) -> Response:
    """For the service manager and load balancers: no login, nothing about the fleet."""
    ready = _context(request).ingest_ready()
    return JSONResponse({"ok": True, "ingest_subscribed": ready})
