"""Scripted conversations for testers: read a script, replay it, say where it went wrong.

A script (docs/replay.md) is the conversation as a tester would write it down:
the answers a person types, what should be asked on the way, and where it must end.
`ScriptReader` reads scripts with every problem positioned; `run_script` replays
one through a driver (the engine, or the Textual UI through `pilot`) and returns a
`ScriptRun` whose failure points at the script's line. Also here: coverage of a flow
by scripts, JUnit reports, recording a session as a script, and simulated patients.

May import the engine, the summary, `chatbot.flowfile` and `chatbot.flow`; never a
screen or the app: `pilot` is handed the app to drive, and is the only module here
that may touch Textual.
"""

from chatbot.replay.drivers import AsyncDriver, Driver, EngineDriver, Seen
from chatbot.replay.runner import Failure, Move, ScriptRun, run_script, run_script_async
from chatbot.replay.script import Action, Expect, Script, ScriptReader, Where, script_files

__all__ = ["Action", "AsyncDriver", "Driver", "EngineDriver", "Expect", "Failure", "Move", "Script", "ScriptReader",
           "ScriptRun", "Seen", "Where", "run_script", "run_script_async", "script_files"]
