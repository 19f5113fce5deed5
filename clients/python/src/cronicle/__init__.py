"""Cronicle's Python client: report job runs and heartbeats, read jobs, runs and alerts.

```python
import cronicle

client = cronicle.Client()          # CRONICLE_URL (required), CRONICLE_API_TOKEN / CRONICLE_PING_KEY
with client.run("nightly_backup"):  # start; end with exit code 0, or a failed end
    do_backup()
```
"""

from ._client import (
    DEFAULT_URL,
    Client,
    Run,
    RunContext,
    default_client_info,
    exception_message,
)
from ._errors import APIError, CronicleError, MonitorUnreachable
from ._version import __version__

__all__ = [
    "APIError",
    "Client",
    "CronicleError",
    "DEFAULT_URL",
    "MonitorUnreachable",
    "Run",
    "RunContext",
    "__version__",
    "default_client_info",
    "exception_message",
]
