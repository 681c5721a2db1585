"""Bot API methods about the bot itself and update delivery: getMe, getUpdates, webhooks."""

from __future__ import annotations

import time

from bot.sandbox.telegram.models import JSON, ApiError, bad_request
from bot.sandbox.telegram.params import Params
from bot.sandbox.telegram.state import Handler, State
from bot.sandbox.telegram.wire import me_json

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


async def get_me(state: State, params: Params) -> JSON:
    """getMe."""
    return me_json(state)


async def get_updates(state: State, params: Params) -> list[JSON]:
    """getUpdates: confirm below `offset`, then long-poll up to `timeout` seconds."""
    if state.webhook is not None:
        raise ApiError(409, WEBHOOK_CONFLICT)
    offset = params.integer("offset")
    if offset:
        state.confirm(offset)
    limit = min(max(params.integer("limit") or 100, 1), 100)
    timeout = max(params.number("timeout", 0.0), 0.0)
    allowed = params.decoded("allowed_updates", "allowed updates")
    if isinstance(allowed, list):
        state.allowed_updates = [str(kind) for kind in allowed] or None
    state.poll_generation += 1
    generation = state.poll_generation
    state.pulse.fire()  # an older pending getUpdates ends with a Conflict, as in Telegram

    def ready() -> bool:
        return state.closing or generation != state.poll_generation or bool(_deliverable(state))

    await state.pulse.wait_until(ready, timeout)
    if generation != state.poll_generation:
        raise ApiError(409, POLL_CONFLICT)
    delivered = _deliverable(state)[:limit]
    at = time.time()
    for update in delivered:
        timing = state.timings.get(update["update_id"])
        if timing is not None and timing.delivered_at is None:
            timing.delivered_at = at
    return delivered


def _deliverable(state: State) -> list[JSON]:
    """Pending updates, dropping those of types `allowed_updates` excludes."""
    if state.allowed_updates:
        allowed = set(state.allowed_updates)
        state.updates = [u for u in state.updates if allowed.intersection(u)]
    return state.updates


async def set_webhook(state: State, params: Params) -> bool:
    """setWebhook (stored only; the emulator does not push updates); empty url deletes it."""
    url = params.string("url") or ""
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    if not url:
        state.webhook = None
        return True
    if not url.startswith(("https://", "http://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    state.webhook = {"url": url, "secret_token": params.string("secret_token")}
    allowed = params.decoded("allowed_updates", "allowed updates")
    if isinstance(allowed, list):
        state.allowed_updates = [str(kind) for kind in allowed] or None
    state.pulse.fire()
    return True


async def delete_webhook(state: State, params: Params) -> bool:
    """deleteWebhook."""
    state.webhook = None
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    return True


async def get_webhook_info(state: State, params: Params) -> JSON:
    """getWebhookInfo."""
    info: JSON = {
        "url": state.webhook["url"] if state.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if state.webhook and state.allowed_updates:
        info["allowed_updates"] = state.allowed_updates
    return info


async def acknowledge(state: State, params: Params) -> bool:
    """close and logOut: nothing to do here."""
    return True


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "close": acknowledge,
    "logOut": acknowledge,
}
