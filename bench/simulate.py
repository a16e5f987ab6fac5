"""How many simulated conversations per second the engine runs on one core.

Goal (issue 2): at least 5,000 per second beyond start-up. Start-up (imports and
loading the flow, which builds the shared `transitions` machine) is timed apart.
`simulate` runs each patient on the table read off the flow's machine (`DialogueMachine.step`).
The same patients are then run through a `Conversation` on the machine's trigger path (the
engine's `_FlowEvent`), and on `transitions`' own (`DialogueMachine(flow, stock=True)`: its own
Event and Transition), to show what each way costs: tests hold all three to the same steps.

    python3 bench/simulate.py [--seconds 3] [--flow FILE]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

started = time.perf_counter()
from chatbot.engine import DialogueMachine, dialogue_machine  # noqa: E402
from chatbot.flowfile.loader import load_flow  # noqa: E402
from chatbot.replay.patients import read_patients, simulate  # noqa: E402

PATIENTS = sorted((Path(__file__).resolve().parent.parent / "tests" / "patients").glob("*.yaml"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to measure each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--flow", default=None)
    args = parser.parse_args()
    from folders import own_folders  # bench/, the folder of the script run

    own_folders("simulate")

    flow = load_flow(args.flow)
    dialogue_machine(flow)
    patients = [p for path in PATIENTS for p in read_patients(path, flow)]
    startup = time.perf_counter() - started

    answers = sum(len(simulate(flow, p).asked) for p in patients)

    def rates(machine: DialogueMachine | None) -> list[float]:
        measured = []
        for _ in range(args.rounds):
            done, begin = 0, time.perf_counter()
            while time.perf_counter() - begin < args.seconds:
                for patient in patients:
                    simulate(flow, patient, machine=machine)
                done += len(patients)
            measured.append(done / (time.perf_counter() - begin))
        return measured

    ours = rates(None)
    triggered = rates(dialogue_machine(flow))
    stock = rates(DialogueMachine(flow, stock=True))
    best = max(ours)
    print(f"start-up (imports + flow load + machine): {startup * 1000:.0f} ms")
    print(f"patients: {len(patients)}, {answers / len(patients):.1f} answers per conversation on average")
    print(f"conversations per second (one core): best {best:,.0f}, median {statistics.median(ours):,.0f}")
    print(f"per conversation: {1e6 / best:.0f} µs; per answer: {1e6 * len(patients) / best / answers:.1f} µs")
    print(f"through a conversation on the machine's trigger path: best {max(triggered):,.0f}, "
          f"median {statistics.median(triggered):,.0f} a second")
    print(f"on transitions' own Event and Transition: best {max(stock):,.0f}, median {statistics.median(stock):,.0f} "
          f"a second ({1e6 * len(patients) / max(stock) / answers - 1e6 * len(patients) / best / answers:.1f} µs "
          f"more per answer)")
    print(f"goal 5,000 per second: {'met' if best >= 5000 else 'NOT met'}")


if __name__ == "__main__":
    main()
