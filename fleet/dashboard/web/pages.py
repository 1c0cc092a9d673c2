"""The HTML pages: login, the fleet, a kiosk, the mediators' help requests, alerts and usage."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from fleet.dashboard.alerts.rules import ALERT_LABEL
from fleet.dashboard.small_counts import MIN_COUNT, suppress_small_counts, usage_totals
from fleet.dashboard.status import PROBLEM_LABEL, STATUS_LABEL, STATUS_LEVEL, Problem, Status
from fleet.dashboard.store.accounts import check_password, close_session, open_session
from fleet.dashboard.store.alerts import list_alerts
from fleet.dashboard.store.fleet import SORT_COLUMNS, FleetFilter, fleet_page, kiosk_detail, kiosk_rows
from fleet.dashboard.store.help import list_help_requests
from fleet.dashboard.store.usage import GROUPINGS, daily_usage
from fleet.dashboard.web import labels
from fleet.dashboard.web.actions import acknowledge, send_command
from fleet.dashboard.web.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Caller,
    LoginThrottle,
    Permission,
    authorize,
    caller,
    may,
    new_login_csrf,
)
from fleet.dashboard.web.charts import Series, bar_chart, legend, line_chart
from fleet.dashboard.web.context import DashboardContext

logger = logging.getLogger(__name__)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals.update(
    STATUS_LABEL=STATUS_LABEL,
    STATUS_LEVEL=STATUS_LEVEL,
    PROBLEM_LABEL=PROBLEM_LABEL,
    ALERT_LABEL=ALERT_LABEL,
    Status=Status,
    Problem=Problem,
    Permission=Permission,
    labels=labels,
    may=may,
)
templates.env.filters.update(
    local_time=labels.local_time, iso_time=labels.iso_time, duration=labels.duration, percent=labels.percent
)


def _context(request: Request) -> DashboardContext:
    return request.app.state.context


def render(
    request: Request, template: str, who: Caller | None, status_code: int = 200, **values: Any
) -> Response:
    response = templates.TemplateResponse(
        request,
        template,
        {"who": who, "csrf_token": who.csrf_token if who else "", "csrf_field": CSRF_FIELD, **values},
        status_code=status_code,
    )
    # The pages show who may do what: never from a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


async def home(request: Request) -> Response:
    who = await run_in_threadpool(caller, request)
    if who is None:
        return RedirectResponse("/connexion", 303)
    return RedirectResponse("/mediation" if who.user.only_site else "/flotte", 303)


def _safe_next(target: str | None) -> str:
    # Only a path of this site: "//evil.example" or "https://..." would send the person away.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def login_form(request: Request, error: str = "", status_code: int = 200) -> Response:
    token = new_login_csrf()
    response = render(
        request,
        "login.html",
        None,
        status_code=status_code,
        login_csrf=token,
        error=error,
        next=_safe_next(request.query_params.get("next")),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_context(request).settings.secure_cookies,
        path="/connexion",
    )
    return response


async def login(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name", ""))[:100]
    password = str(form.get("password", ""))
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or cookie != form.get(CSRF_FIELD):
        return await login_form(request, "La page de connexion a expiré. Recommencez.", 400)
    address = request.client.host if request.client else "?"
    keys = (f"name:{name}", f"address:{address}")
    throttle: LoginThrottle = request.app.state.login_throttle
    if not throttle.allowed(*keys):
        return await login_form(request, "Trop d'essais. Attendez 5 minutes avant de recommencer.", 429)
    context = _context(request)
    user = await run_in_threadpool(check_password, context.engine, name, password)
    if user is None:
        throttle.failed(*keys)
        # Who tried and from where, for the person who watches the logs; never the password.
        logger.warning("failed login for %r from %s", name, address)
        return await login_form(request, "Nom ou mot de passe incorrect.", 400)
    throttle.succeeded(*keys)
    session_cookie, _ = await run_in_threadpool(
        open_session, context.engine, user, context.settings.session_ttl_s
    )
    response = RedirectResponse(_safe_next(str(form.get("next", "/"))), 303)
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie,
        max_age=int(context.settings.session_ttl_s),
        httponly=True,
        samesite="strict",
        secure=context.settings.secure_cookies,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/connexion")
    return response


async def logout(request: Request) -> Response:
    await authorize(request, Permission.READ)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        await run_in_threadpool(close_session, _context(request).engine, cookie)
    response = RedirectResponse("/connexion", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def fleet_filter(params: QueryParams, page_size: int) -> FleetFilter:
    """The table's filters from the query string; a value that means nothing is ignored."""

    def member(kind: type[Status] | type[Problem], value: str | None) -> Any:
        try:
            return kind(value) if value else None
        except ValueError:
            return None

    sort = params.get("sort", "status")
    try:
        page = max(int(params.get("page", "1")), 1)
    except ValueError:
        page = 1
    return FleetFilter(
        site=params.get("site") or None,
        status=member(Status, params.get("status")),
        problem=member(Problem, params.get("problem")),
        version=params.get("version") or None,
        sort=sort if sort in SORT_COLUMNS else "status",
        descending=params.get("order") == "desc",
        page=page,
        page_size=page_size,
    )


