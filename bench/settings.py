"""Production settings for the HTTP benchmarks: the same app, without the per-client throttle (SECURITY.md C5),
which would answer the benchmark's one client 429 after its first few hundred requests a minute."""

from config.settings.prod import *  # noqa: F403

THROTTLE_ENABLED = False
