"""How long the answer reader takes for one answer, by kind of answer.

The reader runs for every answer `chatbot simulate` gives and for every key typed
into the temperature field (the live "I read this as ..." line), so each call must
stay in microseconds. Each answer below is read many times; the best of the rounds
is printed, in µs of CPU time per call (the process's own time: steadier on a shared machine).

    python3 bench/reader.py [--rounds 5] [--number 20000]
"""

from __future__ import annotations

import argparse
import time
import timeit

from chatbot.flow.answers import read_answer
from chatbot.flowfile.loader import load_flow

ANSWERS = [
    ("feverish", "yes"),
    ("feverish", "no"),
    ("white_count", "not sure"),
    ("danger_signs", "7"),
    ("danger_signs", "1, 3"),
    ("danger_signs", "chest pain"),
    ("temperature", "38.5"),
    ("temperature", "100.4 F"),
    ("temperature", "38,5 grados"),
    ("temperature", "not measured"),
    ("temperature", "I don't have a thermometer"),
    ("temperature", "thirty-eight point five"),
    ("temperature", "treinta y ocho y medio"),
    ("temperature", "37.2 now, 38.6 earlier"),
    ("temperature", "3 8"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--number", type=int, default=20000)
    args = parser.parse_args()
    from folders import own_folders  # bench/, the folder of the script run

    own_folders("reader")
    questions = load_flow().questions
    total = 0.0
    for question_id, typed in ANSWERS:
        question = questions[question_id]

        def read() -> None:
            try:
                read_answer(question, typed)
            except ValueError:
                pass

        best = min(timeit.repeat(read, number=args.number, repeat=args.rounds, timer=time.process_time))
        best = best / args.number * 1e6
        total += best
        print(f"{question_id:>14}  {typed!r:<36} {best:6.2f} µs")
    print(f"{'mean':>14}  {'':<36} {total / len(ANSWERS):6.2f} µs")


if __name__ == "__main__":
    main()
