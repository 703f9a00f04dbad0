"""Upward news travels by event, not import (STYLE.md). Sent after commit."""

from django.dispatch import Signal

# Sent with operator_ids: list[int], kinds: list[str] after a transaction that appended ledger entries commits.
ledger_entry_appended = Signal()