def _query(wanted: FleetFilter, **changes: Any) -> str:
    values = {
        "site": wanted.site,
        "status": wanted.status.value if wanted.status else None,
        "problem": wanted.problem.value if wanted.problem else None,
        "version": wanted.version,
        "sort": wanted.sort,
        "order": "desc" if wanted.descending else "asc",
        "page": wanted.page,
    }
    values.update(changes)
    return "?" + urlencode({key: value for key, value in values.items() if value not in (None, "")})


async def fleet(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    context = _context(request)
    wanted = fleet_filter(request.query_params, context.settings.page_size)
    page = await run_in_threadpool(
        fleet_page,
        context.engine,
        wanted,
        only_site=who.user.only_site,
        stale_content_before=context.settings.stale_content_before(),
    )
    pages = max((page.total + wanted.page_size - 1) // wanted.page_size, 1)
    return render(
        request,
        "fleet.html",
        who,
        nav="fleet",
        page=page,
        wanted=wanted,
        pages=pages,
        query=lambda **changes: _query(wanted, **changes),
        sort_columns=[
            ("kiosk_id", "Borne"),
            ("site", "Site"),
            ("status", "État"),
            (None, "Problèmes"),
            ("app_version", "Version"),
            (None, "Contenu vérifié le"),
            ("last_seen_at", "Dernier message"),
        ],
    )


async def kiosk(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    context = _context(request)
    site, kiosk_id = request.path_params["site"], request.path_params["kiosk_id"]
    detail = await run_in_threadpool(
        kiosk_detail,
        context.engine,
        site,
        kiosk_id,
        since=time.time() - context.settings.kiosk_history_s,
        only_site=who.user.only_site,
        stale_content_before=context.settings.stale_content_before(),
    )
    if detail is None:
        raise HTTPException(404, "borne inconnue")
    series = [
        Series("Processeur", [(sample["received_at"], sample["cpu_percent"]) for sample in detail.samples]),
        Series("Mémoire", [(sample["received_at"], sample["memory_percent"]) for sample in detail.samples]),
        Series("Disque", [(sample["received_at"], sample["disk_percent"]) for sample in detail.samples]),
    ]
    hours = context.settings.kiosk_history_s / 3600
    chart = line_chart(
        series,
        title=f"Santé de la borne {kiosk_id} ({site}) sur {hours:.0f} heures",
        description="Utilisation du processeur, de la mémoire et du disque, en pourcentage. "
        "Les valeurs sont aussi dans le tableau qui suit.",
        time_label=labels.local_time,
    )
    highlighted = request.query_params.get("commande")
    return render(
        request,
        "kiosk.html",
        who,
        nav="fleet",
        detail=detail,
        row=detail.row,
        chart=chart,
        hours=hours,
        legend=legend(series),
        recent_samples=detail.samples[-20:][::-1],
        highlighted=highlighted,
        commands=[name for name in labels.COMMAND_LABEL if name != "help_ack"],
    )


async def kiosk_command(request: Request) -> Response:
    who = await authorize(request, Permission.COMMAND)
    form = await request.form()
    site, kiosk_id = request.path_params["site"], request.path_params["kiosk_id"]
    name = str(form.get("name", ""))
    arguments = {"force": True} if name == "restart" and form.get("force") else {}
    context = _context(request)
    sent = await send_command(
        context, who, (site, kiosk_id), name, arguments, context.settings.command_wait_s
    )
    return RedirectResponse(f"/bornes/{site}/{kiosk_id}?commande={sent['command_id']}#commandes", 303)


async def mediation(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    context = _context(request)
    site = who.user.only_site or request.query_params.get("site") or None
    since = time.time() - 12 * 3600
    requests = await run_in_threadpool(
        lambda: list_help_requests(context.engine, only_site=site, since=since)
    )
    site_kiosks = (
        await run_in_threadpool(
            lambda: kiosk_rows(
                context.engine, only_site=site, stale_content_before=context.settings.stale_content_before()
            )
        )
        if site
        else []
    )
    page = await run_in_threadpool(fleet_page, context.engine, FleetFilter(page_size=1))
    return render(
        request,
        "mediation.html",
        who,
        nav="mediation",
        site=site,
        sites=page.sites,
        open_requests=[entry for entry in requests if entry["acknowledged_at"] is None],
        done_requests=[entry for entry in requests if entry["acknowledged_at"] is not None][:20],
        site_kiosks=site_kiosks,
        can_acknowledge=may(who.user, Permission.ACKNOWLEDGE),
    )


async def mediation_acknowledge(request: Request) -> Response:
    who = await authorize(request, Permission.ACKNOWLEDGE)
    try:
        await acknowledge(_context(request), who, request.path_params["request_id"])
    except HTTPException as error:
        if error.status_code != 409:
            raise
    site = request.query_params.get("site")
    return RedirectResponse("/mediation" + (f"?{urlencode({'site': site})}" if site else ""), 303)


async def alerts(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    context = _context(request)
    found = await run_in_threadpool(list_alerts, context.engine, only_site=who.user.only_site, limit=200)
    return render(
        request,
        "alerts.html",
        who,
        nav="alerts",
        active=[alert for alert in found if alert["cleared_at"] is None],
        past=[alert for alert in found if alert["cleared_at"] is not None],
    )


def _day(value: str | None) -> str | None:
    try:
        return dt.date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


async def usage(request: Request) -> Response:
    who = await authorize(request, Permission.READ)
    context = _context(request)
    params = request.query_params
    group_by = params.get("group_by") if params.get("group_by") in GROUPINGS else "procedure"
    today = dt.date.today()
    first_day = _day(params.get("from")) or (today - dt.timedelta(days=29)).isoformat()
    last_day = _day(params.get("to")) or today.isoformat()
    exact = await run_in_threadpool(
        lambda: daily_usage(
            context.engine,
            group_by=group_by,
            first_day=first_day,
            last_day=last_day,
            only_site=who.user.only_site or params.get("site") or None,
        )
    )
    rows = suppress_small_counts(exact)
    per_day: dict[str, int] = {}
    for row in rows:
        per_day[row.day] = per_day.get(row.day, 0) + row.sessions
    chart = bar_chart(
        [(f"{day[8:]}/{day[5:7]}", count) for day, count in per_day.items()],
        title="Sessions par jour",
        description="Nombre de sessions terminées chaque jour de la période, sans les groupes "
        f"de moins de {MIN_COUNT} sessions. Les chiffres sont aussi dans le tableau.",
    )
    return render(
        request,
        "usage.html",
        who,
        nav="usage",
        rows=rows,
        totals=usage_totals(rows),
        min_count=MIN_COUNT,
        chart=chart,
        group_by=group_by,
        first_day=first_day,
        last_day=last_day,
        site=params.get("site") or "",
    )
