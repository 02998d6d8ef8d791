"""Test-session settings: gdprgraph's cache (the vocabulary index) goes to a temporary folder, not ~/.cache."""
from __future__ import annotations

import os
import tempfile

os.environ.setdefault("GDPRGRAPH_CACHE_DIR", tempfile.mkdtemp(prefix="gdprgraph-test-cache-"))
