"""Bitrix24 through members' incoming webhooks: the HTTP client and the `Tracker` on it."""

from bot.adapters.bitrix24.client import BatchResult, Bitrix24Client
from bot.adapters.bitrix24.query import php_query
from bot.adapters.bitrix24.tracker import Bitrix24Tracker

__all__ = ["BatchResult", "Bitrix24Client", "Bitrix24Tracker", "php_query"]
