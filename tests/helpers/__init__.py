"""What the tests share: the folders of test data, an independent reading of the triage
rules (`triage_oracle`), Hypothesis strategies for patients (`strategies`), and the
text an app shows (`screen`)."""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
"""tests/: conversations/, patients/, flows/, bad_flows/ and tiny_flow.yaml are here."""
