"""What a flow means: its model, conditions, answers as people type them, triage, and the
engine's own phrases. Plain data and pure functions: no files, no screen, no I/O.

May import only the standard library and itself. Everything else in `chatbot` builds on it.
"""
