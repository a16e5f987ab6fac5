"""The nurse station's tests run on SQLite and on a real PostgreSQL, with the records tests' fixtures.

Those fixtures live in tests/records/conftest.py; they are loaded from there (not copied)
under another module name, so both folders' fixtures stay one.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

RECORDS = Path(__file__).resolve().parents[1] / "records"
sys.path.insert(0, str(RECORDS))
sys.path.insert(0, str(Path(__file__).resolve().parent))
_spec = importlib.util.spec_from_file_location("records_fixtures", RECORDS / "conftest.py")
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

postgres_server = _fixtures.postgres_server
backend = _fixtures.backend
empty_database = _fixtures.empty_database
database = _fixtures.database
flow = _fixtures.flow
cluster = _fixtures.cluster
away_then_back = _fixtures.away_then_back
