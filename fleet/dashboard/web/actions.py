"""What the pages and the API both do: acknowledge a help request, send a command and wait for its answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from fleet.dashboard.commands import CommandError, command
from fleet.dashboard.store.help import help_request, mark_acknowledged
from fleet.dashboard.web.auth import Caller
from fleet.dashboard.web.context import DashboardContext


async def send_command(
    context: DashboardContext,
    who: Caller,
    kiosk: tuple[str, str],
    name: str,
    arguments: Mapping[str, Any],
    wait_s: float,
) -> dict[str, Any]:
    """Send the command to the kiosk (site, id), then wait up to `wait_s` for its answer."""
    if context.commands is None:
        raise HTTPException(503, "pas de liaison avec le broker : commande impossible")
    site, kiosk_id = kiosk
    if who.user.only_site and site != who.user.only_site:
        raise HTTPException(404, "borne inconnue")
    try:
        sent = await run_in_threadpool(context.commands.send, site, kiosk_id, name, arguments, who.user.name)
    except CommandError as error:
        raise HTTPException(422 if error.code != "unknown_kiosk" else 404, str(error)) from None
    return await wait_for_answer(context, sent["command_id"], wait_s) or sent


async def wait_for_answer(context: DashboardContext, command_id: str, wait_s: float) -> dict[str, Any] | None:
    """The command once answered, or as it stands after `wait_s` (whichever serve process stored it)."""
    deadline = time.monotonic() + max(0.0, min(wait_s, 30.0))
    while True:
        found = await run_in_threadpool(command, context.engine, command_id)
        if found is None or found["status"] != "pending" or time.monotonic() >= deadline:
            return found
        await asyncio.sleep(0.05)


async def acknowledge(context: DashboardContext, who: Caller, request_id: str) -> dict[str, Any]:
    """Mark the request as answered by this person and tell the kiosk (`help_ack`)."""
    request = await run_in_threadpool(help_request, context.engine, request_id)
    if request is None or (who.user.only_site and request["site"] != who.user.only_site):
        raise HTTPException(404, "demande d'aide inconnue")
    if not await run_in_threadpool(mark_acknowledged, context.engine, request_id, who.user.name, time.time()):
        current = await run_in_threadpool(help_request, context.engine, request_id)
        by = current["acknowledged_by"] if current else "quelqu'un"
        raise HTTPException(409, f"déjà prise en charge par {by}")
    answer = None
    if context.commands is not None:
        try:
            answer = await run_in_threadpool(
                context.commands.send,
                request["site"],
                request["kiosk_id"],
                "help_ack",
                {"request_id": request_id},
                who.user.name,
            )
        except CommandError:
            # The request is answered in the dashboard either way; the kiosk hears of it when it can.
            answer = None
    return {"request": await run_in_threadpool(help_request, context.engine, request_id), "command": answer}
